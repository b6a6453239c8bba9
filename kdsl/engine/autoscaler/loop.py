"""The autoscaler's loop (core/static_autoscaler.go RunOnce every --scan-interval) and what it does to the cluster."""

from __future__ import annotations

from kdsl.engine import clock
from kdsl.engine.autoscaler import events
from kdsl.engine.autoscaler.groups import NodeGroup, node_groups
from kdsl.engine.autoscaler.scaledown import DELAY_AFTER_ADD_MS, Unneeded, find_unneeded, to_delete
from kdsl.engine.autoscaler.scaleup import NEW_POD_MS, Pending, filter_out_schedulable, scale_up, unschedulable
from kdsl.engine.autoscaler.simulator import unbound, with_template_nodes
from kdsl.engine.nodes import with_taints
from kdsl.model.nodes import NodePool, Taint

SCAN_INTERVAL_MS = 10_000  # --scan-interval
# --node-delete-delay-after-taint: the drain starts this long after the ToBeDeleted taint.
DELETE_DELAY_AFTER_TAINT_MS = 5_000
# How often a drain looks again for its pods being gone (drain.go waits and polls for them).
DRAIN_POLL_MS = 5_000
# utils/taints/taints.go: the taint that keeps pods off a node being removed; its value is the Unix time.
TO_BE_DELETED = "ToBeDeletedByClusterAutoscaler"
# After the kubelets and the controllers of a moment: the loop reads the cluster as that moment left it.
PRIORITY = clock.PRIORITY_KUBELET + 8


def autoscaled(scenario) -> bool:
    """Whether any pool is a node group: only then is the autoscaler built (and anything scheduled)."""
    return any(isinstance(s, NodePool) and s.autoscale is not None for s in scenario.node_specs)


