"""Kubernetes interop: manifests (YAML, JSON, Lists) to kdsl and back, and a simulation's state as manifests."""

from __future__ import annotations

import attrs

from kdsl.core.errors import Diagnostic, KdslError, UsageError
from kdsl.engine.run import parse
from kdsl.lang.parser import parse_document
from kdsl.model.nodes import SYSTEM_NAMESPACES, LimitRange, Namespace, ResourceQuota
from kdsl.interop.cluster import ClusterExport, for_cluster
from kdsl.interop.emit import emit
from kdsl.interop.export import manifest
from kdsl.interop.imports import read_with_load
from kdsl.interop.places import IMPORTED, relocated, relocated_error, source_of
from kdsl.model.scenario import Scenario, ScenarioError
from kdsl.interop.patch import yaml_text
from kdsl.interop.reader import Doc, read_paths, read_text
from kdsl.interop.uses import with_loads
from kdsl.interop.schemas import DEFAULT_VERSION, KUBE_VERSIONS, drop_unknown
from kdsl.interop.validate import check

__all__ = ["Imported", "from_manifests", "import_manifests", "to_manifests", "dump_manifests", "DEFAULT_CLUSTER",
           "for_cluster", "ClusterExport", "KUBE_VERSIONS"]

# The cluster `kdsl run manifests.yaml` simulates on when no --cluster is given (documented in docs/interop.md).
DEFAULT_CLUSTER = """\
cluster default {
  nodes worker count=3 cpu=4 memory=16Gi
  storageclass standard provisioner=dynamic default
}
"""
HEADER = "Imported by `kdsl import`: what kdsl has no words for is kept in `yaml` blocks and `manifest`s."


@attrs.frozen
class Imported:
    """What an import read: model objects and nodes, the warnings, and the kdsl text for them."""

    objects: tuple
    nodes: tuple
    warnings: tuple[Diagnostic, ...]
    text: str
    # (kind, namespace, name) -> (file, line, text) of the document each object was read from
    sources: tuple = ()
    loads: tuple = ()  # the workloads' `kdsl.dev/load` annotations, as `load` statements (kdsl.interop.uses)


def import_manifests(paths=(), *, text: str | None = None, name: str = "<manifests>",
                     namespace: str | None = None, kube_version: str | None = None,
                     field_validation: str = "Strict") -> Imported:
    """Read manifest files (or one `text`) into the model and write them as kdsl. Each document is first
    checked against the OpenAPI schema of Kubernetes `kube_version` (default 1.33), strictly, as the API
    server decodes and validates it: a KdslError, located in the file, for any it would refuse.
    `namespace` is kubectl's `-n`: where objects that name none go. A namespace used but not among the
    manifests is declared, with a warning (the tutorials create it with `kubectl create namespace`).
    `field_validation` is the API's fieldValidation: Strict (kubectl's default) refuses an unknown field, Warn (the
    API server's default for a request that names none) drops it with a warning, Ignore drops it."""
    version = kube_version or DEFAULT_VERSION
    if version not in KUBE_VERSIONS:
        raise UsageError(f"Kubernetes {version}: kdsl reads and writes manifests for Kubernetes "
                         f"{KUBE_VERSIONS[0]} to {KUBE_VERSIONS[-1]} (give it as 1.3x)")
    if text is None and any(isinstance(p, str) and "\n" in p for p in paths):
        raise UsageError("kdsl reads manifests from the files and folders it is given; this argument is manifest "
                         "text, not a path: give it as text=... (kdsl.from_manifests(text=yaml_text))")
    docs: list[Doc] = read_text(text, name) if text is not None else read_paths(paths)
    docs, warnings = drop_unknown(docs, version, field_validation)
    refused = check(docs, version)
    if refused:
        raise KdslError(refused)
    objects, nodes, sources, loads = [], [], [], []
    for doc in docs:
        obj, warning, load = read_with_load(doc, namespace)
        if load is not None:
            loads.append(load)
        sources.append(source_of(obj, doc))
        if warning is not None:
            warnings.append(warning)
        (nodes if obj.kind == "Node" and not hasattr(obj, "manifest_kind") else objects).append(obj)
    declared = {o.name for o in objects if isinstance(o, Namespace)}
    missing = []
    for o in objects:
        ns = getattr(o, "namespace", None)
        # quota and limits are written inside their namespace's block, so even a system namespace is declared
        block = isinstance(o, (ResourceQuota, LimitRange))
        if o.namespaced and ns and ns not in declared and (block or ns not in SYSTEM_NAMESPACES) and ns not in missing:
            missing.append(ns)
    for ns in missing:
        warnings.append(Diagnostic("warning", f"namespace \"{ns}\" is used but not among the manifests; kdsl "
                                              f"declares it (as `kubectl create namespace {ns}` would)",
                                   docs[0].file if docs else name))
    objects = [Namespace(name=ns) for ns in missing] + objects
    return Imported(tuple(objects), tuple(nodes), tuple(warnings), emit(objects, nodes, HEADER, loads),
                    tuple(sources), tuple(loads))


