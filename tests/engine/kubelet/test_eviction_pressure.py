"""Node pressure over time: helpers_test.go's condition tables and eviction_manager_test.go's TestMemoryPressure."""

from __future__ import annotations

import pytest

from kdsl.engine.kubelet.eviction import PodStats, admit, choose
from kdsl.engine.kubelet.pressure import (
    State, by_eviction_priority, has_node_condition, node_condition, node_conditions, pressure_conditions,
    node_conditions_last_observed_at, node_conditions_observed_since, pressure_taints, synchronize,
    thresholds_first_observed_at, thresholds_met_grace_period,
)
from kdsl.engine.kubelet.thresholds import (
    ALLOCATABLE_MEMORY_AVAILABLE, MEMORY_AVAILABLE, NODEFS_AVAILABLE, PID_AVAILABLE, Observation, Threshold, Value,
    parse_threshold_config,
)

Mi, Gi, MIN = 2**20, 2**30, 60_000
HARD = Threshold(MEMORY_AVAILABLE, Value(quantity=Gi, text="1Gi"))
SOFT = Threshold(MEMORY_AVAILABLE, Value(quantity=2 * Gi, text="2Gi"), grace_period_ms=MIN)

GRACE = [  # TestThresholdsMetGracePeriod: (case, first observed at, now = 10 min, expected)
    ("TestThresholdsMetGracePeriod/empty", {}, ()),
    ("TestThresholdsMetGracePeriod/hard-threshold-met", {HARD: 10 * MIN}, (HARD,)),
    ("TestThresholdsMetGracePeriod/soft-threshold-not-met", {SOFT: 10 * MIN}, ()),
    ("TestThresholdsMetGracePeriod/soft-threshold-met", {SOFT: 8 * MIN}, (SOFT,)),
]


@pytest.mark.parametrize(("observed", "expected"), [c[1:] for c in GRACE], ids=[c[0] for c in GRACE])
def test_thresholds_met_grace_period(observed, expected):
    assert thresholds_met_grace_period(observed, 10 * MIN) == expected


FIRST = [  # TestThresholdsFirstObservedAt: (case, thresholds met now, last, expected), now = 10 min
    ("TestThresholdsFirstObservedAt/empty", [], {}, {}),
    ("TestThresholdsFirstObservedAt/no-previous-observation", [HARD], {}, {HARD: 10 * MIN}),
    ("TestThresholdsFirstObservedAt/previous-observation", [HARD], {HARD: 9 * MIN}, {HARD: 9 * MIN}),
    ("TestThresholdsFirstObservedAt/a threshold no longer met is forgotten", [], {HARD: 9 * MIN}, {}),
]


@pytest.mark.parametrize(("met", "last", "expected"), [c[1:] for c in FIRST], ids=[c[0] for c in FIRST])
def test_thresholds_first_observed_at(met, last, expected):
    assert thresholds_first_observed_at(met, last, 10 * MIN) == expected


def test_node_conditions():
    # TestNodeConditions: empty-list, memory.available -> MemoryPressure (once, whatever the count)
    assert node_conditions([]) == ()
    assert node_conditions([HARD, SOFT]) == ("MemoryPressure",)
    disk = Threshold(NODEFS_AVAILABLE, Value(percentage=0.1))
    assert node_conditions([disk, HARD]) == ("DiskPressure", "MemoryPressure")


LAST = [  # TestNodeConditionsLastObservedAt: (case, conditions now, last, expected), now = 10 min
    ("TestNodeConditionsLastObservedAt/no-previous-observation", ["MemoryPressure"], {}, {"MemoryPressure": 10 * MIN}),
    ("TestNodeConditionsLastObservedAt/previous-observation", ["MemoryPressure"], {"MemoryPressure": 9 * MIN},
     {"MemoryPressure": 10 * MIN}),
    ("TestNodeConditionsLastObservedAt/old-observation", [], {"MemoryPressure": 9 * MIN}, {"MemoryPressure": 9 * MIN}),
]


@pytest.mark.parametrize(("now", "last", "expected"), [c[1:] for c in LAST], ids=[c[0] for c in LAST])
def test_node_conditions_last_observed_at(now, last, expected):
    assert node_conditions_last_observed_at(now, last, 10 * MIN) == expected


SINCE = [  # TestNodeConditionsObservedSince: observed 1 min ago; (case, period, expected)
    ("TestNodeConditionsObservedSince/in-period", 2 * MIN, ("MemoryPressure",)),
    ("TestNodeConditionsObservedSince/out-of-period", 30_000, ()),
    ("TestNodeConditionsObservedSince/exactly-the-period-is-out", MIN, ()),
]


@pytest.mark.parametrize(("period", "expected"), [c[1:] for c in SINCE], ids=[c[0] for c in SINCE])
def test_node_conditions_observed_since(period, expected):
    assert node_conditions_observed_since({"MemoryPressure": 9 * MIN}, period, 10 * MIN) == expected


def test_has_node_condition():
    # TestHasNodeConditions
    assert has_node_condition(["DiskPressure", "Ready", "MemoryPressure"], "MemoryPressure")
    assert not has_node_condition(["DiskPressure", "Ready"], "MemoryPressure")


def test_eviction_priority_puts_memory_first():
    # TestSortByEvictionPriority: memory before other resources, no-resource thresholds last
    disk = Threshold(NODEFS_AVAILABLE, Value(percentage=0.1))
    pid = Threshold(PID_AVAILABLE, Value(quantity=100, text="100"))
    assert by_eviction_priority([disk, pid, HARD]) == (HARD, disk, pid)
    alloc = Threshold(ALLOCATABLE_MEMORY_AVAILABLE, Value(quantity=Gi, text="1Gi"))
    assert by_eviction_priority([disk, pid, alloc]) == (alloc, disk, pid)  # allocatable memory first
    assert by_eviction_priority([]) == ()  # empty threshold list


