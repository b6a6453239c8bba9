"""The kubelets as a component: each bound pod's runtime stepped at exactly its next change."""

from __future__ import annotations

from kdsl.engine import clock
from kdsl.engine.kubelet import admission, config_refs, runtime, steps
from kdsl.engine.kubelet.containers import LIVE
from kdsl.engine.kubelet.pod import PodRun, Step
from kdsl.engine.kubelet.phase import TERMINAL
from kdsl.engine.objects import ApiObject
from kdsl.engine.store import KEEP
from kdsl.engine.store_watch import bound_or_deleted

SOURCE = "kubelet"
# A pod worker whose sync failed tries again after backOffPeriod (pkg/kubelet/kubelet.go: 10 s; upstream adds up to
# half of it as jitter, kdsl does not).
SYNC_BACKOFF_MS = 10_000
EXTERNAL_CONDITIONS = ("DisruptionTarget",)


class KubeletComponent:
    """One kubelet per node, kept as one table of pod runs. For each pod it asks the runtime for the
    next thing that happens and schedules exactly that moment — no polling. A step scheduled before
    the pod changed is stale (its generation no longer matches) and does nothing. A failed node's
    kubelet does nothing at all until the node recovers, when it resyncs its pods."""

    def __init__(self, sim) -> None:
        self.sim = sim
        self.runs: dict[tuple, PodRun] = {}
        self.generation: dict[tuple, int] = {}
        self.node_of: dict[tuple, str] = {}
        self.waiting: dict[tuple, list[str]] = {}  # pods whose volumes wait for an object: the missing volumes
        # canAdmitPod's handlers: pod -> None, or (reason, message) to refuse it (the eviction manager's Admit)
        self.admit_handlers: list = []
        self.admitted = admission.Admitted()  # the predicate admission's sums of the admitted pods
        # Pods bound to a node that does not exist: no kubelet has them (they stay Pending) until a node of that
        # name registers and its kubelet lists them. Node name -> pod keys.
        self.unhosted: dict[str, set[tuple]] = {}
        # its own status writes (writer=SOURCE) are not heard back: on_pod would return at once
        sim.store.watch("Pod", self.on_pod, writes=bound_or_deleted, writer=SOURCE)
        sim.store.watch("Node", self.on_node)
        for kind in config_refs.MOUNTED:
            sim.store.watch(kind, self.on_volume_source)
        self.held = config_refs.Held()  # containers in CreateContainerConfigError, by what they name
        for kind in config_refs.WATCHED:
            sim.store.watch(kind, self.on_config)

    def on_pod(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if new is not None and new.meta.deletion_ms is None:
            run = self.runs.get(new.key)
            if run is not None and new.status is run.status:
                # its own status write heard back: a status-only change is a reconcile, not a sync
                # (pkg/kubelet/config/config.go checkAndUpdatePod), and nothing of another's is in it to adopt
                return
        if new is None:
            key = old.key
            self.unhosted.get(old.spec.template.node_name, set()).discard(key)
            self.waiting.pop(key, None)
            run = self.runs.pop(key, None)
            self.generation.pop(key, None)
            self.admitted.release(key)
            if run is not None and run.configs is not None:
                self.held.forget(key, old.spec.template.init_containers + old.spec.template.containers)
            node = self.node_of.pop(key, None)
            if run is not None and run.status.pod_ip and node is not None:
                self.sim.network.release(node, run.status.pod_ip)
            return
        node = new.spec.template.node_name
        if node is None:
            return  # not bound yet: no kubelet has it
        key = new.key
        run = self.runs.get(key)
        if run is None:
            node_obj = self.sim.store.get("Node", None, node)
            if node_obj is None:
                self.unhosted.setdefault(node, set()).add(key)
                return
            self.node_of[key] = node
            run = self.runs[key] = self._new_run(new, node_obj)
            if self._rejected(key, new, node, node_obj):
                return
            # (config_refs.missing reads only the pod's volumes)
            if not (new.spec.template.volumes and self._wait_for_volumes(key, new)):
                self._next(key, run)
        else:
            if new.status is not run.status:  # another's write
                self._adopt_conditions(key, new)
            if new.terminating and not self.runs[key].deleting and node not in self.sim.failed_nodes:
                self.waiting.pop(key, None)
                self._delete(key, new)

    def on_node(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if old is None and new is not None:  # a kubelet registers and lists the pods bound to its node
            for key in sorted(self.unhosted.pop(new.name, ())):
                pod = self.sim.store.get(*key)
                if pod is not None:
                    self.on_pod("ADDED", None, pod)

    def _new_run(self, pod: ApiObject, node_obj: ApiObject | None = None):
        """The pod's run as its kubelet first sees it; `node_obj`: its node's object, when the caller has it."""
        if node_obj is None:
            node_obj = self.sim.store.get("Node", None, pod.spec.template.node_name)
        images = node_obj.status.images if node_obj is not None else ()
        configs = (config_refs.PodConfigs(pod.key, self.sim.store.get, self.held)
                   if config_refs.uses_config(pod.spec.template) else None)
        return runtime.new_pod(pod.spec.template, self.sim.now, name=pod.name, namespace=pod.namespace,
                               uid=pod.meta.uid, node_images=images, status=pod.status, configs=configs)

    def _rejected(self, key: tuple, pod: ApiObject, node: str, node_obj: ApiObject) -> bool:
        """HandlePodAdditions: a pod an admit handler refuses is failed at once (rejectPod), with a Warning
        event of the handler's reason and message. The eviction manager's Admit comes first, the predicate
        admission (lifecycle/predicate.go) last, against the sums of the pods admitted before it."""
        refusal = None
        for handler in self.admit_handlers:
            refusal = handler(pod)
            if refusal is not None:
                break
        if refusal is None:
            refusal = self.admitted.admit(key, pod, node, node_obj)
            if refusal is None:
                return False
        reason, message = refusal
        self.sim.event("Warning", reason, pod, message, source=SOURCE)
        self._publish(key, runtime.reject(self.runs[key], self.sim.now, reason, message), ())
        return True

    def _wait_for_volumes(self, key: tuple, pod: ApiObject) -> bool:
        """A volume whose ConfigMap, Secret or claim is missing holds the pod in ContainerCreating, with a
        FailedMount event, until the object appears (WaitForAttachAndMount comes before the sandbox)."""
        missing = config_refs.missing(pod, self.sim.store)
        if not missing:
            return False
        self.waiting[key] = [name for name, _ in missing]
        for _, message in missing:
            if message is not None:
                self.sim.event("Warning", "FailedMount", pod, message, source=SOURCE)
        run = self.runs[key]
        if pod.status != run.status:
            self.sim.write(pod, source=SOURCE, status=run.status, writer=SOURCE)
        return True

    def on_volume_source(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        """A ConfigMap, Secret or claim appeared (or a claim was bound): the pods waiting for it start."""
        if new is None:
            return
        for key in [k for k in self.waiting if k[1] == new.namespace]:
            pod = self.sim.store.get(*key)
            if pod is None or config_refs.missing(pod, self.sim.store):
                continue
            del self.waiting[key]
            self.runs[key] = self._new_run(pod)
            self._next(key)

    def on_config(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        """A ConfigMap or Secret was created, changed or deleted: the containers it held back in
        CreateContainerConfigError try again at their next sync."""
        obj = new if new is not None else old
        for key, container, at in self.held.retries(obj.kind, obj.namespace, obj.name, self.sim.now):
            run = self.runs.get(key)
            if run is not None:
                self.runs[key] = config_refs.retry(run, container, at)
                self._next(key)

    def _adopt_conditions(self, key: tuple, pod: ApiObject) -> None:
        """Conditions other components set (DisruptionTarget) become part of what the kubelet reports."""
        run = self.runs[key]
        if pod.status is run.status:
            return  # its own write: nothing of another component's to take
        for cond in pod.status.conditions:
            if cond.type in EXTERNAL_CONDITIONS and run.status.condition(cond.type) != cond:
                run = runtime.with_condition(run, cond, self.sim.now)
        self.runs[key] = run

    def _delete(self, key: tuple, pod: ApiObject) -> None:
        run, events = runtime.delete(self.runs[key], self.sim.now, pod.meta.deletion_grace_ms)
        self._publish(key, run, events)

    def _next(self, key: tuple, run: PodRun | None = None) -> None:
        """Plan the pod's next step; `run`: its record, when the caller has just stored it."""
        if run is None:
            run = self.runs.get(key)
            if run is None:
                return
        step = runtime.next_event(run)
        if step is None:
            return  # nothing happens by itself until something outside changes the pod
        gen = self.generation[key] = self.generation.get(key, 0) + 1
        self.sim.queue.at_grouped(step.time_ms, self.step, (key, gen, step), clock.PRIORITY_KUBELET)

    def step(self, key: tuple, gen: int, step) -> None:
        if self.generation.get(key) != gen:
            return  # the pod changed since this step was planned: a newer plan stands
        node = self.node_of.get(key)
        if node in self.sim.failed_nodes:
            return  # a dead kubelet reports nothing; it resyncs when the node recovers
        run = self.runs[key]
        ip = None
        if step.what == "sandbox" and run.status.pod_ip is None:
            # The sandbox's address, reported with the sandbox (the loop allocates it; apply only reports it).
            pod_ip = self.sim.network.allocate(node)
            if pod_ip is None:
                self._no_pod_ip(key, gen, step, run, node)
                return
            ip = (pod_ip, self.sim.network.host_ip(node))  # the node's InternalIP (ipam.py)
        stepped, events = runtime.apply(run, step, ip)
        self._publish(key, stepped, events, run.status)
        if stepped.removed:
            self.sim.remove(key, source=SOURCE)

    def _no_pod_ip(self, key: tuple, gen: int, step, run: PodRun, node: str) -> None:
        """Every address of the node's pod range is taken: RunPodSandbox fails in the CNI plugin's words
        (host-local's allocator, plugins/ipam/host-local) and the pod worker tries again after its back-off,
        so the pod stays ContainerCreating until a pod on the node gives its address back."""
        pod = self.sim.store.get(*key)
        uid = pod.meta.uid if pod is not None else "/".join(map(str, key))
        self.sim.log.record(steps.no_pod_ip(run, step.time_ms, uid, self.sim.network.range_set(node)))
        retry = Step(step.time_ms + SYNC_BACKOFF_MS, step.what, step.container)
        self.sim.queue.at(retry.time_ms, self.step, key, gen, retry, priority=clock.PRIORITY_KUBELET)

    def _publish(self, key: tuple, run: PodRun, events, prior=None) -> None:
        """Store the kubelet's view: its status written if changed, its events recorded. `prior`: a step's first
        status; while the store holds it, a new one differs (runtime._refresh copies only to change)."""
        sim = self.sim
        self.runs[key] = run
        if run.removed or run.status.phase in TERMINAL:
            self.admitted.release(key)
        for e in events:
            sim.log.record(e)
        store = sim.store
        pod = store.get(*key)
        if pod is not None and pod.status is not run.status and (pod.status is prior or pod.status != run.status):
            store.put(pod, sim.queue.now, run.status, KEEP, SOURCE)  # sim.write's, a call less (two a pod)
        self._next(key)  # read again: a watcher of the write may have changed the pod's run

    def oom_kill(self, key: tuple, container: str) -> None:
        """The kernel OOM-kills a container now; a dead kubelet's pods are left as they stand."""
        run = self.runs.get(key)
        if run is None or self.node_of.get(key) in self.sim.failed_nodes:
            return
        killed = runtime.oom_kill(run, container, self.sim.now)
        if killed is not run:
            self.runs[key] = killed
            self._next(key)

    def kill(self, key: tuple, grace_ms: int, reason: str, message: str, condition=None) -> None:
        """Kill a pod for good and keep its object, Failed with `reason` (the eviction manager's killPodFunc)."""
        run = self.runs.get(key)
        if run is not None:
            self._publish(key, *runtime.kill(run, self.sim.now, grace_ms, reason, message, condition))

    def active(self, node: str) -> list[tuple[tuple, PodRun]]:
        """GetActivePods on a node: its pods not yet in a terminal phase, in name order."""
        return sorted((k, r) for k, r in self.runs.items()
                      if self.node_of.get(k) == node and not r.killed and not r.removed
                      and r.status.phase not in ("Succeeded", "Failed"))

    def cleaned_up(self, key: tuple) -> bool:
        """podResourcesAreReclaimed, as far as kdsl keeps them: no container of the pod runs any more."""
        run = self.runs.get(key)
        return run is None or not any(c.stage in LIVE for c in run.ctrs)

    def resync(self, node: str) -> None:
        """A recovered node's kubelet picks its pods up again where their timelines stand."""
        for key in [k for k, n in self.node_of.items() if n == node]:
            pod = self.sim.store.get(*key)
            if pod is not None and pod.terminating and not self.runs[key].deleting:
                self._delete(key, pod)
            else:
                self._next(key)
