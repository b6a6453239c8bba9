"""What a kind's registry strategy writes into the metadata of an object it stores: generation, name labels."""

from __future__ import annotations

import attrs

from kdsl.engine.objects import ApiObject

# Kinds whose strategy counts spec changes in metadata.generation: PrepareForCreate sets Generation = 1,
# PrepareForUpdate adds one when the spec changed. Every other kind (Service, ConfigMap, Secret, claims,
# volumes, namespaces, nodes, RBAC, ControllerRevision, HPA ...) leaves it 0, which v1 does not write.
GENERATION = {
    "Pod": "pkg/registry/core/pod/strategy.go (updatePodGeneration)",
    "ReplicationController": "pkg/registry/core/replicationcontroller/strategy.go",
    "Deployment": "pkg/registry/apps/deployment/strategy.go (the spec or the annotations)",
    "ReplicaSet": "pkg/registry/apps/replicaset/strategy.go",
    "StatefulSet": "pkg/registry/apps/statefulset/strategy.go",
    "DaemonSet": "pkg/registry/apps/daemonset/strategy.go",
    "Job": "pkg/registry/batch/job/strategy.go",
    "CronJob": "pkg/registry/batch/cronjob/strategy.go",
    "Ingress": "pkg/registry/networking/ingress/strategy.go",
    "IngressClass": "pkg/registry/networking/ingressclass/strategy.go",
    "NetworkPolicy": "pkg/registry/networking/networkpolicy/strategy.go",
    "PodDisruptionBudget": "pkg/registry/policy/poddisruptionbudget/strategy.go",
    "EndpointSlice": "pkg/registry/discovery/endpointslice/strategy.go (anything but metadata, or the labels)",
}
# SetDefaults_Namespace (pkg/apis/core/v1/defaults.go) and the namespace strategy's Canonicalize label every
# namespace with its own name, so a namespaceSelector can pick one namespace.
NAME_LABEL = "kubernetes.io/metadata.name"


def on_create(obj: ApiObject) -> ApiObject:
    """The object as PrepareForCreate leaves its metadata: generation 1 or 0 by kind, no deletion state,
    a namespace's name label (a DaemonSet's template generation is strategy.py's)."""
    meta = obj.meta
    generation = 1 if obj.kind in GENERATION else 0
    changes: dict = {}
    if (meta.generation, meta.deletion_ms, meta.deletion_grace_ms) != (generation, None, None):
        changes.update(generation=generation, deletion_ms=None, deletion_grace_ms=None)
    if obj.kind == "Namespace":
        changes.update(_name_label(meta))
    return attrs.evolve(obj, meta=attrs.evolve(meta, **changes)) if changes else obj


def on_update(new: ApiObject, old: ApiObject) -> dict:
    """The metadata PrepareForUpdate writes over a request's: the generation (counted, where the kind counts
    it, when its spec changed), a namespace's name label."""
    out: dict = {"generation": old.meta.generation + 1 if _bumps(new, old) else old.meta.generation}
    if new.kind == "Namespace":
        out.update(_name_label(new.meta))
    return out


def on_delete(generation: int) -> int:
    """BeforeDelete and markAsDeleting (k8s.io/apiserver/pkg/registry/rest/delete.go, registry/store.go): the
    generation moves when deletion starts, where the kind has one."""
    return generation + 1 if generation > 0 else generation


def _bumps(new: ApiObject, old: ApiObject) -> bool:
    if new.kind == "EndpointSlice" and new.meta.labels != old.meta.labels:
        return True
    if new.kind not in GENERATION or new.spec == old.spec:
        return False
    # The model object carries the request's labels and annotations; strategies compare the spec only (a
    # Deployment its annotations too, an EndpointSlice its labels too).
    keep = {"Deployment": ("annotations",), "EndpointSlice": ("labels",)}.get(new.kind, ())
    blank = {f: () for f in ("labels", "annotations") if f not in keep and hasattr(new.spec, f)}
    if not blank:
        return True
    return attrs.evolve(new.spec, **blank) != attrs.evolve(old.spec, **blank)


def _name_label(meta) -> dict:
    if dict(meta.labels).get(NAME_LABEL) == meta.name:
        return {}
    return {"labels": tuple(p for p in meta.labels if p[0] != NAME_LABEL) + ((NAME_LABEL, meta.name),)}
