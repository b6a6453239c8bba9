"""The /scale subresource (autoscaling/v1 Scale) of Deployments, StatefulSets, ReplicaSets, ReplicationControllers."""

from __future__ import annotations

import attrs

from kdsl.engine.apiserver.errors import FieldError, invalid, unknown_resource
from kdsl.core.evolve import evolve
from kdsl.engine.objects import ApiObject
from kdsl.model.base import Selector

# Upstream: the scale storage of each kind (pkg/registry/apps/deployment/storage/storage.go ScaleREST,
# .../statefulset, .../replicaset, pkg/registry/core/replicationcontroller/storage), which reads and writes
# the owner's spec.replicas, and pkg/apis/autoscaling/validation ValidateScale.
SCALABLE = ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController")


@attrs.frozen(kw_only=True)
class Scale:
    """autoscaling/v1 Scale: spec.replicas, status.replicas and status.selector (kept as a selector;
    `selector_text` is the string the API serves)."""

    replicas: int
    status_replicas: int = 0
    selector: Selector = Selector()

    @property
    def selector_text(self) -> str:
        return str(self.selector)


def scale_of(obj: ApiObject) -> ApiObject:
    """GET .../scale: the target's metadata (its resourceVersion, so an update can conflict) and its Scale."""
    status = getattr(obj.status, "replicas", 0) if obj.status is not None else 0
    return ApiObject(kind=obj.kind, meta=obj.meta, spec=Scale(replicas=obj.spec.replicas, status_replicas=status,
                                                              selector=obj.spec.selector),
                     resource_version=obj.resource_version)


def update(old: ApiObject, scale: Scale):
    """PUT .../scale: the owner with spec.replicas set (its generation moves when the count does)."""
    if scale.replicas < 0:
        return invalid("Scale", "autoscaling", old.name,
                       [FieldError("spec.replicas", "Invalid value", scale.replicas,
                                   "must be greater than or equal to 0")])
    if scale.replicas == old.spec.replicas:
        return old
    meta = evolve(old.meta, generation=old.meta.generation + 1)
    return evolve(old, meta=meta, spec=evolve(old.spec, replicas=scale.replicas))


def served(kind: str):
    """None when `kind` has a /scale subresource, else the 404 the API server gives for a path it lacks."""
    return None if kind in SCALABLE else unknown_resource()
