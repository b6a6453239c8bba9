"""One HPA sync's decision over plain values, as reconcileAutoscaler in horizontal.go takes it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from kdsl.engine.autoscaling import behavior as bh
from kdsl.engine.autoscaling.replica_calculator import (MetricError, PodState, Sample, Tolerances,
                                                        get_raw_resource_replicas, get_resource_replicas)

# Upstream: kubernetes/kubernetes v1.34 pkg/controller/podautoscaler/horizontal.go (reconcileAutoscaler,
# computeReplicasForMetrics, computeStatusForResourceMetricGeneric, getUnableComputeReplicaCountCondition,
# normalizeDesiredReplicas, normalizeDesiredReplicasWithBehaviors).


@attrs.frozen
class Condition:
    type: str
    status: str
    reason: str
    message: str


@attrs.frozen
class Event:
    type: str
    reason: str
    message: str


@attrs.frozen
class MetricSpec:
    """A Resource metric: cpu or memory, with an AverageUtilization (%) or AverageValue (millicores/bytes)."""

    resource: str
    average_utilization: int | None = None
    average_value: int | None = None
    type: str = "Resource"


@attrs.frozen
class MetricStatus:
    """status.currentMetrics[i].resource.current; None where unknown (kubectl prints <unknown>)."""

    resource: str
    average_utilization: int | None = None
    average_value: int | None = None


@attrs.frozen
class MetricInputs:
    """What one sync reads: the target's pods, their requests per resource and the sampler's samples."""

    pods: Mapping[str, PodState]
    requests: Mapping[str, Mapping[str, int]]
    samples: Mapping[str, Mapping[str, Sample]]
    now_ms: int
    tolerances: Tolerances = Tolerances()
    # pod -> resource -> calculatePodRequests' error ("missing request for cpu in container app of Pod web-1")
    request_errors: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)


@attrs.frozen
class MetricsResult:
    """computeReplicasForMetrics: replicas -1 means the HPA cannot act this sync."""

    replicas: int
    metric: str
    statuses: tuple[MetricStatus | None, ...]
    timestamp_ms: int
    condition: Condition
    error: str | None
    events: tuple[Event, ...]


def unable_compute_condition(reason: str, error: str) -> tuple[Condition, Event]:
    """getUnableComputeReplicaCountCondition: ScalingActive=False and a Warning event with the error."""
    return (Condition("ScalingActive", "False", reason, f"the HPA was unable to compute the replica count: {error}"),
            Event("Warning", reason, error))


def _resource_proposal(spec: MetricSpec, spec_replicas: int, inputs: MetricInputs):
    name = spec.resource
    pods, samples = inputs.pods, inputs.samples.get(name, {})
    try:
        if spec.average_value is not None:
            raw = get_raw_resource_replicas(spec_replicas, spec.average_value, name, pods, samples,
                                            inputs.now_ms, inputs.tolerances)
            return raw.replicas, f"{name} resource", raw.timestamp_ms, MetricStatus(name, None, raw.average)
        if spec.average_utilization is None:
            raise MetricError("invalid resource metric source: neither an average utilization target nor an "
                              "average value target was set")
        requests = {p: r[name] for p, r in inputs.requests.items() if name in r}
        errors = {p: e[name] for p, e in inputs.request_errors.items() if name in e}
        res = get_resource_replicas(spec_replicas, spec.average_utilization, name, pods, requests, samples,
                                    inputs.now_ms, inputs.tolerances, request_errors=errors)
    except MetricError as err:
        text = str(err)
        if not text.startswith("invalid resource metric source"):
            text = f"failed to get {name} utilization: {text}"
        raise MetricError(text) from None
    return (res.replicas, f"{name} resource utilization (percentage of request)", res.timestamp_ms,
            MetricStatus(name, res.utilization, res.raw_average))


def compute_replicas_for_metrics(specs: Sequence[MetricSpec], spec_replicas: int,
                                 inputs: MetricInputs) -> MetricsResult:
    """computeReplicasForMetrics: the largest proposal wins; an invalid metric blocks the sync only when every
    metric is invalid or the valid ones would scale down (so a broken metric never shrinks the target)."""
    replicas, metric, timestamp = 0, "", 0
    statuses: list[MetricStatus | None] = []
    events: list[Event] = []
    invalid, first = 0, None
    for spec in specs:
        try:
            if spec.type != "Resource":
                raise MetricError(f'unknown metric source type "{spec.type}"')
            proposal, name, ts, status = _resource_proposal(spec, spec_replicas, inputs)
        except MetricError as err:
            reason = "FailedGetResourceMetric" if spec.type == "Resource" else "InvalidMetricSourceType"
            condition, event = unable_compute_condition(reason, str(err))
            events.append(event)
            statuses.append(None)
            text = str(err)
            if spec.type == "Resource":
                text = f"failed to get {spec.resource} resource metric value: {err}"
            if invalid == 0:
                first = (condition, text)
            invalid += 1
            continue
        statuses.append(status)
        if replicas == 0 or proposal > replicas:
            replicas, metric, timestamp = proposal, name, ts
    error = None
    if first is not None:
        error = f"invalid metrics ({invalid} invalid out of {len(specs)}), first error is: {first[1]}"
    if invalid >= len(specs) or (invalid > 0 and replicas < spec_replicas):
        return MetricsResult(-1, "", tuple(statuses), 0, first[0], error, tuple(events))
    valid = Condition("ScalingActive", "True", "ValidMetricFound",
                      f"the HPA was able to successfully calculate a replica count from {metric}")
    return MetricsResult(replicas, metric, tuple(statuses), timestamp, valid, error, tuple(events))


@attrs.frozen
class History:
    """The controller's memory of one HPA: recommendations and scale events, as (time_ms, replicas) tuples."""

    recommendations: tuple[tuple[int, int], ...] = ()
    scale_up_events: tuple[tuple[int, int], ...] = ()
    scale_down_events: tuple[tuple[int, int], ...] = ()


