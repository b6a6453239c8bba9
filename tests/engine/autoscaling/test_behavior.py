"""Upstream's horizontal_test.go behaviour cases (kubernetes v1.34): policies, windows, min/max, as tables."""

import pytest

from kdsl.engine.autoscaling.behavior import (DISABLED, MAX, MIN, PERCENT, PODS, Policy, Rules,
                                              calculate_scale_down_limit_with_behaviors,
                                              calculate_scale_up_limit, calculate_scale_up_limit_with_scaling_rules,
                                              convert_desired_replicas_with_behavior_rate,
                                              convert_desired_replicas_with_rules, generate_scale_down_rules,
                                              generate_scale_up_rules, get_replicas_change_per_period,
                                              store_scale_event)

NOW = 3_600_000


def rules(pods, pods_period, percent, percent_period, window):
    """generateScalingRules."""
    policies = []
    if pods:
        policies.append(Policy(PODS, pods, pods_period))
    if percent:
        policies.append(Policy(PERCENT, percent, percent_period))
    return Rules(window, MAX, tuple(policies))


def uniform(changes, period_s):
    """generateEventsUniformDistribution: events in the middle of equal segments of the last period."""
    seg = period_s / len(changes)
    return [(NOW - int((period_s - seg * (i + 1) + seg / 2) * 1000), c) for i, c in enumerate(changes)]


