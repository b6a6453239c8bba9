"""Filter plugins in the framework's order, vectorised over nodes, with Kubernetes' exact reasons."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import numpy as np

from kdsl.core.evolve import straight
from kdsl.engine.scheduler import topology
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.scheduler.nodeinfo import HARD_EFFECTS, UNSCHEDULABLE_TAINT, NodeInfo
from kdsl.engine.scheduler.snapshot import CPU, EPHEMERAL, MEMORY, PODS, Snapshot, minor
from kdsl.model.nodes import Taint
from kdsl.model.pods import Toleration

UNSCHEDULABLE = "node(s) were unschedulable"
NODE_NAME = "node(s) didn't match the requested node name"
TAINT = "node(s) had untolerated taint {{{key}: {value}}}"  # v1.26–v1.33 wording
# v1.34 names no taint (its keys and values may be confidential): kubernetes#134740, in release-1.34 by #135023
# (pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go Filter).
TAINTS = "node(s) had untolerated taint(s)"
NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector"
NODE_PORTS = "node(s) didn't have free ports for the requested pod ports"
TOO_MANY_PODS = "Too many pods"
INSUFFICIENT = ("Insufficient cpu", "Insufficient memory", "Insufficient ephemeral-storage")
UNBOUND_PVC = "pod has unbound immediate PersistentVolumeClaims"

Word = Callable[[int], tuple[tuple[str, ...], bool]]


@attrs.frozen
class Verdict:
    """Why one filter plugin rejected one node; `unresolvable` is UnschedulableAndUnresolvable."""

    plugin: str
    reasons: tuple[str, ...]
    unresolvable: bool = False


@attrs.frozen(eq=False, weakref_slot=False)
class Check:
    """One plugin's outcome over the nodes `idx`: `failed[k]` for node `idx[k]`; `verdict(node)` words it."""

    plugin: str
    idx: np.ndarray
    failed: np.ndarray
    word: Word | None = None

    def verdict(self, node: int) -> Verdict:
        assert self.word is not None
        reasons, unresolvable = self.word(node)
        return Verdict(self.plugin, reasons, unresolvable)


# A Check made straight-line (kdsl.core.evolve.straight): eight a scheduling cycle, and Check's __init__ sets each
# field through object.__setattr__ (its method-wrapper builds an argument tuple); a twin's slots are set directly.
_check = straight(Check, "_check", "plugin, idx, failed, word=None", {a.name: a.name for a in attrs.fields(Check)})


def _pass_prefilter(pod: PodInfo) -> str | None:
    return None


def _pass_filter(pod: PodInfo, node: NodeInfo) -> tuple[str, ...]:
    return ()


@attrs.frozen
class VolumeBinding:
    """The storage hook. `prefilter(pod)` returns a PreFilter message (e.g. UNBOUND_PVC or
    `persistentvolumeclaim "x" not found`) or None; `filter(pod, node)` returns the node's reasons
    (empty: fits). Both are UnschedulableAndUnresolvable, as in the VolumeBinding plugin."""

    prefilter: Callable[[PodInfo], str | None] = _pass_prefilter
    filter: Callable[[PodInfo, NodeInfo], tuple[str, ...]] = _pass_filter


def tolerated(tolerations: tuple[Toleration, ...], taint: Taint) -> bool:
    return any(t.tolerates(taint.key, taint.value, taint.effect) for t in tolerations)


def _const(reason: str, unresolvable: bool) -> Word:
    return lambda _node: ((reason,), unresolvable)


