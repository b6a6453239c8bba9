"""The HPA's replica arithmetic for resource metrics, as pkg/controller/podautoscaler/replica_calculator.go does it."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import attrs

# Upstream: kubernetes/kubernetes v1.34 pkg/controller/podautoscaler/replica_calculator.go and
# metrics/utilization.go. Times are integer milliseconds; cpu values millicores; memory values bytes
# (upstream works in milli-units; every ratio below is the same whichever unit both sides share).

DEFAULT_TOLERANCE = 0.1  # kube-controller-manager --horizontal-pod-autoscaler-tolerance
CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000  # --horizontal-pod-autoscaler-cpu-initialization-period
INITIAL_READINESS_DELAY_MS = 30_000  # --horizontal-pod-autoscaler-initial-readiness-delay


class MetricError(Exception):
    """A replica count could not be computed; the text is upstream's error text."""


@attrs.frozen
class Tolerances:
    """The usage ratios inside [1 - scale_down, 1 + scale_up] change nothing (Tolerances.isWithin)."""

    scale_down: float = DEFAULT_TOLERANCE
    scale_up: float = DEFAULT_TOLERANCE

    def is_within(self, usage_ratio: float) -> bool:
        return (1.0 - self.scale_down) <= usage_ratio <= (1.0 + self.scale_up)


@attrs.frozen
class Sample:
    """One pod's metric as metrics-server reports it: the value, when it was taken and over what window."""

    value: int
    timestamp_ms: int = 0
    window_ms: int = 60_000


@attrs.frozen
class PodState:
    """What the HPA reads of a pod: phase, Ready condition (None when absent) and its last transition,
    start time (None before the kubelet sets it), and whether it is being deleted."""

    phase: str = "Running"
    ready: bool | None = True
    ready_transition_ms: int = 0
    start_ms: int | None = 0
    deleting: bool = False


@attrs.frozen
class Groups:
    ready_count: int
    unready: frozenset[str]
    missing: frozenset[str]
    ignored: frozenset[str]


@attrs.frozen
class ResourceProposal:
    """GetResourceReplicas' results: replicas, utilization (% of request), raw average value, timestamp."""

    replicas: int
    utilization: int
    raw_average: int
    timestamp_ms: int


@attrs.frozen
class RawProposal:
    """GetRawResourceReplicas' results: replicas, average value per pod, timestamp."""

    replicas: int
    average: int
    timestamp_ms: int


def group_pods(pods: Mapping[str, PodState], metrics: Mapping[str, Sample], resource: str, now_ms: int,
               cpu_initialization_period_ms: int = CPU_INITIALIZATION_PERIOD_MS,
               delay_of_initial_readiness_ms: int = INITIAL_READINESS_DELAY_MS) -> Groups:
    """groupPods: deleted and Failed pods are ignored, Pending ones unready, pods without a sample missing;
    for cpu, a pod is unready while not Ready in its initialization period or before one full metric window
    since it became Ready, and after the period only if it never became Ready within the readiness delay."""
    ready, unready, missing, ignored = 0, set(), set(), set()
    for name, pod in pods.items():
        if pod.deleting or pod.phase == "Failed":
            ignored.add(name)
            continue
        if pod.phase == "Pending":
            unready.add(name)
            continue
        sample = metrics.get(name)
        if sample is None:
            missing.add(name)
            continue
        if resource == "cpu":
            if pod.ready is None or pod.start_ms is None:
                is_unready = True
            elif pod.start_ms + cpu_initialization_period_ms > now_ms:
                # the sample may still hold the CPU burst of start-up: wait one window past readiness
                is_unready = (not pod.ready) or sample.timestamp_ms < pod.ready_transition_ms + sample.window_ms
            else:
                is_unready = (not pod.ready) and pod.start_ms + delay_of_initial_readiness_ms > pod.ready_transition_ms
            if is_unready:
                unready.add(name)
                continue
        ready += 1
    return Groups(ready, frozenset(unready), frozenset(missing), frozenset(ignored))