class ClusterAutoscaler:
    """kubernetes/autoscaler's cluster-autoscaler on the simulated cluster, with kdsl's pools as the cloud
    provider's node groups. `groups` by name; `group_of(node)` names a node's group (None for a node of no
    autoscaled pool); `unneeded` (node -> since when, ms) and `unremovable` (node -> why) are the last loop's
    scale-down view."""

    def __init__(self, sim) -> None:
        self.sim = sim
        self.groups: dict[str, NodeGroup] = node_groups(sim.scenario)
        self._group_of = {n: g.name for g in self.groups.values() for n in g.members}
        self.unneeded: dict[str, int] = {}
        self.unremovable: dict[str, str] = {}
        self.last_scale_up_ms: int | None = None
        self.draining: set[str] = set()
        self._not_triggered: dict[tuple, str] = {}  # pod key -> the NotTriggerScaleUp message last recorded
        # What the last loop found; computed again only once pods, nodes or budgets have changed (a loop over
        # an unchanged cluster finds the same), and the rescheduling hints of the removal simulation.
        self._changed = True
        self._idle_up = False
        self._found: tuple | None = None
        self._hints: dict[str, str] = {}
        for kind in ("Pod", "Node", "PodDisruptionBudget", "PersistentVolumeClaim", "PersistentVolume"):
            sim.store.watch(kind, self._on_change)
        sim.queue.at(SCAN_INTERVAL_MS, self.run_once, priority=PRIORITY)

    def group_of(self, node: str) -> str | None:
        return self._group_of.get(node)

    def _on_change(self, op, old, new) -> None:
        self._changed = True

    # ---- the loop ------------------------------------------------------------------------------------
    def run_once(self) -> None:
        """RunOnce: scale up for unschedulable pods; if that did nothing, look for nodes to remove. The
        next loop is queued first: the run's horizon, not the loop, decides when a run ends."""
        sim = self.sim
        sim.queue.after(SCAN_INTERVAL_MS, self.run_once, priority=PRIORITY)
        changed, self._changed = self._changed, False
        if changed:
            self._found = None
        scaled_up, skip_scale_down = (False, False) if self._idle_up and not changed else self._scale_up()
        if not scaled_up:
            self._scale_down(in_cooldown=skip_scale_down)

    def _volumes(self, pod):
        return self.sim.scheduler.volumes.for_pod(pod)

    def _scale_up(self) -> tuple[bool, bool]:
        sim = self.sim
        self._idle_up = True  # a loop that ends with nothing to do would do nothing again on the same cluster
        pods = unschedulable(sim.store)
        if not pods:
            return False, False
        upcoming = [(g, name) for g in self.groups.values() for name in sorted(g.upcoming)]
        base = with_template_nodes(sim.scheduler.snapshot, upcoming, sim.store)
        pending = [Pending(p, unbound(p)) for p in pods]
        pending = filter_out_schedulable(pending, base, self._volumes)
        if not pending:
            return False, False
        if all(sim.now - p.pod.meta.creation_ms < NEW_POD_MS for p in pending):
            self._idle_up = False  # the next loop decides, on the same pods
            return False, True  # allPodsAreNew: wait one loop for more, and no scale-down in this one
        taken = {n.name for n in sim.scheduler.snapshot.nodes}
        out = scale_up(pending, list(self.groups.values()), base, taken, sim.rng, self._volumes, sim.store)
        if out.group is None:
            for p, message in out.remaining:
                key = p.pod.key
                if self._not_triggered.get(key) != message:
                    self._not_triggered[key] = message
                    sim.event("Normal", "NotTriggerScaleUp", p.pod, message, source=events.SOURCE)
            return False, False
        self._execute(self.groups[out.group], out.current, out.new)
        message = events.triggered([out.info])
        for p in out.triggered:
            self._not_triggered.pop(p.pod.key, None)
            sim.event("Normal", "TriggeredScaleUp", p.pod, message, source=events.SOURCE)
        self.last_scale_up_ms = sim.now
        return True, True

    def _execute(self, g: NodeGroup, current: int, new: int) -> None:
        """executeScaleUp: the group's target size is raised; each new node registers, Ready, `provision`
        after the decision (kdsl's cloud: the node object appears then, with nothing before it)."""
        sim = self.sim
        self._changed = True  # the group's size is part of what the next loop decides on
        events.status_event(sim, "ScaledUpGroup", events.setting_size(g.name, new, current, g.max_size))
        names = g.new_names(new - current, {n.name for n in sim.scheduler.snapshot.nodes})
        g.claim(names)
        for name in names:
            g.upcoming[name] = sim.now + g.pool.provision_ms
            sim.queue.at(sim.now + g.pool.provision_ms, self._register, g.name, name,
                         priority=clock.PRIORITY_API)
        events.status_event(sim, "ScaledUpGroup", events.size_set(g.name, new, current, g.max_size))

    def _register(self, group: str, name: str) -> None:
        g = self.groups[group]
        g.upcoming.pop(name, None)
        g.members.add(name)
        self._group_of[name] = group
        self.sim.add_node(g.node(name))

    # ---- scale-down ----------------------------------------------------------------------------------
    def _scale_down(self, in_cooldown: bool) -> None:
        sim = self.sim
        gone = {n for g in self.groups.values() for n in g.deleting}
        candidates = sorted((n, g.name) for g in self.groups.values() for n in g.members if n not in g.deleting)
        if self._found is None:
            self._found = find_unneeded(sim.store, candidates, sim.scheduler.snapshot, self._volumes, gone,
                                        self._hints)
        found, why = self._found
        self.unneeded = {u.node: self.unneeded.get(u.node, sim.now) for u in found}
        self.unremovable = why
        recent = self.last_scale_up_ms is not None and sim.now < self.last_scale_up_ms + DELAY_AFTER_ADD_MS
        if in_cooldown or recent or not found:
            return
        sizes = {g.name: g.target_size() for g in self.groups.values()}
        mins = {g.name: g.min_size for g in self.groups.values()}
        empty, drain = to_delete(found, self.unneeded, sim.now, sizes, mins, len(self.draining))
        for u in empty:
            events.status_event(sim, "ScaleDownEmpty", events.removing_empty(u.node))
        for u in drain:
            util = events.utilization_info(u.cpu, u.memory)
            events.status_event(sim, "ScaleDown", events.removing(u.node, util, [p.name for p in u.move]))
        for u in empty + drain:
            self._taint(u)
            sim.queue.after(DELETE_DELAY_AFTER_TAINT_MS, self._drain, u, priority=PRIORITY)

    def _taint(self, u: Unneeded) -> None:
        """MarkToBeDeleted: the NoSchedule taint (value: the time, in seconds) and the node's ScaleDown event."""
        sim = self.sim
        self.groups[u.group].deleting.add(u.node)
        self.unneeded.pop(u.node, None)
        if not u.empty:
            self.draining.add(u.node)
        node = sim.store.get("Node", None, u.node)
        sim.write(with_taints(node, add=(Taint(TO_BE_DELETED, str(sim.now // 1000), "NoSchedule"),)),
                  source=events.SOURCE)
        sim.event("Normal", "ScaleDown", node, events.MARKED, source=events.SOURCE)

    def _drain(self, u: Unneeded) -> None:
        """DrainNode: each pod to move is deleted (its controller makes a new one, which the taint keeps off
        this node) with the ScaleDown event on the pod; then the node's own pods (DaemonSet ones) go."""
        sim = self.sim
        for pod in u.move:
            current = sim.store.get(*pod.key)
            if current is None or current.terminating or current.meta.uid != pod.meta.uid:
                continue
            sim.event("Normal", "ScaleDown", current, events.DELETING_POD, source=events.SOURCE)
            sim.delete("Pod", pod.namespace, pod.name, source=events.SOURCE)
        self._delete_when_empty(u)

    def _delete_when_empty(self, u: Unneeded) -> None:
        """The node is deleted once no pod is bound to it; DaemonSet pods are deleted once the others are gone."""
        sim = self.sim
        left = [p for p in sim.store.list("Pod") if p.spec.template.node_name == u.node]
        others = [p for p in left if not any(o.kind == "DaemonSet" and o.controller for o in p.meta.owners)]
        if not others:
            for p in left:
                if not p.terminating:
                    sim.delete("Pod", p.namespace, p.name, source=events.SOURCE)
        if left:
            sim.queue.after(DRAIN_POLL_MS, self._delete_when_empty, u, priority=PRIORITY)
            return
        node = sim.store.get("Node", None, u.node)
        g = self.groups[u.group]
        g.deleting.discard(u.node)
        g.members.discard(u.node)
        self.draining.discard(u.node)
        if node is not None:
            sim.remove(node.key, source=events.SOURCE)
            sim.event("Normal", "RemovingNode", node, f"Node {u.node} event: Removing Node {u.node} from Controller",
                      source="node-controller")