def node_unschedulable(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> Check:
    failed = snap.unschedulable[idx].copy()
    if tolerated(pod.template.tolerations, UNSCHEDULABLE_TAINT):
        failed[:] = False
    return _check("NodeUnschedulable", idx, failed, _const(UNSCHEDULABLE, True))


def node_name(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> Check:
    wanted = pod.template.node_name
    failed = np.zeros(len(idx), dtype=bool)
    if wanted:
        failed = idx != snap.index.get(wanted, -1)
    return _check("NodeName", idx, failed, _const(NODE_NAME, True))


def taint_toleration(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> Check:
    """A node fails on a NoSchedule/NoExecute taint the pod does not tolerate; the first one is named."""
    tolerations = pod.template.tolerations
    mask = np.zeros(len(snap), dtype=bool)
    for taint, nodes in snap.node_index.hard_taints.items():
        if not tolerated(tolerations, taint):
            mask[nodes] = True

    def word(node: int):
        if minor(snap.version) >= 34:
            return (TAINTS,), True
        t = next(t for t in snap.nodes[node].taints
                 if t.effect in HARD_EFFECTS and not tolerated(tolerations, t))
        return (TAINT.format(key=t.key, value=t.value or ""),), True

    return _check("TaintToleration", idx, mask[idx], word)


def node_affinity(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> Check:
    return _check("NodeAffinity", idx, ~snap.selector_mask(pod)[idx], _const(NODE_AFFINITY, True))


def node_ports(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> Check:
    """Every kdsl host port binds 0.0.0.0, so any pod on the node with the same protocol and port conflicts."""
    if not pod.host_ports:
        return _check("NodePorts", idx, np.zeros(len(idx), dtype=bool), _const(NODE_PORTS, False))
    mask = np.zeros(len(snap), dtype=bool)
    for port in pod.host_ports:
        mask[list(snap.ports.get(port, {}))] = True
    return _check("NodePorts", idx, mask[idx], _const(NODE_PORTS, False))


def fit_reasons(pod: PodInfo, snap: Snapshot, node: int, without: tuple[PodInfo, ...] = ()) -> tuple[str, ...]:
    """fitsRequest for one node: pod count first, then cpu, memory, ephemeral-storage; `without` are
    pods to count as gone (preemption's first question, answered without changing the snapshot)."""
    reasons = []
    if snap.pod_count[node] - len(without) + 1 > snap.alloc[node, PODS]:
        reasons.append(TOO_MANY_PODS)
    if any(pod.requests):
        for r, reason in zip((CPU, MEMORY, EPHEMERAL), INSUFFICIENT):
            want = pod.requests[r]
            used = int(snap.requested[node, r]) - sum(p.requests[r] for p in without)
            if want > 0 and want > snap.alloc[node, r] - used:
                reasons.append(reason)
    return tuple(reasons)


def node_resources_fit(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> Check:
    """NodeResourcesFit over all nodes at once: the pod's real requests against allocatable − requested."""
    whole = 2 * len(idx) >= len(snap)
    # Most cycles ask about most nodes: then computing over every node and picking idx at the end
    # is cheaper than gathering the rows first (take() rather than a[idx], which is slow on rows).
    alloc = snap.alloc if whole else snap.alloc.take(idx, axis=0)
    failed = (snap.pod_count if whole else snap.pod_count.take(idx)) + 1 > alloc[:, PODS]
    if any(pod.requests):
        requested = snap.requested if whole else snap.requested.take(idx, axis=0)
        for r, want in enumerate(pod.requests):
            if want > 0:  # a resource the pod does not request cannot fail
                failed |= want > alloc[:, r] - requested[:, r]
    if whole:
        failed = failed[idx]
    return _check("NodeResourcesFit", idx, failed, lambda node: (fit_reasons(pod, snap, node), beyond(pod, snap, node)))


def beyond(pod: PodInfo, snap: Snapshot, node: int) -> bool:
    """From v1.34 a request larger than the node's whole allocatable is UnschedulableAndUnresolvable: no
    preemption can make room (kubernetes#131345; fitsRequest's InsufficientResource.Unresolvable in
    pkg/scheduler/framework/plugins/noderesources/fit.go)."""
    return minor(snap.version) >= 34 and any(want > snap.alloc[node, r] for r, want in enumerate(pod.requests))


def volume_binding(volumes: VolumeBinding):
    def check(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> Check:
        if volumes.filter is _pass_filter:
            return _check("VolumeBinding", idx, np.zeros(len(idx), dtype=bool))
        found = {int(i): volumes.filter(pod, snap.nodes[i]) for i in idx}
        failed = np.fromiter((bool(found[int(i)]) for i in idx), bool, len(idx))
        return _check("VolumeBinding", idx, failed, lambda node: (tuple(found[node]), True))
    return check


def pod_topology_spread(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> Check:
    failed, word = topology.spread_filter(pod, snap, idx)
    return _check("PodTopologySpread", idx, failed, word)


def inter_pod_affinity(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> Check:
    if not (pod.affinity or pod.anti_affinity or snap.with_anti_affinity):
        # No required term of the pod and no existing pod's anti-affinity: every node passes.
        return _check("InterPodAffinity", idx, np.zeros(len(idx), dtype=bool))
    failed, word = topology.affinity_filter(pod, snap, idx)
    return _check("InterPodAffinity", idx, failed, word)


def filter_plugins(volumes: VolumeBinding | None = None) -> tuple[Callable[..., Check], ...]:
    """The default profile's filters in order (the volume plugins other than VolumeBinding are not modelled)."""
    return (node_unschedulable, node_name, taint_toleration, node_affinity, node_ports, node_resources_fit,
            volume_binding(volumes or VolumeBinding()), pod_topology_spread, inter_pod_affinity)


FILTER_NAMES = ("NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity", "NodePorts",
                "NodeResourcesFit", "VolumeBinding", "PodTopologySpread", "InterPodAffinity")


@attrs.frozen(eq=False)
class Filtered:
    """The filters' outcome over the nodes `idx` (in evaluation order): `first[k]` is the position in
    FILTER_NAMES of the first plugin that rejected node `idx[k]`, or -1 when it is feasible."""

    idx: np.ndarray
    first: np.ndarray
    checks: tuple[Check | None, ...]

    @property
    def feasible(self) -> np.ndarray:
        return self.idx[self.first < 0]

    def verdict(self, k: int) -> Verdict | None:
        """The reported verdict of the k-th evaluated node: its first failing plugin, or None."""
        f = int(self.first[k])
        return None if f < 0 else self.checks[f].verdict(int(self.idx[k]))

    def verdicts(self) -> list[tuple[int, Verdict]]:
        return [(int(self.idx[k]), self.verdict(k)) for k in np.flatnonzero(self.first >= 0)]


def run_filters(pod: PodInfo, snap: Snapshot, idx: np.ndarray | None = None,
                volumes: VolumeBinding | None = None, every: bool = False) -> Filtered:
    """Run the filters over `idx` (default: all nodes). A plugin sees only the nodes every earlier plugin
    passed, as the framework stops at a node's first failure; `every=True` runs all plugins on all nodes."""
    idx = np.arange(len(snap), dtype=np.int64) if idx is None else np.asarray(idx, dtype=np.int64)
    first = np.full(len(idx), -1, dtype=np.int64)
    checks: list[Check | None] = []
    # The positions (and nodes) still feasible; recomputed only when a plugin rejects some node.
    alive: np.ndarray | None = None  # None: every position
    alive_idx = idx
    for k, plugin in enumerate(filter_plugins(volumes)):
        if every:
            check = plugin(pod, snap, idx)
            newly = np.flatnonzero(check.failed & (first < 0))
            first[newly] = k
        elif len(alive_idx):
            check = plugin(pod, snap, alive_idx)
            if check.failed.any():
                first[np.flatnonzero(check.failed) if alive is None else alive[check.failed]] = k
                alive = np.flatnonzero(first < 0)
                alive_idx = idx[alive]
        else:
            checks.append(None)
            continue
        checks.append(check)
    return Filtered(idx, first, tuple(checks))
