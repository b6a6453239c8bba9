"""Node pressure over time: the eviction manager's synchronize as a pure step, and the node conditions it sets."""

# Ported from kubernetes/kubernetes pkg/kubelet/eviction/eviction_manager.go (synchronize) and helpers.go
# (thresholdsFirstObservedAt, thresholdsMetGracePeriod, nodeConditions, nodeConditionsLastObservedAt,
# nodeConditionsObservedSince, byEvictionPriority, getReclaimableThreshold); condition texts from
# pkg/kubelet/nodestatus/setters.go, taints from pkg/controller/nodelifecycle (TaintNodesByCondition).

from __future__ import annotations

from collections.abc import Mapping

import attrs

from kdsl.engine.kubelet.thresholds import (
    ALLOCATABLE_MEMORY_AVAILABLE, MEMORY_AVAILABLE, SIGNAL_TO_CONDITION, SIGNAL_TO_RESOURCE, Observation,
    Threshold, merge_thresholds, thresholds_met, thresholds_updated_stats,
)

MONITORING_INTERVAL_MS = 10_000  # kubelet.go evictionMonitoringPeriod: one synchronize (and one eviction) per 10 s
PRESSURE_TRANSITION_MS = 300_000  # KubeletConfiguration evictionPressureTransitionPeriod default 5m
IMMEDIATE_GRACE_S = 1  # eviction_manager.go immediateEvictionGracePeriodSeconds, for a hard threshold

# setters.go MemoryPressureCondition / DiskPressureCondition / PIDPressureCondition:
# condition -> ((reason, message) when True, (reason, message) when False)
CONDITION_TEXT = {
    "MemoryPressure": (("KubeletHasInsufficientMemory", "kubelet has insufficient memory available"),
                       ("KubeletHasSufficientMemory", "kubelet has sufficient memory available")),
    "DiskPressure": (("KubeletHasDiskPressure", "kubelet has disk pressure"),
                     ("KubeletHasNoDiskPressure", "kubelet has no disk pressure")),
    "PIDPressure": (("KubeletHasInsufficientPID", "kubelet has insufficient PID available"),
                    ("KubeletHasSufficientPID", "kubelet has sufficient PID available")),
}
# the node event recorded when the condition turns (setters.go recordEventFunc): True, then False
CONDITION_EVENT = {
    "MemoryPressure": ("NodeHasInsufficientMemory", "NodeHasSufficientMemory"),
    "DiskPressure": ("NodeHasDiskPressure", "NodeHasNoDiskPressure"),
    "PIDPressure": ("NodeHasInsufficientPID", "NodeHasSufficientPID"),
}
# nodelifecycle TaintNodesByCondition: condition True -> a NoSchedule taint
CONDITION_TAINT = {
    "MemoryPressure": "node.kubernetes.io/memory-pressure",
    "DiskPressure": "node.kubernetes.io/disk-pressure",
    "PIDPressure": "node.kubernetes.io/pid-pressure",
}


@attrs.frozen
class Condition:
    """A node condition as the kubelet reports it."""

    type: str
    status: str  # "True" or "False"
    reason: str
    message: str


def node_condition(kind: str, pressure: bool) -> Condition:
    """The condition of `kind` (MemoryPressure, DiskPressure, PIDPressure) with the kubelet's reason and message."""
    reason, message = CONDITION_TEXT[kind][0 if pressure else 1]
    return Condition(kind, "True" if pressure else "False", reason, message)


def pressure_conditions(conditions) -> tuple[Condition, ...]:
    """The three pressure conditions the kubelet always reports, True for those in `conditions`."""
    return tuple(node_condition(kind, kind in conditions) for kind in CONDITION_TEXT)


def pressure_taints(conditions) -> tuple[tuple[str, str], ...]:
    """The (key, effect) taints the node lifecycle controller puts on a node with these pressure conditions."""
    return tuple((CONDITION_TAINT[c], "NoSchedule") for c in sorted(set(conditions)) if c in CONDITION_TAINT)


def node_conditions(thresholds) -> tuple[str, ...]:
    """nodeConditions: the conditions of the thresholds, once each, in order."""
    out: list[str] = []
    for t in thresholds:
        c = SIGNAL_TO_CONDITION.get(t.signal)
        if c is not None and c not in out:
            out.append(c)
    return tuple(out)


def has_node_condition(conditions, item: str) -> bool:
    return item in conditions


def thresholds_first_observed_at(thresholds, last: Mapping[Threshold, int], now_ms: int) -> dict[Threshold, int]:
    """thresholdsFirstObservedAt: a threshold met now keeps the time it was first met; others are forgotten."""
    return {t: last.get(t, now_ms) for t in thresholds}


