"""What each container timer does to the pod: pulls, starts, probe results, exits, kills and restarts."""

from __future__ import annotations

import hashlib

from kdsl.engine.kubelet import config_refs
from kdsl.engine.kubelet import containers as ct
from kdsl.engine.kubelet.backoff import go_duration
from kdsl.engine.kubelet.containers import Ctr, Timer
from kdsl.core.evolve import evolve
from kdsl.engine.events import new_event
from kdsl.engine.kubelet.phase import TERMINAL
from kdsl.engine.kubelet.pod import PodRun
from kdsl.engine.kubelet.probes import unhealthy_message
from kdsl.engine.objects import Terminated


def container_step(pod: PodRun, i: int, c: Ctr, t: Timer, out: list) -> tuple[PodRun, dict]:
    """Container `i` (its first timer `t`, due now) does what `t` says; kubelet events go to `out`. The
    pod and its changes not yet copied in: runtime.apply copies it once for the step and the sync after."""
    now, image, ctrs = t.time_ms, c.spec.image, pod.ctrs
    if t.what == "pulled":
        # pod.event, inline (as in begin and create: every pod's steps)
        out.append(new_event(now, "Normal", "Pulled", "Pod", pod.namespace, pod.name,
                             f'Successfully pulled image "{image}" in {go_duration(t.detail)}', "kubelet"))
        # create reads the pod's configs, not its images; a start replaces the timers (no copy without `t`)
        c = create(pod, c if pod.configs is None else c.pop(), now, out)
        return pod, {"images": pod.images | {image}, "ctrs": ctrs[:i] + (c,) + ctrs[i + 1:]}
    c = c.pop()
    if t.what in ("started", "ready"):
        return pod, {"ctrs": ctrs[:i] + (ct.apply_probe(c, t),) + ctrs[i + 1:]}
    return _timer_step(pod, i, c, t, out), {}


def _timer_step(pod: PodRun, i: int, c: Ctr, t: Timer, out: list) -> PodRun:
    """container_step's other timers (failed pulls, back-offs, exits, kills and restarts): the pod after them."""
    now, name, image = t.time_ms, c.name, c.spec.image
    if t.what == "unhealthy":
        kind, cause = t.detail
        pod.event(now, "Warning", "Unhealthy", unhealthy_message(c.spec, kind, cause, pod.status.pod_ip), out)
        return pod.put(i, c)
    if t.what == "pull-failed":
        message = f'failed to pull image "{image}": not found'
        pod.event(now, "Warning", "Failed", f'Failed to pull image "{image}": not found', out)
        pod.event(now, "Warning", "Failed", "Error: ErrImagePull", out)
        pulls = pod.pulls.next(image, now)
        pod = evolve(pod, pulls=pulls)
        retry = pulls.retry_at(image)
        timers = [Timer(retry, "pull")]
        if now + pod.config.sync_ms < retry:
            timers.append(Timer(now + pod.config.sync_ms, "pull-backoff"))
        return pod.put(i, evolve(c.waiting("ErrImagePull", message), stage=ct.PULL_WAIT).with_timers(timers))
    if t.what == "pull-backoff":
        message = f'Back-off pulling image "{image}"'
        pod.event(now, "Normal", "BackOff", message, out)
        pod.event(now, "Warning", "Failed", "Error: ImagePullBackOff", out)
        return pod.put(i, c.waiting("ImagePullBackOff", message))
    if t.what == "pull":
        return pod.put(i, begin(pod, c, now, out))
    if t.what in ("exit", "oom", "stopped", "kill"):
        return ended(pod, i, c, t, out)
    if t.what == "crash-backoff":
        wait = go_duration(pod.crash.wait_ms(name))
        message = f"Back-off restarting failed container {name} in pod {pod.ref}"
        pod.event(now, "Warning", "BackOff", message, out)
        c = c.waiting("CrashLoopBackOff", f"back-off {wait} restarting failed container={name} pod={pod.ref}",
                      last_state=last_run(c))
        return pod.put(i, c)
    if t.what == "restart":
        last = last_run(c)
        pod = evolve(pod, crash=pod.crash.next(name, last.finished_ms, now))
        c = evolve(c, status=evolve(c.status, last_state=last))
        return pod.put(i, create(pod, c, now, out, restart=True))
    raise ValueError(f"unknown step {t.what!r}")


def last_run(c: Ctr) -> Terminated:
    """The run that just ended: still the state (right after the exit) or already the last state."""
    return c.status.state if isinstance(c.status.state, Terminated) else c.status.last_state


