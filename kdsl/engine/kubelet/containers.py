"""One container on the kubelet: its stage, its API status and the timers of what it does next."""

from __future__ import annotations

from typing import Any

import attrs

from kdsl.core.evolve import ByIdentity, copier, evolve
from kdsl.engine.kubelet.probes import plan_probes
from kdsl.engine.objects import ContainerStatus, Running, Terminated, Waiting
from kdsl.model.pods import Container

# Stages of a container's life on the node.
BLOCKED = "blocked"  # not begun: no sandbox yet, earlier init containers unfinished, or another pull first
PULLING = "pulling"  # its image is being pulled
PULL_WAIT = "pull-wait"  # a pull failed: ErrImagePull, then ImagePullBackOff until the retry (or never pulls)
RUNNING = "running"
STOPPING = "stopping"  # running after SIGTERM, until it exits or SIGKILL at the deadline
BACKOFF = "backoff"  # exited; starts again at once or after the crash back-off
DONE = "done"  # exited (or given up) and will not run again

LIVE = (RUNNING, STOPPING)

SIGTERM_EXIT = 143  # 128 + SIGTERM: a process that lets SIGTERM end it
SIGKILL_EXIT = 137  # 128 + SIGKILL: killed at the deadline, or by the kernel (OOM)

# Order of timers due at the same moment: a run is started and ready before anything ends it,
# and a process that exits on its own does so before a probe would have killed it.
ORDER = {"started": 0, "ready": 1, "unhealthy": 2, "exit": 3, "oom": 4, "kill": 5, "stopped": 6,
         "pulled": 7, "pull-failed": 7, "pull-backoff": 8, "pull": 9, "crash-backoff": 8, "restart": 9}


@attrs.frozen(weakref_slot=False)
class Timer:
    """Something a container does by itself at `time_ms` unless something else happens first."""

    time_ms: int
    what: str  # a key of ORDER
    detail: Any = None  # ready: bool; exit: exit code; kill and unhealthy: (probe kind, cause)

    @property
    def key(self) -> tuple[int, int]:
        return (self.time_ms, ORDER[self.what])


@attrs.frozen(weakref_slot=False)
class Ctr:
    """A container of the pod: spec, stage, the status the API shows, and pending timers (sorted)."""

    spec: Container
    init: bool  # an init container (sidecar or not)
    stage: str
    status: ContainerStatus
    timers: tuple[Timer, ...] = ()
    run_start_ms: int | None = None  # when the current or last run started

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def sidecar(self) -> bool:
        return self.init and self.spec.restart_policy == "Always"

    @property
    def due(self) -> Timer | None:
        return self.timers[0] if self.timers else None

    def waiting(self, reason: str, message: str = "", **changes) -> Ctr:
        status = evolve(self.status, state=Waiting(reason, message), ready=False, started=False, **changes)
        return evolve(self, status=status)

    def with_timers(self, timers) -> Ctr:
        return evolve(self, timers=tuple(sorted(timers, key=lambda t: t.key)))

    def pop(self) -> Ctr:
        return evolve(self, timers=self.timers[1:])


def new(spec: Container, init: bool, default_reason: str) -> Ctr:
    """A container the kubelet has not begun: Waiting with the kubelet's default reason
    (PodInitializing when the pod has init containers, else ContainerCreating)."""
    waiting = _WAITING.get(default_reason)
    if waiting is None:  # its state frozen: one for every container that waits for this reason
        waiting = _WAITING[default_reason] = ContainerStatus(name="", image="", state=Waiting(default_reason))
    return _new(_BLOCKED, {"spec": spec, "init": init,
                           "status": _named_status(waiting, {"name": spec.name, "image": spec.image})})


def run_timers(spec: Container, start_ms: int, *, regular_init: bool = False) -> tuple[Timer, ...]:
    """The run's timeline from its behaviour and probes: started, ready flips, Unhealthy events, and the
    first of exit, OOM kill and probe kill; nothing after that end is kept. A regular init container
    has no probes (validation) and is `ready` only once it has completed."""
    b = spec.behaviour
    plan = plan_probes(evolve(spec, probes=()) if regular_init else spec, start_ms)
    timers = []
    if plan.started_ms is not None:
        timers.append(Timer(plan.started_ms, "started"))
    if not regular_init:
        timers += [Timer(t, "ready", ok) for t, ok in plan.ready]
    timers += [Timer(t, "unhealthy", (kind, cause)) for t, kind, cause in plan.unhealthy]
    ends = []
    if b.exit_after_ms is not None:
        ends.append(Timer(start_ms + b.exit_after_ms, "exit", b.exit_code or 0))
    if b.oom_after_ms is not None:
        ends.append(Timer(start_ms + b.oom_after_ms, "oom", SIGKILL_EXIT))
    if plan.kill is not None:
        ends.append(Timer(plan.kill[0], "kill", plan.kill[1:]))
    if ends:
        end = min(ends, key=lambda t: t.key)
        timers = [t for t in timers if t.key < end.key] + [end]
    return tuple(sorted(timers, key=lambda t: t.key))


def _planned(spec: Container, start_ms: int, regular_init: bool) -> tuple[Timer, ...]:
    return run_timers(spec, start_ms, regular_init=regular_init)


# The pods of a ReplicaSet share their containers and start together: a run's timers (frozen) are planned
# once for a container and a start time, and shared.
_PLANNED = ByIdentity(_planned, kept=1 << 12)


