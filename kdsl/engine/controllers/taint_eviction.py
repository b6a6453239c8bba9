"""The taint eviction controller (the taint manager): pods go from nodes with NoExecute taints they do not tolerate.

As pkg/controller/tainteviction/taint_eviction.go does it: it watches nodes and pods; every change of a node's
NoExecute taints (the node lifecycle controller's `unreachable` / `not-ready`, or a user's `taint node`) sends each
pod on the node through processPodOnNode, and so does a pod bound to a tainted node. A pod that does not tolerate
every NoExecute taint is deleted at once; one that tolerates them all for a while (the shortest tolerationSeconds of
the tolerations used) when that runs out; one that tolerates them for ever stays. Taints removed in time cancel
the deletion. The events are upstream's: `TaintManagerEviction` "Marking for deletion Pod NS/NAME" when a pod goes,
"Cancelling deletion of Pod NS/NAME" when a planned deletion is cancelled.
"""

from __future__ import annotations

import attrs

from kdsl.engine.events import Event
from kdsl.engine.objects import Condition, set_condition
from kdsl.engine.store_watch import Write
from kdsl.model.nodes import Taint

SOURCE = "taint-eviction-controller"


@attrs.frozen(slots=True)
class _Work:
    """A planned deletion (TimedWorker): when it was planned, when it fires, and the queue's ticket."""

    created_ms: int
    fire_ms: int
    ticket: int


def matching_tolerations(taints, tolerations) -> tuple[bool, list]:
    """v1helper.GetMatchingTolerations: whether every taint is tolerated, and the first toleration of each."""
    used = []
    for t in taints:
        hit = next((x for x in tolerations if x.tolerates(t.key, t.value, t.effect)), None)
        if hit is None:
            return False, []
        used.append(hit)
    return True, used


def min_toleration_ms(used) -> int | None:
    """getMinTolerationTime: the shortest tolerationSeconds (ms) of the tolerations used, 0 when none is used or
    one is 0 or less, None when all tolerate for ever."""
    if not used:
        return 0
    seconds = [t.toleration_ms for t in used if t.toleration_ms is not None]
    if not seconds:
        return None
    return max(min(seconds), 0)


def eviction_delay(template, key: str, value: str | None = None) -> int | None:
    """How long after the NoExecute taint `key` alone the taint manager deletes a pod of this template: 0 when it
    does not tolerate it, None when it does for ever."""
    tolerated, used = matching_tolerations((Taint(key, value, "NoExecute"),), template.tolerations)
    return min_toleration_ms(used) if tolerated else 0