EVENTS = uniform([1, 5, 9], 120)
# TestScalingWithRules: (name, min, max, up rules, down rules, up events, current, prenormalized) -> (replicas, reason)
SCALING_WITH_RULES = [
    ("prenormalized desired replicas within range", 3, 8, None, None, [], 5, 7, 7, "DesiredWithinRange"),
    ("prenormalized desired replicas < minReplicas", 2, 8, None, None, [], 3, 1, 2, "TooFewReplicas"),
    ("prenormalized desired replicas within range when minReplicas is 0", 0, 10, None, None, [], 1, 0, 0,
     "DesiredWithinRange"),
    ("maxReplicas is the limit because maxReplicas < scaleUpLimit", 1, 10, None, None, [], 20, 1000, 10,
     "TooManyReplicas"),
    ("desired replica count is more than the maximum replica count", 100, 150, None, None, [], 100, 1000, 150,
     "TooManyReplicas"),
    ("scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies", 1, 2000,
     rules(0, 0, 1, 60, 0), None, [], 3, 1000, 4, "ScaleUpLimit"),
    # upstream marks this case testThis and skips it; the arithmetic holds all the same
    ("scaleDownLimit is the limit because scaleDownLimit > minReplicas with user defined policies", 3, 2000,
     None, rules(20, 60, 0, 0, 0), [], 1000, 3, 980, "ScaleDownLimit"),
    ("scaleUp with default behavior", 1, 1000, None, None, [], 10, 50, 20, "ScaleUpLimit"),
    ("scaleUp with pods policy larger than percent policy", 1, 1000, rules(100, 60, 100, 60, 0), None, [], 10,
     500, 110, "ScaleUpLimit"),
    ("scaleUp with percent policy larger than pods policy", 1, 1000, rules(2, 60, 100, 60, 0), None, [], 10,
     500, 20, "ScaleUpLimit"),
    ("scaleUp with spec MaxReplicas limitation with large pod policy", 1, 1000, rules(100, 60, 0, 0, 0), None, [],
     10, 50, 50, "DesiredWithinRange"),
    ("scaleUp with spec MaxReplicas limitation with large percent policy", 1, 1000, rules(10000, 60, 0, 0, 0),
     None, [], 10, 50, 50, "DesiredWithinRange"),
    ("scaleUp with pod policy limitation", 1, 1000, rules(30, 60, 0, 0, 0), None, [], 10, 50, 40, "ScaleUpLimit"),
    ("scaleUp with percent policy limitation", 1, 1000, rules(0, 0, 200, 60, 0), None, [], 10, 50, 30,
     "ScaleUpLimit"),
    ("scaleDown with percent policy larger than pod policy", 1, 1000, None, rules(20, 60, 1, 60, 300), [], 100, 2,
     80, "ScaleDownLimit"),
    ("scaleDown with pod policy larger than percent policy", 1, 1000, None, rules(2, 60, 1, 60, 300), [], 100, 2,
     98, "ScaleDownLimit"),
    ("scaleDown with spec MinReplicas limitation with large pod policy", 1, 1000, None,
     rules(100, 60, 0, 0, 300), [], 10, 0, 1, "TooFewReplicas"),
    ("scaleDown with spec MinReplicas limitation with large percent policy", 5, 1000, None,
     rules(0, 0, 100, 60, 300), [], 10, 2, 5, "TooFewReplicas"),
    ("scaleDown with pod policy limitation", 1, 1000, None, rules(5, 60, 0, 0, 300), [], 10, 2, 5,
     "ScaleDownLimit"),
    ("scaleDown with percent policy limitation", 1, 1000, None, rules(0, 0, 50, 60, 300), [], 10, 5, 5,
     "DesiredWithinRange"),
    ("scaleUp with spec MaxReplicas limitation with large pod policy and events", 1, 200,
     rules(300, 60, 0, 0, 0), None, EVENTS, 100, 500, 200, "TooManyReplicas"),
    ("scaleUp with spec MaxReplicas limitation with large percent policy and events", 1, 200,
     rules(0, 0, 10000, 60, 0), None, EVENTS, 100, 500, 200, "TooManyReplicas"),
    ("scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up events", 1,
     1000, rules(5, 120, 0, 0, 0), None, EVENTS, 100, 500, 100, "ScaleUpLimit"),
    ("scaleUp with pod policy and previous scale up events", 1, 1000, rules(150, 120, 0, 0, 0), None, EVENTS, 100,
     500, 235, "ScaleUpLimit"),
    ("scaleUp with percent policy and previous scale up events", 1, 1000, rules(0, 0, 200, 120, 0), None, EVENTS,
     100, 500, 255, "ScaleUpLimit"),
    ("scaleUp with percent policy and previous scale up and down events", 1, 1000, rules(0, 0, 300, 300, 0), None,
     (uniform([4], 120), uniform([2], 120)), 6, 24, 16, "ScaleUpLimit"),
    ("scaleDown with default policy and previous events", 1, 1000, None, None, ([], EVENTS), 10, 5, 5,
     "DesiredWithinRange"),
    ("scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events", 1, 1000, None,
     rules(115, 120, 0, 0, 300), ([], EVENTS), 100, 0, 1, "TooFewReplicas"),
    ("scaleDown with spec MinReplicas limitation with large pod policy and previous events", 5, 1000, None,
     rules(130, 120, 0, 0, 300), ([], EVENTS), 100, 0, 5, "TooFewReplicas"),
    ("scaleDown with spec MinReplicas limitation with large percent policy and previous events", 5, 1000, None,
     rules(0, 0, 100, 120, 300), ([], EVENTS), 100, 2, 5, "TooFewReplicas"),
    ("scaleDown with pod policy limitation and previous events", 1, 1000, None, rules(5, 120, 0, 0, 300),
     ([], EVENTS), 100, 2, 100, "ScaleDownLimit"),
    ("scaleDown with percent policy limitation and previous events", 1, 1000, None, rules(0, 0, 50, 120, 300),
     ([], uniform([2, 4, 6], 120)), 100, 0, 56, "ScaleDownLimit"),
    ("scaleDown with percent policy and previous scale up and down events", 1, 1000, None, rules(0, 0, 50, 180, 0),
     (uniform([2], 120), uniform([4], 120)), 10, 1, 6, "ScaleDownLimit"),
    ("scaleDown with previous events preventing further scale down", 1, 1000, None, rules(0, 0, 10, 120, 300),
     ([], uniform([10, 10, 10], 120)), 100, 0, 100, "ScaleDownLimit"),
    ("scaleDown with with previous events still allowing more scale down", 1, 1000, None,
     rules(0, 0, 1000, 120, 300), ([], uniform([10, 10, 10], 120)), 10, 5, 5, "DesiredWithinRange"),
    ("check 'outdated' flag for events for one behavior for up", 1, 1000, rules(1000, 60, 0, 0, 0), None,
     uniform([8, 12, 9, 11], 120), 100, 200, 200, "DesiredWithinRange"),
    ("check that events were marked 'outdated' for two different policies in the behavior for up", 1, 1000,
     rules(1000, 30, 100, 60, 0), None, uniform([8, 12, 9, 11], 120), 100, 200, 200, "DesiredWithinRange"),
    ("check 'outdated' flag for events for one behavior for down", 1, 1000, None, rules(1000, 60, 0, 0, 300),
     ([], uniform([8, 12, 9, 11], 120)), 100, 5, 5, "DesiredWithinRange"),
]