def from_manifests(*paths, text: str | None = None, namespace: str | None = None, cluster: str | None = None,
                   kube_version: str | None = None, field_validation: str = "Strict"):
    """kdsl.from_manifests("app.yaml", "k8s/"): the Scenario those manifests declare, on `cluster` (kdsl
    text with nodes and storage classes, or the Scenario of a cluster file read by kdsl.load, whose includes
    come along; default: DEFAULT_CLUSTER when the manifests declare no nodes), each document checked as
    Kubernetes `kube_version` (default 1.33) would, with `field_validation` as import_manifests takes it."""
    imported = import_manifests(paths, text=text, namespace=namespace, kube_version=kube_version,
                                field_validation=field_validation)
    files = None
    if isinstance(cluster, Scenario):  # read, checked and located in its own file; its includes as they were read
        top = cluster.files[0] if cluster.files else None
        files = {(IMPORTED if f == top else f, target): got for (f, target), got in cluster.includes}
        cluster = cluster.sources[top].text if top in cluster.sources else ""
    prefix = cluster if cluster is not None else ("" if imported.nodes else DEFAULT_CLUSTER)
    if kube_version and isinstance(prefix, str):
        prefix = _versioned(prefix, kube_version)
    sources = dict(imported.sources)
    try:
        scenario = parse(prefix + imported.text, IMPORTED, files=files)
    except ScenarioError as exc:  # e.g. a NodePort the API server refuses: say which document declares it
        raise relocated_error(exc, prefix + imported.text, sources) from None
    warnings = relocated(scenario.warnings, scenario.objects, sources)
    return attrs.evolve(scenario, warnings=imported.warnings + tuple(warnings))


def _versioned(prefix: str, kube_version: str) -> str:
    """The cluster text, of Kubernetes `kube_version` when it declares no cluster or is kdsl's default one: the
    release whose API server checks the manifests is the one simulated, in whose words `kdsl check` refuses (a 1.34
    API server prints a bad value as JSON, a 1.33 one as Go's %#v). A cluster the text declares keeps its version."""
    try:
        stmts = parse_document(prefix, IMPORTED).stmts if prefix.strip() else []
    except KdslError:
        return prefix  # the parse of the whole text says where
    cluster = next((s for s in stmts if s.kind == "cluster"), None)
    if cluster is None:
        return f"cluster default version={kube_version} {{\n}}\n" + prefix
    if prefix == DEFAULT_CLUSTER:
        return DEFAULT_CLUSTER.replace("cluster default {", f"cluster default version={kube_version} {{", 1)
    return prefix


def to_manifests(scenario) -> list[dict]:
    """Every Kubernetes object of a scenario as a manifest, as kdsl holds it: nodes (with their status),
    then the objects in the scenario's order, kdsl's `dynamic` classes included: what an import reads
    back whole. `for_cluster` is what `kdsl export` writes for `kubectl apply`. The timeline,
    expectations, users and simulated behaviour are not Kubernetes objects and are left out."""
    return [manifest(n) for n in scenario.nodes] + [with_loads(manifest(o), o, scenario.loads)
                                                    for o in scenario.objects + scenario.autoscalers]


def dump_manifests(manifests, comment: str = "") -> str:
    """Multi-document YAML, each document after `---`, with an optional leading comment."""
    head = "".join(f"# {line}\n".replace("# \n", "#\n") for line in comment.splitlines())
    return head + "".join("---\n" + yaml_text(m)
                          for m in manifests)
