"""Scale-down as core/scaledown/planner and eligibility decide it: underutilized nodes whose pods can all move."""

from __future__ import annotations

import attrs

from kdsl.engine.autoscaler.drain import Budgets, pods_to_move
from kdsl.engine.autoscaler.predicates import fits_any, unbound, with_nodes
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


def find_unneeded(store, candidates: list[tuple[str, str]], snap: Snapshot, volumes,
                  gone: set[str]) -> tuple[list[Unneeded], dict[str, str]]:
    """UpdateClusterState: for each candidate (node, group) in name order, unneeded when both cpu and memory
    are under the threshold and every pod to move fits another node (the scheduler's filters, on the nodes
    that stay); the pods of nodes already found unneeded are moved in the snapshot, so two nodes never count
    on the same room. Returns the unneeded nodes and why each other candidate is not."""
    pods_by_node = bound_pods(store)
    budgets = Budgets(store)
    sim_snap = with_nodes(snap, drop=gone)
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
        fork = with_nodes(sim_snap, drop={name})
        for pod in move:
            info = unbound(pod)
            dest = fits_any(info, fork, volumes(pod))
            if dest is None:
                why[name] = "NoPlaceToMovePods"
                break
            fork.add_pod(dest, info)
        else:
            budgets.remove(move)
            sim_snap = fork
            found.append(Unneeded(name, group, cpu, mem, tuple(move), tuple(skip)))
    return found, why


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
