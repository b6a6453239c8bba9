"""One scheduling cycle's view of the cluster: nodes, per-node totals as arrays, label indexes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import attrs
import numpy as np

from kdsl.engine.objects import ApiObject
from kdsl.engine.scheduler.nodeinfo import NodeIndex, NodeInfo
from kdsl.engine.scheduler.podinfo import PodInfo, normalized_image
from kdsl.engine.scheduler.totals import NodeTotals
from kdsl.model.base import FieldRequirement, Requirement, Selector, compares

# kdsl has no image sizes; 100 MiB is about a slim web server image. Callers pass real sizes.
DEFAULT_IMAGE_SIZE = 100 * 2**20
# A node that reports no ephemeral storage has, for kdsl, room for any request (not modelled).
UNLIMITED = 2**62
CPU, MEMORY, EPHEMERAL, PODS = 0, 1, 2, 3
# The Kubernetes version whose scheduler the snapshot stands for: a cluster's `version` (kdsl.model Cluster).
DEFAULT_VERSION = "1.33"


def minor(version: str) -> int:
    """The minor of a `1.xx` Kubernetes version."""
    return int(version.split(".")[1])


@attrs.frozen(eq=False)
class Snapshot:
    """Nodes sorted by name, the pods bound to each, and per-node totals as int64 arrays.

    `alloc[:, CPU|MEMORY|EPHEMERAL|PODS]` is allocatable; `requested` sums the bound pods' real requests
    (cpu, memory, ephemeral-storage), `non_zero` their scoring requests (cpu, memory) and `pod_count` counts them,
    kept in `totals` (their rows as Python ints, and the arrays when read). Keep one
    snapshot across cycles with `add_pod` / `remove_pod`; `update_node` for a changed node,
    `with_nodes` when nodes come or go.
    """

    nodes: list[NodeInfo]
    index: dict[str, int]
    alloc: np.ndarray
    totals: NodeTotals
    unschedulable: np.ndarray
    pods_on: list[dict[str, PodInfo]]
    image_sizes: dict[str, int] = attrs.field(factory=dict)
    default_image_size: int = DEFAULT_IMAGE_SIZE
    node_index: NodeIndex = attrs.field(factory=NodeIndex)
    where: dict[str, int] = attrs.field(factory=dict)
    by_label: dict[tuple[str, str], dict[str, PodInfo]] = attrs.field(factory=dict)
    by_namespace: dict[str, dict[str, PodInfo]] = attrs.field(factory=dict)
    with_anti_affinity: dict[str, PodInfo] = attrs.field(factory=dict)
    with_affinity: dict[str, PodInfo] = attrs.field(factory=dict)
    ports: dict[tuple[str, int], dict[int, int]] = attrs.field(factory=dict)
    log: ChangeLog = attrs.field(factory=lambda: ChangeLog())
    # State derived from the nodes' facts and kept across cycles (scheduler.templates); a node whose
    # facts change empties it.
    cycle_cache: dict[str, Any] = attrs.field(factory=dict)
    version: str = DEFAULT_VERSION

    @classmethod
    def build(cls, nodes: Iterable[Any], pods: Iterable[tuple[str, Any]] = (),
              image_sizes: dict[str, int] | None = None, default_image_size: int = DEFAULT_IMAGE_SIZE,
              version: str = DEFAULT_VERSION) -> Snapshot:
        """`nodes`: model Nodes, Node ApiObjects or NodeInfos; `pods`: (node name, pod) pairs; `version`: the
        Kubernetes version whose wording the scheduler uses (messages.py)."""
        infos = sorted((NodeInfo.of(n) for n in nodes), key=lambda n: n.name)
        n = len(infos)
        alloc = np.zeros((n, 4), dtype=np.int64)
        snap = cls(nodes=infos, index={x.name: i for i, x in enumerate(infos)}, alloc=alloc, totals=NodeTotals(n),
                   unschedulable=np.zeros(n, dtype=bool),
                   pods_on=[{} for _ in infos],
                   image_sizes={normalized_image(k): v for k, v in (image_sizes or {}).items()},
                   default_image_size=default_image_size, version=version)
        for i in range(n):
            snap._set_node(i)
        snap.node_index.refill(infos)
        for node, pod in pods:
            snap.add_pod(node, pod)
        return snap

    def _set_node(self, i: int) -> None:
        x = self.nodes[i]
        eph = UNLIMITED if x.ephemeral_storage is None else x.ephemeral_storage
        self.alloc[i] = (x.cpu, x.memory, eph, x.pods)
        self.unschedulable[i] = x.unschedulable

    def __len__(self) -> int:
        return len(self.nodes)

    @property
    def requested(self) -> np.ndarray:
        return self.totals.requested

    @property
    def non_zero(self) -> np.ndarray:
        return self.totals.non_zero

    @property
    def pod_count(self) -> np.ndarray:
        return self.totals.pod_count

    @property
    def names(self) -> list[str]:
        return [n.name for n in self.nodes]

    # ---- pods --------------------------------------------------------------------------------------

    def add_pod(self, node: str, pod: Any) -> PodInfo:
        """Account a pod bound to `node`; returns its PodInfo."""
        if type(pod) is not PodInfo:  # the scheduler's bind passes the PodInfo its cycle made
            pod = PodInfo.of(pod)
        key = pod.key
        if key in self.where:
            raise ValueError(f"pod {key} is already on node {self.nodes[self.where[key]].name}")
        i = self.index[node]
        self.totals.add(i, pod.requests, pod.non_zero, 1)
        self.pods_on[i][key] = pod
        self.where[key] = i
        self._changed(i, pod, 1)
        by_label = self.by_label
        for kv in pod.labels.items():
            found = by_label.get(kv)
            if found is None:  # not setdefault: it would make a dict a label to throw away
                by_label[kv] = {key: pod}
            else:
                found[key] = pod
        spaced = self.by_namespace.get(pod.namespace)
        if spaced is None:  # as for a label: setdefault would make a dict a pod to throw away
            self.by_namespace[pod.namespace] = {key: pod}
        else:
            spaced[key] = pod
        if pod.has_affinity:  # any term, the anti-affinity's among them: most pods have none
            self.with_affinity[key] = pod
            if pod.anti_affinity:
                self.with_anti_affinity[key] = pod
        for port in pod.host_ports:
            used = self.ports.setdefault(port, {})
            used[i] = used.get(i, 0) + 1
        return pod

    def remove_pod(self, pod: Any) -> tuple[str, PodInfo]:
        """Forget a bound pod (a PodInfo, a pod, or its "namespace/name" key); returns (node, PodInfo)."""
        key = _key_of(pod)
        i = self.where.pop(key)
        info = self.pods_on[i].pop(key)
        self._changed(i, info, -1)
        self.totals.add(i, info.requests, info.non_zero, -1)
        for kv in info.labels.items():
            _discard(self.by_label, kv, key)
        _discard(self.by_namespace, info.namespace, key)
        self.with_anti_affinity.pop(key, None)
        self.with_affinity.pop(key, None)
        for port in info.host_ports:
            used = self.ports[port]
            used[i] -= 1
            if not used[i]:
                del used[i]
                if not used:
                    del self.ports[port]
        return self.nodes[i].name, info

    def _changed(self, i: int, pod: PodInfo, delta: int) -> None:
        log = self.log
        log.version += 1
        log.changes.append((i, pod, delta))
        if len(log.changes) > CHANGES_KEPT:
            del log.changes[:CHANGES_KEPT // 2]
            log.base += CHANGES_KEPT // 2

    def node_of(self, key: str) -> str | None:
        i = self.where.get(key)
        return None if i is None else self.nodes[i].name

    def pods(self) -> Iterator[tuple[int, PodInfo]]:
        """Every bound pod with its node's index, node by node."""
        for i, on in enumerate(self.pods_on):
            for p in on.values():
                yield i, p

    def select(self, selector: Selector, namespaces: Iterable[str] | None = None) -> Iterator[PodInfo]:
        """Bound pods in `namespaces` (None: all) whose labels the selector matches, via the label index."""
        pool: dict[str, PodInfo] | None = None
        for kv in selector.match_labels:
            found = self.by_label.get(kv, {})
            if pool is None or len(found) < len(pool):
                pool = found
        ns = None if namespaces is None else set(namespaces)
        if pool is not None and len(selector.match_labels) == 1 and not selector.expressions:
            # The index already matched the only requirement: check the namespace alone.
            yield from (p for p in pool.values() if ns is None or p.namespace in ns)
            return
        if pool is None:
            if ns is None:
                pools: Iterable[dict[str, PodInfo]] = self.by_namespace.values()
            else:
                pools = [self.by_namespace.get(x, {}) for x in sorted(ns)]
            candidates: Iterable[PodInfo] = (p for d in pools for p in d.values())
        else:
            candidates = pool.values()
        for p in candidates:
            if (ns is None or p.namespace in ns) and selector.matches(p.labels):
                yield p

    # ---- nodes -------------------------------------------------------------------------------------

    def update_node(self, node: Any) -> None:
        """Replace an existing node's facts (labels, taints, cordon, allocatable) in place."""
        info = NodeInfo.of(node)
        i = self.index[info.name]
        old, self.nodes[i] = self.nodes[i], info
        self._set_node(i)
        if _facts(old) != _facts(info):
            self.cycle_cache.clear()
        # Heartbeats and condition changes rewrite a Node often; only these facts feed the indexes.
        if (old.labels, old.taints, old.images) != (info.labels, info.taints, info.images):
            self.node_index.refill(self.nodes)

    def with_nodes(self, nodes: Iterable[Any]) -> Snapshot:
        """A new snapshot of these nodes, keeping the pods of nodes that remain (in their order)."""
        infos = [NodeInfo.of(n) for n in nodes]
        keep = {n.name for n in infos}
        pods = [(self.nodes[i].name, p) for i, p in self.pods() if self.nodes[i].name in keep]
        return Snapshot.build(infos, pods, self.image_sizes, self.default_image_size, self.version)

    def nodes_with(self, key: str, value: str) -> np.ndarray:
        return self.node_index.by_label.get(key, {}).get(value, _EMPTY)

    def domains(self, key: str) -> dict[str, np.ndarray]:
        """Topology domains of `key`: each label value with the indices of the nodes carrying it."""
        return self.node_index.by_label.get(key, {})

    def has_key(self, key: str) -> np.ndarray:
        """A boolean mask of the nodes carrying label `key`."""
        cache = self.node_index.cache
        if ("key", key) not in cache:
            mask = np.zeros(len(self.nodes), dtype=bool)
            for ix in self.domains(key).values():
                mask[ix] = True
            cache[("key", key)] = mask
        return cache[("key", key)]

    def requirement_mask(self, r: Requirement) -> np.ndarray:
        """Nodes whose labels satisfy one node selector requirement (In, NotIn, Exists, DoesNotExist, Gt, Lt)."""
        op = r.operator
        if isinstance(r, FieldRequirement):  # matchFields metadata.name: the nodes of those names
            mask = np.zeros(len(self.nodes), dtype=bool)
            mask[[self.index[v] for v in r.values if v in self.index]] = True
            return mask if op == "In" else ~mask
        if op in ("Exists", "DoesNotExist"):
            mask = self.has_key(r.key).copy()
            return mask if op == "Exists" else ~mask
        mask = np.zeros(len(self.nodes), dtype=bool)
        if op in ("In", "NotIn"):
            for v in r.values:
                mask[self.nodes_with(r.key, v)] = True
            return mask if op == "In" else ~mask
        for v, ix in self.domains(r.key).items():
            if compares(op, v, r.values[0]):  # a label that is not an integer matches neither Gt nor Lt
                mask[ix] = True
        return mask

    def requirements_mask(self, reqs: Iterable[Requirement]) -> np.ndarray:
        """AND of requirements; an empty list matches every node."""
        mask = np.ones(len(self.nodes), dtype=bool)
        for r in reqs:
            mask &= self.requirement_mask(r)
        return mask

    def selector_mask(self, pod: PodInfo) -> np.ndarray:
        """Nodes matching the pod's nodeSelector and its required node affinity (an OR of terms, each
        an AND; a term without requirements matches no node)."""
        tpl = pod.template
        mask = self.requirements_mask(Requirement(k, "In", (v,)) for k, v in tpl.node_selector)
        terms = tpl.affinity.node_required
        if terms:
            any_term = np.zeros(len(self.nodes), dtype=bool)
            for term in terms:
                if term:
                    any_term |= self.requirements_mask(term)
            mask &= any_term
        return mask

    def image_size(self, image: str) -> int:
        return self.image_sizes.get(image, self.default_image_size)