def planned(spec: Container, start_ms: int, regular_init: bool) -> tuple[Timer, ...]:
    """run_timers, remembered: a container without probes or a scripted end (most) is started and ready
    at once whatever else it is, so its timers are known by the start alone, shared by every such
    container (a bare pod's are its own); any other by its spec's identity."""
    b = spec.behaviour
    if spec.probes or b.exit_after_ms is not None or b.oom_after_ms is not None:
        return _PLANNED(spec, start_ms, regular_init)
    key = (start_ms, regular_init)
    timers = _PLAIN.get(key)
    if timers is None:
        if len(_PLAIN) >= 1 << 12:
            _PLAIN.clear()
        timers = _PLAIN[key] = run_timers(spec, start_ms, regular_init=regular_init)
    return timers


_PLAIN: dict[tuple, tuple[Timer, ...]] = {}  # (start, a regular init container) -> a plain container's timers


def start(c: Ctr, now: int, *, restart: bool) -> Ctr:
    """Create and start the process: Running; `started` and `ready` as far as they are due now."""
    spec = c.spec
    regular_init = c.init and spec.restart_policy != "Always"  # an init container, not a sidecar (c.sidecar)
    b = spec.behaviour
    if spec.probes or b.exit_after_ms is not None or b.oom_after_ms is not None:
        state, started, ready, timers = _begun(_PLANNED(spec, now, regular_init), now)
    else:  # (planned's plain container) what its start makes is the same for every one started now
        key = (now, regular_init)
        begun = _BEGUN.get(key)
        if begun is None:
            if len(_BEGUN) >= 1 << 12:
                _BEGUN.clear()
            begun = _BEGUN[key] = _begun(planned(spec, now, regular_init), now)
        state, started, ready, timers = begun
    status = _running(c.status, {"state": state, "ready": ready, "started": started,
                                 "restart_count": c.status.restart_count + restart})
    return _started(c, {"stage": RUNNING, "status": status, "run_start_ms": now, "timers": timers})


def _begun(timers: tuple[Timer, ...], now: int) -> tuple:
    """(Running since now, started, ready, the timers left): the run's timers due now, as apply_probe applies
    them, folded into the one copy of the status (timers sorted by key, as run_timers returns them)."""
    started = ready = False
    due = 0
    while due < len(timers) and timers[due].time_ms == now and timers[due].what in ("started", "ready"):
        t = timers[due]
        if t.what == "started":
            started = True
        else:
            ready = bool(t.detail) and started
        due += 1
    return Running(now), started, ready, timers[due:]


_BEGUN: dict[tuple, tuple] = {}  # (start, a regular init container) -> a plain container's _begun (frozen: shared)
# evolve's copies, less its keyword handling: a new container's (from a status but for its names, and from one
# not begun but for its spec, kind and status), and a start's
_WAITING: dict[str, ContainerStatus] = {}  # a default reason -> a status Waiting for it, but for its names
_BLOCKED = Ctr(spec=None, init=False, stage=BLOCKED, status=None)
_named_status, _new = copier(ContainerStatus, "name", "image"), copier(Ctr, "spec", "init", "status")
_running = copier(ContainerStatus, "state", "ready", "started", "restart_count")
_started = copier(Ctr, "stage", "status", "run_start_ms", "timers")


def apply_probe(c: Ctr, t: Timer) -> Ctr:
    """A `started` or `ready` timer: ready needs started (the prober manager's UpdatePodStatus)."""
    if t.what == "started":
        return evolve(c, status=evolve(c.status, started=True))
    return evolve(c, status=evolve(c.status, ready=bool(t.detail) and c.status.started))


def terminated(c: Ctr, now: int, exit_code: int, reason: str | None = None) -> Ctr:
    """The process has ended. A regular init container that exited 0 stays `ready` (it completed)."""
    reason = reason or ("Completed" if exit_code == 0 else "Error")
    state = Terminated(exit_code=exit_code, reason=reason, started_ms=c.run_start_ms, finished_ms=now)
    ready = c.init and not c.sidecar and exit_code == 0
    status = evolve(c.status, state=state, ready=ready, started=False)
    return evolve(c, status=status, timers=())


def oom_now(c: Ctr, now: int) -> Ctr:
    """The kernel kills the running process now because its working set passed the cgroup's memory limit:
    the `oom` timer a scripted `oom after` sets, due now; what the run would have done later is dropped."""
    if c.stage not in LIVE or any(t.what == "oom" and t.time_ms <= now for t in c.timers):
        return c
    end = Timer(now, "oom", SIGKILL_EXIT)
    return c.with_timers([t for t in c.timers if t.key < end.key] + [end])


def stop(c: Ctr, now: int, deadline_ms: int, sigterm_ms: int | None) -> Ctr:
    """SIGTERM: the process exits `sigterm_ms` later (143), or at the deadline by SIGKILL (137) when it
    ignores SIGTERM (None) or takes too long; an exit or OOM it would have had sooner still comes first.
    Probes no longer kill a stopping container (the prober forces liveness to Success)."""
    if sigterm_ms is not None and now + sigterm_ms < deadline_ms:
        end = Timer(now + sigterm_ms, "stopped", SIGTERM_EXIT)
    else:
        end = Timer(max(deadline_ms, now), "stopped", SIGKILL_EXIT)
    kept = [t for t in c.timers if t.what != "kill" and t.key < end.key]
    natural = [t for t in kept if t.what in ("exit", "oom")]
    if not natural:
        kept.append(end)
    return evolve(c, stage=STOPPING).with_timers(kept)