@attrs.frozen
class Decision:
    """reconcileAutoscaler's outcome: desired replicas, whether to write the scale, the event reason text,
    the conditions set (in order) and events emitted, and the history to keep."""

    desired: int
    rescale: bool
    reason: str
    conditions: tuple[Condition, ...]
    events: tuple[Event, ...]
    history: History
    metrics: MetricsResult | None = None


def normalize_desired_replicas(history: History, current: int, desired: int, min_replicas: int,
                               max_replicas: int, now_ms: int,
                               window_seconds: int = bh.DOWNSCALE_STABILIZATION_WINDOW_S):
    """normalizeDesiredReplicas (spec.behavior unset): the downscale window, then min/max and 2x-or-4."""
    stabilized, recs = bh.stabilize_recommendation(history.recommendations, desired, now_ms, window_seconds)
    able = (Condition("AbleToScale", "True", "ScaleDownStabilized",
                      "recent recommendations were higher than current one, applying the highest recent "
                      "recommendation") if stabilized != desired else
            Condition("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size"))
    limited = bh.convert_desired_replicas_with_rules(current, stabilized, min_replicas, max_replicas)
    status = "False" if limited.replicas == stabilized else "True"
    return limited.replicas, (able, Condition("ScalingLimited", status, limited.reason, limited.message)), \
        attrs.evolve(history, recommendations=tuple(recs))


def normalize_desired_replicas_with_behaviors(history: History, current: int, desired: int, min_replicas: int,
                                              max_replicas: int, up: bh.Rules, down: bh.Rules, now_ms: int):
    """normalizeDesiredReplicasWithBehaviors: the windows, then the policies' rate and min/max.
    `up` and `down` are already filled (generate_scale_up_rules / generate_scale_down_rules)."""
    stab, recs = bh.stabilize_recommendation_with_behaviors(
        history.recommendations, current, desired, up.stabilization_window_seconds,
        down.stabilization_window_seconds, now_ms)
    able = (Condition("AbleToScale", "True", stab.reason, stab.message) if stab.replicas != desired else
            Condition("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size"))
    limited = bh.convert_desired_replicas_with_behavior_rate(
        current, stab.replicas, min_replicas, max_replicas, up, down, history.scale_up_events,
        history.scale_down_events, now_ms)
    status = "False" if limited.replicas == stab.replicas else "True"
    return limited.replicas, (able, Condition("ScalingLimited", status, limited.reason, limited.message)), \
        attrs.evolve(history, recommendations=tuple(recs))


