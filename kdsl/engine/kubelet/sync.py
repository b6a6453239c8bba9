"""SyncPod after a kubelet step: what may start starts, what must stop stops, as changes the pod is copied with once."""

from __future__ import annotations

from kdsl.core.evolve import evolve
from kdsl.engine.kubelet import containers as ct
from kdsl.engine.kubelet import steps
from kdsl.engine.kubelet.pod import PodRun
from kdsl.engine.objects import Terminated

# The pod worker's sync (pkg/kubelet/kuberuntime/kuberuntime_manager.go SyncPod: init containers one at a time,
# then the regular ones; killPodWithSyncResult for a pod that has finished), made of a step's changes not yet
# copied into the kubelet's record, so that runtime.apply copies the pod once a step.


def _finished(pod: PodRun, ctrs: tuple) -> bool:
    """Nothing more will start: deleted, an init container failed for good, or (restartPolicy not
    Always) every regular container has exited for good. `ctrs`: the pod's containers as they now stand."""
    if pod.deletion_ms is not None or pod.killed:
        return True
    policy = pod.template.restart_policy
    if policy == "Always":  # (most pods) neither test below can hold
        return False
    if policy == "Never" and any(
            c.init and not c.sidecar and c.stage == ct.DONE and c.status.state.exit_code != 0 for c in ctrs):
        return True
    return all(c.stage == ct.DONE for c in ctrs if not c.init)


def synced(pod: PodRun, changes: dict, now: int, out: list) -> dict:
    """The pod worker's SyncPod after a change: start what may start, stop what must stop. `changes`: the
    pod's changes not yet copied in (its containers, sandbox, images, `initialized`); returned with the
    sync's own, so that the pod is copied once for both (runtime._refresh)."""
    get = changes.get
    ctrs = get("ctrs", pod.ctrs)
    if _finished(pod, ctrs):
        stopped = _stop_all(pod, ctrs, now, out)
        return changes if stopped is ctrs else {**changes, "ctrs": stopped}
    if get("sandbox", pod.sandbox) != "ready":
        return changes
    images = get("images", pod.images)  # begin reads them: an image pulled by this step is present
    initialized = get("initialized", pod.initialized)
    for i, c in enumerate(ctrs):
        if not c.init:
            break
        if c.stage == ct.BLOCKED:
            return {**changes, "ctrs": ctrs[:i] + (steps.begin(pod, c, now, out, images),) + ctrs[i + 1:]}
        if c.sidecar and (c.status.started or initialized):
            continue
        if not c.sidecar and c.stage == ct.DONE and isinstance(c.status.state, Terminated) \
                and c.status.state.exit_code == 0:
            continue
        return changes  # an init container is still at work
    begun = None  # the containers begun now
    pulling = None  # whether one pulls: asked of them all once, then of each begun (it replaced a BLOCKED one)
    for i, c in enumerate(ctrs):
        if c.init or c.stage != ct.BLOCKED:
            continue
        if pulling is None:
            pulling = False
            for o in ctrs:
                if o.stage == ct.PULLING:
                    pulling = True
                    break
        if pulling:
            break  # the kubelet starts a pod's containers one after the other, each pull blocking
        if begun is None:
            begun = list(ctrs)
        c = begun[i] = steps.begin(pod, c, now, out, images)  # begin reads the pod's configs, not its containers
        pulling = c.stage == ct.PULLING
    if begun is not None:
        return {**changes, "initialized": True, "ctrs": tuple(begun)}
    return changes if initialized else {**changes, "initialized": True}


def _stop_all(pod: PodRun, ctrs: tuple, now: int, out: list) -> tuple:
    """Stop what still runs: regular containers first, sidecars once no regular container runs. `ctrs`:
    the pod's containers as they now stand; what they become (the same tuple if none changed)."""
    deadline = pod.deadline_ms if pod.deadline_ms is not None else now + pod.template.grace_ms
    regular_live = any(not c.init and c.stage in ct.LIVE for c in ctrs)
    stopped = None
    for i, c in enumerate(ctrs):
        if c.stage != ct.RUNNING or (c.sidecar and regular_live):
            continue
        if stopped is None:
            stopped = list(ctrs)
        if any(t.what == "stopped" for t in c.timers):
            stopped[i] = evolve(c, stage=ct.STOPPING)  # a probe's kill under way: no restart now
            continue
        pod.event(now, "Normal", "Killing", f"Stopping container {c.name}", out)
        stopped[i] = ct.stop(c, now, deadline, pod.sigterm(c.name))  # sigterm reads the spec, not the stage
    return ctrs if stopped is None else tuple(stopped)
