"""Why a pod is Pending, not Ready, restarting, Terminating or Unknown, read from the simulation at a moment."""

# Every fact comes from the run: the pod and its node as the store held them at `at`, the pod's events up to `at`
# (and after it, for when the kubelet's next try happened), the scheduler's Explanation, the kubelet's back-off
# and the taint manager's eviction delay. Nothing here decides a rule again; it words what the engine decided.

from __future__ import annotations

from kdsl.engine import arguments, podview
from kdsl.engine.controllers.taint_eviction import eviction_delay
from kdsl.engine.kubelet.backoff import go_duration
from kdsl.engine.nodes import NOT_READY, UNREACHABLE
from kdsl.engine.objects import Running, Terminated
from kdsl.core.values import format_duration as when
from kdsl.views.common import moment, objects
from kdsl.views.pods import node_map, scheduling_view
from kdsl.views.why_containers import containers
from kdsl.views.why_pending import unscheduled
from kdsl.views.why_words import Found, Why, names

__all__ = ["Why", "unhealthy", "why"]


class PodEvents:
    """The pod's events (this incarnation's: from its creation) before and after the moment asked about."""

    __slots__ = ("before", "after")

    def __init__(self, sim, obj, t: int) -> None:
        mine = [e for e in sim.log.events if e.kind == "Pod" and e.namespace == obj.namespace
                and e.name == obj.name and e.time_ms >= obj.meta.creation_ms]
        self.before = [e for e in mine if e.time_ms <= t]
        self.after = [e for e in mine if e.time_ms > t]

    def last(self, reason: str, prefix: str = ""):
        return next((e for e in reversed(self.before) if e.reason == reason and e.message.startswith(prefix)), None)

    def first(self, reason: str, prefix: str = ""):
        return next((e for e in self.before if e.reason == reason and e.message.startswith(prefix)), None)

    def next(self, reason: str, message: str):
        return next((e for e in self.after if e.reason == reason and e.message == message), None)

    def count(self, reason: str, prefix: str = "") -> int:
        return sum(e.count for e in self.before if e.reason == reason and e.message.startswith(prefix))


def why(sim, pod: str, at=None) -> Why:
    """Why `pod` (`ns/name`, or `name` in default) is in its state at `at` (default: the end), in plain words."""
    t = moment(sim, at)
    obj = arguments.pod(sim, pod, t)
    nodes = node_map(sim, t)
    events = PodEvents(sim, obj, t)
    found = Found()
    if obj.terminating:
        return _terminating(sim, obj, t, nodes, found)
    node = obj.spec.template.node_name
    if node is None:
        found.fact("since", obj.meta.creation_ms)
        unscheduled(sim, *scheduling_view(sim, obj, t), found)
        if obj.status.nominated_node:
            found.say(f"It is nominated to {obj.status.nominated_node}: the scheduler preempted lower-priority "
                      "pods there and binds it once they are gone.")
        return found.why(obj, "Pending", "Pending", obj.meta.creation_ms, t)
    phase = obj.status.phase
    if phase in ("Succeeded", "Failed"):
        return _finished(obj, t, found)
    trouble = _node_trouble(sim, obj, t, nodes.get(node), found)
    if trouble is not None:
        return trouble
    return containers(sim, obj, t, events, found)


def _terminating(sim, obj, t: int, nodes: dict, found: Found) -> Why:
    # deletionTimestamp is the end of the grace period (the API server sets it to now + grace), as in Kubernetes.
    deadline = obj.meta.deletion_ms
    grace = obj.meta.deletion_grace_ms if obj.meta.deletion_grace_ms is not None else obj.spec.template.grace_ms
    deleted = deadline - grace
    found.fact("deleted", deleted)
    found.fact("grace", grace)
    found.fact("deadline", deadline)
    found.head(f"it was deleted with a grace period of {go_duration(grace)}")
    target = obj.status.condition("DisruptionTarget")
    if target is not None and target.status == "True":
        found.say(f"The deletion came from {target.reason}: {target.message}.")
    node = obj.spec.template.node_name
    if node is not None and podview.node_lost(obj, nodes):
        found.say(f"Its node {node} is unreachable, so no kubelet confirms that its containers stopped: the pod object "
                  "stays until the node comes back or the pod is deleted with --force --grace-period=0.")
        found.fix_lead = "It would go with"
        found.fix(f"node {node} back (`recover node {node}`)")
        found.fix("a forced delete")
        return found.why(obj, "Terminating", "Terminating", deleted, t)
    running = [cs.name for cs in obj.status.init_container_statuses + obj.status.container_statuses
               if isinstance(cs.state, Running)]
    if node is None:
        found.say("It was never bound to a node, so nothing has to stop.")
    elif running:
        verb = "kills" if deadline > t else "killed"
        found.say(f"The kubelet on {node} sent SIGTERM to {names(running)}; it {verb} what still runs at "
                  f"{when(deadline)}, and the pod goes once every container has stopped.")
        _shutdowns(obj, running, deleted, deadline, found)
    else:
        found.say(f"Its containers have stopped; the kubelet on {node} removes the pod object next.")
    return found.why(obj, "Terminating", "Terminating", deleted, t)