def calculate_request(pod: str, containers: Sequence[tuple[str, Mapping[str, int]]], resource: str,
                      container: str = "", pod_requests: Mapping[str, int] | None = None) -> int:
    """calculateRequests for one pod: the pod-level request when the pod sets requests and no container is
    named; else the named container's request, or the sum over `containers` (the app containers, then the
    restartable init containers — sidecars count, plain init containers do not)."""
    if pod_requests and not container:
        if resource not in pod_requests:
            raise MetricError(f"missing pod-level request for {resource} in Pod {pod}")
        return pod_requests[resource]
    total = 0
    for name, requests in containers:
        if not container or container == name:
            if resource not in requests:
                raise MetricError(f"missing request for {resource} in container {name} of Pod {pod}")
            total += requests[resource]
        if container == name:
            return total
    if container:
        raise MetricError(f"container {container} not found in Pod {pod}")
    return total


def _go_div(a: int, b: int) -> int:
    """Go's integer division truncates toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def get_resource_utilization_ratio(values: Mapping[str, int], requests: Mapping[str, int],
                                   target_utilization: int) -> tuple[float, int, int]:
    """metrics.GetResourceUtilizationRatio: (ratio, utilization % of request, raw average per pod);
    values of pods without a request are extraneous and skipped."""
    metrics_total = requests_total = entries = 0
    for name, value in values.items():
        if name not in requests:
            continue
        metrics_total += value
        requests_total += requests[name]
        entries += 1
    if requests_total == 0:
        raise MetricError("no metrics returned matched known pods")
    utilization = _go_div(metrics_total * 100, requests_total)
    return utilization / target_utilization, utilization, _go_div(metrics_total, entries)


def get_metric_usage_ratio(values: Mapping[str, int], target_usage: int) -> tuple[float, int]:
    """metrics.GetMetricUsageRatio: (ratio, average usage per pod)."""
    usage = _go_div(sum(values.values()), len(values))
    return usage / target_usage, usage


def _prepare(pods, metrics, resource, now_ms, cpu_init_ms, delay_ms):
    if not pods:
        raise MetricError("no pods returned by selector while calculating replica count")
    groups = group_pods(pods, metrics, resource, now_ms, cpu_init_ms, delay_ms)
    values = {n: s.value for n, s in metrics.items() if n not in groups.ignored and n not in groups.unready}
    if not values:
        raise MetricError("did not receive metrics for targeted pods (pods might be unready)")
    return groups, values


def _timestamp(metrics: Mapping[str, Sample]) -> int:
    # metrics/client.go reports the timestamp of the list's first item; API lists come in name order
    return metrics[min(metrics)].timestamp_ms


def get_resource_replicas(current_replicas: int, target_utilization: int, resource: str,
                          pods: Mapping[str, PodState], requests: Mapping[str, int],
                          metrics: Mapping[str, Sample], now_ms: int, tolerances: Tolerances = Tolerances(),
                          cpu_initialization_period_ms: int = CPU_INITIALIZATION_PERIOD_MS,
                          delay_of_initial_readiness_ms: int = INITIAL_READINESS_DELAY_MS,
                          request_errors: Mapping[str, str] | None = None) -> ResourceProposal:
    """GetResourceReplicas for a Utilization target: `requests` is each pod's request of `resource`
    (sum of its containers'); `metrics` the pods' samples; `request_errors` calculate_request's error for a pod
    left out of `requests`. Raises MetricError as upstream returns err, in its order (calculatePodRequests
    comes before the check that some ready pod has metrics)."""
    if not metrics:
        raise MetricError(f"unable to get metrics for resource {resource}: no metrics returned from resource "
                          "metrics API")
    for name in pods:
        if name not in requests:
            raise MetricError((request_errors or {}).get(name) or f"missing request for {resource} in Pod {name}")
    groups, values = _prepare(pods, metrics, resource, now_ms, cpu_initialization_period_ms,
                              delay_of_initial_readiness_ms)
    ts = _timestamp(metrics)
    ratio, utilization, raw = get_resource_utilization_ratio(values, requests, target_utilization)
    scale_up_with_unready = bool(groups.unready) and ratio > 1.0
    if not scale_up_with_unready and not groups.missing:
        if tolerances.is_within(ratio):
            return ResourceProposal(current_replicas, utilization, raw, ts)
        return ResourceProposal(math.ceil(ratio * groups.ready_count), utilization, raw, ts)
    # on a scale-down a missing pod counts as using its whole request, or the target when above 100%
    fallback = max(100, target_utilization)
    _fill_in(groups, values, ratio, scale_up_with_unready, lambda name: _go_div(requests[name] * fallback, 100))
    new_ratio, _, _ = get_resource_utilization_ratio(values, requests, target_utilization)
    return ResourceProposal(_settle(current_replicas, ratio, new_ratio, len(values), tolerances),
                            utilization, raw, ts)


def _fill_in(groups, values: dict, ratio: float, scale_up_with_unready: bool, scale_down_use) -> None:
    """Upstream's second pass: a pod without metrics uses `scale_down_use(pod)` on a scale-down and nothing on a
    scale-up, and an unready pod nothing when it would otherwise scale up (so neither can push a scale along)."""
    if ratio < 1.0:
        for name in groups.missing:
            values[name] = scale_down_use(name)
    elif ratio > 1.0:
        for name in groups.missing:
            values[name] = 0
    if scale_up_with_unready:
        for name in groups.unready:
            values[name] = 0


def _settle(current: int, ratio: float, new_ratio: float, counted: int, tolerances: Tolerances) -> int:
    """The re-computation's verdict: no change when the filled-in ratio is within tolerance, flips the
    direction of the first ratio, or the new count would move the other way."""
    if tolerances.is_within(new_ratio) or (ratio < 1.0 < new_ratio) or (ratio > 1.0 > new_ratio):
        return current
    replicas = math.ceil(new_ratio * counted)
    if (new_ratio < 1.0 and replicas > current) or (new_ratio > 1.0 and replicas < current):
        return current
    return replicas


def get_raw_resource_replicas(current_replicas: int, target_average: int, resource: str,
                              pods: Mapping[str, PodState], metrics: Mapping[str, Sample], now_ms: int,
                              tolerances: Tolerances = Tolerances(),
                              cpu_initialization_period_ms: int = CPU_INITIALIZATION_PERIOD_MS,
                              delay_of_initial_readiness_ms: int = INITIAL_READINESS_DELAY_MS) -> RawProposal:
    """GetRawResourceReplicas (calcPlainMetricReplicas) for an AverageValue target: a missing pod counts
    as using exactly the target on a scale-down and nothing on a scale-up."""
    if not metrics:
        raise MetricError(f"unable to get metrics for resource {resource}: no metrics returned from resource "
                          "metrics API")
    groups, values = _prepare(pods, metrics, resource, now_ms, cpu_initialization_period_ms,
                              delay_of_initial_readiness_ms)
    ts = _timestamp(metrics)
    ratio, usage = get_metric_usage_ratio(values, target_average)
    scale_up_with_unready = bool(groups.unready) and ratio > 1.0
    if not scale_up_with_unready and not groups.missing:
        if tolerances.is_within(ratio):
            return RawProposal(current_replicas, usage, ts)
        return RawProposal(math.ceil(ratio * groups.ready_count), usage, ts)
    _fill_in(groups, values, ratio, scale_up_with_unready, lambda name: target_average)
    new_ratio, _ = get_metric_usage_ratio(values, target_average)
    return RawProposal(_settle(current_replicas, ratio, new_ratio, len(values), tolerances), usage, ts)
