"""Eviction thresholds: upstream's helpers_test.go tables (TestParseThresholdConfig, TestThresholdsMet ...)."""

from __future__ import annotations

import pytest

from kdsl.engine.kubelet.thresholds import (
    ALLOCATABLE_MEMORY_AVAILABLE, DEFAULT_EVICTION_HARD, MEMORY_AVAILABLE, NODEFS_AVAILABLE, EvictionConfigError,
    Observation, Threshold, Value, binary_si, float32, merge_thresholds, observe_memory, observe_pids,
    parse_percentage, parse_threshold_config, thresholds_met, thresholds_updated_stats,
)

Mi, Gi = 2**20, 2**30


def q(text: str, n: int) -> Value:
    return Value(quantity=n, text=text)


def pct(x: float) -> Value:
    return Value(percentage=float32(x))


def same(a, b) -> bool:
    """helpers_test.go thresholdsEqual: the same set, compared as thresholdEqual compares two thresholds."""
    def eq(x: Threshold, y: Threshold) -> bool:
        reclaim = (x.min_reclaim is None and y.min_reclaim is None) or (
            x.min_reclaim is not None and y.min_reclaim is not None and x.min_reclaim.same(y.min_reclaim))
        return (x.grace_period_ms == y.grace_period_ms and x.operator == y.operator and x.signal == y.signal
                and reclaim and x.value.same(y.value))
    return len(a) == len(b) and all(any(eq(x, y) for y in b) for x in a) and all(any(eq(x, y) for y in a) for x in b)


PARSE = [  # TestParseThresholdConfig: (case, hard, soft, grace, reclaim, allocatable, expected)
    ("TestParseThresholdConfig/no values", {}, {}, {}, {}, False, ()),
    ("TestParseThresholdConfig/all memory eviction values", {"memory.available": "150Mi"},
     {"memory.available": "300Mi"}, {"memory.available": "30s"}, {"memory.available": "0"}, False,
     (Threshold(MEMORY_AVAILABLE, q("150Mi", 150 * Mi), min_reclaim=q("0", 0)),
      Threshold(MEMORY_AVAILABLE, q("300Mi", 300 * Mi), 30_000, q("0", 0)))),
    ("TestParseThresholdConfig/all memory eviction values, allocatable enforced", {"memory.available": "150Mi"},
     {"memory.available": "300Mi"}, {"memory.available": "30s"}, {"memory.available": "0"}, True,
     (Threshold(MEMORY_AVAILABLE, q("150Mi", 150 * Mi), min_reclaim=q("0", 0)),
      Threshold(ALLOCATABLE_MEMORY_AVAILABLE, q("150Mi", 150 * Mi), min_reclaim=q("0", 0)),
      Threshold(MEMORY_AVAILABLE, q("300Mi", 300 * Mi), 30_000, q("0", 0)))),
    ("TestParseThresholdConfig/all memory eviction values in percentages", {"memory.available": "10%"},
     {"memory.available": "30%"}, {"memory.available": "30s"}, {"memory.available": "5%"}, False,
     (Threshold(MEMORY_AVAILABLE, pct(0.1), min_reclaim=pct(0.05)),
      Threshold(MEMORY_AVAILABLE, pct(0.3), 30_000, pct(0.05)))),
    ("TestParseThresholdConfig/disk eviction values", {"nodefs.available": "100Mi"}, {"nodefs.available": "200Mi"},
     {"nodefs.available": "30s"}, {"nodefs.available": "1Gi"}, False,
     (Threshold(NODEFS_AVAILABLE, q("100Mi", 100 * Mi), min_reclaim=q("1Gi", Gi)),
      Threshold(NODEFS_AVAILABLE, q("200Mi", 200 * Mi), 30_000, q("1Gi", Gi)))),
    ("TestParseThresholdConfig/disk eviction values in percentages", {"nodefs.available": "10.5%"},
     {"nodefs.available": "20.5%"}, {"nodefs.available": "30s"}, {"nodefs.available": "5%"}, False,
     (Threshold(NODEFS_AVAILABLE, pct(0.105), min_reclaim=pct(0.05)),
      Threshold(NODEFS_AVAILABLE, pct(0.205), 30_000, pct(0.05)))),
    ("TestParseThresholdConfig/threshold eviction values of 0% and 100% are ignored",
     {"memory.available": "0%", "nodefs.available": "100%"}, {}, {}, {}, False, ()),
]


@pytest.mark.parametrize(("hard", "soft", "grace", "reclaim", "allocatable", "expected"),
                         [c[1:] for c in PARSE], ids=[c[0] for c in PARSE])
def test_parse_threshold_config(hard, soft, grace, reclaim, allocatable, expected):
    got = parse_threshold_config(hard, soft, grace, reclaim, enforce_allocatable=allocatable)
    assert same(got, expected)


