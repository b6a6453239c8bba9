"""The scheduler as a component: a priority queue of pending pods, one snapshot kept current, binding."""

from __future__ import annotations


from kdsl.engine import clock
from kdsl.core.evolve import copier, evolve
from kdsl.engine.objects import ApiObject, Condition, PodStatus, set_condition
from kdsl.engine.scheduler import Snapshot, explain
from kdsl.engine.scheduler.batch import scheduled
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.scheduler.volume_binding import VolumeBindingPlugin
from kdsl.model.pods import PodTemplate
from kdsl.model.workloads import Pod

SOURCE = "default-scheduler"
CLEARS_NOMINATED = 35  # the first minor whose binding clears status.nominatedNodeName
# bind's three copies
_TEMPLATE, _SPEC = copier(PodTemplate, "node_name"), copier(Pod, "template")
_STATUS = copier(PodStatus, "conditions", "nominated_node")


class SchedulerComponent:
    """Watches pods and nodes. A pod without a node waits in `pending`; a scheduling pass takes them
    by priority (then creation) and binds each through the API server. An unschedulable pod is tried
    again only when the cluster changes — a node arrives or changes, or a bound pod goes away — which
    is what Kubernetes' queue does when it moves pods back from its unschedulable pool."""

    def __init__(self, sim) -> None:
        self.sim = sim
        self.snapshot = Snapshot.build(sim.store.list("Node"), version=sim.scenario.cluster.kube_version)
        self.pending: dict[tuple, int] = {}  # pod key → order of arrival
        self.unschedulable: set[tuple] = set()
        self.start_index = 0
        self._arrivals = 0
        self._pass_queued = False
        self._scheduled = Condition(type="PodScheduled", status="True", last_transition_ms=-1)  # bind's last
        # Pods bound to a node that does not exist (yet): the API server accepts a nodeName it cannot find, and
        # the scheduler's cache accounts such a pod once its node appears. Node name -> pod keys.
        self.unplaced: dict[str, set[tuple]] = {}
        # its own bindings (writer=SOURCE) are not heard back: bind accounted the pod already, as it assumed it
        sim.store.watch("Pod", self.on_pod, writes=_not_a_bound_pods_status, writer=SOURCE)
        sim.store.watch("Node", self.on_node)
        self.volumes = VolumeBindingPlugin(self)

    # ---- watches ---------------------------------------------------------------------------------
    def on_pod(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if new is None:
            key = old.key
            self.pending.pop(key, None)
            self.unschedulable.discard(key)
            if self.snapshot.node_of(_pod_key(old)) is not None:
                self.snapshot.remove_pod(old)
                self._cluster_changed()
            elif old.spec.template.node_name in self.unplaced:
                self.unplaced[old.spec.template.node_name].discard(key)
            return
        template = new.spec.template
        if template.scheduling_gates:
            # The SchedulingGates PreEnqueue plugin: a gated pod never enters the queue, so it gets no
            # FailedScheduling; the update that removes its last gate brings it here again.
            return
        if new.meta.deletion_ms is not None:
            # A terminating pod still holds its node's resources until it is gone, as in Kubernetes.
            key = new.key
            self.pending.pop(key, None)
            self.unschedulable.discard(key)
            return
        node = template.node_name
        if node is None:
            key = new.key
            if key not in self.pending:
                self._arrivals += 1
                self.pending[key] = self._arrivals
                self._queue_pass()
            return
        snapshot = self.snapshot
        if node not in snapshot.index:
            self.unplaced.setdefault(node, set()).add(new.key)
        elif _pod_key(new) not in snapshot.where:  # a bound pod's later writes (its status) change nothing here
            snapshot.add_pod(node, new)

    def on_node(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if old is None or new is None:
            if new is None and old.name in self.snapshot.index:
                # Its pods wait for a node of its name, as the scheduler cache's ghost node keeps them until they
                # go (pkg/scheduler/backend/cache/cache.go RemoveNode; AddNode finds them): a pod's status write
                # need not be heard to keep it accounted, every bound pod is in the snapshot or waits here.
                placed = self.snapshot.pods_on[self.snapshot.index[old.name]]
                self.unplaced.setdefault(old.name, set()).update(("Pod", *k.split("/", 1)) for k in placed)
            self.snapshot = self.snapshot.with_nodes(self.sim.store.list("Node"))
            for key in sorted(self.unplaced.pop(new.name, ()) if new is not None else ()):
                pod = self.sim.store.get(*key)
                if pod is not None and pod.spec.template.node_name == new.name:
                    self.snapshot.add_pod(new.name, pod)
        else:
            self.snapshot.update_node(new)
        self._cluster_changed()

    def _cluster_changed(self) -> None:
        if self.unschedulable:
            self.unschedulable.clear()
            self._queue_pass()

    def _queue_pass(self) -> None:
        if not self._pass_queued:
            self._pass_queued = True
            self.sim.queue.at(self.sim.now, self.run_pass, priority=clock.PRIORITY_SCHEDULER)

    # ---- scheduling --------------------------------------------------------------------------------
    def run_pass(self) -> None:
        self._pass_queued = False
        sim = self.sim
        store, pending, traces, now = sim.store, self.pending, sim.traces, sim.now
        unschedulable = self.unschedulable
        # by priority, then arrival (each pod's own: the keys are never compared)
        todo = sorted([(-(store.get(*k).spec.template.priority or 0), pending[k], k) for k in pending
                       if k not in unschedulable])
        batch = last = None  # the Batch of the last pod's template, the last pod's PodInfo
        for _, _, key in todo:
            pod = store.get(*key)
            if pod is None or pod.spec.template.node_name is not None:
                pending.pop(key, None)
                continue
            info = PodInfo.of(pod)
            # schedule(info, ...), the checks a template's cycles repeat made once for its pods in a row
            result, batch = scheduled(batch, last, info, self.snapshot, sim.rng, self.start_index,
                                      self.volumes.for_pod(pod))
            last = info
            self.start_index = result.next_start_index
            if traces is not None:
                traces.scheduled(key, now, result)
            if result.node is not None:
                pending.pop(key, None)
                self.bind(pod, result.node, info)
            else:
                self.unschedulable.add(key)
                self.fail(pod, result.message)
                if result.nominated_node is not None:
                    self.preempt(pod, result.nominated_node, result.victims)

    def bind(self, pod: ApiObject, node: str, info: PodInfo | None = None) -> None:
        """Assume the pod on `node` (`info`: the PodInfo its cycle derived, whose scheduling facts the binding does
        not change), then write the binding."""
        sim = self.sim
        spec, status = pod.spec, pod.status
        scheduled = self._scheduled
        if scheduled.last_transition_ms != sim.now:  # one condition for the pods a pass binds at one time
            scheduled = self._scheduled = Condition(type="PodScheduled", status="True", last_transition_ms=sim.now)
        # a pod scheduled at its first try has no condition yet: set_condition would append it
        conditions = set_condition(status.conditions, scheduled) if status.conditions else (scheduled,)
        # The event is recorded before the write announces the binding: the node's kubelet reacts to
        # that announcement (pulls, mounts), and its events come after the scheduler's, as in Kubernetes.
        sim.event("Normal", "Scheduled", pod, f"Successfully assigned {pod.namespace}/{pod.name} to {node}",
                  source=SOURCE)
        # The binding keeps status.nominatedNodeName up to 1.34; from 1.35 (ClearingNominatedNodeNameAfterBinding,
        # beta, on by default) the pod's binding storage clears it (pkg/registry/core/pod/storage/storage.go).
        nominated = status.nominated_node if sim.kube_minor < CLEARS_NOMINATED else None
        # The cache assumes the pod before its binding is written (pkg/scheduler/schedule_one.go assume,
        # backend/cache/cache.go AssumePod): the binding heard back only confirms it (cache.go AddPod of an assumed
        # pod), so the scheduler's watch is spared it (writer=SOURCE). Its watchers ahead of the scheduler's read
        # no snapshot, and a watcher after it that deletes the pod finds it accounted, as when on_pod added it.
        self.snapshot.add_pod(node, pod if info is None else info)
        # the spec and status ride in the store's one copy of the pod; the classes' copiers called directly (evolve
        # finds them by class and names: a third of a copy)
        if type(spec) is Pod and type(spec.template) is PodTemplate and type(status) is PodStatus:
            spec = _SPEC(spec, {"template": _TEMPLATE(spec.template, {"node_name": node})})
            status = _STATUS(status, {"conditions": conditions, "nominated_node": nominated})
        else:
            spec = evolve(spec, template=evolve(spec.template, node_name=node))
            status = evolve(status, conditions=conditions, nominated_node=nominated)
        sim.store.put(pod, sim.queue.now, status, spec, SOURCE)  # sim.write's, a call less (one a pod)

    def fail(self, pod: ApiObject, message: str) -> None:
        sim = self.sim
        cond = Condition(type="PodScheduled", status="False", reason="Unschedulable", message=message,
                         last_transition_ms=sim.now)
        status = evolve(pod.status, conditions=set_condition(pod.status.conditions, cond))
        if status != pod.status:
            sim.write(evolve(pod, status=status), source=SOURCE)
        sim.event("Warning", "FailedScheduling", pod, message, source=SOURCE)


    def preempt(self, pod: ApiObject, node: str, victims) -> None:
        """DefaultPreemption: the pod is nominated to the node and the victims are deleted gracefully
        with DisruptionTarget PreemptionByScheduler; it is scheduled there once they are gone."""
        sim = self.sim
        current = sim.store.get(*pod.key)
        sim.write(evolve(current, status=evolve(current.status, nominated_node=node)), source=SOURCE)
        for v in victims:
            victim = sim.store.get("Pod", v.namespace, v.name)
            if victim is None or victim.terminating:
                continue
            cond = Condition(type="DisruptionTarget", status="True", reason="PreemptionByScheduler",
                             message=f"{SOURCE}: preempting to accommodate a higher priority pod",
                             last_transition_ms=sim.now)
            status = evolve(victim.status, conditions=set_condition(victim.status.conditions, cond))
            sim.write(evolve(victim, status=status), source=SOURCE)
            sim.event("Normal", "Preempted", victim, f"Preempted by pod {pod.meta.uid} on node {node}", source=SOURCE)
            sim.delete("Pod", v.namespace, v.name, source=SOURCE)

    def explain(self, pod: ApiObject):
        """Every node's filter verdicts and plugin scores for one pod, on the current snapshot (without the pod)."""
        return explain(pod, self.snapshot_for(pod), self.volumes.for_pod(pod))

    def snapshot_for(self, pod: ApiObject) -> Snapshot:
        """The cluster as the pod's own scheduling cycle sees it: a bound pod is left out of a copy, as
        NodeInfo.RemovePod takes a pod out before preemption asks whether it would fit, so that a running
        pod is not charged against its own node; the live snapshot is left as it is."""
        if self.snapshot.node_of(_pod_key(pod)) is None:
            return self.snapshot
        copy = self.snapshot.with_nodes(self.snapshot.nodes)
        copy.remove_pod(_pod_key(pod))
        return copy


def _not_a_bound_pods_status(w) -> bool:
    """What on_pod can act on: not an update of a bound pod, not terminating, that keeps its spec (a status
    write). Such a pod was placed when bound and stays in the snapshot or in `unplaced` until it goes."""
    return not (w.spec_kept and w.bound == (True, True) and not w.terminating)


def _pod_key(pod: ApiObject) -> str:
    meta = pod.meta  # read once: every pod write asks it
    return f"{meta.namespace}/{meta.name}"
