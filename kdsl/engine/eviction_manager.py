"""Memory on each node: the kernel's OOM kill at a container's limit, the kubelet's eviction under pressure."""

# The loop of kubernetes/kubernetes pkg/kubelet/eviction/eviction_manager.go (Start, synchronize, evictPod,
# waitForPodsCleanup, Admit) around the pure steps of kdsl/engine/kubelet/pressure.py and eviction.py; the
# condition's node event as pkg/kubelet/nodestatus/setters.go records it, and the NoSchedule taint as
# pkg/controller/nodelifecycle/node_lifecycle_controller.go (doNoScheduleTaintingPass) derives it from the condition.

from __future__ import annotations

import attrs

from kdsl.engine import clock
from kdsl.engine.kubelet import eviction
from kdsl.engine.kubelet.pressure import (
    CONDITION_EVENT, CONDITION_TAINT, MONITORING_INTERVAL_MS, State, node_condition, synchronize,
)
from kdsl.engine.kubelet.thresholds import (
    DEFAULT_EVICTION_HARD, MEMORY_AVAILABLE, observe_memory, parse_threshold_config, thresholds_met,
)
from kdsl.engine.nodes import with_taints
from kdsl.engine.objects import Condition, set_condition
from kdsl.engine.podview import qos_class
from kdsl.model.nodes import Taint

SOURCE = "kubelet"
CLEANUP_POLL_MS = 1_000  # eviction_manager.go podCleanupPollFreq
CLEANUP_TIMEOUT_MS = 30_000  # podCleanupTimeout


def pod_stats(key: tuple, template, uses, *, started: bool = True) -> eviction.PodStats:
    """The pod as the summary API and the ranking see it: each container's memory request and working set
    (a container that does not run uses nothing); no stats at all before its sandbox exists."""
    using = {u.name: u.memory for u in uses}
    specs = [c for c in template.init_containers if c.restart_policy == "Always"] + list(template.containers)
    ctrs = [eviction.ContainerUse(c.name, c.requests.memory or 0, using.get(c.name, 0) if started else None)
            for c in specs]
    return eviction.PodStats.of(key, ctrs, priority=template.priority or 0, qos=qos_class(template))


