"""Namespaces with their labels, ResourceQuota and LimitRange."""

from __future__ import annotations

from typing import ClassVar

import attrs

from kdsl.model.base import NamespacedObject, Object

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
# NamespaceLifecycle refuses to delete these (kube-node-lease may be deleted).
IMMORTAL_NAMESPACES = ("default", "kube-public", "kube-system")
# Quota names as a ResourceQuota's `hard` spells them; kdsl's short forms map onto them.
QUOTA_RESOURCES = {
    "cpu": "requests.cpu", "memory": "requests.memory", "requests.cpu": "requests.cpu",
    "requests.memory": "requests.memory", "limits.cpu": "limits.cpu", "limits.memory": "limits.memory",
    "pods": "pods", "services": "services", "pvcs": "persistentvolumeclaims",
    "persistentvolumeclaims": "persistentvolumeclaims", "configmaps": "configmaps", "secrets": "secrets",
    "storage": "requests.storage", "requests.storage": "requests.storage",
    "nodeports": "services.nodeports", "services.nodeports": "services.nodeports",
    "loadbalancers": "services.loadbalancers", "services.loadbalancers": "services.loadbalancers",
    "replicationcontrollers": "replicationcontrollers", "resourcequotas": "resourcequotas",
}


@attrs.frozen(kw_only=True)
class ResourceQuota(NamespacedObject):
    """`hard` maps resource names to exact integers (millicores for cpu, bytes for memory)."""

    kind: ClassVar[str] = "ResourceQuota"
    plural: ClassVar[str] = "resourcequotas"
    hard: tuple[tuple[str, int], ...] = ()


@attrs.frozen(kw_only=True)
class LimitRange(NamespacedObject):
    """Container limits: `default` limits, `default_request`, `min` and `max` (resource → int), and
    `max_ratio`, maxLimitRequestRatio (resource → the ratio in thousandths: 2 is 2000)."""

    kind: ClassVar[str] = "LimitRange"
    plural: ClassVar[str] = "limitranges"
    default: tuple[tuple[str, int], ...] = ()
    default_request: tuple[tuple[str, int], ...] = ()
    min: tuple[tuple[str, int], ...] = ()
    max: tuple[tuple[str, int], ...] = ()
    # out of the repr while empty, so the store dumps of runs without it (tests/golden) stay as they were
    max_ratio: tuple[tuple[str, int], ...] = attrs.field(default=(), repr=False)


_limit_range_repr = LimitRange.__repr__


def _repr_with_ratio(self: LimitRange) -> str:
    text = _limit_range_repr(self)
    return f"{text[:-1]}, max_ratio={self.max_ratio!r})" if self.max_ratio else text


LimitRange.__repr__ = _repr_with_ratio  # type: ignore[method-assign]


@attrs.frozen(kw_only=True)
class Namespace(Object):
    kind: ClassVar[str] = "Namespace"
    plural: ClassVar[str] = "namespaces"
