"""The HPA's behaviour: stabilization windows, scaling policies and min/max limits, as horizontal.go applies them."""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs

# Upstream: kubernetes/kubernetes v1.34 pkg/controller/podautoscaler/horizontal.go (stabilizeRecommendation*,
# convertDesiredReplicasWith*, calculateScale*Limit*, storeScaleEvent) and pkg/apis/autoscaling/v2/defaults.go.
# A recommendation is (time_ms, replicas); a scale event is (time_ms, replica_change) — kept by the caller
# as plain tuples so a controller can store them in its state.

PODS, PERCENT = "Pods", "Percent"
MAX, MIN, DISABLED = "Max", "Min", "Disabled"
DOWNSCALE_STABILIZATION_WINDOW_S = 300  # --horizontal-pod-autoscaler-downscale-stabilization
SCALE_UP_LIMIT_FACTOR, SCALE_UP_LIMIT_MINIMUM = 2.0, 4.0  # horizontal.go, used when spec.behavior is unset

Recommendation = tuple[int, int]
ScaleEvent = tuple[int, int]


@attrs.frozen
class Policy:
    type: str
    value: int
    period_seconds: int


@attrs.frozen
class Rules:
    """HPAScalingRules; None fields are filled by generate_scale_up_rules / generate_scale_down_rules."""

    stabilization_window_seconds: int | None = None
    select_policy: str | None = None
    policies: tuple[Policy, ...] | None = None


@attrs.frozen
class Limited:
    """A normalized count with the condition reason and message that explain it."""

    replicas: int
    reason: str
    message: str


DEFAULT_SCALE_UP = Rules(0, MAX, (Policy(PODS, 4, 15), Policy(PERCENT, 100, 15)))
# the scale-down window stays unset here: the controller fills it from its command-line flag (300 s)
DEFAULT_SCALE_DOWN = Rules(None, MAX, (Policy(PERCENT, 100, 15),))


def _copy_rules(rules: Rules | None, defaults: Rules) -> Rules:
    if rules is None:
        return defaults
    return Rules(defaults.stabilization_window_seconds if rules.stabilization_window_seconds is None
                 else rules.stabilization_window_seconds,
                 rules.select_policy if rules.select_policy is not None else defaults.select_policy,
                 rules.policies if rules.policies else defaults.policies)


def generate_scale_up_rules(rules: Rules | None) -> Rules:
    """GenerateHPAScaleUpRules: every unset field of the user's rules takes the default's value."""
    return _copy_rules(rules, DEFAULT_SCALE_UP)


def generate_scale_down_rules(rules: Rules | None,
                              window_seconds: int = DOWNSCALE_STABILIZATION_WINDOW_S) -> Rules:
    """GenerateHPAScaleDownRules, then maybeInitScaleDownStabilizationWindow's window from the flag."""
    filled = _copy_rules(rules, DEFAULT_SCALE_DOWN)
    if filled.stabilization_window_seconds is None:
        filled = attrs.evolve(filled, stabilization_window_seconds=window_seconds)
    return filled


def stabilize_recommendation(recommendations: Sequence[Recommendation], desired: int, now_ms: int,
                             window_seconds: int = DOWNSCALE_STABILIZATION_WINDOW_S,
                             ) -> tuple[int, list[Recommendation]]:
    """stabilizeRecommendation (no spec.behavior): the highest recommendation of the window; the new one
    replaces an outdated entry (the last found) or is appended. Returns (replicas, new history)."""
    cutoff = now_ms - window_seconds * 1000
    best, old = desired, None
    for i, (t, r) in enumerate(recommendations):
        if t < cutoff:
            old = i
        elif r > best:
            best = r
    return best, _record(recommendations, old, (now_ms, desired))


def _record(recommendations, index, entry):
    history = list(recommendations)
    if index is None:
        history.append(entry)
    else:
        history[index] = entry
    return history


def stabilize_recommendation_with_behaviors(recommendations: Sequence[Recommendation], current: int,
                                            desired: int, up_window_seconds: int, down_window_seconds: int,
                                            now_ms: int) -> tuple[Limited, list[Recommendation]]:
    """stabilizeRecommendationWithBehaviors: the count stays between the lowest recommendation of the
    scale-up window and the highest of the scale-down window."""
    up_cutoff, down_cutoff = now_ms - up_window_seconds * 1000, now_ms - down_window_seconds * 1000
    up, down, old = desired, desired, None
    for i, (t, r) in enumerate(recommendations):
        if t > up_cutoff:
            up = min(r, up)
        if t > down_cutoff:
            down = max(r, down)
        if t < up_cutoff and t < down_cutoff:
            old = i
    recommendation = min(max(current, up), down)
    if desired >= current:
        limited = Limited(recommendation, "ScaleUpStabilized",
                          "recent recommendations were lower than current one, applying the lowest recent "
                          "recommendation")
    else:
        limited = Limited(recommendation, "ScaleDownStabilized",
                          "recent recommendations were higher than current one, applying the highest recent "
                          "recommendation")
    return limited, _record(recommendations, old, (now_ms, desired))