def test_condition_texts_and_taint():
    # nodestatus/setters.go MemoryPressureCondition; nodelifecycle TaintNodesByCondition
    assert node_condition("MemoryPressure", True).reason == "KubeletHasInsufficientMemory"
    assert node_condition("MemoryPressure", True).message == "kubelet has insufficient memory available"
    assert node_condition("MemoryPressure", False).reason == "KubeletHasSufficientMemory"
    assert node_condition("MemoryPressure", False).message == "kubelet has sufficient memory available"
    assert node_condition("DiskPressure", False).reason == "KubeletHasNoDiskPressure"
    assert pressure_taints(["MemoryPressure"]) == (("node.kubernetes.io/memory-pressure", "NoSchedule"),)


# eviction_manager_test.go TestMemoryPressure: hard memory.available<1Gi, soft <2Gi for 2 min,
# MaxPodGracePeriodSeconds 5, transition period 5 min; the pods and their working sets
PODS = (
    PodStats("guaranteed-low-priority-high-usage", -1, Gi, 900 * Mi, "Guaranteed"),
    PodStats("burstable-below-requests", 0, 100 * Mi, 50 * Mi, "Burstable"),
    PodStats("burstable-above-requests", 0, 100 * Mi, 400 * Mi, "Burstable"),
    PodStats("best-effort-high-priority-high-usage", 1, 0, 400 * Mi, "BestEffort"),
    PodStats("best-effort-low-priority-low-usage", -1, 0, 100 * Mi, "BestEffort"),
)
STEPS = [  # (what upstream does, clock step, available, pressure, pod killed, grace period, admits best-effort)
    ("synchronize with no pressure", 0, 2 * Gi, False, None, None, True),
    ("induce soft threshold: pressure but not yet past the grace period", MIN, 1500 * Mi, True, None, None, False),
    ("step past the grace period: the soft eviction", 3 * MIN, 1500 * Mi, True,
     "best-effort-low-priority-low-usage", 5, False),
    ("remove memory pressure", 20 * MIN, 3 * Gi, False, None, None, True),
    ("induce memory pressure: the hard eviction", MIN, 500 * Mi, True, "best-effort-low-priority-low-usage", 1, False),
    ("reduce memory pressure: pressure stays within the transition period", MIN, 2 * Gi, True, None, None, False),
    ("move the clock past the transition period", 5 * MIN, 2 * Gi, False, None, None, True),
]
BEST_ADMIT, BURST_ADMIT = PodStats("best-admit"), PodStats("burst-admit", qos="Burstable")


def test_memory_pressure_sequence():
    thresholds = parse_threshold_config({"memory.available": "1Gi"}, {"memory.available": "2Gi"},
                                        {"memory.available": "2m"})
    state, now = State(), 0
    for what, step, available, pressure, killed, grace, best_effort in STEPS:
        now += step
        obs = {MEMORY_AVAILABLE: Observation(available, 2 * available, now)}
        state, decision = synchronize(thresholds, obs, state, now, max_pod_grace_s=5)
        assert state.under("MemoryPressure") == pressure, what
        eviction = choose(decision, PODS, obs)
        assert (eviction.pod if eviction else None) == killed, what
        assert (eviction.grace_period_s if eviction else None) == grace, what
        # TestMemoryPressure's admission checks: a burstable pod is always admitted under memory pressure
        assert (admit(state.node_conditions, BEST_ADMIT)[0], admit(state.node_conditions, BURST_ADMIT)[0]) == (
            best_effort, True), what


def test_min_reclaim_keeps_the_threshold_met_until_reclaimed():
    # TestMinReclaim: hard <1Gi with minimum reclaim 500Mi; at 1.2Gi the threshold is still being resolved
    thresholds = parse_threshold_config({"memory.available": "1Gi"}, min_reclaim={"memory.available": "500Mi"})
    state, now, kills = State(), 0, []
    for available in (500 * Mi, 1200 * Mi, 2 * Gi):
        now += 10_000
        obs = {MEMORY_AVAILABLE: Observation(available, 4 * Gi, now)}
        state, decision = synchronize(thresholds, obs, state, now)
        kills.append(choose(decision, PODS, obs) is not None)
    assert kills == [True, True, False]


def test_stale_stats_evict_nothing():
    # thresholdsUpdatedStats in synchronize: the same observation twice evicts once
    thresholds = parse_threshold_config({"memory.available": "1Gi"})
    obs = {MEMORY_AVAILABLE: Observation(500 * Mi, 4 * Gi, 1_000)}
    state, first = synchronize(thresholds, obs, State(), 10_000)
    state, second = synchronize(thresholds, obs, state, 20_000)
    assert first.reclaim is not None and second.reclaim is None and state.under("MemoryPressure")


def test_node_status_and_event_while_under_pressure():
    # setters.go: the kubelet reports all three pressure conditions; synchronize's EvictionThresholdMet event
    thresholds = parse_threshold_config({"memory.available": "100Mi"})
    obs = {MEMORY_AVAILABLE: Observation(42 * Mi, 4 * Gi, 1)}
    state, decision = synchronize(thresholds, obs, State(), 1)
    assert [(c.type, c.status, c.reason) for c in pressure_conditions(state.node_conditions)] == [
        ("MemoryPressure", "True", "KubeletHasInsufficientMemory"),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID")]
    assert decision.event == ("Warning", "EvictionThresholdMet", "Attempting to reclaim memory")