@pytest.mark.parametrize("case", SCALING_WITH_RULES, ids=[f"TestScalingWithRules/{c[0]}" for c in SCALING_WITH_RULES])
def test_scaling_with_rules_matches_upstream(case):
    _, lo, hi, up, down, events, current, desired, expected, reason = case
    # events: the scale-up events, or (scale-up events, scale-down events)
    up_events, down_events = events if isinstance(events, tuple) else (events, [])
    got = convert_desired_replicas_with_behavior_rate(current, desired, lo, hi, generate_scale_up_rules(up),
                                                      generate_scale_down_rules(down), up_events, down_events, NOW)
    assert (got.replicas, got.reason) == (expected, reason)


MIN_RULES = Rules(300, MIN, (Policy(PODS, 2, 60), Policy(PERCENT, 50, 60)))


def test_calculate_scale_up_limit_with_scaling_rules_matches_upstream():
    # TestCalculateScaleUpLimitWithScalingRules
    assert calculate_scale_up_limit_with_scaling_rules(1, [], [], MIN_RULES, NOW) == 2


def test_calculate_scale_down_limit_with_behaviors_matches_upstream():
    # TestCalculateScaleDownLimitWithBehaviors
    assert calculate_scale_down_limit_with_behaviors(5, [], [], MIN_RULES, NOW) == 3


def test_disabled_select_policy_keeps_the_count():
    disabled = Rules(0, DISABLED, (Policy(PODS, 4, 15),))
    assert calculate_scale_up_limit_with_scaling_rules(5, [], [], disabled, NOW) == 5
    assert calculate_scale_down_limit_with_behaviors(5, [], [], disabled, NOW) == 5


def test_legacy_rules_double_or_four():
    # calculateScaleUpLimit: at most twice the current count, at least 4
    assert [calculate_scale_up_limit(n) for n in (0, 1, 10, 100)] == [4, 4, 20, 200]
    assert convert_desired_replicas_with_rules(3, 1000, 1, 2000).reason == "ScaleUpLimit"
    assert convert_desired_replicas_with_rules(5, 2, 3, 10).replicas == 3


def test_replicas_change_per_period_counts_events_inside_the_period():
    events = [(NOW - 30_000, 3), (NOW - 45_000, 2), (NOW - 70_000, 1)]
    assert get_replicas_change_per_period(60, events, NOW) == 5
    assert get_replicas_change_per_period(60, [], NOW) == 0


def ago(*pairs):
    return [(NOW - s * 1000, c) for c, s in pairs]


# TestStoreScaleEvents (with a behaviour; decide() stores nothing without one): (name, previous events,
# rules) -> (replicas changed in the last 60 s before, stored changes after a change of 5)
STORE = [
    ("empty entries with two-policy-behavior", [], rules(10, 60, 100, 60, 0), 0, [5]),
    ("one outdated entry to be replaced with behavior", ago((7, 61)), rules(10, 60, 100, 60, 0), 0, [5]),
    ("one actual entry to be not touched with behavior", ago((7, 58)), rules(10, 60, 100, 60, 0), 7, [7, 5]),
    ("two entries, one of them to be replaced", ago((7, 61), (6, 59)), rules(10, 60, 0, 0, 0), 6, [5, 6]),
    ("replace one entry, use policies with different periods", ago((8, 29), (6, 59), (7, 61), (9, 61)),
     rules(10, 60, 100, 30, 0), 14, [8, 6, 7, 5]),
    ("two entries, both actual", ago((7, 58), (6, 59)), rules(10, 120, 100, 30, 0), 13, [7, 6, 5]),
]


@pytest.mark.parametrize("case", STORE, ids=[f"TestStoreScaleEvents/{c[0]}" for c in STORE])
def test_store_scale_events_matches_upstream(case):
    _, previous, scaling, changed, stored = case
    assert get_replicas_change_per_period(60, previous, NOW) == changed
    assert [c for _, c in store_scale_event(previous, scaling, 5, NOW)] == stored


def test_default_behaviour_is_upstreams():
    # pkg/apis/autoscaling/v2/defaults.go, and the controller's 300 s downscale window
    up, down = generate_scale_up_rules(None), generate_scale_down_rules(None)
    assert up == Rules(0, MAX, (Policy(PODS, 4, 15), Policy(PERCENT, 100, 15)))
    assert down == Rules(300, MAX, (Policy(PERCENT, 100, 15),))
    partial = generate_scale_up_rules(Rules(select_policy=MIN))
    assert (partial.stabilization_window_seconds, partial.select_policy, partial.policies) == (0, MIN, up.policies)
