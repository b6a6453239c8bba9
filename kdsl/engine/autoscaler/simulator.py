"""simulator/: which pods keep a node from going (drainability/rules, upstream's order), the filters a pod passes."""

from __future__ import annotations

import attrs
import numpy as np

from kdsl.engine.controllers.disruption import budget
from kdsl.engine.objects import ApiObject
from kdsl.engine.scheduler.filters import run_filters
from kdsl.engine.scheduler.nodeinfo import NodeInfo
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.scheduler.snapshot import Snapshot

# utils/drain/drain.go annotations
SAFE_TO_EVICT = "cluster-autoscaler.kubernetes.io/safe-to-evict"
MOVE, SKIP, BLOCK = "move", "skip", "block"


@attrs.frozen
class Drainability:
    """drainability.Status: MOVE (rescheduled elsewhere), SKIP (goes with the node: a DaemonSet or a finished
    pod) or BLOCK with upstream's BlockingPodReason and error text."""

    outcome: str
    reason: str = ""
    message: str = ""


class Budgets:
    """pdb.RemainingPdbTracker: each PodDisruptionBudget's disruptionsAllowed, spent as pods are planned to move."""

    def __init__(self, store) -> None:
        self.left: dict[tuple, int] = {}
        self.selectors: list[tuple[tuple, str, object]] = []
        for pdb in store.list("PodDisruptionBudget"):
            sel = budget(pdb.spec.yaml).selector
            if sel is not None:
                self.selectors.append((pdb.key, pdb.namespace, sel))
                self.left[pdb.key] = pdb.status.disruptions_allowed if pdb.status is not None else 0

    def matching(self, pod: ApiObject) -> list[tuple]:
        labels = pod.meta.label_dict()
        return [k for k, ns, sel in self.selectors if ns == pod.namespace and sel.matches(labels)]

    def can_remove(self, pods: list[ApiObject]) -> ApiObject | None:
        """CanRemovePods: the first pod whose budgets would go below zero, or None."""
        need: dict[tuple, int] = {}
        for pod in pods:
            for k in self.matching(pod):
                need[k] = need.get(k, 0) + 1
                if need[k] > self.left[k]:
                    return pod
        return None

    def remove(self, pods: list[ApiObject]) -> None:
        for pod in pods:
            for k in self.matching(pod):
                self.left[k] -= 1


def drainable(pod: ApiObject, budgets: Budgets) -> Drainability:
    """rules.Default: daemonset, safetoevict and terminal interrupt; then replicated, system,
    notsafetoevict and localstorage block (the pdb rule is checked for the node's pods together)."""
    owners = [o for o in pod.meta.owners if o.controller]
    annotations = dict(pod.meta.annotations)
    if any(o.kind == "DaemonSet" for o in owners):
        return Drainability(SKIP)
    if annotations.get(SAFE_TO_EVICT) == "true":
        return Drainability(MOVE)
    if pod.status is not None and pod.status.phase in ("Succeeded", "Failed"):
        return Drainability(SKIP)
    if not owners:
        return Drainability(BLOCK, "NotReplicated", f"{pod.namespace}/{pod.name} is not replicated")
    if pod.namespace == "kube-system" and not budgets.matching(pod):
        return Drainability(BLOCK, "UnmovableKubeSystemPod",
                            f"non-daemonset, non-mirrored, non-pdb-assigned kube-system pod present: {pod.name}")
    if annotations.get(SAFE_TO_EVICT) == "false":
        return Drainability(BLOCK, "NotSafeToEvictAnnotation", f"pod annotated as not safe to evict present: {pod.name}")
    if any(v.source in ("emptydir", "hostpath") for v in pod.spec.template.volumes):
        return Drainability(BLOCK, "LocalStorageRequested", f"pod with local storage present: {pod.name}")
    return Drainability(MOVE)


def pods_to_move(pods: list[ApiObject], budgets: Budgets) -> tuple[list[ApiObject], list[ApiObject], Drainability | None]:
    """GetPodsToMove: (pods to reschedule, DaemonSet and finished pods, the first blocking status or None);
    a budget that cannot spare every pod to move blocks with NotEnoughPdb."""
    move, skip = [], []
    for pod in pods:
        d = drainable(pod, budgets)
        if d.outcome == BLOCK:
            return [], [], d
        (move if d.outcome == MOVE else skip).append(pod)
    short = budgets.can_remove(move)
    if short is not None:
        return [], [], Drainability(BLOCK, "NotEnoughPdb",
                                    f"not enough pod disruption budget to move {short.namespace}/{short.name}")
    return move, skip, None


def unbound(pod: ApiObject) -> PodInfo:
    """The pod as a scheduling cycle sees it wherever it runs now: without its node name (so that moving it
    is asked, not refused by NodeName) and without a nomination."""
    tpl = pod.spec.template
    if tpl.node_name is not None:
        pod = attrs.evolve(pod, spec=attrs.evolve(pod.spec, template=attrs.evolve(tpl, node_name=None)))
    info = PodInfo.of(pod)
    return attrs.evolve(info, nominated_node=None) if info.nominated_node else info


def with_nodes(snap: Snapshot, add: list[NodeInfo] = (), drop: set[str] = frozenset()) -> Snapshot:
    """A copy of `snap` (pods included) with nodes added and nodes dropped (their pods with them): the
    autoscaler's fork of the cluster snapshot; the scheduler's own is never changed."""
    nodes = [n for n in snap.nodes if n.name not in drop] + list(add)
    return snap.with_nodes(nodes)


def with_template_nodes(snap: Snapshot, nodes: list[tuple], store) -> Snapshot:
    """A copy of `snap` with new nodes, (group, name) pairs, each with the DaemonSet pods it would run."""
    out = with_nodes(snap, add=[g.template(name) for g, name in nodes])
    for g, name in nodes:
        for pod in g.daemon_pods(store, name):
            out.add_pod(name, pod)
    return out


def check(pod: PodInfo, snap: Snapshot, node: str, volumes) -> tuple[str, ...]:
    """CheckPredicates: () when the pod passes every filter on `node`, else the first failing plugin's reasons."""
    filtered = run_filters(pod, snap, np.asarray([snap.index[node]]), volumes)
    return () if filtered.first[0] < 0 else filtered.verdict(0).reasons


def indices(snap: Snapshot, names) -> np.ndarray:
    """The snapshot's positions of these nodes, in their order."""
    return np.asarray([snap.index[n] for n in names], dtype=np.int64)


def fits_any(pod: PodInfo, snap: Snapshot, volumes, among: np.ndarray | None = None) -> str | None:
    """FitsAnyNodeMatching: the first node (in name order, or the positions `among` in their order) where the
    pod passes."""
    idx = np.arange(len(snap)) if among is None else among
    if not len(idx):
        return None
    filtered = run_filters(pod, snap, idx, volumes)
    ok = np.flatnonzero(filtered.first < 0)
    return snap.nodes[int(idx[ok[0]])].name if len(ok) else None