REFUSED = [  # TestParseThresholdConfig cases with expectErr: true, and the kubelet's message
    ("TestParseThresholdConfig/invalid-signal", {"mem.available": "150Mi"}, {}, {}, {},
     "unsupported eviction signal mem.available"),
    ("TestParseThresholdConfig/hard-signal-negative", {"memory.available": "-150Mi"}, {}, {}, {},
     "eviction threshold memory.available must be positive: -150Mi"),
    ("TestParseThresholdConfig/hard-signal-negative-percentage", {"memory.available": "-15%"}, {}, {}, {},
     "eviction percentage threshold memory.available must be >= 0%: -15%"),
    ("TestParseThresholdConfig/hard-signal-over-100-percentage", {"memory.available": "150%"}, {}, {}, {},
     "eviction percentage threshold memory.available must be <= 100%: 150%"),
    ("TestParseThresholdConfig/soft-signal-negative", {}, {"memory.available": "-150Mi"}, {}, {},
     "eviction threshold memory.available must be positive: -150Mi"),
    ("TestParseThresholdConfig/valid-and-invalid-signal", {"memory.available": "150Mi", "invalid.foo": "150Mi"},
     {}, {}, {}, "unsupported eviction signal invalid.foo"),
    ("TestParseThresholdConfig/soft-no-grace-period", {}, {"memory.available": "150Mi"}, {}, {},
     "grace period must be specified for the soft eviction threshold memory.available"),
    ("TestParseThresholdConfig/soft-negative-grace-period", {}, {"memory.available": "150Mi"},
     {"memory.available": "-30s"}, {}, "invalid eviction grace period specified: -30s, must be a positive value"),
    ("TestParseThresholdConfig/grace period without a unit", {}, {"memory.available": "150Mi"},
     {"memory.available": "30"}, {}, 'time: missing unit in duration "30"'),
    ("TestParseThresholdConfig/negative-reclaim", {}, {}, {}, {"memory.available": "-300Mi"},
     "negative eviction minimum reclaim specified for memory.available"),
    ("TestParseThresholdConfig/negative-percentage-reclaim", {}, {}, {}, {"memory.available": "-10%"},
     "eviction percentage minimum reclaim memory.available must be positive: -10%"),
]


@pytest.mark.parametrize(("hard", "soft", "grace", "reclaim", "message"), [c[1:] for c in REFUSED],
                         ids=[c[0] for c in REFUSED])
def test_parse_threshold_config_refuses(hard, soft, grace, reclaim, message):
    with pytest.raises(EvictionConfigError) as e:
        parse_threshold_config(hard, soft, grace, reclaim)
    assert str(e.value) == message


def test_default_hard_thresholds_and_the_flag_syntax():
    # defaults_linux.go DefaultEvictionHard; the flag form parses to the same thresholds
    defaults = parse_threshold_config(DEFAULT_EVICTION_HARD)
    flag = parse_threshold_config("memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%,"
                                  "imagefs.available<15%,imagefs.inodesFree<5%")
    assert same(defaults, flag) and len(defaults) == 5
    assert defaults[0] == Threshold(MEMORY_AVAILABLE, q("100Mi", 100 * Mi)) and defaults[0].hard
    soft = parse_threshold_config(soft="memory.available<1Gi", soft_grace="memory.available=1m30s")
    assert soft[0].grace_period_ms == 90_000 and not soft[0].hard


HARD_1GI = Threshold(MEMORY_AVAILABLE, q("1Gi", Gi), min_reclaim=q("500Mi", 500 * Mi))
MET = [  # TestThresholdsMet: (case, enforce min reclaim, available, expected met)
    ("TestThresholdsMet/threshold-met-memory", False, 500 * Mi, True),
    ("TestThresholdsMet/threshold-not-met", False, 2 * Gi, False),
    ("TestThresholdsMet/threshold-met-with-min-reclaim", True, int(1.05 * Gi), True),
    ("TestThresholdsMet/threshold-not-met-with-min-reclaim", True, 2 * Gi, False),
    ("TestThresholdsMet/exactly at the quantity is not under it", False, Gi, False),
]


@pytest.mark.parametrize(("enforce", "available", "met"), [c[1:] for c in MET], ids=[c[0] for c in MET])
def test_thresholds_met(enforce, available, met):
    obs = {MEMORY_AVAILABLE: Observation(available, 4 * Gi)}
    assert thresholds_met([HARD_1GI], obs, enforce) == ((HARD_1GI,) if met else ())


def test_thresholds_met_empty_and_unobserved():
    # TestThresholdsMet/empty; a threshold with no observation of its signal is skipped
    assert thresholds_met([], {}, False) == ()
    assert thresholds_met([HARD_1GI], {}, False) == ()


MEM20 = Threshold(MEMORY_AVAILABLE, pct(0.2), min_reclaim=pct(0.05))
DISK30 = Threshold(NODEFS_AVAILABLE, pct(0.3))
PERCENT = [  # TestPercentageThresholdsMet: (case, enforce, memory available, nodefs available, expected)
    ("TestPercentageThresholdsMet/BothMet", False, 100 * Mi, 100 * Gi, (MEM20, DISK30)),
    ("TestPercentageThresholdsMet/NoneMet", False, 300 * Mi, 400 * Gi, ()),
    ("TestPercentageThresholdsMet/DiskMet", False, 300 * Mi, 100 * Gi, (DISK30,)),
    ("TestPercentageThresholdsMet/MemoryMet", False, 100 * Mi, 400 * Gi, (MEM20,)),
    ("TestPercentageThresholdsMet/MemoryMetWithMinReclaim", True, 225 * Mi, 400 * Gi, (MEM20,)),
    ("TestPercentageThresholdsMet/MemoryNotMetWithMinReclaim", True, 300 * Mi, 400 * Gi, ()),
]