def thresholds_met_grace_period(observed_at: Mapping[Threshold, int], now_ms: int) -> tuple[Threshold, ...]:
    """thresholdsMetGracePeriod: the thresholds met for at least their grace period (a hard one at once)."""
    return tuple(t for t, at in observed_at.items() if now_ms - at >= t.grace_period_ms)


def node_conditions_last_observed_at(conditions, last: Mapping[str, int], now_ms: int) -> dict[str, int]:
    """nodeConditionsLastObservedAt: conditions observed now are stamped now; the others keep their time."""
    out = {c: now_ms for c in conditions}
    for c, at in last.items():
        out.setdefault(c, at)
    return out


def node_conditions_observed_since(observed_at: Mapping[str, int], period_ms: int, now_ms: int) -> tuple[str, ...]:
    """nodeConditionsObservedSince: a condition stays True until `period` has passed since it was last seen."""
    return tuple(c for c, at in observed_at.items() if now_ms - at < period_ms)


def by_eviction_priority(thresholds) -> tuple[Threshold, ...]:
    """byEvictionPriority: memory signals first, thresholds with no resource to reclaim last."""
    def rank(t: Threshold) -> int:
        if t.signal in (MEMORY_AVAILABLE, ALLOCATABLE_MEMORY_AVAILABLE):
            return 0
        return 1 if t.signal in SIGNAL_TO_RESOURCE else 2
    return tuple(sorted(thresholds, key=rank))


@attrs.frozen
class State:
    """What the eviction manager remembers between two synchronize calls."""

    thresholds_met: tuple[Threshold, ...] = ()
    first_observed_at: tuple[tuple[Threshold, int], ...] = ()
    conditions_last_observed_at: tuple[tuple[str, int], ...] = ()
    last_observations: tuple[tuple[str, Observation], ...] = ()
    node_conditions: tuple[str, ...] = ()

    def under(self, condition: str) -> bool:
        """IsUnderMemoryPressure and friends: `condition` is among the reported conditions."""
        return condition in self.node_conditions


@attrs.frozen
class Decision:
    """What one synchronize decided: the pressure conditions, and the resource to reclaim by evicting a pod."""

    node_conditions: tuple[str, ...]
    thresholds: tuple[Threshold, ...] = ()  # met past their grace period, with fresh stats, in eviction order
    reclaim: Threshold | None = None  # getReclaimableThreshold: the threshold to act on
    resource: str | None = None  # its resource: memory, ephemeral-storage, inodes, pids
    grace_period_s: int | None = None  # the evicted pod's grace period: 1 (hard) or max_pod_grace_s (soft)

    @property
    def event(self) -> tuple[str, str, str] | None:
        """The node's event before it evicts: (type, reason, message), as synchronize records it."""
        if self.resource is None:
            return None
        return ("Warning", "EvictionThresholdMet", f"Attempting to reclaim {self.resource}")


def synchronize(thresholds, observations: Mapping[str, Observation], state: State, now_ms: int, *,
                transition_ms: int = PRESSURE_TRANSITION_MS, max_pod_grace_s: int = 0) -> tuple[State, Decision]:
    """One pass of the eviction manager at `now_ms` over fresh observations: the new state and the decision."""
    met = thresholds_met(thresholds, observations, False)
    if state.thresholds_met:  # thresholds met before and not yet resolved by their minimum reclaim
        met = merge_thresholds(met, thresholds_met(state.thresholds_met, observations, True))
    first = thresholds_first_observed_at(met, dict(state.first_observed_at), now_ms)
    seen = node_conditions_last_observed_at(node_conditions(met), dict(state.conditions_last_observed_at), now_ms)
    conditions = node_conditions_observed_since(seen, transition_ms, now_ms)
    graced = thresholds_met_grace_period(first, now_ms)
    fresh = thresholds_updated_stats(graced, observations, dict(state.last_observations))
    new_state = State(graced, tuple(first.items()), tuple(sorted(seen.items())),
                      tuple(sorted(observations.items())), tuple(sorted(conditions)))
    ordered = by_eviction_priority(fresh)
    reclaim = next((t for t in ordered if t.signal in SIGNAL_TO_RESOURCE), None)
    if reclaim is None:
        return new_state, Decision(new_state.node_conditions, ordered)
    grace = IMMEDIATE_GRACE_S if reclaim.hard else max_pod_grace_s
    return new_state, Decision(new_state.node_conditions, ordered, reclaim, SIGNAL_TO_RESOURCE[reclaim.signal], grace)
