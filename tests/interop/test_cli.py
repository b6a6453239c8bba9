"""`kdsl import`, `kdsl export` and `kdsl run manifests.yaml` from the command line: outputs, located errors
and the warnings for kinds kdsl does not model."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate as kv
import yaml

from kdsl.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SCENE = """\
node n1 cpu=4 memory=8Gi
namespace shop {
  deployment web replicas=2 image=nginx:1.25 port=80
  service web selects app=web ports 80
  secret db { password = "s3cr3t" }
}
at 30s: scale shop/web replicas=3
expect pods shop count=3
"""


def test_bad_yaml_is_a_located_error_with_the_line_and_a_caret(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n labels: {a: b}\n", encoding="utf-8")
    assert main(["import", str(bad)]) == 1
    err = capsys.readouterr().err
    first, line, caret = err.splitlines()[:3]
    assert first.startswith(f"{bad}:5:2: error: not valid YAML: ")
    assert line.strip() == "labels: {a: b}"
    assert caret.strip() == "^" and caret.index("^") == line.index("l")


def test_unknown_kinds_warn_with_file_document_and_kind(tmp_path, capsys):
    f = tmp_path / "mixed.yaml"
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n---\n"
                 "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n", encoding="utf-8")
    assert main(["import", str(f)]) == 0
    out, err = capsys.readouterr()
    assert err.strip() == (f"{f}:6:1: warning: document 2: Widget example.com/v1 is not a built-in Kubernetes kind "
                           "(a custom resource needs its CustomResourceDefinition); kept as a manifest and exported "
                           "unchanged")
    assert 'manifest """' in out and "configmap c" in out


def test_export_to_a_file_for_a_kube_version(tmp_path, capsys):
    src = tmp_path / "shop.kdsl"
    src.write_text(SCENE, encoding="utf-8")
    out = tmp_path / "shop.yaml"
    assert main(["export", str(src), "-o", str(out), "--kube-version", "1.31"]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"# Exported by `kdsl export` from {src}. Left out, as they are not Kubernetes objects: "
                           "the timeline,\n# the expectations, the users and the containers' simulated behaviour.\n"
                           "# Kubernetes 1.31.\n# Left out: the Node, as a cluster has its own; --include-nodes writes "
                           "it (for a KWOK cluster).\n---\n")
    docs = list(yaml.safe_load_all(text))
    assert [(d["kind"], d["metadata"]["name"]) for d in docs] == [
        ("Namespace", "shop"), ("Secret", "db"), ("Service", "web"), ("Deployment", "web")]
    assert docs[1]["data"] == {"password": "czNjcjN0"}
    for d in docs:
        kv.validate(d, "1.31", strict=True)


def test_export_to_a_folder_writes_a_file_per_object(tmp_path, capsys):
    src = tmp_path / "shop.kdsl"
    src.write_text(SCENE, encoding="utf-8")
    folder = tmp_path / "out"
    assert main(["export", str(src), "-o", str(folder)]) == 0
    assert capsys.readouterr().err.strip() == f"wrote 4 manifests to {folder}"
    assert sorted(p.name for p in folder.iterdir()) == [
        "001-namespace-cluster-shop.yaml", "002-secret-shop-db.yaml", "003-service-shop-web.yaml",
        "004-deployment-shop-web.yaml"]
    [d] = yaml.safe_load_all((folder / "004-deployment-shop-web.yaml").read_text(encoding="utf-8"))
    assert (d["kind"], d["spec"]["replicas"]) == ("Deployment", 2)


def test_export_of_a_bad_file_is_a_clear_error(tmp_path, capsys):
    assert main(["export", str(tmp_path / "missing.kdsl")]) == 1
    assert "missing.kdsl: error: cannot read" in capsys.readouterr().err


def test_run_manifests_on_the_default_cluster(capsys):
    assert main(["run", str(CORPUS / "website/controllers/nginx-deployment.yaml"), "--at", "1m"]) == 0
    out = capsys.readouterr().out
    pods = [ln.split() for ln in out.splitlines() if ln.startswith("default") and "nginx-deployment-" in ln]
    assert len(pods) == 3 and all(p[2:4] == ["1/1", "Running"] for p in pods)
    assert sorted(ln.split()[0] for ln in out.splitlines() if ln.startswith("worker-")) == [
        "worker-1", "worker-2", "worker-3"]


def test_run_manifests_on_a_given_cluster(tmp_path, capsys):
    cluster = tmp_path / "cluster.kdsl"
    cluster.write_text("node big cpu=8 memory=32Gi\n", encoding="utf-8")
    assert main(["run", str(CORPUS / "website/controllers/frontend.yaml"), "--cluster", str(cluster),
                 "--at", "1m"]) == 0
    out = capsys.readouterr().out
    pods = [ln.split() for ln in out.splitlines() if ln.startswith("default") and "frontend-" in ln]
    assert len(pods) == 3 and {p[7] for p in pods} == {"big"}
