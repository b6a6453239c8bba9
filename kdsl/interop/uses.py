"""A container's `uses` and a workload's `load` as kdsl-only annotations: written by an export, read by an import."""

# Kubernetes has no field for what a container uses, so an export writes it where any tool may keep its own data,
# in annotations under kdsl's prefix, and an import reads them back (import(export(s)) == s):
#   on the pod template (a bare Pod's own metadata):  kdsl.dev/uses: "app: cpu=50m,memory=200Mi; log: cpu=5m"
#   on the workload's metadata:                       kdsl.dev/load: "cpu=2,memory=512Mi"
# One `uses` annotation for all containers, in spec order, rather than one per container: an annotation's name
# part is at most 63 characters (ValidateQualifiedName), and a container's name alone may be 63. An annotation
# an import cannot read whole (a bad quantity, a container the template does not have) stays an annotation.

from __future__ import annotations

import attrs

from kdsl.core import values as v
from kdsl.model.autoscaling import LOAD_ANNOTATION, load_text, resource_text
from kdsl.model.pods import PodTemplate, Resources

USES = "kdsl.dev/uses"
LOAD = LOAD_ANNOTATION
# The kinds a `load` may name (kdsl/model/build/autoscaling.py LOAD_KINDS), as their manifests spell them.
LOAD_KINDS = {("apps/v1", "Deployment"), ("apps/v1", "StatefulSet"), ("apps/v1", "ReplicaSet"),
              ("apps/v1", "DaemonSet"), ("v1", "ReplicationController"), ("batch/v1", "Job"), ("v1", "Pod")}
_CONVERT = {"cpu": v.millicores, "memory": v.byte_count}


_pairs = resource_text


def uses_text(t: PodTemplate) -> str | None:
    """The template's `kdsl.dev/uses` value; None when no container says `uses`."""
    parts = [f"{c.name}: {_pairs((k, x) for k, x in (('cpu', c.uses.cpu), ('memory', c.uses.memory)) if x is not None)}"
             for c in t.init_containers + t.containers if c.uses.cpu is not None or c.uses.memory is not None]
    return "; ".join(parts) or None


def with_uses(annotations: dict, t: PodTemplate) -> dict:
    text = uses_text(t)
    return {**annotations, USES: text} if text is not None else annotations


def with_loads(manifest: dict, obj, loads) -> dict:
    """The manifest of a workload with its load (the last `load` of it, as the simulation takes it) annotated."""
    key = (obj.kind, getattr(obj, "namespace", None), obj.name)
    found = [ld for ld in loads if (ld.kind, ld.namespace, ld.name) == key]
    if not found:
        return manifest
    meta = manifest["metadata"]
    meta["annotations"] = {**meta.get("annotations", {}), LOAD: load_text(found[-1])}
    return manifest


def read_resources(text: str) -> tuple[int | None, int | None] | None:
    """`cpu=50m,memory=200Mi` as (millicores, bytes), a part left out None; None when it is not that form."""
    got: dict[str, int] = {}
    for part in text.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep or key not in _CONVERT or key in got:
            return None
        try:
            got[key] = _CONVERT[key](value.strip())
        except v.BadValue:
            return None
        if got[key] < 0:
            return None
    return (got.get("cpu"), got.get("memory")) if got else None


def read_uses(annotations: tuple, containers) -> tuple[tuple, dict[str, Resources]]:
    """(the annotations without `kdsl.dev/uses`, each container's uses) when the annotation reads whole and names
    only the template's containers, each once; else the annotations as they are and no uses."""
    text = dict(annotations).get(USES)
    if not isinstance(text, str):
        return annotations, {}
    names = {c.name for c in containers}
    uses: dict[str, Resources] = {}
    for part in text.split(";"):
        name, sep, rest = part.partition(":")
        got = read_resources(rest) if sep else None
        if got is None or name.strip() not in names or name.strip() in uses:
            return annotations, {}
        uses[name.strip()] = Resources(cpu=got[0], memory=got[1])
    return tuple((k, x) for k, x in annotations if k != USES), uses


def apply_uses(containers: tuple, uses: dict[str, Resources]) -> tuple:
    return tuple(attrs.evolve(c, uses=uses[c.name]) if c.name in uses else c for c in containers)


def take_load(data: dict) -> tuple[dict, tuple[int, int] | None]:
    """A manifest of a kind a load may name, without its `kdsl.dev/load` annotation, and the load's (cpu, memory)
    in millicores and bytes; the manifest as it is and None when it has none or it does not read whole."""
    meta = data.get("metadata")
    ann = meta.get("annotations") if isinstance(meta, dict) else None
    if (data.get("apiVersion"), data.get("kind")) not in LOAD_KINDS or not isinstance(ann, dict) \
            or not isinstance(ann.get(LOAD), str):
        return data, None
    got = read_resources(ann[LOAD])
    if got is None:
        return data, None
    rest = {k: x for k, x in ann.items() if k != LOAD}
    meta = {k: x for k, x in meta.items() if k != "annotations"} | ({"annotations": rest} if rest else {})
    return {**data, "metadata": meta}, (got[0] or 0, got[1] or 0)
