"""Which pod the kubelet evicts under node pressure, the message and status it gets, and the OOM kill."""

# Ported from kubernetes/kubernetes pkg/kubelet/eviction/helpers.go (exceedMemoryRequests, priority, memory,
# process, rankMemoryPressure, rankPIDPressure, evictionMessage, getThresholdMetInfo) and
# eviction_manager.go (synchronize's one pod per interval, evictPod: critical pods are never evicted).

from __future__ import annotations

import functools
from collections.abc import Mapping

import attrs

from kdsl.engine.kubelet.pressure import Decision
from kdsl.engine.kubelet.thresholds import SIGNAL_TO_RESOURCE, Observation, binary_si

REASON = "Evicted"  # helpers.go Reason, the pod's status.reason
OOM_REASON = "OOMKilled"  # the container runtime's reason for a kernel OOM kill
OOM_EXIT = 137  # 128 + SIGKILL
SYSTEM_CRITICAL_PRIORITY = 2_000_000_000  # scheduling.SystemCriticalPriority: kubelettypes.IsCriticalPod


@attrs.frozen
class ContainerUse:
    """One container's memory request and working set, for the eviction message."""

    name: str
    request: int = 0  # bytes
    use: int | None = None  # working set bytes; None: no stats


@attrs.frozen
class PodStats:
    """A pod as the ranking sees it: its priority, its memory request and use (None: no stats found)."""

    name: str
    priority: int = 0
    memory_request: int = 0  # the pod's effective request (GetResourceRequestQuantity), bytes
    memory_use: int | None = None  # the pod's working set, bytes; None: the summary has no stats for it
    qos: str = "BestEffort"
    processes: int = 0  # for PID pressure
    containers: tuple[ContainerUse, ...] = ()
    critical: bool = False  # a static or mirror pod; priority >= 2000000000 is critical too

    @property
    def is_critical(self) -> bool:
        return self.critical or self.priority >= SYSTEM_CRITICAL_PRIORITY

    @classmethod
    def of(cls, name: str, containers, *, priority: int = 0, qos: str = "BestEffort", **more) -> PodStats:
        """A pod from its running containers: the request is their sum (GetResourceRequestQuantity without
        init containers or overhead) and the use is their working sets' sum, as the summary API's pod stats."""
        containers = tuple(containers)
        uses = [c.use for c in containers if c.use is not None]
        return cls(name, priority, sum(c.request for c in containers), sum(uses) if uses else None, qos,
                   containers=containers, **more)


def _cmp_bool(a: bool, b: bool) -> int:
    """cmpBool: true before false."""
    return 0 if a == b else (-1 if not b else 1)


def exceed_memory_requests(p1: PodStats, p2: PodStats) -> int:
    """A pod with no stats first, then a pod whose use exceeds its request."""
    if p1.memory_use is None or p2.memory_use is None:
        return _cmp_bool(p1.memory_use is None, p2.memory_use is None)
    return _cmp_bool(p1.memory_use > p1.memory_request, p2.memory_use > p2.memory_request)


def priority(p1: PodStats, p2: PodStats) -> int:
    """Lower priority first."""
    return (p1.priority > p2.priority) - (p1.priority < p2.priority)


def memory(p1: PodStats, p2: PodStats) -> int:
    """A pod with no stats first, then the larger use above request (the request is subtracted, so a pod
    well under its request comes last)."""
    if p1.memory_use is None or p2.memory_use is None:
        return _cmp_bool(p1.memory_use is None, p2.memory_use is None)
    a, b = p1.memory_use - p1.memory_request, p2.memory_use - p2.memory_request
    return (b > a) - (b < a)


def process(p1: PodStats, p2: PodStats) -> int:
    """A pod with no stats first, then the larger process count."""
    if p1.memory_use is None or p2.memory_use is None:
        return _cmp_bool(p1.memory_use is None, p2.memory_use is None)
    return (p2.processes > p1.processes) - (p2.processes < p1.processes)


def ordered_by(*cmps):
    """orderedBy(...).Sort: each comparison decides unless it ties, the last decides (stable for full ties,
    where Go's sort.Sort may order either way)."""
    def cmp(p1, p2):
        for c in cmps:
            r = c(p1, p2)
            if r:
                return r
        return 0
    return lambda pods: tuple(sorted(pods, key=functools.cmp_to_key(cmp)))


