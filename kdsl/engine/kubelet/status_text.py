"""kubectl get pods: the STATUS, READY and RESTARTS columns (printers.go printPod), and human durations."""

from __future__ import annotations

from kdsl.engine.kubelet.phase import TERMINAL, is_sidecar
from kdsl.engine.objects import ContainerStatus, PodStatus, Running, Terminated, Waiting
from kdsl.model.pods import PodTemplate

NODE_LOST = "NodeLost"  # node.NodeUnreachablePodReason


def _terminated_text(t: Terminated, prefix: str = "") -> str:
    # kdsl's runtime always names a reason; ExitCode:n is for statuses written without one
    return prefix + (t.reason if t.reason else f"ExitCode:{t.exit_code}")


def _columns(template: PodTemplate, status: PodStatus, deleting: bool) -> tuple[str, int, int, int | None]:
    """(STATUS, ready, restarts, time of the last counted restart) exactly as printPod walks the statuses."""
    reason = status.reason or status.phase
    scheduled = status.condition("PodScheduled")
    if scheduled is not None and scheduled.reason == "SchedulingGated":
        reason = "SchedulingGated"
    sidecars = {c.name for c in template.init_containers if is_sidecar(c)}
    ready = restarts = sidecar_restarts = 0
    last = sidecar_last = None

    def later(a: int | None, s: ContainerStatus) -> int | None:
        t = s.last_state.finished_ms if s.last_state is not None else None
        return t if t is not None and (a is None or t > a) else a

    initializing = False
    for i, s in enumerate(status.init_container_statuses):
        restarts += s.restart_count
        last = later(last, s)
        if s.name in sidecars:
            sidecar_restarts += s.restart_count
            sidecar_last = later(sidecar_last, s)
        state = s.state
        if isinstance(state, Terminated) and state.exit_code == 0:
            continue
        if s.name in sidecars and s.started:
            ready += s.ready
            continue
        if isinstance(state, Terminated):
            reason = _terminated_text(state, "Init:")
        elif isinstance(state, Waiting) and state.reason and state.reason != "PodInitializing":
            reason = "Init:" + state.reason
        else:
            reason = f"Init:{i}/{len(template.init_containers)}"
        initializing = True
        break

    initialized = status.condition("Initialized")
    if not initializing or (initialized is not None and initialized.status == "True"):
        restarts, last = sidecar_restarts, sidecar_last
        has_running = False
        # from last to first, so the first container in spec order that has something to say wins
        for s in reversed(status.container_statuses):
            restarts += s.restart_count
            last = later(last, s)
            state = s.state
            if isinstance(state, Waiting) and state.reason:
                reason = state.reason
            elif isinstance(state, Terminated):
                reason = _terminated_text(state)
            elif s.ready and isinstance(state, Running):
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            pod_ready = status.condition("Ready")
            reason = "Running" if pod_ready is not None and pod_ready.status == "True" else "NotReady"

    if deleting and status.reason == NODE_LOST:
        reason = "Unknown"
    elif deleting and status.phase not in TERMINAL:
        reason = "Terminating"
    return reason, ready, restarts, last


def status_column(template: PodTemplate, status: PodStatus, *, deleting: bool = False) -> str:
    """kubectl's STATUS: Init:0/2, Init:CrashLoopBackOff, PodInitializing, ContainerCreating,
    CrashLoopBackOff, Completed, Error, OOMKilled, Running, NotReady, Terminating, Unknown ...
    `deleting`: the pod has a deletionTimestamp."""
    return _columns(template, status, deleting)[0]


def pod_columns(template: PodTemplate, status: PodStatus, *, deleting: bool = False) -> tuple[str, str, int]:
    """(STATUS, READY, RESTARTS) in one walk of the statuses, for tables of many pods."""
    reason, ready, restarts, _ = _columns(template, status, deleting)
    total = len(template.containers) + sum(is_sidecar(c) for c in template.init_containers)
    return reason, f"{ready}/{total}", restarts


def ready_column(template: PodTemplate, status: PodStatus) -> str:
    """READY: ready containers / containers, sidecars counted among the containers."""
    total = len(template.containers) + sum(is_sidecar(c) for c in template.init_containers)
    return f"{_columns(template, status, False)[1]}/{total}"


def restart_count(template: PodTemplate, status: PodStatus) -> int:
    """The number in RESTARTS (regular containers and sidecars once initialized; init containers before)."""
    return _columns(template, status, False)[2]


def restarts_column(template: PodTemplate, status: PodStatus, now_ms: int | None = None) -> str:
    """RESTARTS: `2`, or `2 (35s ago)` when the time of the last restart is known and `now_ms` is given."""
    _, _, restarts, last = _columns(template, status, False)
    if restarts and last is not None and now_ms is not None:
        return f"{restarts} ({human_duration(now_ms - last)} ago)"
    return str(restarts)


def human_duration(ms: int) -> str:
    """apimachinery duration.HumanDuration: 45s, 119s, 2m, 5m30s, 3h, 2d4h, 3y ... (~2–3 figures)."""
    seconds = ms // 1000 if ms >= 0 else -((-ms) // 1000)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        return _pair(minutes, "m", seconds % 60, "s")
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        return _pair(hours, "h", minutes % 60, "m")
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 24 * 8:
        return _pair(days, "d", hours % 24, "h")
    if hours < 24 * 365 * 2:
        return f"{days}d"
    if hours < 24 * 365 * 8:
        return _pair(days // 365, "y", days % 365, "d")
    return f"{days // 365}y"


def _pair(major: int, major_unit: str, minor: int, minor_unit: str) -> str:
    return f"{major}{major_unit}" if minor == 0 else f"{major}{major_unit}{minor}{minor_unit}"
