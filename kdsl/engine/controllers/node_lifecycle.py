"""The node lifecycle controller: a node that stops heartbeating goes Unknown and is tainted."""

from __future__ import annotations

import attrs

from kdsl.engine.nodes import HEALTHY, NOT_READY, UNREACHABLE, healthy_conditions, with_taints
from kdsl.engine.objects import Condition, set_condition
from kdsl.model.nodes import Taint

UNKNOWN_REASON = "NodeStatusUnknown"
UNKNOWN_MESSAGE = "Kubelet stopped posting node status."


class NodeLifecycleController:
    """Watches heartbeats. kdsl does not replay every 10 s lease renewal: a node's last heartbeat is
    the moment its kubelet stopped (`fail node`), and the controller notices exactly one grace period
    (nodeMonitorGracePeriod, 50 s by default) later — the node-monitor-period of 5 s is not modelled."""

    def __init__(self, sim) -> None:
        self.sim = sim

    def kubelet_stopped(self, name: str) -> None:
        """Called when a node fails: schedule the check at last heartbeat + grace period."""
        # A live kubelet renews its lease all the time; the last renewal is the moment it stopped.
        deadline = self.sim.now + self.sim.scenario.cluster.node_grace_ms
        self.sim.queue.at(deadline, self.reconcile, name, priority=self.sim.PRIORITY_CONTROLLER)

    def reconcile(self, name: str) -> None:
        sim = self.sim
        node = sim.store.get("Node", None, name)
        if node is None:
            return  # deleted meanwhile: nothing to watch any more
        if name not in sim.failed_nodes:
            return  # the kubelet came back before the grace period ended
        ready = node.status.condition("Ready")
        if ready is not None and ready.status == "Unknown":
            return  # already marked: the taints and conditions are in place
        self._tainted(_unknown(node, sim.now), UNREACHABLE)

    def kubelet_not_ready(self, name: str) -> None:
        """The kubelet still posts status but reports Ready=False (its container runtime is down): the
        node is tainted `node.kubernetes.io/not-ready` at once, with no grace period to wait out."""
        sim = self.sim
        self._tainted(_not_ready(sim.store.get("Node", None, name), sim.now), NOT_READY)

    def registered(self, node):
        """A node whose kubelet registers it not Ready (`ready=false|unknown`: an imported Node whose status says
        so): it starts with the conditions and taints a node going so gets, and its pods make no progress. The API
        server's NodeTaint admission taints every new node not-ready:NoSchedule, which the controller keeps while
        Ready is not True (doNoScheduleTaintingPass, TaintNodesByCondition), and adds the NoExecute taint at its
        first pass (doNoExecuteTaintingPass; pkg/controller/nodelifecycle/node_lifecycle_controller.go). No
        NodeNotReady event: the controller records one only when it saw the node Ready before (monitorNodeHealth)."""
        self.sim.failed_nodes.add(node.name)
        key = UNREACHABLE if node.spec.ready == "Unknown" else NOT_READY
        node = _unknown(node, self.sim.now) if key == UNREACHABLE else _not_ready(node, self.sim.now)
        return with_taints(node, add=(Taint(key, None, "NoSchedule"), Taint(key, None, "NoExecute")))

    def _tainted(self, node, key: str) -> None:
        """Write the node with the NoSchedule and NoExecute taints of `key`; its pods lose Ready, and the taint
        eviction controller (taint_eviction.py), which watches nodes, plans their deletion."""
        sim = self.sim
        node = with_taints(node, add=(Taint(key, None, "NoSchedule"), Taint(key, None, "NoExecute")))
        sim.write(node, source="node-controller")
        sim.event("Normal", "NodeNotReady", node, "Node %s status is now: NodeNotReady" % node.name,
                  source="node-controller")
        for pod in self.pods_on(node.name):
            self.mark_not_ready(pod)

    def pods_on(self, node: str) -> list:
        return [p for p in self.sim.store.list("Pod") if p.spec.template.node_name == node]

    def mark_not_ready(self, pod) -> None:
        """MarkPodsNotReady: only the Ready condition flips; the phase is the kubelet's to write. Each pod whose
        Ready changed gets its own Warning NodeNotReady event, recorded after the status update as
        pkg/controller/util/node/controller_utils.go does ("Node is not ready")."""
        ready = pod.status.condition("Ready")
        if ready is None or ready.status == "False":
            return
        cond = attrs.evolve(ready, status="False", last_transition_ms=self.sim.now)
        status = attrs.evolve(pod.status, conditions=set_condition(pod.status.conditions, cond))
        self.sim.write(attrs.evolve(pod, status=status), source="node-controller")
        self.sim.event("Warning", "NodeNotReady", pod, "Node is not ready", source="node-controller")

    def kubelet_started(self, name: str) -> None:
        """A recovered kubelet posts Ready again; the controller lifts the unreachable taints."""
        sim = self.sim
        node = sim.store.get("Node", None, name)
        now = sim.now
        node = attrs.evolve(node, status=attrs.evolve(node.status, conditions=healthy_conditions(now),
                                                      last_heartbeat_ms=now))
        node = with_taints(node, remove_keys=(UNREACHABLE, NOT_READY))
        sim.write(node, source="kubelet")
        sim.event("Normal", "NodeReady", node, "Node %s status is now: NodeReady" % name, source="kubelet")



def _unknown(node, now: int):
    """The node with every condition Unknown, as the controller marks a node whose kubelet stopped posting."""
    conditions = tuple(Condition(type=t, status="Unknown", reason=UNKNOWN_REASON, message=UNKNOWN_MESSAGE,
                                 last_transition_ms=now) for t, *_ in HEALTHY)
    return attrs.evolve(node, status=attrs.evolve(node.status, conditions=conditions))


def _not_ready(node, now: int):
    """The node with the Ready=False its kubelet posts when the container runtime is down."""
    cond = Condition(type="Ready", status="False", reason="KubeletNotReady", message="container runtime is down",
                     last_transition_ms=now)
    return attrs.evolve(node, status=attrs.evolve(node.status, conditions=set_condition(node.status.conditions, cond)))