def rank_memory_pressure(pods) -> tuple[PodStats, ...]:
    """rankMemoryPressure: use above request first, then lower priority, then the larger use above request.
    A Guaranteed pod (use within its request and limit) comes after every pod that exceeds its request."""
    return ordered_by(exceed_memory_requests, priority, memory)(pods)


def rank_pid_pressure(pods) -> tuple[PodStats, ...]:
    """rankPIDPressure: lower priority first, then the larger process count."""
    return ordered_by(priority, process)(pods)


RANK = {"memory": rank_memory_pressure, "pids": rank_pid_pressure}


def threshold_met_info(resource: str, thresholds, observations: Mapping[str, Observation]):
    """getThresholdMetInfo: the first met threshold of the resource: its quantity text and the available."""
    for t in thresholds:
        if SIGNAL_TO_RESOURCE.get(t.signal) == resource and t.signal in observations:
            observed = observations[t.signal]
            q = t.value.text if t.value.quantity is not None else binary_si(t.value.of(observed.capacity))
            return q, binary_si(observed.available)
    return None, None


def eviction_message(resource: str, pod: PodStats, thresholds,
                     observations: Mapping[str, Observation]) -> tuple[str, dict[str, str]]:
    """evictionMessage: the node's low resource, the threshold and what is available, and each container
    using more than its request; with the event's annotations. Each sentence ends in ". " as upstream's."""
    message = f"The node was low on resource: {resource}. "
    quantity, available = threshold_met_info(resource, thresholds, observations)
    if quantity is not None:
        message += f"Threshold quantity: {quantity}, available: {available}. "
    if pod.memory_use is None:
        return message, {}
    names, uses = [], []
    for c in pod.containers:
        if resource == "memory" and c.use is not None and c.use > c.request:
            message += (f"Container {c.name} was using {binary_si(c.use)}, request is "
                        f"{binary_si(c.request)}, has larger consumption of {resource}. ")
            names.append(c.name)
            uses.append(binary_si(c.use))
    return message, {"offending_containers": ",".join(names), "offending_containers_usage": ",".join(uses),
                     "starved_resource": resource}


@attrs.frozen
class Eviction:
    """The pod evicted in this interval, with the status and event the kubelet gives it."""

    pod: str
    grace_period_s: int
    message: str
    annotations: tuple[tuple[str, str], ...]
    phase: str = "Failed"
    reason: str = REASON
    # the DisruptionTarget condition (PodDisruptionConditions, GA since 1.31)
    condition: tuple[str, str, str] = ("DisruptionTarget", "True", "TerminationByKubelet")
    event: tuple[str, str] = ("Warning", "Evicted")  # the pod's event, with `message`


def choose(decision: Decision, pods, observations: Mapping[str, Observation]) -> Eviction | None:
    """The one pod to evict now: the first of the ranking that is not critical (synchronize kills at most one
    pod per monitoring interval); None when nothing is to be reclaimed or no pod can go."""
    if decision.reclaim is None or not pods:
        return None
    rank = RANK.get(decision.resource)
    if rank is None:  # disk signals rank by disk usage, which kdsl does not model
        return None
    for pod in rank(pods):
        if pod.is_critical:
            continue
        message, annotations = eviction_message(decision.resource, pod, decision.thresholds, observations)
        return Eviction(pod.name, decision.grace_period_s, message, tuple(sorted(annotations.items())))
    return None


def admit(conditions, pod: PodStats, *, tolerates_memory_pressure: bool = False) -> tuple[bool, str, str]:
    """Admit (eviction_manager.go): under pressure a new pod is refused, except a critical pod, and under
    memory pressure alone a pod that is not BestEffort or that tolerates the memory-pressure taint.
    Returns (admitted, reason, message) with the kubelet's "The node had condition: [MemoryPressure]. "."""
    conditions = list(conditions)
    if not conditions or pod.is_critical:
        return True, "", ""
    if conditions == ["MemoryPressure"] and (pod.qos != "BestEffort" or tolerates_memory_pressure):
        return True, "", ""
    return False, REASON, f"The node had condition: [{' '.join(conditions)}]. "


def oom_at(steps, limit: int | None) -> int | None:
    """When a container whose working set follows `steps` ((time_ms, bytes) in time order, each use holding
    until the next step) is OOM-killed against its memory `limit`: the first step above the limit.
    The cgroup's memory.max is the limit; a charge past it that reclaim cannot satisfy kills the process
    (Terminated, reason OOMKilled, exit code 137). No limit: never (the node's pressure decides instead)."""
    if limit is None:
        return None
    return next((t for t, use in steps if use > limit), None)
