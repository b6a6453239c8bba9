"""The FitError and its text: `0/N nodes are available: ...`, with the preemption tail."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import attrs

from kdsl.engine.scheduler.filters import Verdict
from kdsl.engine.scheduler.snapshot import minor

NO_NODES = "no nodes available to schedule pods"  # ErrNoNodesAvailable
NO_VICTIMS = "No preemption victims found for incoming pod"
NOT_HELPFUL = "Preemption is not helpful for scheduling"
NOT_ELIGIBLE = "not eligible due to preemptionPolicy=Never."
TERMINATING_VICTIM = "not eligible due to a terminating pod on the nominated node."
PREEMPTION = "preemption: "
# DynamicResources' PostFilter, which runs before DefaultPreemption from v1.34 (the DynamicResourceAllocation gate
# is GA and on: pkg/features/kube_features.go; the plugin is added before DefaultPreemption by applyFeatureGates in
# pkg/scheduler/apis/config/v1/default_plugins.go). For a pod without claims it says NO_CLAIMS; when an earlier
# PreFilter rejected the pod, its own PreFilter never wrote its state and it fails with the CycleState's
# ErrNotFound, an Error that ends the PostFilter phase before preemption (pkg/scheduler/framework/plugins/
# dynamicresources/dynamicresources.go PostFilter, runtime/framework.go RunPostFilterPlugins).
NO_CLAIMS = "no new claims to deallocate"
NO_STATE = "not found"
# The pod's condition and events after a cycle [M]: PodScheduled=False reason Unschedulable with the
# FitError text, and a Warning FailedScheduling event with the same text; on success a Normal event.
UNSCHEDULABLE_REASON = "Unschedulable"
FAILED_SCHEDULING = "FailedScheduling"
SCHEDULED = "Scheduled"


def scheduled_message(pod_key: str, node: str) -> str:
    """The `Scheduled` event's text."""
    return f"Successfully assigned {pod_key} to {node}"


def histogram(node_reasons: Iterable[Iterable[str]]) -> list[str]:
    """`"<count> <reason>"` per distinct reason, sorted like Go's sort.Strings (count included).

    Python orders str by code point, which is the byte order of UTF-8 that sort.Strings uses."""
    counts: Counter = Counter()
    for reasons in node_reasons:
        counts.update(reasons)
    return sorted(f"{n} {reason}" for reason, n in counts.items())


def dynamic_resources(version: str) -> bool:
    """Whether the default profile has the DynamicResources plugin (see NO_CLAIMS)."""
    return minor(version) >= 34


def postfilter_message(version: str, preemption: str) -> str:
    """The PostFilter phase's message, as RunPostFilterPlugins joins its plugins' reasons with ", "
    (Status.Message): DynamicResources' (from v1.34), then DefaultPreemption's ("" when it nominated a node,
    which ends the phase with Success and no message)."""
    if not dynamic_resources(version):
        return preemption
    return f"{NO_CLAIMS}, {preemption}" if preemption else ""


def fit_error_message(num_nodes: int, node_reasons: Iterable[Iterable[str]] = (), prefilter: str | None = None,
                      postfilter: str | None = None) -> str:
    """FitError.Error() (pkg/scheduler/framework/types.go): the prefix, the PreFilter message or else the
    sorted histogram, each as " %v.", then the PostFilter message as " %v". Preemption's own message is a
    FitError's and ends in "." already (the ".." of v1.27–v1.29 ended in v1.30)."""
    msg = f"0/{num_nodes} nodes are available:"
    if prefilter:
        msg += f" {prefilter}."
    else:
        sorted_reasons = histogram(node_reasons)
        if sorted_reasons:
            msg += f" {', '.join(sorted_reasons)}."
    if postfilter:
        msg += f" {postfilter}"
    return msg


@attrs.frozen
class FitError:
    """Why no node fits: every evaluated node's reported verdict (by node name, in evaluation
    order), or the PreFilter message; `postfilter` is the preemption message when it ran."""

    num_nodes: int
    statuses: tuple[tuple[str, Verdict], ...] = ()
    prefilter: str | None = None
    postfilter: str | None = None

    @property
    def message(self) -> str:
        if self.num_nodes == 0:
            return NO_NODES
        return fit_error_message(self.num_nodes, (v.reasons for _, v in self.statuses), self.prefilter,
                                 self.postfilter)

    def histogram(self) -> list[str]:
        return histogram(v.reasons for _, v in self.statuses)

    def __str__(self) -> str:
        return self.message