@pytest.mark.parametrize(("enforce", "mem", "disk", "expected"), [c[1:] for c in PERCENT], ids=[c[0] for c in PERCENT])
def test_percentage_thresholds_met(enforce, mem, disk, expected):
    obs = {MEMORY_AVAILABLE: Observation(mem, 1000 * Mi), NODEFS_AVAILABLE: Observation(disk, 1000 * Gi)}
    assert thresholds_met([MEM20, DISK30], obs, enforce) == expected


UPDATED = Threshold(MEMORY_AVAILABLE, q("1Gi", Gi))
T0, T1 = 1_451_606_400_000, 1_451_606_401_000  # 2016-01-01 00:00:00 and 00:00:01 UTC, as upstream's table
STATS = [  # TestThresholdsUpdatedStats: (case, observation time, last observation time, updated)
    ("TestThresholdsUpdatedStats/no-time", None, "absent", True),
    ("TestThresholdsUpdatedStats/no-last-observation", T0, "absent", True),
    ("TestThresholdsUpdatedStats/time-machine", T0, T1, False),
    ("TestThresholdsUpdatedStats/same-observation", T0, T0, False),
    ("TestThresholdsUpdatedStats/new-observation", T1, T0, True),
    ("TestThresholdsUpdatedStats/last observation without a time", T0, None, True),
]


@pytest.mark.parametrize(("now", "last", "updated"), [c[1:] for c in STATS], ids=[c[0] for c in STATS])
def test_thresholds_updated_stats(now, last, updated):
    obs = {MEMORY_AVAILABLE: Observation(0, Gi, now)}
    before = {} if last == "absent" else {MEMORY_AVAILABLE: Observation(0, Gi, last)}
    assert thresholds_updated_stats([UPDATED], obs, before) == ((UPDATED,) if updated else ())
    assert thresholds_updated_stats([], {}, {}) == ()  # TestThresholdsUpdatedStats/empty


def test_make_signal_observations_memory():
    # TestMakeSignalObservations: node available 1Gi, working set 1Gi -> memory.available 1Gi of 2Gi;
    # observe_memory takes capacity and working set as cadvisor does (available = capacity - working set)
    obs = observe_memory(2 * Gi, Gi, T0)
    assert obs == Observation(Gi, 2 * Gi, T0)
    assert observe_memory(Gi, 2 * Gi).available == 0  # cadvisor clamps at 0
    # pid.available = MaxPID - NumOfRunningProcesses (255816 and 1000 in the same test)
    assert observe_pids(255_816, 1000) == Observation(254_816, 255_816)


def test_merge_thresholds_keeps_one_of_each():
    # mergeThresholds / hasThreshold: equal signal, operator, grace period and value (quantity or percentage)
    soft = Threshold(MEMORY_AVAILABLE, q("2Gi", 2 * Gi), 60_000)
    assert merge_thresholds([UPDATED], [UPDATED, soft]) == (UPDATED, soft)
    assert merge_thresholds([MEM20], [Threshold(MEMORY_AVAILABLE, pct(0.2))]) == (MEM20,)


@pytest.mark.parametrize(("n", "text"), [(314_572_800, "300Mi"), (44_040_192, "42Mi"), (1000, "1k"), (0, "0"),
                                         (123_456_789, "123456789"), (1536 * Mi, "1536Mi"), (Gi, "1Gi")])
def test_quantity_string_of_byte_counts(n, text):
    # resource.NewQuantity(n, BinarySI).String(), as the eviction message prints use and requests
    assert binary_si(n) == text


@pytest.mark.parametrize(("text", "value"), [("blah", None), ("25.5%", float32(0.255)), ("foo%", None),
                                             ("12%345", None)])
def test_parse_percentage(text, value):
    # TestParsePercentage: the value is Go's float32(ParseFloat(s, 32)) / 100
    if value is None:
        with pytest.raises(EvictionConfigError):
            parse_percentage(text)
    else:
        assert parse_percentage(text) == value


@pytest.mark.parametrize(("a", "b", "equal"), [
    (Value(quantity=123, text="123"), Value(quantity=123, text="123"), True),
    (Value(quantity=123, text="123"), Value(quantity=456, text="456"), False),
    (Value(quantity=123, text="123"), Value(percentage=float32(0.1)), False),
    (Value(percentage=float32(0.1)), Value(percentage=float32(0.1)), True),
    (Value(percentage=float32(0.2)), Value(percentage=float32(0.1)), False),
])
def test_compare_threshold_value(a, b, equal):
    # TestCompareThresholdValue, both ways round
    assert a.same(b) == equal and b.same(a) == equal