def ended(pod: PodRun, i: int, c: Ctr, t: Timer, out: list) -> PodRun:
    """The process ended: exit, OOM kill, a probe's kill, or the end of a stop. Restart per policy."""
    now, name = t.time_ms, c.name
    if t.what == "kill":
        kind, _ = t.detail
        pod.event(now, "Normal", "Killing", f"Container {name} failed {kind} probe, will be restarted", out)
        # the kill is a stop with the pod's grace period (a process that honours SIGTERM ends now), but
        # the stage stays RUNNING so that the policy restarts it, unlike a stop for deletion
        deadline = now + pod.template.grace_ms
        return pod.put(i, evolve(ct.stop(c, now, deadline, pod.sigterm(name)), stage=ct.RUNNING))
    stopping = c.stage == ct.STOPPING
    reason = "OOMKilled" if t.what == "oom" else None
    c = ct.terminated(c, now, t.detail, reason)
    code = t.detail
    policy = pod.template.restart_policy
    if stopping or pod.deleting or pod.status.phase in TERMINAL:
        again = False
    elif c.sidecar:
        again = True
    elif c.init:
        again = code != 0 and policy != "Never"
    else:
        again = policy == "Always" or (policy == "OnFailure" and code != 0)
    if not again:
        return pod.put(i, evolve(c, stage=ct.DONE))
    at = pod.crash.restart_at(name, now)
    timers = [Timer(at, "restart")]
    if now + pod.config.sync_ms < at:
        timers.append(Timer(now + pod.config.sync_ms, "crash-backoff"))
    return pod.put(i, evolve(c, stage=ct.BACKOFF).with_timers(timers))


def begin(pod: PodRun, c: Ctr, now: int, out: list, images: frozenset[str] | None = None) -> Ctr:
    """Start a container that has not run: pull its image if it must (a retry keeps showing
    ImagePullBackOff while it pulls), else create and start it. `images`: the node's, when the pod's
    record does not hold them yet (runtime._synced)."""
    spec, image = c.spec, c.spec.image
    present = image in (pod.images if images is None else images)
    if spec.image_pull_policy == "Never" and not present:
        message = f'Container image "{image}" is not present with pull policy of Never'
        pod.event(now, "Warning", "ErrImageNeverPull", message, out)
        return evolve(c.waiting("ErrImageNeverPull", message), stage=ct.PULL_WAIT, timers=())
    if spec.image_pull_policy == "Always" or not present:
        b = spec.behaviour
        took = 0 if present else (b.pull_ms if b.pull_ms is not None else pod.config.pull_ms)
        out.append(new_event(now, "Normal", "Pulling", "Pod", pod.namespace, pod.name, f'Pulling image "{image}"',
                             "kubelet"))
        timer = Timer(now + took, "pull-failed") if b.pull_fails else _pulled(now + took, took)
        return evolve(c, stage=ct.PULLING, timers=(timer,))  # with_timers([timer]) in one copy
    pod.event(now, "Normal", "Pulled", f'Container image "{image}" already present on machine', out)
    return create(pod, c, now, out)


_PULLED: dict[tuple[int, int], Timer] = {}  # (its time, the pull's duration) -> the `pulled` timer


def _pulled(at: int, took: int) -> Timer:
    # the containers whose pulls end at one moment after as long share their timer (a frozen value)
    timer = _PULLED.get((at, took))
    if timer is None:
        if len(_PULLED) >= 1 << 12:
            _PULLED.clear()
        timer = _PULLED[(at, took)] = Timer(at, "pulled", took)
    return timer


def create(pod: PodRun, c: Ctr, now: int, out: list, restart: bool = False) -> Ctr:
    """Create and start the container (its image is on the node), unless its environment names a
    ConfigMap or Secret (or key) that is missing: then it waits in CreateContainerConfigError."""
    if pod.configs is not None:
        held = config_refs.blocked(pod, c, now, out)
        if held is not None:
            return held
    name, ns, pod_name = c.spec.name, pod.namespace, pod.name
    out += (new_event(now, "Normal", "Created", "Pod", ns, pod_name, f"Created container: {name}", "kubelet"),
            new_event(now, "Normal", "Started", "Pod", ns, pod_name, f"Started container {name}", "kubelet"))
    # a retry after CreateContainerConfigError comes through begin(): it is a restart if the container ran
    return ct.start(c, now, restart=restart or c.run_start_ms is not None)


def no_pod_ip(pod: PodRun, now: int, uid: str, range_set: str):
    """The FailedCreatePodSandBox event of a sandbox the node's pod range has no address left for: the CNI plugin's
    words (host-local's allocator, plugins/ipam/host-local), with containerd's sandbox id made stable."""
    sandbox = hashlib.sha256(f"{uid}:{now}".encode()).hexdigest()
    return new_event(now, "Warning", "FailedCreatePodSandBox", "Pod", pod.namespace, pod.name,
                     f"Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for "
                     f'sandbox "{sandbox}": plugin type="bridge" failed (add): failed to allocate for range 0: '
                     f"no IP addresses available in range set: {range_set}", "kubelet")
