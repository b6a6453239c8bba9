"""Scale-down as core/scaledown/planner and eligibility decide it: underutilized nodes whose pods can all move."""

from __future__ import annotations

import attrs
import numpy as np

from kdsl.engine.autoscaler.simulator import Budgets, check, fits_any, pods_to_move, unbound, with_nodes
from kdsl.engine.objects import ApiObject
from kdsl.engine.scheduler.podinfo import pod_requests
from kdsl.engine.scheduler.snapshot import Snapshot

# --scale-down-utilization-threshold, --scale-down-unneeded-time, --scale-down-delay-after-add,
# --max-empty-bulk-delete (MaxScaleDownParallelism) and --max-drain-parallelism defaults (main.go flags).
UTILIZATION_THRESHOLD = 0.5
UNNEEDED_MS = 600_000
DELAY_AFTER_ADD_MS = 600_000
MAX_EMPTY_BULK = 10
MAX_DRAIN_PARALLELISM = 1
# eligibility.go: a node so annotated is never scaled down.
SCALE_DOWN_DISABLED = "cluster-autoscaler.kubernetes.io/scale-down-disabled"


@attrs.frozen
class Unneeded:
    """A node found removable this loop: its utilization, the pods to reschedule and those that go with it."""

    node: str
    group: str
    cpu: float
    memory: float
    move: tuple[ApiObject, ...]
    skip: tuple[ApiObject, ...]

    @property
    def empty(self) -> bool:
        return not self.move


def utilization(node: ApiObject, pods: list[ApiObject]) -> tuple[float, float]:
    """utilization.Calculate: the node's pods' requests over its allocatable, for cpu and for memory
    (DaemonSet pods count: --ignore-daemonsets-utilization is false by default)."""
    cpu = mem = 0
    for pod in pods:
        r = pod_requests(pod.spec.template)
        cpu, mem = cpu + r[0], mem + r[1]
    s = node.status
    return (cpu / s.cpu if s.cpu else 0.0), (mem / s.memory if s.memory else 0.0)


def bound_pods(store) -> dict[str, list[ApiObject]]:
    """Every node's pods that are not finished (the scheduled pod lister), by node name."""
    out: dict[str, list[ApiObject]] = {}
    for pod in store.list("Pod"):
        node = pod.spec.template.node_name
        if node is not None and (pod.status is None or pod.status.phase not in ("Succeeded", "Failed")):
            out.setdefault(node, []).append(pod)
    return out


def find_unneeded(store, candidates: list[tuple[str, str]], snap: Snapshot, volumes, gone: set[str],
                  hints: dict[str, str] | None = None) -> tuple[list[Unneeded], dict[str, str]]:
    """UpdateClusterState: for each candidate (node, group) in name order, unneeded when both cpu and memory
    are under the threshold and every pod to move fits another node (the scheduler's filters, on the nodes
    that stay); the pods of nodes already found unneeded are moved in the snapshot, so two nodes never count
    on the same room. `hints` (pod key -> node) are the last simulation's destinations, tried first and kept
    up to date, as upstream's hinting simulator does. Returns the unneeded nodes and why each other is not."""
    hints = {} if hints is None else hints
    pods_by_node = bound_pods(store)
    budgets = Budgets(store)
    sim_snap = with_nodes(snap, drop=gone)
    open_ = np.ones(len(sim_snap), dtype=bool)  # the nodes pods may still move to
    found, why = [], {}
    for name, group in candidates:
        node = store.get("Node", None, name)
        if node is None:
            continue
        if dict(node.meta.annotations).get(SCALE_DOWN_DISABLED) == "true":
            why[name] = "ScaleDownDisabledAnnotation"
            continue
        pods = pods_by_node.get(name, [])
        cpu, mem = utilization(node, pods)
        if max(cpu, mem) >= UTILIZATION_THRESHOLD:
            why[name] = "NotUnderutilized"
            continue
        move, skip, blocked = pods_to_move(pods, budgets)
        if blocked is not None:
            why[name] = f"BlockedByPod: {blocked.reason}: {blocked.message}"
            continue
        if name not in sim_snap.index:
            continue
        here = sim_snap.index[name]
        open_[here] = False
        if _move_all(move, name, sim_snap, open_, volumes, hints):
            budgets.remove(move)
            found.append(Unneeded(name, group, cpu, mem, tuple(move), tuple(skip)))
        else:
            open_[here] = True
            why[name] = "NoPlaceToMovePods"
    return found, why


def _move_all(pods: list[ApiObject], node: str, snap: Snapshot, open_: np.ndarray, volumes,
              hints: dict[str, str]) -> bool:
    """findPlaceFor: the pods leave `node` in the snapshot and each is placed on its hinted node when that
    still passes the filters, else on the first open destination that does; when one finds none, every move
    is undone and False returned."""
    keys = [f"{pod.namespace}/{pod.name}" for pod in pods]
    left = [snap.remove_pod(k)[1] for k in keys if k in snap.where]
    moved = []
    dests = None
    for key, pod in zip(keys, pods):
        info = unbound(pod)
        hint = snap.index.get(hints.get(key, ""))
        dest = None
        if hint is not None and open_[hint] and not check(info, snap, hints[key], volumes(pod)):
            dest = hints[key]
        if dest is None:
            dests = np.flatnonzero(open_) if dests is None else dests
            dest = fits_any(info, snap, volumes(pod), among=dests)
        if dest is not None:
            hints[key] = dest
        if dest is None:
            for placed in moved:
                snap.remove_pod(placed)
            for info_back in left:
                snap.add_pod(node, info_back)
            return False
        moved.append(snap.add_pod(dest, info))
    return True


def to_delete(unneeded: list[Unneeded], since: dict[str, int], now: int, sizes: dict[str, int],
              mins: dict[str, int], draining: int) -> tuple[list[Unneeded], list[Unneeded]]:
    """NodesToDelete and the budgets (budgets.go CropNodes): nodes unneeded for the whole unneeded time,
    never taking a group below its min; empty nodes in bulk (up to 10), nodes to drain one at a time and
    only while no other drain is under way."""
    empty, drain = [], []
    left = dict(sizes)
    for u in unneeded:
        if now - since[u.node] < UNNEEDED_MS or left[u.group] <= mins[u.group]:
            continue
        if u.empty and len(empty) < MAX_EMPTY_BULK:
            empty.append(u)
        elif not u.empty and draining + len(drain) < MAX_DRAIN_PARALLELISM:
            drain.append(u)
        else:
            continue
        left[u.group] -= 1
    return empty, drain
