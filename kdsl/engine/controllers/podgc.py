"""The pod garbage collector: pods bound to nodes that no longer exist, and terminating pods on out-of-service nodes."""

from __future__ import annotations

from kdsl.engine.controllers.base import Controller, Key
from kdsl.core.evolve import evolve
from kdsl.engine.objects import ApiObject, Condition, set_condition
from kdsl.engine.store_watch import Write

GC_CHECK_PERIOD_MS = 20_000  # gcCheckPeriod
QUARANTINE_MS = 40_000  # quarantineTime: how long a missing node may still show up before its pods go
OUT_OF_SERVICE = "node.kubernetes.io/out-of-service"  # v1.TaintNodeOutOfService (non-graceful node shutdown)
_PASS: Key = ("PodGC", None, "gc")


class PodGCController(Controller):
    """pkg/controller/podgc/gc_controller.go. Its loop runs every 20 s (wait.UntilWithContext from the controller's
    start: kdsl's passes fall on multiples of 20 s) and, in upstream's order:

    - gcTerminating: a pod being deleted on a node that is not Ready and has the `node.kubernetes.io/out-of-service`
      taint is marked Failed and deleted at once (the non-graceful node shutdown: its kubelet will never confirm);
    - gcOrphaned: a node that pods are bound to and that does not exist is quarantined for 40 s (the delaying
      queue keeps the earliest time); at the first pass after that, if it still does not exist, each of its pods
      gets the DisruptionTarget condition (DeletionByPodGC, "PodGC: node no longer exists"), phase Failed, and is
      deleted with a grace period of 0 (markFailedAndDeletePodWithCondition).

    A pass finds nothing to do unless a pod is bound to a missing node or is terminating on an out-of-service node,
    so kdsl runs passes only while such a pod exists: a run is not kept going by a loop that would write nothing.
    gcTerminated (terminated pods over --terminated-pod-gc-threshold, 12,500) and gcUnscheduledTerminating (the API
    server already deletes an unscheduled pod at once) are not modelled; docs/fidelity.md says so."""

    name = "pod-garbage-collector"

    def setup(self) -> None:
        self._quarantine: dict[str, int] = {}  # missing node -> when its quarantine ends (nodeQueue)
        self.store.watch("Node", self.on_node)
        self.store.watch("Pod", self.on_pod, writes=_created_bound_or_terminating)

    def on_node(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if new is None:
            if any(p.spec.template.node_name == old.name for p in self.store.list("Pod")):
                self._wake()  # a node deleted under its pods: they are orphans now
        elif _out_of_service(new) and not _out_of_service(old):
            self._wake()

    def on_pod(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if new is None:
            return  # a pod gone is nothing to collect
        node = new.spec.template.node_name
        if not node:
            return  # unbound: the API server deletes a pod that was never scheduled at once
        if old is not None and old.spec.template.node_name == node and old.terminating == new.terminating:
            return  # the same binding and deletion state: what a pass would decide has not changed
        current = self.store.get("Node", None, node)
        if current is None or (new.terminating and _out_of_service(current)):
            self._wake()

    def _wake(self) -> None:
        """The loop's next pass (the next multiple of 20 s), unless one is already due."""
        now = self.sim.now
        self.enqueue(_PASS, (now // GC_CHECK_PERIOD_MS + 1) * GC_CHECK_PERIOD_MS - now)

    def reconcile(self, key: Key) -> None:
        now = self.sim.now
        pods = self.store.list("Pod")
        nodes = {n.name: n for n in self.store.list("Node")}
        refused = False
        for pod in _by_creation([p for p in pods if p.terminating and _out_of_service(
                nodes.get(p.spec.template.node_name))]):
            refused |= not self._mark_failed_and_delete(pod, None)
        orphaned = [p for p in pods if p.spec.template.node_name and p.spec.template.node_name not in nodes]
        for name in sorted({p.spec.template.node_name for p in orphaned}):
            self._quarantine.setdefault(name, now + QUARANTINE_MS)  # AddAfter: an earlier time stands
        gone = {n for n, ready in self._quarantine.items() if ready <= now}
        for name in gone:
            del self._quarantine[name]  # Done: a node still missing is quarantined again by a later pass
        condition = Condition(type="DisruptionTarget", status="True", reason="DeletionByPodGC",
                              message="PodGC: node no longer exists", last_transition_ms=now)
        for pod in orphaned:
            if pod.spec.template.node_name in gone:
                refused |= not self._mark_failed_and_delete(pod, condition)
        if self._quarantine or refused:
            self._wake()
            return  # a quarantine still running, or a refused write: the loop comes round again
        # nothing left that a pass would act on: the loop's next passes would write nothing, so none is planned

    def _mark_failed_and_delete(self, pod: ApiObject, condition: Condition | None) -> bool:
        """markFailedAndDeletePodWithCondition: a pod not yet finished is patched to Failed (with the condition)
        through pods/status, then deleted with a grace period of 0. False when the patch was refused."""
        if pod.status.phase not in ("Succeeded", "Failed"):
            status = evolve(pod.status, phase="Failed")
            if condition is not None:
                status = evolve(status, conditions=set_condition(status.conditions, condition))
            if self.client.patch_status(evolve(pod, status=status)) is None:
                return False  # refused: upstream logs the error and the next pass tries again
        self.client.delete("Pod", pod.namespace, pod.name, grace_ms=0)
        return True


def _created_bound_or_terminating(w: Write) -> bool:
    """The pod writes a pass may act on: a pod created bound to a node (nodeName from YAML), and a bound pod's
    write once it is being deleted. The scheduler binds only to a node it has, and a node deleted later wakes
    the pass from the node's own watch, so a binding and a running pod's status writes are not heard."""
    return w.op != "DELETED" and w.bound[1] and (w.op == "ADDED" or w.terminating)


def _out_of_service(node: ApiObject | None) -> bool:
    """Not Ready (nodeutil.IsNodeReady) and tainted `node.kubernetes.io/out-of-service` (any value or effect)."""
    if node is None:
        return False
    ready = node.status.condition("Ready")
    return (ready is None or ready.status != "True") and any(t.key == OUT_OF_SERVICE for t in node.spec.taints)


def _by_creation(pods: list[ApiObject]) -> list[ApiObject]:
    """byEvictionAndCreationTimestamp: evicted pods first, then the oldest, then by name."""
    return sorted(pods, key=lambda p: (p.status.reason != "Evicted", p.meta.creation_ms, p.name))