def get_replicas_change_per_period(period_seconds: int, events: Sequence[ScaleEvent], now_ms: int) -> int:
    """getReplicasChangePerPeriod: the replicas changed by events strictly inside the last period."""
    cutoff = now_ms - period_seconds * 1000
    return sum(change for t, change in events if t > cutoff)


def _policy_proposals(current, up_events, down_events, rules, now_ms, propose):
    for p in rules.policies or ():
        start = (current - get_replicas_change_per_period(p.period_seconds, up_events, now_ms)
                 + get_replicas_change_per_period(p.period_seconds, down_events, now_ms))
        yield propose(p, start)


def calculate_scale_up_limit_with_scaling_rules(current: int, up_events: Sequence[ScaleEvent],
                                                down_events: Sequence[ScaleEvent], rules: Rules,
                                                now_ms: int) -> int:
    """calculateScaleUpLimitWithScalingRules: each policy allows its value over the replicas the target had
    when its period began; Max picks the most generous, Min the least, Disabled none."""
    if rules.select_policy == DISABLED:
        return current

    def propose(p, start):
        # rounded up so that a small percentage still adds a pod
        return start + p.value if p.type == PODS else math.ceil(start * (1 + p.value / 100))
    proposals = list(_policy_proposals(current, up_events, down_events, rules, now_ms, propose))
    if rules.select_policy == MIN:
        return min(proposals, default=2**31 - 1)
    return max(proposals, default=-(2**31))


def calculate_scale_down_limit_with_behaviors(current: int, up_events: Sequence[ScaleEvent],
                                              down_events: Sequence[ScaleEvent], rules: Rules,
                                              now_ms: int) -> int:
    """calculateScaleDownLimitWithBehaviors: the lowest count the policies allow (Max) or the highest (Min)."""
    if rules.select_policy == DISABLED:
        return current

    def propose(p, start):
        return start - p.value if p.type == PODS else int(start * (1 - p.value / 100))
    proposals = list(_policy_proposals(current, up_events, down_events, rules, now_ms, propose))
    if rules.select_policy == MIN:
        return max(proposals, default=-(2**31))
    return min(proposals, default=2**31 - 1)


WITHIN_RANGE = ("DesiredWithinRange", "the desired count is within the acceptable range")
TOO_MANY = ("TooManyReplicas", "the desired replica count is more than the maximum replica count")
TOO_FEW = ("TooFewReplicas", "the desired replica count is less than the minimum replica count")
UP_LIMIT = ("ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
DOWN_LIMIT = ("ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate")


def convert_desired_replicas_with_behavior_rate(current: int, desired: int, min_replicas: int,
                                                max_replicas: int, up_rules: Rules, down_rules: Rules,
                                                up_events: Sequence[ScaleEvent], down_events: Sequence[ScaleEvent],
                                                now_ms: int) -> Limited:
    """convertDesiredReplicasWithBehaviorRate: the policies' rate and min/max bound the stabilized count."""
    if desired > current:
        limit = max(calculate_scale_up_limit_with_scaling_rules(current, up_events, down_events, up_rules,
                                                                now_ms), current)
        allowed, why = (limit, UP_LIMIT) if max_replicas > limit else (max_replicas, TOO_MANY)
        if desired > allowed:
            return Limited(allowed, *why)
    elif desired < current:
        limit = min(calculate_scale_down_limit_with_behaviors(current, up_events, down_events, down_rules,
                                                              now_ms), current)
        allowed, why = (limit, DOWN_LIMIT) if min_replicas < limit else (min_replicas, TOO_FEW)
        if desired < allowed:
            return Limited(allowed, *why)
    return Limited(desired, *WITHIN_RANGE)


def calculate_scale_up_limit(current: int) -> int:
    """calculateScaleUpLimit (no spec.behavior): at most double, and at least 4."""
    return int(max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM))


def convert_desired_replicas_with_rules(current: int, desired: int, min_replicas: int,
                                        max_replicas: int) -> Limited:
    """convertDesiredReplicasWithRules (no spec.behavior)."""
    limit = calculate_scale_up_limit(current)
    maximum, why = (limit, UP_LIMIT) if max_replicas > limit else (max_replicas, TOO_MANY)
    if desired < min_replicas:
        return Limited(min_replicas, *TOO_FEW)
    if desired > maximum:
        return Limited(maximum, *why)
    return Limited(desired, *WITHIN_RANGE)


def longest_policy_period(rules: Rules) -> int:
    return max((p.period_seconds for p in rules.policies or ()), default=0)


def store_scale_event(events: Sequence[ScaleEvent], rules: Rules, change: int, now_ms: int) -> list[ScaleEvent]:
    """storeScaleEvent for one direction: the new event replaces the last one older than the longest policy
    period (markScaleEventsOutdated), else is appended. `change` is the positive number of replicas moved."""
    cutoff = now_ms - longest_policy_period(rules) * 1000
    old = None
    for i, (t, _) in enumerate(events):
        if t < cutoff:
            old = i
    return _record(events, old, (now_ms, change))