_EMPTY = np.zeros(0, dtype=np.int64)


CHANGES_KEPT = 1024  # a cached count older than this many binds is recounted


class ChangeLog:
    """The bound-pod changes since `base` (node index, pod, +1 or -1), which cached per-node counts
    (PodTopologySpread's, by selector and namespace) replay instead of counting every matching pod."""

    __slots__ = ("version", "base", "changes", "counts")

    def __init__(self) -> None:
        self.version = 0
        self.base = 0
        self.changes: list[tuple[int, PodInfo, int]] = []
        self.counts: dict[tuple, tuple[int, np.ndarray]] = {}


def _facts(n: NodeInfo) -> tuple:
    """What the scheduler reads from a node (its name aside)."""
    return (n.labels, n.taints, n.unschedulable, n.cpu, n.memory, n.pods, n.ephemeral_storage, n.images)


def _key_of(pod: Any) -> str:
    """A pod's "namespace/name" without deriving its scheduling facts."""
    if isinstance(pod, str):
        return pod
    if isinstance(pod, PodInfo):
        return pod.key
    if isinstance(pod, ApiObject):
        return f"{pod.meta.namespace or 'default'}/{pod.meta.name}"
    return PodInfo.of(pod).key


def _discard(index: dict, key: Any, pod_key: str) -> None:
    bucket = index.get(key)
    if bucket is not None:
        bucket.pop(pod_key, None)
        if not bucket:
            del index[key]
