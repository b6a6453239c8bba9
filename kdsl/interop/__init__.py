"""Kubernetes interop: manifests (YAML, JSON, Lists) to kdsl and back, and a simulation's state as manifests."""

from __future__ import annotations

import attrs

from kdsl.lang.errors import Diagnostic
from kdsl.model.namespaces import SYSTEM_NAMESPACES, LimitRange, Namespace, ResourceQuota
from kdsl.interop.cluster import ClusterExport, for_cluster
from kdsl.interop.emit import emit
from kdsl.interop.export import manifest
from kdsl.interop.imports import read
from kdsl.interop.patch import yaml_text
from kdsl.interop.reader import Doc, read_paths, read_text

__all__ = ["Imported", "from_manifests", "import_manifests", "to_manifests", "dump_manifests", "DEFAULT_CLUSTER",
           "for_cluster", "ClusterExport"]

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


def import_manifests(paths=(), *, text: str | None = None, name: str = "<manifests>",
                     namespace: str | None = None) -> Imported:
    """Read manifest files (or one `text`) into the model and write them as kdsl. `namespace` is kubectl's
    `-n`: where objects that name none go. A namespace used but not among the manifests is declared,
    with a warning (the tutorials create it with `kubectl create namespace`)."""
    docs: list[Doc] = read_text(text, name) if text is not None else read_paths(paths)
    objects, nodes, warnings = [], [], []
    for doc in docs:
        obj, warning = read(doc, namespace)
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
    return Imported(tuple(objects), tuple(nodes), tuple(warnings), emit(objects, nodes, HEADER))


def from_manifests(*paths, text: str | None = None, namespace: str | None = None, cluster: str | None = None):
    """kdsl.from_manifests("app.yaml", "k8s/"): the Scenario those manifests declare, on `cluster` (kdsl
    text with nodes and storage classes; default: DEFAULT_CLUSTER when the manifests declare no nodes)."""
    from kdsl import parse

    imported = import_manifests(paths, text=text, namespace=namespace)
    prefix = cluster if cluster is not None else ("" if imported.nodes else DEFAULT_CLUSTER)
    scenario = parse(prefix + imported.text, "<imported>")
    return attrs.evolve(scenario, warnings=imported.warnings + scenario.warnings)


def to_manifests(scenario) -> list[dict]:
    """Every Kubernetes object of a scenario as a manifest, as kdsl holds it: nodes (with their status),
    then the objects in the scenario's order, kdsl's `dynamic` classes included: what an import reads
    back whole. `for_cluster` is what `kdsl export` writes for `kubectl apply`. The timeline,
    expectations, users and simulated behaviour are not Kubernetes objects and are left out."""
    return [manifest(n) for n in scenario.nodes] + [manifest(o) for o in scenario.objects]


def dump_manifests(manifests, comment: str = "") -> str:
    """Multi-document YAML, each document after `---`, with an optional leading comment."""
    head = "".join(f"# {line}\n".replace("# \n", "#\n") for line in comment.splitlines())
    return head + "".join("---\n" + yaml_text(m)
                          for m in manifests)
