"""Eviction thresholds and signal observations, as the kubelet's eviction helpers parse and measure them."""

# Ported from kubernetes/kubernetes pkg/kubelet/eviction/helpers.go (ParseThresholdConfig,
# parseThresholdStatement, parsePercentage, parseGracePeriods, parseMinimumReclaims, thresholdsMet,
# makeSignalObservations) and pkg/kubelet/eviction/api/types.go (GetThresholdQuantity), with the
# defaults of pkg/kubelet/eviction/defaults_linux.go. Bytes and counts are ints; times are ms.

from __future__ import annotations

import re
import struct
from collections.abc import Mapping

import attrs

from kdsl.core.values import BadValue, duration_ms, quantity

MEMORY_AVAILABLE = "memory.available"
ALLOCATABLE_MEMORY_AVAILABLE = "allocatableMemory.available"
NODEFS_AVAILABLE = "nodefs.available"
NODEFS_INODES_FREE = "nodefs.inodesFree"
IMAGEFS_AVAILABLE = "imagefs.available"
IMAGEFS_INODES_FREE = "imagefs.inodesFree"
CONTAINERFS_AVAILABLE = "containerfs.available"
CONTAINERFS_INODES_FREE = "containerfs.inodesFree"
PID_AVAILABLE = "pid.available"

OP_LESS_THAN = "LessThan"  # evictionapi.OpForSignal maps every signal to it

# helpers.go signalToResource (its keys are the valid signals) and signalToNodeCondition
SIGNAL_TO_RESOURCE = {
    MEMORY_AVAILABLE: "memory", ALLOCATABLE_MEMORY_AVAILABLE: "memory",
    IMAGEFS_AVAILABLE: "ephemeral-storage", IMAGEFS_INODES_FREE: "inodes",
    CONTAINERFS_AVAILABLE: "ephemeral-storage", CONTAINERFS_INODES_FREE: "inodes",
    NODEFS_AVAILABLE: "ephemeral-storage", NODEFS_INODES_FREE: "inodes",
    PID_AVAILABLE: "pids",
}
SIGNAL_TO_CONDITION = {
    MEMORY_AVAILABLE: "MemoryPressure", ALLOCATABLE_MEMORY_AVAILABLE: "MemoryPressure",
    IMAGEFS_AVAILABLE: "DiskPressure", CONTAINERFS_AVAILABLE: "DiskPressure", NODEFS_AVAILABLE: "DiskPressure",
    IMAGEFS_INODES_FREE: "DiskPressure", NODEFS_INODES_FREE: "DiskPressure", CONTAINERFS_INODES_FREE: "DiskPressure",
    PID_AVAILABLE: "PIDPressure",
}

# defaults_linux.go DefaultEvictionHard: the kubelet's --eviction-hard when none is given
DEFAULT_EVICTION_HARD = {
    MEMORY_AVAILABLE: "100Mi", NODEFS_AVAILABLE: "10%", NODEFS_INODES_FREE: "5%",
    IMAGEFS_AVAILABLE: "15%", IMAGEFS_INODES_FREE: "5%",
}


class EvictionConfigError(ValueError):
    """A threshold flag the kubelet refuses to start with; the text is the kubelet's."""


def float32(x: float) -> float:
    """Go's float32 rounding: a percentage is parsed with ParseFloat(s, 32) and kept as float32."""
    return struct.unpack("f", struct.pack("f", x))[0]


@attrs.frozen
class Value:
    """evictionapi.ThresholdValue: a quantity in bytes/count (and its text) or a fraction of capacity."""

    quantity: int | None = None
    percentage: float = 0.0  # float32 fraction, 0.1 for 10%
    text: str = ""  # the quantity as Quantity.String() prints it

    def of(self, capacity: int) -> int:
        """GetThresholdQuantity: the quantity, or int64(float64(capacity) * float64(percentage))."""
        if self.quantity is not None:
            return self.quantity
        return int(float(capacity) * self.percentage)

    def same(self, other: Value) -> bool:
        """compareThresholdValue: equal quantities, or equal percentages when neither has a quantity."""
        if self.quantity is not None or other.quantity is not None:
            return self.quantity is not None and other.quantity is not None and self.quantity == other.quantity
        return self.percentage == other.percentage


