"""Upstream's horizontal_test.go stabilization cases (kubernetes v1.34): the windows over past recommendations."""

import pytest

from kdsl.engine.autoscaling.behavior import stabilize_recommendation, stabilize_recommendation_with_behaviors

NOW = 3_600_000


def m(minutes):
    return NOW - int(minutes * 60_000)


# TestNormalizeDesiredReplicasWithBehavior: (name, recs, current, prenormalized, up window s, down window s)
# -> (stabilized, stored recommendations)
STABILIZE = [
    ("empty recommendations for scaling down", [], 100, 5, 0, 0, 5, [5]),
    ("simple scale down stabilization", [(m(2), 4), (m(1), 5)], 100, 3, 0, 180, 5, [4, 5, 3]),
    ("simple scale up stabilization", [(m(2), 4), (m(1), 5)], 1, 7, 300, 0, 4, [4, 5, 7]),
    ("no scale down stabilization", [(m(2), 1), (m(1), 2)], 100, 3, 300, 0, 3, [1, 2, 3]),
    ("no scale up stabilization", [(m(2), 4), (m(1), 5)], 1, 3, 0, 300, 3, [4, 5, 3]),
    ("no scale down stabilization, reuse recommendation element", [(m(10), 10), (m(9), 9)], 100, 3, 0, 0, 3,
     [10, 3]),
    ("no scale up stabilization, reuse recommendation element", [(m(10), 10), (m(9), 9)], 1, 100, 0, 0, 100,
     [10, 100]),
    ("scale down stabilization, reuse one of obsolete recommendation element",
     [(m(10), 10), (m(1), 4), (m(2), 5), (m(9), 9)], 100, 3, 0, 180, 5, [10, 4, 5, 3]),
    ("scale up stabilization, reuse one of obsolete recommendation element",
     [(m(100), 10), (m(1), 6), (m(2), 5), (m(3), 9)], 1, 100, 300, 0, 5, [100, 6, 5, 9]),
    ("scale up and down stabilization, do not scale up when prenormalized rec goes down",
     [(m(100), 2), (m(3), 3)], 2, 1, 300, 300, 2, None),
    ("scale up and down stabilization, do not scale down when prenormalized rec goes up",
     [(m(100), 2), (m(3), 1)], 2, 3, 300, 300, 2, None),
]


@pytest.mark.parametrize("case", STABILIZE, ids=[f"TestNormalizeDesiredReplicasWithBehavior/{c[0]}" for c in STABILIZE])
def test_stabilize_with_behaviors_matches_upstream(case):
    _, recs, current, desired, up_w, down_w, expected, stored = case
    got, history = stabilize_recommendation_with_behaviors(recs, current, desired, up_w, down_w, NOW)
    assert got.replicas == expected
    if stored is not None:
        assert [r for _, r in history] == stored


def test_stabilize_messages_are_upstreams():
    up, _ = stabilize_recommendation_with_behaviors([(m(1), 5)], 1, 7, 300, 0, NOW)
    down, _ = stabilize_recommendation_with_behaviors([(m(1), 5)], 10, 3, 0, 300, NOW)
    assert (up.reason, up.message) == ("ScaleUpStabilized", "recent recommendations were lower than current one, "
                                       "applying the lowest recent recommendation")
    assert (down.reason, down.message) == ("ScaleDownStabilized", "recent recommendations were higher than current "
                                           "one, applying the highest recent recommendation")


# TestNormalizeDesiredReplicas (no spec.behavior, 5 min window): (name, recs, prenormalized) -> (stabilized, log length)
LEGACY = [
    ("empty log", [], 5, 5, 1),
    ("stabilize", [(m(2), 4), (m(1), 5)], 3, 5, 3),
    ("no stabilize", [(m(2), 1), (m(1), 2)], 3, 3, 3),
    ("no stabilize - old recommendations", [(m(10), 10), (m(9), 9)], 3, 3, 2),
    ("stabilize - old recommendations", [(m(10), 10), (m(1), 4), (m(2), 5), (m(9), 9)], 3, 5, 4),
]


@pytest.mark.parametrize("case", LEGACY, ids=[f"TestNormalizeDesiredReplicas/{c[0]}" for c in LEGACY])
def test_legacy_stabilization_matches_upstream(case):
    _, recs, desired, expected, length = case
    got, history = stabilize_recommendation(recs, desired, NOW)
    assert (got, len(history)) == (expected, length)
