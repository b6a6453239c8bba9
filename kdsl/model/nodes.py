"""The cluster's shape: nodes, node pools and their taints, namespaces with quota and limits, cluster settings."""

from __future__ import annotations

import functools
from typing import ClassVar

import attrs

from kdsl.model.base import NamespacedObject, Object, Pairs

EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


@attrs.frozen(weakref_slot=False)
class Taint:
    key: str
    value: str | None
    effect: str

    def __str__(self) -> str:
        return f"{self.key}{'=' + self.value if self.value else ''}:{self.effect}"


@attrs.frozen(kw_only=True, weakref_slot=False)
class Node(Object):
    """A node's capacity (cpu in millicores, memory in bytes, pod slots) and scheduling traits.

    The kubelet's own labels (`kubernetes.io/hostname`, `kubernetes.io/os`) are added by `build`,
    as a kubelet adds them when it registers the node.
    """

    kind: ClassVar[str] = "Node"
    plural: ClassVar[str] = "nodes"
    cpu: int = 4000
    memory: int = 16 * 2**30
    pods: int = 110
    taints: tuple[Taint, ...] = ()
    unschedulable: bool = False
    images: tuple[str, ...] = ()
    # The Ready condition its kubelet posts from the start: True, False (`ready=false`: its runtime is down) or
    # Unknown (`ready=unknown`: it posts nothing); the node lifecycle controller taints it as it would any node so.
    # Not in the repr: a registered node's conditions and taints show it (the golden runs print every node).
    ready: str = attrs.field(default="True", repr=False)

    @classmethod
    def build(cls, *, name: str, labels: Pairs = (), **fields) -> Node:
        own = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"}
        merged = dict(labels)
        for key, value in own.items():
            merged.setdefault(key, value)
        return cls(name=name, labels=tuple(merged.items()), **fields)


@attrs.frozen(kw_only=True, weakref_slot=False)
class NodePool:
    """`nodes pool count=50 ...`: nodes pool-1 … pool-50 of one shape."""

    name: str
    count: int
    template: Node
    # `autoscale=MIN..MAX`: a node group of the cluster autoscaler (None: a fixed pool); `provision`: how long a
    # new node takes to register and be Ready (ms).
    autoscale: tuple[int, int] | None = None
    provision_ms: int = 0
    span: object = attrs.field(default=None, eq=False, repr=False)

    def nodes(self) -> tuple[Node, ...]:
        return _expanded(self, id(self.template.span))

    def node(self, i: int) -> Node:
        return self._made(i, _arguments(self.template))

    def _made(self, i: int, arguments: dict) -> Node:
        name = f"{self.name}-{i}"
        labels = tuple((k, name if k == "kubernetes.io/hostname" else v) for k, v in self.template.labels)
        return Node(**arguments, name=name, labels=labels)


def _arguments(template: Node) -> dict:
    """The template's init arguments but its name and labels: attrs.evolve re-reads the fields for each of a
    pool's nodes, a third of a 65,536-node pool's build."""
    return {a.alias: getattr(template, a.name) for a in attrs.fields(Node) if a.init and a.name not in
            ("name", "labels")}


@attrs.frozen(kw_only=True, weakref_slot=False)
class Cluster:
    """Cluster-wide settings. Defaults: kube-controller-manager's node-monitor-grace-period of
    current releases (50s), kubeadm's service range 10.96.0.0/12 and a 10.244.0.0/16 pod range."""

    name: str = "default"
    node_grace_ms: int = 50_000
    service_cidr: str = "10.96.0.0/12"
    pod_cidr: str = "10.244.0.0/16"
    kube_version: str = "1.33"
    # The provisioners installed: those of the storage classes declared in the cluster block (the
    # cluster's own infrastructure), besides kdsl's `dynamic`, which every cluster runs.
    provisioners: tuple[str, ...] = ()

    @property
    def minor(self) -> int:
        """The minor of `kube_version` (1.`minor`): what the simulated components word by."""
        return int(self.kube_version.split(".")[1])


@functools.lru_cache(maxsize=16)
def _expanded(pool: NodePool, _span: int) -> tuple[Node, ...]:
    # The checks, the precheck and the engine each ask for a scenario's nodes: a pool of thousands is built once.
    # Keyed by the template's span too (spans are not part of equality): equal pools of two files keep their places.
    arguments = _arguments(pool.template)
    return tuple(pool._made(i, arguments) for i in range(1, pool.count + 1))

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


@attrs.frozen(kw_only=True, weakref_slot=False)
class ResourceQuota(NamespacedObject):
    """`hard` maps resource names to exact integers (millicores for cpu, bytes for memory)."""

    kind: ClassVar[str] = "ResourceQuota"
    plural: ClassVar[str] = "resourcequotas"
    hard: tuple[tuple[str, int], ...] = ()


@attrs.frozen(kw_only=True, weakref_slot=False)
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


@attrs.frozen(kw_only=True, weakref_slot=False)
class Namespace(Object):
    kind: ClassVar[str] = "Namespace"
    plural: ClassVar[str] = "namespaces"