def decide(current: int, min_replicas: int, max_replicas: int, specs: Sequence[MetricSpec], inputs: MetricInputs,
           history: History, behavior: tuple[bh.Rules | None, bh.Rules | None] | None = None) -> Decision:
    """One sync of reconcileAutoscaler after the scale was read (current = scale.spec.replicas).
    `behavior` is spec.behavior as (scaleUp, scaleDown) rules, or None when unset."""
    conds = [Condition("AbleToScale", "True", "SucceededGetScale",
                       "the HPA controller was able to get the target's current scale")]
    now = inputs.now_ms
    if current == 0 and min_replicas != 0:
        conds.append(Condition("ScalingActive", "False", "ScalingDisabled",
                               "scaling is disabled since the replica count of the target is zero"))
        return Decision(current, False, "", tuple(conds), (), history)
    if current > max_replicas:
        desired, reason, result = max_replicas, "Current number of replicas above Spec.MaxReplicas", None
    elif current < min_replicas:
        desired, reason, result = min_replicas, "Current number of replicas below Spec.MinReplicas", None
    else:
        result = compute_replicas_for_metrics(specs, current, inputs)
        conds.append(result.condition)
        events = list(result.events)
        if result.replicas == -1:
            events.append(Event("Warning", "FailedComputeMetricsReplicas", result.error))
            return Decision(current, False, "", tuple(conds), tuple(events), history, result)
        desired, reason = result.replicas, ""
        if desired > current:
            reason = f"{result.metric} above target"
        if desired < current:
            reason = "All metrics below target"
        if behavior is None:
            desired, more, history = normalize_desired_replicas(history, current, desired, min_replicas,
                                                                max_replicas, now)
        else:
            up, down = bh.generate_scale_up_rules(behavior[0]), bh.generate_scale_down_rules(behavior[1])
            desired, more, history = normalize_desired_replicas_with_behaviors(
                history, current, desired, min_replicas, max_replicas, up, down, now)
        conds.extend(more)
        if desired == current:
            return Decision(current, False, reason, tuple(_merge(conds)), tuple(events), history, result)
        return _rescale(current, desired, reason, conds, events, history, behavior, result, now)
    return _rescale(current, desired, reason, conds, [], history, behavior, result, now)


def _rescale(current, desired, reason, conds, events, history, behavior, result, now):
    conds.append(Condition("AbleToScale", "True", "SucceededRescale",
                           f"the HPA controller was able to update the target scale to {desired}"))
    events.append(Event("Normal", "SuccessfulRescale", f"New size: {desired}; reason: {reason}"))
    if behavior is not None:  # storeScaleEvent keeps nothing without spec.behavior
        up, down = bh.generate_scale_up_rules(behavior[0]), bh.generate_scale_down_rules(behavior[1])
        if desired > current:
            history = attrs.evolve(history, scale_up_events=tuple(
                bh.store_scale_event(history.scale_up_events, up, desired - current, now)))
        else:
            history = attrs.evolve(history, scale_down_events=tuple(
                bh.store_scale_event(history.scale_down_events, down, current - desired, now)))
    return Decision(desired, True, reason, tuple(_merge(conds)), tuple(events), history, result)


def _merge(conds: list[Condition]) -> list[Condition]:
    """setCondition: a later condition of a type replaces the earlier one in its place."""
    out: list[Condition] = []
    for c in conds:
        for i, old in enumerate(out):
            if old.type == c.type:
                out[i] = c
                break
        else:
            out.append(c)
    return out