class EvictionManager:
    """One eviction manager per kubelet, all kept here. A node's loop synchronizes every 10 s while a threshold
    is met or a pressure condition still holds; otherwise a pass would observe nothing to act on and change
    nothing, so the loop sleeps, and a change of use that meets a threshold wakes it on its own 10 s beat.
    memory.available is the node's capacity minus its pods' working sets, read from the use itself as
    cadvisor reads the cgroups. A pass that evicts a pod waits for the pod's containers to stop (polled each
    second, at most 30 s) and synchronizes again at once, as upstream's Start loop does."""

    def __init__(self, sim) -> None:
        self.sim = sim
        self.thresholds = parse_threshold_config(DEFAULT_EVICTION_HARD)
        self.states: dict[str, State] = {}
        self.working_set: dict[str, int] = {}  # node -> its pods' working sets
        self.pod_use: dict[tuple, tuple[str, int]] = {}  # pod -> (node, working set)
        self.last_pass: dict[str, int] = {}
        self.looping: set[str] = set()
        if sim.usage.active:
            sim.usage.listen(self.on_use)
            sim.kubelets.admit_handlers.append(self.admit)

    # ---- what the node's pods use ---------------------------------------------------------------------
    def on_use(self, keys) -> None:
        for key in keys:
            node, before = self.pod_use.pop(key, (None, 0))
            if node is not None:
                self.working_set[node] -= before
            pod = self.sim.store.get(*key)
            node = pod.spec.template.node_name if pod is not None else None
            used = sum(u.memory for u in self.sim.usage.use(key))
            if node is None or not used:
                continue
            self.pod_use[key] = (node, used)
            self.working_set[node] = self.working_set.get(node, 0) + used
            if used > before and node not in self.looping:  # only more use can meet a threshold
                self._wake(node)

    def _observe(self, obj) -> dict:
        return {MEMORY_AVAILABLE: observe_memory(obj.status.memory, self.working_set.get(obj.name, 0), self.sim.now)}

    def _wake(self, node: str) -> None:
        """Start the node's loop on its 10 s beat (counted from its last pass, or from its registration) when
        a threshold is met: the passes skipped while none was met and no condition held changed nothing."""
        obj = self.sim.store.get("Node", None, node)
        if obj is None or not thresholds_met(self.thresholds, self._observe(obj), False):
            return
        self.looping.add(node)
        since = self.last_pass.get(node, obj.meta.creation_ms)
        beats = max(-(-(self.sim.now - since) // MONITORING_INTERVAL_MS), 1 if node in self.last_pass else 0)
        self._at(since + beats * MONITORING_INTERVAL_MS, self.synchronize, node)

    def _at(self, time_ms: int, fn, *args) -> None:
        self.sim.queue.at(time_ms, fn, *args, priority=clock.PRIORITY_KUBELET)

    # ---- the loop ---------------------------------------------------------------------------------------
    def synchronize(self, node: str) -> None:
        sim, now = self.sim, self.sim.now
        obj = sim.store.get("Node", None, node)
        if obj is None:
            self.looping.discard(node)
            return
        if node in sim.failed_nodes:  # a dead kubelet observes nothing; its loop resumes with it
            self._at(now + MONITORING_INTERVAL_MS, self.synchronize, node)
            return
        self.last_pass[node] = now
        observations = self._observe(obj)
        state, decision = synchronize(self.thresholds, observations, self.states.get(node, State()), now)
        self.states[node] = state
        self._report(obj, state.node_conditions)
        evicted = None
        if decision.event is not None:
            type_, reason, message = decision.event
            sim.event(type_, reason, sim.store.get("Node", None, node), message, source=SOURCE)
            evicted = self._evict(node, decision, observations)
        if evicted is not None:
            self._at(now + CLEANUP_POLL_MS, self._cleanup, node, evicted, now)
        elif not (state.node_conditions or state.first_observed_at):
            self.looping.discard(node)  # nothing to report or reclaim until a threshold is met again
        else:
            self._at(now + MONITORING_INTERVAL_MS, self.synchronize, node)

    def _cleanup(self, node: str, key: tuple, evicted_ms: int) -> None:
        """waitForPodsCleanup: poll each second until the evicted pod's containers have stopped (30 s at
        most), then synchronize again at once."""
        if self.sim.kubelets.cleaned_up(key) or self.sim.now - evicted_ms >= CLEANUP_TIMEOUT_MS:
            self.synchronize(node)
        else:
            self._at(self.sim.now + CLEANUP_POLL_MS, self._cleanup, node, key, evicted_ms)

    def _evict(self, node: str, decision, observations) -> tuple | None:
        """Rank the node's active pods and kill the first that may go (evictPod); its key, or None."""
        sim = self.sim
        stats = []
        for key, run in sim.kubelets.active(node):
            stats.append(pod_stats(key, run.template, sim.usage.use(key), started=run.sandbox != "creating"))
        chosen = eviction.choose(decision, stats, observations)
        if chosen is None:
            return None
        key = chosen.pod
        pod = sim.store.get(*key)
        sim.event(*chosen.event, pod, chosen.message, source=SOURCE)
        type_, status, reason = chosen.condition
        condition = Condition(type=type_, status=status, reason=reason, message=chosen.message,
                              last_transition_ms=sim.now)
        sim.kubelets.kill(key, chosen.grace_period_s * 1000, chosen.reason, chosen.message, condition)
        return key

    # ---- what the node reports --------------------------------------------------------------------------
    def _report(self, obj, conditions) -> None:
        """The kubelet's next status update carries the pressure conditions (setters.go, with a Normal event
        when one turns); the node lifecycle controller then puts or lifts the NoSchedule taint."""
        sim = self.sim
        for kind, (on_event, off_event) in CONDITION_EVENT.items():
            pressure = kind in conditions
            current = obj.status.condition(kind)
            if current is not None and (current.status == "True") == pressure:
                continue
            c = node_condition(kind, pressure)
            new = Condition(type=kind, status=c.status, reason=c.reason, message=c.message,
                            last_transition_ms=sim.now)
            obj = sim.write(attrs.evolve(obj, status=attrs.evolve(
                obj.status, conditions=set_condition(obj.status.conditions, new))), source=SOURCE)
            event = on_event if pressure else off_event
            sim.event("Normal", event, obj, f"Node {obj.name} status is now: {event}", source=SOURCE)
            taint = Taint(CONDITION_TAINT[kind], None, "NoSchedule")
            tainted = with_taints(obj, add=(taint,)) if pressure else with_taints(obj, remove_keys=(taint.key,))
            if tainted != obj:
                obj = sim.write(tainted, source="node-controller")

    def admit(self, pod) -> tuple[str, str] | None:
        """Admit: a pod bound to a node under pressure may be refused (None: admitted)."""
        state = self.states.get(pod.spec.template.node_name)
        if state is None or not state.node_conditions:
            return None
        template = pod.spec.template
        tolerates = any(t.tolerates(CONDITION_TAINT["MemoryPressure"], None, "NoSchedule")
                        for t in template.tolerations)
        stats = eviction.PodStats(pod.name, template.priority or 0, qos=qos_class(template))
        admitted, reason, message = eviction.admit(state.node_conditions, stats, tolerates_memory_pressure=tolerates)
        return None if admitted else (reason, message)


# A template's memory limits, worked out once per template object (a controller's pods share theirs).
_LIMITS: dict[int, tuple[object, dict[str, int]]] = {}


def _limits(template) -> dict[str, int]:
    hit = _LIMITS.get(id(template))
    if hit is not None and hit[0] is template:
        return hit[1]
    limits = {c.name: c.limits.memory for c in template.init_containers + template.containers
              if c.limits.memory is not None}
    if len(_LIMITS) > 1 << 16:
        _LIMITS.clear()
    _LIMITS[id(template)] = (template, limits)
    return limits


def over_limit(template, uses) -> list[str]:
    """The running containers whose working set passes their memory limit (the cgroup's memory.max; use
    exactly at the limit is allowed). A container without a memory limit is never killed by its cgroup."""
    limits = _limits(template)
    return [u.name for u in uses if u.name in limits and u.memory > limits[u.name]] if limits else []


class OomKiller:
    """Hears every change of a pod's use (sim.usage) and OOM-kills, through the pod's kubelet, each container
    over its limit. The kill lands at the same moment, after the change that caused it: a container that
    starts over its limit (a restart under the same load) is killed as it starts, so a steady overuse turns
    into a crash loop with the kubelet's back-off, as in Kubernetes. `oom after` is the scripted form."""

    def __init__(self, sim) -> None:
        self.sim = sim
        self.pending: set[tuple[tuple, str]] = set()  # kills planned for this moment
        if sim.usage.active:
            sim.usage.listen(self.on_use)

    def on_use(self, keys) -> None:
        for key in keys:
            pod = self.sim.store.get(*key)
            if pod is None:
                continue
            for name in over_limit(pod.spec.template, self.sim.usage.use(key)):
                if (key, name) not in self.pending:
                    self.pending.add((key, name))
                    self.sim.queue.at(self.sim.now, self.kill, key, name, priority=clock.PRIORITY_KUBELET)

    def kill(self, key: tuple, container: str) -> None:
        self.pending.discard((key, container))
        pod = self.sim.store.get(*key)
        if pod is not None and container in over_limit(pod.spec.template, self.sim.usage.use(key)):
            self.sim.kubelets.oom_kill(key, container)