@attrs.frozen
class Threshold:
    """evictionapi.Threshold: signal < value; hard when the grace period is 0."""

    signal: str
    value: Value
    grace_period_ms: int = 0
    min_reclaim: Value | None = None
    operator: str = OP_LESS_THAN

    @property
    def hard(self) -> bool:
        return self.grace_period_ms == 0  # isHardEvictionThreshold


@attrs.frozen
class Observation:
    """signalObservation: what is available of a signal's capacity, and when the stats were taken."""

    available: int
    capacity: int
    time_ms: int | None = None  # None: a zero time (the observation always counts as new)


def observe_memory(capacity: int, working_set: int, time_ms: int | None = None) -> Observation:
    """memory.available as the summary API reports it: capacity - working set (cadvisor), never below 0."""
    return Observation(max(capacity - working_set, 0), capacity, time_ms)


def observe_pids(max_pid: int, running: int, time_ms: int | None = None) -> Observation:
    """pid.available as makeSignalObservations derives it from the node's rlimit stats."""
    return Observation(max_pid - running, max_pid, time_ms)


def binary_si(n: int) -> str:
    """resource.NewQuantity(n, BinarySI).String(): under 1024 in decimal form (1000 -> 1k), else the largest
    power of 1024 that divides n (314572800 -> 300Mi), else the plain number."""
    if -1024 < n < 1024:
        return _decimal_si(n)
    for suffix, size in (("Ei", 2**60), ("Pi", 2**50), ("Ti", 2**40), ("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if n % size == 0:
            return f"{n // size}{suffix}"
    return str(n)


def _decimal_si(n: int) -> str:
    if n == 0:
        return "0"
    for suffix, size in (("E", 10**18), ("P", 10**15), ("T", 10**12), ("G", 10**9), ("M", 10**6), ("k", 10**3)):
        if n % size == 0:
            return f"{n // size}{suffix}"
    return str(n)


def _quantity_value(text: str) -> Value:
    try:
        q = quantity(text)
    except BadValue as e:
        raise EvictionConfigError(f"quantities must match the regular expression "
                                  f"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': {text}") from e
    n = -(-q.numerator // q.denominator)  # Value() rounds up to a whole unit
    binary = re.search(r"[KMGTPE]i$", text) is not None
    return Value(quantity=n, text=binary_si(n) if binary else _decimal_si(n))


def parse_percentage(text: str) -> float:
    try:
        return float32(float32(float(text.rstrip("%"))) / 100)
    except ValueError as e:
        raise EvictionConfigError(f'strconv.ParseFloat: parsing "{text.rstrip("%")}": invalid syntax') from e


def _signal(signal: str) -> str:
    if signal not in SIGNAL_TO_RESOURCE:
        raise EvictionConfigError(f"unsupported eviction signal {signal}")
    return signal


def parse_statement(signal: str, val: str) -> Threshold | None:
    """parseThresholdStatement: None for 0% and 100%, which the kubelet ignores."""
    _signal(signal)
    if val.endswith("%"):
        if val in ("0%", "100%"):
            return None
        pct = parse_percentage(val)
        if pct < 0:
            raise EvictionConfigError(f"eviction percentage threshold {signal} must be >= 0%: {val}")
        if pct > 1:
            raise EvictionConfigError(f"eviction percentage threshold {signal} must be <= 100%: {val}")
        return Threshold(signal, Value(percentage=pct))
    value = _quantity_value(val)
    if value.quantity <= 0:
        raise EvictionConfigError(f"eviction threshold {signal} must be positive: {value.text}")
    return Threshold(signal, value)


def split_flag(text: str, sep: str) -> dict[str, str]:
    """A kubelet map flag: `memory.available<100Mi,nodefs.available<10%` (sep `<`) or `memory.available=30s`."""
    out: dict[str, str] = {}
    for item in filter(None, (s.strip() for s in text.split(","))):
        key, found, val = item.partition(sep)
        if not found:
            raise EvictionConfigError(f"malformed pair, expect string{sep}string")
        out[key.strip()] = val.strip()
    return out


def _as_map(flag: Mapping[str, str] | str | None, sep: str) -> dict[str, str]:
    if flag is None:
        return {}
    return split_flag(flag, sep) if isinstance(flag, str) else dict(flag)


def _min_reclaim(signal: str, val: str) -> Value:
    if val.endswith("%"):
        pct = parse_percentage(val)
        if pct <= 0:
            raise EvictionConfigError(f"eviction percentage minimum reclaim {signal} must be positive: {val}")
        return Value(percentage=pct)
    value = _quantity_value(val)
    if value.quantity < 0:
        raise EvictionConfigError(f"negative eviction minimum reclaim specified for {signal}")
    return value


def parse_threshold_config(hard: Mapping[str, str] | str | None = None, soft: Mapping[str, str] | str | None = None,
                           soft_grace: Mapping[str, str] | str | None = None,
                           min_reclaim: Mapping[str, str] | str | None = None, *,
                           enforce_allocatable: bool = False) -> tuple[Threshold, ...]:
    """ParseThresholdConfig: the hard thresholds, then the soft ones with their grace periods, each with its
    signal's minimum reclaim; `enforce_allocatable` (pods in --enforce-node-allocatable) copies the hard
    memory.available threshold to allocatableMemory.available."""
    hard_t = [t for s, v in _as_map(hard, "<").items() if (t := parse_statement(s, v)) is not None]
    soft_t = [t for s, v in _as_map(soft, "<").items() if (t := parse_statement(s, v)) is not None]
    graces = {}
    for s, v in _as_map(soft_grace, "=").items():
        _signal(s)
        if v.startswith("-"):  # Go's ParseDuration reads it; parseGracePeriods refuses it
            raise EvictionConfigError(f"invalid eviction grace period specified: {v}, must be a positive value")
        if v == "0":  # Go's time.ParseDuration: "0" is the one number without a unit
            graces[s] = 0
            continue
        if re.fullmatch(r"[0-9.]+", v):
            raise EvictionConfigError(f'time: missing unit in duration "{v}"')
        try:
            graces[s] = duration_ms(v)
        except BadValue as e:
            raise EvictionConfigError(f'time: invalid duration "{v}"') from e
    reclaims = {_signal(s): _min_reclaim(s, v) for s, v in _as_map(min_reclaim, "=").items()}
    for i, t in enumerate(soft_t):
        if t.signal not in graces:
            raise EvictionConfigError(f"grace period must be specified for the soft eviction threshold {t.signal}")
        soft_t[i] = attrs.evolve(t, grace_period_ms=graces[t.signal])
    results = [attrs.evolve(t, min_reclaim=reclaims.get(t.signal)) for t in hard_t + soft_t]
    if enforce_allocatable:  # addAllocatableThresholds
        results += [attrs.evolve(t, signal=ALLOCATABLE_MEMORY_AVAILABLE) for t in results
                    if t.signal == MEMORY_AVAILABLE and t.hard]
    return tuple(results)


def thresholds_met(thresholds, observations: Mapping[str, Observation], enforce_min_reclaim: bool) -> tuple:
    """thresholdsMet: the thresholds whose signal's available is under the quantity (plus the minimum
    reclaim when enforcing it, so a threshold stays met until that much more is free)."""
    out = []
    for t in thresholds:
        observed = observations.get(t.signal)
        if observed is None:
            continue
        q = t.value.of(observed.capacity)
        if enforce_min_reclaim and t.min_reclaim is not None:
            q += t.min_reclaim.of(observed.capacity)
        if t.operator == OP_LESS_THAN and q > observed.available:
            out.append(t)
    return tuple(out)


def thresholds_updated_stats(thresholds, observations: Mapping[str, Observation],
                             last: Mapping[str, Observation]) -> tuple:
    """thresholdsUpdatedStats: only thresholds whose stats are newer than at the last sync drive an eviction."""
    out = []
    for t in thresholds:
        observed = observations.get(t.signal)
        if observed is None:
            continue
        before = last.get(t.signal)
        # a missing time is Go's zero time: always new, and anything is after it
        if before is None or observed.time_ms is None or before.time_ms is None or observed.time_ms > before.time_ms:
            out.append(t)
    return tuple(out)


def has_threshold(thresholds, item: Threshold) -> bool:
    return any(t.grace_period_ms == item.grace_period_ms and t.operator == item.operator
               and t.signal == item.signal and t.value.same(item.value) for t in thresholds)


def merge_thresholds(a, b) -> tuple:
    """mergeThresholds: a, then the thresholds of b that a does not have."""
    out = list(a)
    for t in b:
        if not has_threshold(out, t):
            out.append(t)
    return tuple(out)