def _shutdowns(obj, running: list[str], deleted: int, deadline: int, found: Found) -> None:
    """What each regular container's `shutdown` makes of the grace period (sidecars get SIGTERM later)."""
    for c in obj.spec.template.containers:
        need = c.behaviour.shutdown_ms
        if c.name not in running or not need:
            continue
        if deleted + need < deadline:
            found.say(f"{c.name} takes {go_duration(need)} to exit after SIGTERM (`shutdown {when(need)}`): "
                      f"it exits at {when(deleted + need)}.")
        else:
            found.say(f"{c.name} takes {go_duration(need)} to exit after SIGTERM (`shutdown {when(need)}`), longer "
                      f"than the grace period: it is killed (SIGKILL, exit 137) at {when(deadline)}.")


def _finished(obj, t: int, found: Found) -> Why:
    ended = [cs.state for cs in obj.status.container_statuses if isinstance(cs.state, Terminated)]
    at = max((s.finished_ms for s in ended if s.finished_ms is not None), default=None)
    found.fact("finished", at)
    if obj.status.phase == "Succeeded":
        found.head("every container exited with code 0")
        return found.why(obj, "Succeeded", "Succeeded", at, t)
    if obj.status.reason:
        found.head(f"{obj.status.reason}: {obj.status.message}" if obj.status.message else obj.status.reason)
    else:
        bad = next(((cs.name, cs.state) for cs in obj.status.init_container_statuses + obj.status.container_statuses
                    if isinstance(cs.state, Terminated) and cs.state.exit_code != 0), None)
        if bad is not None:
            found.head(f"container {bad[0]} exited with code {bad[1].exit_code} ({bad[1].reason})")
            found.fact("exit code", bad[1].exit_code)
        found.say(f"Its restartPolicy is {obj.spec.template.restart_policy}, so the kubelet does not start it again.")
    return found.why(obj, "Failed", "Failed", at, t)


def _node_trouble(sim, obj, t: int, node, found: Found) -> Why | None:
    """A pod on a node that stopped posting status (Unknown) or posts Ready=False: the node's taint and when
    the taint manager deletes the pod."""
    ready = node.status.condition("Ready") if node is not None else None
    if ready is None or ready.status == "True":
        return None
    since = ready.last_transition_ms
    if ready.status == "Unknown":
        key, state, words = UNREACHABLE, "Unknown", "Unknown"
        grace = sim.scenario.cluster.node_grace_ms
        found.head(f"its node {node.name} stopped posting status")
        found.say(f"The node controller marked {node.name} {ready.reason} at {when(since)}, {go_duration(grace)} after "
                  f"its last heartbeat at {when(since - grace)}, and tainted it {key}:NoExecute.")
        found.fact("last heartbeat", since - grace)
    else:
        key, state, words = NOT_READY, "NotReady", f"{podview.phase(obj, {})} but not Ready"
        found.head(f"its node {node.name} is NotReady ({ready.reason}: {ready.message})")
        found.say(f"The node controller tainted {node.name} {key}:NoExecute at {when(since)}.")
    found.fact("node lost", since)
    delay = eviction_delay(obj.spec.template, key)
    if delay is None:
        found.say("The pod tolerates that taint for ever, so it stays bound to the node.")
    else:
        evict = since + delay
        found.fact("eviction", evict)
        verb = "deletes" if evict > t else "deleted"
        if delay:
            found.say(f"It tolerates the taint for {go_duration(delay)} (tolerationSeconds {delay // 1000}), so the "
                      f"taint manager {verb} it at {when(evict)}.")
        else:
            found.say(f"It does not tolerate the taint, so the taint manager {verb} it at once.")
    found.fix_lead = "It would run again with"
    found.fix(f"node {node.name} back (`recover node {node.name}`) before then" if delay else
              f"node {node.name} back (`recover node {node.name}`)")
    if obj.meta.owners:
        found.fix("the replacement its controller creates once it is deleted")
    return found.why(obj, state, words, since, t)


def troubled(obj, nodes: dict) -> bool:
    """Pending, not Ready, restarting, Terminating or Unknown: what `unhealthy` explains."""
    if obj.terminating:
        return True
    phase = podview.phase(obj, nodes)
    return not (phase in ("Succeeded", "Failed") or (phase == "Running" and podview.ready(obj, nodes)))


def unhealthy(sim, t: int, limit: int | None = None) -> list[Why]:
    """The pods that are troubled at `t` ms (by namespace and name), each explained; `limit` stops after that
    many, as a summary shows a few."""
    nodes = node_map(sim, t)
    found = [obj for obj in objects(sim, "Pod", t) if troubled(obj, nodes)]
    return [why(sim, f"{obj.namespace}/{obj.name}", t) for obj in found[:limit]]


def count_unhealthy(sim, t: int) -> int:
    """How many pods `unhealthy` would explain at `t`, without explaining them."""
    nodes = node_map(sim, t)
    return sum(troubled(obj, nodes) for obj in objects(sim, "Pod", t))
