"""A pod on its node as a pure state machine: `next_event` says what happens next and when, `apply` does it."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from kdsl.engine.events import Event
from kdsl.engine.kubelet import alike, shaped
from kdsl.engine.kubelet import containers as ct
from kdsl.engine.kubelet import steps
from kdsl.core.evolve import copier, evolve
from kdsl.engine.kubelet.refresh import refreshed
from kdsl.engine.kubelet.sync import synced
from kdsl.engine.kubelet.pod import Config, PodRun, Step, first_run, new_step
from kdsl.engine.objects import Condition, PodStatus, set_condition
from kdsl.model.pods import PodTemplate


def new_pod(template: PodTemplate, bound_ms: int, *, name: str = "pod", namespace: str = "default", uid: str = "",
            config: Config = Config(), node_images=(), readiness_gates=(),
            sigterm_ms: Mapping[str, int | None] | None = None, status: PodStatus | None = None,
            configs=None) -> PodRun:
    """The pod as its kubelet first sees it at `bound_ms`: every container Waiting, the sandbox being made.
    `sigterm_ms`: how long each container's process takes to exit after SIGTERM (default 0, None ignores it).
    `configs`: a config_refs.PodConfigs that reads the ConfigMaps and Secrets env names (None: none checked)."""
    ctrs, shared = alike.first_ctrs(template, _first_ctrs)
    status = status or PodStatus()
    gates = readiness_gates if readiness_gates.__class__ is tuple else tuple(readiness_gates)
    # the first status made in one copy (its start time and what the containers show), not refreshed after
    if shared:
        fields, sandbox = refreshed(template, ctrs, False, "creating", gates, status, bound_ms)
        canon = None
    else:  # its containers are its own: answered by their shape (kubelet/shaped.py)
        fields, sandbox, canon = shaped.refreshed(template, ctrs, False, "creating", gates, status, bound_ms, None)
    status = _copied(_STATUS_COPIES, PodStatus, status,
                     {"start_ms": bound_ms} if fields is None else {"start_ms": bound_ms, **fields})
    return first_run(name=name, namespace=namespace, uid=uid, template=template, bound_ms=bound_ms, ctrs=ctrs,
                     config=config, images=node_images if node_images.__class__ is frozenset else
                     frozenset(node_images) if node_images else _NO_IMAGES, readiness_gates=gates,
                     sigterm_ms=tuple(sorted(sigterm_ms.items())) if sigterm_ms else (), sandbox=sandbox,
                     status=status, now_ms=bound_ms, configs=configs, canon=canon)


_NO_IMAGES: frozenset[str] = frozenset()


def _first_ctrs(template: PodTemplate) -> tuple:
    """Every container Waiting, not begun (alike.first_ctrs shares them among the pods of the same containers)."""
    if not template.init_containers:
        return tuple([ct.new(c, False, "ContainerCreating") for c in template.containers])
    return (tuple([ct.new(c, True, "PodInitializing") for c in template.init_containers])
            + tuple([ct.new(c, False, "PodInitializing") for c in template.containers]))


_SANDBOX_STEPS: dict[int, Step] = {}  # its time -> the sandbox step


def next_event(pod: PodRun) -> Step | None:
    """The earliest thing the pod does by itself, or None while nothing will happen without outside help."""
    if pod.removed:
        return None
    if pod.sandbox == "creating" and pod.deletion_ms is None and not pod.killed:
        at = pod.bound_ms + pod.config.sandbox_ms
        step = _SANDBOX_STEPS.get(at)
        if step is None:  # the pods bound at one moment share their sandbox step (a frozen value)
            if len(_SANDBOX_STEPS) >= 1 << 12:
                _SANDBOX_STEPS.clear()
            step = _SANDBOX_STEPS[at] = Step(at, "sandbox")
        return step
    first = None  # the container whose first timer is earliest (by time, then ORDER, then position)
    for c in pod.ctrs:
        if c.timers and (first is None or c.timers[0].key < first.timers[0].key):
            first = c
    if first is not None:
        t = first.timers[0]
        return new_step(t.time_ms, t.what, first.name)
    if pod.deleting and not any(c.stage in ct.LIVE for c in pod.ctrs):
        return Step(max(pod.now_ms, pod.deletion_ms), "removed")
    return None


def apply(pod: PodRun, step: Step, ip: tuple[str | None, str | None] | None = None) -> tuple[PodRun, tuple[Event, ...]]:
    """Do `step` (as returned by next_event) at its time; return the new pod and the kubelet's events.
    `ip`: the (pod IP, host IP) the loop gave the sandbox, reported with it (PodRun.with_ip)."""
    now, what = step.time_ms, step.what
    if what == "removed":
        return evolve(pod, removed=True, now_ms=now), ()
    reported = None  # the sandbox's addresses, reported in the status copy the refresh makes
    if ip is not None and what == "sandbox":
        reported = {"pod_ip": ip[0], "host_ip": ip[1] or pod.status.host_ip}
    alone = not alike.shared(pod.template)  # no other pod has its containers: nothing to share or remember
    key = None if alone else alike.key(pod, step)
    made = alike.found(key, pod) if key is not None else None
    if made is not None:  # another pod took this step from the same containers: its change, shared
        ctrs, sandbox, initialized, images, out = made
        changes = {"ctrs": ctrs, "sandbox": sandbox, "initialized": initialized, "images": images}
        return _refresh(pod, now, reported, False, changes), tuple(out)
    out = []
    before = pod.ctrs
    # the step's and the sync's changes gathered, and the pod copied once with its refreshed status
    pod, changes = _changed(pod, step, out)
    changes = synced(pod, changes, now, out)
    if key is not None:
        alike.keep(key, before, pod, changes, out)
    return _refresh(pod, now, reported, alone, changes), tuple(out)


def _changed(pod: PodRun, step: Step, out: list) -> tuple[PodRun, dict]:
    """The pod right after `step` (a sandbox made or a container timer due), before the sync it causes:
    a pod and its changes not yet copied in (steps.container_step)."""
    if step.what == "sandbox":
        return pod, {"sandbox": "ready"}
    name, i = step.container, 0
    for c in pod.ctrs:  # the container the step is for
        if c.name == name:
            break
        i += 1
    else:
        raise ValueError(f"{step} names no container of pod {pod.name}")
    timer = c.timers[0] if c.timers else None  # c.due
    if timer is None or timer.time_ms != step.time_ms or timer.what != step.what:
        raise ValueError(f"{step} is not what {step.container} does next ({timer})")
    return steps.container_step(pod, i, c, timer, out)


def delete(pod: PodRun, now: int, grace_ms: int | None = None) -> tuple[PodRun, tuple[Event, ...]]:
    """Graceful deletion: SIGTERM to the regular containers now (sidecars once those have stopped),
    SIGKILL at now + grace (the pod's terminationGracePeriod by default); nothing starts or restarts."""
    if pod.deleting:
        return pod, ()
    grace = pod.template.grace_ms if grace_ms is None else grace_ms
    return _stopped_for_good(evolve(pod, deletion_ms=now, deadline_ms=now + grace), now)


def oom_kill(pod: PodRun, container: str, now: int) -> PodRun:
    """The kernel OOM-kills `container` now (its use passed its memory limit): it ends as a scripted
    `oom after` ends it (OOMKilled, 137) and restarts by the policy with the crash back-off."""
    i = next((i for i, c in enumerate(pod.ctrs) if c.name == container), None)
    if i is None or pod.removed:
        return pod
    c = ct.oom_now(pod.ctrs[i], now)
    return pod if c is pod.ctrs[i] else pod.put(i, c)


def kill(pod: PodRun, now: int, grace_ms: int, reason: str, message: str,
         condition: Condition | None = None) -> tuple[PodRun, tuple[Event, ...]]:
    """The kubelet kills the pod for good and keeps its object (killPodNow with a status function, as the
    eviction manager does): phase Failed with `reason` and `message` from now, `condition` set, what runs
    stopped within `grace_ms`, nothing started or restarted again."""
    if pod.killed or pod.removed:
        return pod, ()
    conditions = set_condition(pod.status.conditions, condition) if condition else pod.status.conditions
    status = evolve(pod.status, phase="Failed", reason=reason, message=message, conditions=conditions)
    return _stopped_for_good(evolve(pod, killed=True, status=status, deadline_ms=now + grace_ms), now)


def reject(pod: PodRun, now: int, reason: str, message: str) -> PodRun:
    """An admit handler refused the pod (rejectPod): Failed with `reason` and "Pod was rejected: " + message;
    nothing of it is created on the node."""
    status = evolve(pod.status, phase="Failed", reason=reason, message="Pod was rejected: " + message)
    run = _refresh(evolve(pod, killed=True, status=status, sandbox="gone",
                          ctrs=tuple(evolve(c, stage=ct.DONE, timers=()) for c in pod.ctrs)), now)
    # rejectPod's status has no container statuses (the pod worker never syncs the pod), so kubectl's STATUS
    # shows the reason (OutOfcpu ...), not a waiting container's ContainerCreating
    return evolve(run, status=evolve(run.status, container_statuses=(), init_container_statuses=()))


def with_condition(pod: PodRun, condition: Condition, now: int) -> PodRun:
    """Another component's condition (a readiness gate's, DisruptionTarget) set on the pod."""
    status = evolve(pod.status, conditions=set_condition(pod.status.conditions, condition))
    return _refresh(evolve(pod, status=status), now)


# ---- internals ---------------------------------------------------------------------------------------


def _stopped_for_good(pod: PodRun, now: int) -> tuple[PodRun, tuple[Event, ...]]:
    """Stop what runs by the pod's deadline; what waits to start or restart never will."""
    out: list[Event] = []
    ctrs = tuple(c if c.stage in ct.LIVE or c.stage == ct.DONE else evolve(c, stage=ct.DONE, timers=())
                 for c in pod.ctrs)
    return _refresh(pod, now, None, False, synced(pod, {"ctrs": ctrs}, now, out)), tuple(out)


def _refresh(pod: PodRun, now: int, reported: dict | None = None, alone: bool = False,
             changes: dict | None = None) -> PodRun:
    """The pod with its status refreshed; `reported` (status fields the step reports, as the sandbox's
    addresses) rides in the same copy of the status, `changes` (of the pod, a dict of the caller's own, taken:
    what a step or one shared with other pods made of it, kubelet/alike.py) in the same copy of the pod.
    `alone`: no other pod has its containers (refresh.refreshed remembers nothing of it)."""
    if changes is None:
        changes = {}
    sandbox = changes.pop("sandbox", pod.sandbox)
    ctrs = changes.get("ctrs", pod.ctrs)
    if alone:  # its containers are its own: answered by their shape (kubelet/shaped.py)
        fields, sandbox, canon = shaped.refreshed(pod.template, ctrs, pod.deletion_ms is not None, sandbox,
                                                  pod.readiness_gates, pod.status, now, pod.canon)
        if fields is not None or (changes and canon is not None):  # else the conditions and their canon stand
            changes["canon"] = canon
    else:
        fields, sandbox = refreshed(pod.template, ctrs, pod.deletion_ms is not None, sandbox, pod.readiness_gates,
                                    pod.status, now)
    if fields is not None:
        status = _copied(_STATUS_COPIES, PodStatus, pod.status, {**fields, **reported} if reported else fields)
    elif reported:
        status = _copied(_STATUS_COPIES, PodStatus, pod.status, reported)
    elif not changes and sandbox == pod.sandbox and now == pod.now_ms:
        return pod  # nothing the status shows changed
    else:
        status = pod.status
    changes["status"], changes["sandbox"], changes["now_ms"] = status, sandbox, now
    return _copied(_POD_COPIES, PodRun, pod, changes)


# changed names -> evolve's compiled copier for them, a table a class (a step copies the pod and its status)
_POD_COPIES: dict[tuple[str, ...], Callable] = {}
_STATUS_COPIES: dict[tuple[str, ...], Callable] = {}


def _copied(table: dict, cls: type, inst, changes: dict):
    """evolve(inst, **changes), `inst` of class `cls`, without the copy of `changes` that ** makes and with
    one look-up (`changes` is read, not kept: the refreshed fields a status refresh shares stay as they are)."""
    names = tuple(changes)
    make = table.get(names)
    if make is None:
        make = table[names] = copier(cls, *names)
    return make(inst, changes)


# ---- a pod alone, for tests and notebooks ------------------------------------------------------------


@attrs.frozen
class Trace:
    """A pod played alone: its state after every step, and the kubelet's events in order."""

    states: tuple[PodRun, ...]
    events: tuple[Event, ...]

    @property
    def last(self) -> PodRun:
        return self.states[-1]

    def at(self, time_ms: int) -> PodRun:
        """The pod as it stood at `time_ms`, after everything that happened at that moment."""
        return [s for s in self.states if s.now_ms <= time_ms][-1]

    def status(self, time_ms: int) -> PodStatus:
        return self.at(time_ms).status

    def times(self, what, container: str | None = None) -> list[int]:
        """When a predicate on the pod (or on `container`'s status) first became true in each stretch
        where it held: the moments of its changes from false to true."""
        out, before = [], False
        for s in self.states:
            now = bool(what(s.ctr(container).status if container else s))
            if now and not before and (not out or out[-1] != s.now_ms):
                out.append(s.now_ms)
            before = now
        return out


def run_pod(pod: PodRun, until_ms: int, *, delete_at_ms: int | None = None, grace_ms: int | None = None,
            max_steps: int = 100_000) -> Trace:
    """Play `pod` alone up to `until_ms` (or until nothing more happens), deleting it at `delete_at_ms`."""
    states, events = [pod], []
    for _ in range(max_steps):
        step = next_event(pod)
        if delete_at_ms is not None and not pod.deleting and (step is None or step.time_ms > delete_at_ms):
            if delete_at_ms > until_ms:
                break
            pod, out = delete(pod, delete_at_ms, grace_ms)
        elif step is None or step.time_ms > until_ms:
            break
        else:
            pod, out = apply(pod, step)
        states.append(pod)
        events += out
    else:
        raise RuntimeError(f"pod {pod.name} took more than {max_steps} steps before {until_ms} ms")
    return Trace(tuple(states), tuple(events))
