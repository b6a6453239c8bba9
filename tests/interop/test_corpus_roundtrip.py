"""Every corpus file imports with no error and no silent loss, reads back to the same model through its kdsl
text, and exports manifests that give the original back (apart from documented defaults) and pass
kubernetes-validate in strict mode."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate as kv
import pytest

import kdsl
from kdsl.interop import import_manifests, to_manifests
from kdsl.interop.patch import is_default, named, same
from kdsl.interop.reader import read_paths

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FILES = sorted(p for p in CORPUS.rglob("*.yaml") if p.name != "EXPECTED.yaml")
IDS = [str(p.relative_to(CORPUS)) for p in FILES]
WORKLOADS = ("Deployment", "ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet")


def covers(orig, got, path: str = "") -> list[str]:
    """Where `got` fails to say what `orig` says (a normalised comparison: quantities by value, lists of
    named items by name and in the same order, fields at Kubernetes' default value may be left out)."""
    if isinstance(orig, dict):
        if not isinstance(got, dict):
            return [f"{path}: {got!r}"]
        out = []
        for k, x in orig.items():
            if k not in got:
                if x is not None and not is_default(k, x):
                    out.append(f"{path}.{k} is missing")
                continue
            out += covers(x, got[k], f"{path}.{k}")
        return out
    if isinstance(orig, list) and isinstance(got, list):
        if len(orig) != len(got):
            return [f"{path}: {len(orig)} items, exported {len(got)}"]
        if named(orig) and named(got):
            if [i["name"] for i in orig] != [i.get("name") for i in got]:  # env, ports, containers, volumes ...
                return [f"{path}: {[i['name'] for i in orig]} exported as {[i.get('name') for i in got]}"]
            by_name = {i["name"]: i for i in got}
            return [d for i in orig for d in covers(i, by_name.get(i["name"]), f"{path}[{i['name']}]")]
        return [d for n, (a, b) in enumerate(zip(orig, got)) for d in covers(a, b, f"{path}[{n}]")]
    return [] if same(orig, got) else [f"{path}: {orig!r} exported as {got!r}"]


def test_the_corpus_is_all_there():
    assert len(FILES) == 63
    assert (CORPUS / "SOURCES.md").exists() and (CORPUS / "EXPECTED.yaml").exists()


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_import_is_stable_and_loses_nothing(path):
    imported = import_manifests([path])
    scenario = kdsl.parse(imported.text, str(path))
    key = lambda o: (o.kind, o.key)  # noqa: E731
    assert sorted(scenario.objects, key=key) == sorted(imported.objects, key=key)
    exported = {(m["kind"], m["metadata"].get("namespace"), m["metadata"]["name"]): m for m in to_manifests(scenario)}
    for doc in read_paths([path]):
        d = doc.data
        ns = d["metadata"].get("namespace")
        m = exported.get((d["kind"], ns, d["metadata"]["name"])) or exported.get((d["kind"], "default",
                                                                                  d["metadata"]["name"]))
        assert m is not None, f"{doc.where}: {d['kind']} {d['metadata']['name']} was not exported"
        assert covers(d, m) == [], doc.where
        if d["kind"] in WORKLOADS and "selector" in d["spec"]:  # as written: neither widened nor narrowed
            assert (covers(d["spec"]["selector"], m["spec"]["selector"]),
                    covers(m["spec"]["selector"], d["spec"]["selector"])) == ([], []), doc.where


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_exports_pass_kubernetes_validate_strict(path):
    scenario = kdsl.parse(import_manifests([path]).text, str(path))
    for obj, m in zip(scenario.objects, to_manifests(scenario)[len(scenario.nodes):]):
        if getattr(obj, "manifest_kind", None) and not obj.served:
            continue  # a CRD or a removed API: carried through unchanged, no schema to check against
        kv.validate(m, "1.33", strict=True)


def test_unknown_and_removed_kinds_warn_with_file_document_and_kind():
    imported = import_manifests([CORPUS / "website/application/job/cronjob.yaml"])
    [w] = imported.warnings
    assert w.format().startswith(f"{CORPUS}/website/application/job/cronjob.yaml:1:1: warning: document 1: "
                                 "CronJob batch/v1beta1 is no longer served (removed in Kubernetes 1.25; use "
                                 "batch/v1); kept as a manifest and exported unchanged")
    istio = import_manifests([CORPUS / "microservices-demo/release/istio-manifests.yaml"])
    assert [w.message.split(":")[0] for w in istio.warnings] == [f"document {i}" for i in range(1, 6)]
    assert "VirtualService networking.istio.io/v1alpha3 is not a built-in Kubernetes kind" in istio.warnings[0].message


def test_scheduling_gates_import_as_gate_statements_and_export_as_scheduling_gates():
    path = CORPUS / "website" / "pods" / "pod-with-scheduling-gates.yaml"
    imported = import_manifests([path])
    assert "  gate example.com/foo\n  gate example.com/bar\n" in imported.text
    [pod] = [o for o in imported.objects if o.kind == "Pod"]
    # the manifest has no labels: its yaml says so, where kdsl text alone would give app=<name>
    assert (pod.template.scheduling_gates, pod.yaml) == (("example.com/foo", "example.com/bar"),
                                                         "metadata:\n  labels: null\n")
    assert pod.labels == pod.template.labels == ()
    [manifest] = [m for m in to_manifests(kdsl.parse(imported.text)) if m["kind"] == "Pod"]
    assert manifest["spec"]["schedulingGates"] == [{"name": "example.com/foo"}, {"name": "example.com/bar"}]
