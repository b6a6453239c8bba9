"""The cluster autoscaler's event texts, as kubernetes/autoscaler words them (files cited at each)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from kdsl.engine.events import Event

SOURCE = "cluster-autoscaler"
# The status ConfigMap the LogRecorder's events are about (utils/utils.go, StatusConfigMapName default).
STATUS_NAMESPACE, STATUS_NAME = "kube-system", "cluster-autoscaler-status"

# core/scaleup/orchestrator/skippedreasons.go
MAX_LIMIT_REACHED = "max node group size reached"


def scale_up_info(group: str, current: int, new: int, max_size: int) -> str:
    """nodegroupset.ScaleUpInfo.String(): `{pool 3->5 (max: 10)}`."""
    return f"{{{group} {current}->{new} (max: {max_size})}}"


def triggered(infos: Iterable[str]) -> str:
    """processors/status/eventing_scale_up_processor.go: `pod triggered scale-up: %v` of the ScaleUpInfos."""
    return f"pod triggered scale-up: [{' '.join(infos)}]"


def not_triggered(reasons: Iterable[str]) -> str:
    """ReasonsMessage: each reason counted over the node groups that rejected or skipped the pod, as
    `N reason`, joined by ", ". Upstream ranges over a Go map (random order); kdsl sorts them."""
    counts = Counter(reasons)
    return "pod didn't trigger scale-up: " + ", ".join(f"{n} {r}" for r, n in sorted(counts.items()))


def go_float(x: float) -> str:
    """A float64 as Go's %v prints it (shortest repr; 0 not 0.0)."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def utilization_info(cpu: float, memory: float) -> str:
    """utilization.Info as %v prints it: {CpuUtil MemUtil GpuUtil DynamicResourceUtil ResourceName Utilization}."""
    resource, top = ("cpu", cpu) if cpu >= memory else ("memory", memory)
    return f"{{{go_float(cpu)} {go_float(memory)} 0 0 {resource} {go_float(top)}}}"


# core/scaledown/actuation/actuator.go (taintNode, deleteAsyncEmpty, deleteAsyncDrain) and drain.go (evictPod)
MARKED = "marked the node as toBeDeleted/unschedulable"
DELETING_POD = "deleting pod for node scale down"


def removing_empty(node: str) -> str:
    return f'Scale-down: removing empty node "{node}"'


def removing(node: str, util: str, pods: Iterable[str]) -> str:
    return f"Scale-down: removing node {node}, utilization: {util}, pods to reschedule: {','.join(pods)}"


# core/scaleup/orchestrator/executor.go executeScaleUp
def setting_size(group: str, new: int, current: int, max_size: int) -> str:
    return f"Scale-up: setting group {group} size to {new} instead of {current} (max: {max_size})"


def size_set(group: str, new: int, current: int, max_size: int) -> str:
    return f"Scale-up: group {group} size set to {new} instead of {current} (max: {max_size})"


def status_event(sim, reason: str, message: str) -> None:
    """A LogRecorder event: upstream records it on the kube-system/cluster-autoscaler-status ConfigMap."""
    sim.log.record(Event(time_ms=sim.now, type="Normal", reason=reason, kind="ConfigMap",
                         namespace=STATUS_NAMESPACE, name=STATUS_NAME, message=message, source=SOURCE))