class TaintEvictionController:
    """The taint manager of a run. Watch notifications only queue work (as the informers' handlers do), so the
    deletions happen in the controller's own turn, never inside another component's write."""

    def __init__(self, sim) -> None:
        self.sim = sim
        self.tainted: dict[str, tuple[Taint, ...]] = {}  # node -> its NoExecute taints (taintedNodes)
        # pod key -> its planned deletion; None once it has run: the key stays, as the TimedWorkerQueue keeps it, so
        # that cancelling a deletion already done says nothing.
        self.work: dict[tuple, _Work | None] = {}
        sim.store.watch("Node", self.on_node)
        sim.store.watch("Pod", self.on_pod, writes=_bound_spec_or_deleted)

    def _later(self, fn, *args) -> None:
        self.sim.queue.at(self.sim.now, fn, *args, priority=self.sim.PRIORITY_CONTROLLER)

    # ---- watch handlers (NodeUpdated, PodUpdated) -----------------------------------------------------------------
    def on_node(self, op: str, old, new) -> None:
        before = _no_execute(old.spec.taints) if old is not None else ()
        after = _no_execute(new.spec.taints) if new is not None else ()
        if before == after:
            return  # a heartbeat, a label, a node registered or deleted without NoExecute taints: nothing to do
        self._later(self.handle_node, (new or old).name)

    def on_pod(self, op: str, old, new) -> None:
        if new is None:
            if old.key in self.work:
                self._later(self.handle_pod, old.key, old.spec.template.node_name)
            return
        node = new.spec.template.node_name
        if not node or node not in self.tainted:
            return
        if old is not None and old.spec.template.node_name == node and \
                old.spec.template.tolerations == new.spec.template.tolerations:
            return
        self._later(self.handle_pod, new.key, node)

    # ---- the workers ------------------------------------------------------------------------------------------
    def handle_node(self, name: str) -> None:
        node = self.sim.store.get("Node", None, name)
        if node is None:
            self.tainted.pop(name, None)
            return
        taints = _no_execute(node.spec.taints)
        if taints:
            self.tainted[name] = taints
        else:
            self.tainted.pop(name, None)
        pods = [p for p in self.sim.store.list("Pod") if p.spec.template.node_name == name]
        for pod in pods:
            if taints:
                self.process(pod, taints)
            else:
                self.cancel(pod.key)  # every NoExecute taint gone: every planned deletion is cancelled

    def handle_pod(self, key: tuple, node: str | None) -> None:
        pod = self.sim.store.get(*key)
        if pod is None:
            self.cancel(key)
            return
        if not node or pod.spec.template.node_name != node or node not in self.tainted:
            return
        self.process(pod, self.tainted[node])

    def process(self, pod, taints: tuple[Taint, ...]) -> None:
        """processPodOnNode."""
        now = self.sim.now
        tolerated, used = matching_tolerations(taints, pod.spec.template.tolerations)
        if not tolerated:
            self.cancel(pod.key)
            self._add(pod.key, now, now)
            return
        delay = min_toleration_ms(used)
        if delay is None:
            self.cancel(pod.key)  # tolerated for ever now: a planned deletion is cancelled
            return
        planned = self.work.get(pod.key)
        created = now
        if planned is not None:
            if planned.created_ms < now or planned.fire_ms == now + delay:
                return  # planned earlier: that plan stands (the toleration counts from the first taint)
            self.cancel(pod.key)
            created = planned.created_ms
        self._add(pod.key, created, now + delay)

    def _add(self, key: tuple, created: int, fire: int) -> None:
        """AddWork: a key it holds (a deletion planned, or one done) is not planned again."""
        if key in self.work:
            return
        ticket = self.sim.queue.at(fire, self.fire, key, priority=self.sim.PRIORITY_CONTROLLER)
        self.work[key] = _Work(created, fire, ticket)

    def cancel(self, key: tuple) -> None:
        """cancelWorkWithEvent: a deletion still planned is dropped, with upstream's event."""
        if key not in self.work:
            return
        planned = self.work.pop(key)
        if planned is None:
            return
        self.sim.queue.cancel(planned.ticket)
        _, ns, name = key
        self.sim.log.record(_event(self.sim.now, ns, name, f"Cancelling deletion of Pod {ns}/{name}"))

    def fire(self, key: tuple) -> None:
        """deletePodHandler: the event, the DisruptionTarget condition (addConditionAndDeletePod), the delete."""
        if self.work.get(key) is None:
            return
        self.work[key] = None
        sim = self.sim
        pod = sim.store.get(*key)
        if pod is None or pod.terminating:
            return  # already gone or going: nothing to delete
        cond = Condition(type="DisruptionTarget", status="True", reason="DeletionByTaintManager",
                         message="Taint manager: deleting due to NoExecute taint", last_transition_ms=sim.now)
        status = attrs.evolve(pod.status, conditions=set_condition(pod.status.conditions, cond))
        sim.write(attrs.evolve(pod, status=status), source=SOURCE)
        sim.event("Normal", "TaintManagerEviction", pod, f"Marking for deletion Pod {pod.namespace}/{pod.name}",
                  source=SOURCE)
        sim.delete("Pod", pod.namespace, pod.name, source=SOURCE)


def _bound_spec_or_deleted(w: Write) -> bool:
    """What on_pod can act on: a deletion, or a write of a bound pod that is not a status write. A status write
    keeps the spec, and with it the nodeName and tolerations that on_pod compares with the version before it."""
    return w.op == "DELETED" or (w.bound[1] and not w.spec_kept)


def _no_execute(taints) -> tuple[Taint, ...]:
    return tuple(t for t in taints if t.effect == "NoExecute")


def _event(now: int, ns: str, name: str, message: str) -> Event:
    return Event(time_ms=now, type="Normal", reason="TaintManagerEviction", kind="Pod", namespace=ns, name=name,
                 message=message, source=SOURCE)
