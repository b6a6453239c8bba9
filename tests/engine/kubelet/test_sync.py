"""The pod worker's sync after a step (kubelet/sync.py): its shortcuts answer as the plain tests do."""

from __future__ import annotations

import pytest

from kdsl.engine.kubelet import containers as ct
from kdsl.engine.kubelet import runtime, steps, sync

from .helpers import play

BODIES = (
    "container app image=x:1 { exit 0 after 5s }",
    "restart OnFailure\ncontainer app image=x:1 { exit 0 after 5s }",
    "restart OnFailure\ncontainer app image=x:1 { exit 1 after 5s }",
    "restart Never\ncontainer a image=x:1 { exit 0 after 5s }\ncontainer b image=x:1 { exit 1 after 9s }",
    "restart Never\ninit setup image=busybox:1.36 { exit 1 after 2s }\ncontainer app image=x:1",
    "restart Never\ninit proxy image=envoy:1 sidecar\ncontainer app image=x:1 { exit 0 after 5s }",
    "restart OnFailure\ninit setup image=busybox:1.36 { exit 0 after 2s }\ncontainer app image=x:1 { exit 0 after 4s }",
)


def _finished_plainly(pod, ctrs) -> bool:
    # sync._finished as it read before its shortcut for restartPolicy Always
    if pod.deleting or pod.killed:
        return True
    if pod.template.restart_policy == "Never" and any(
            c.init and not c.sidecar and c.stage == ct.DONE and c.status.state.exit_code != 0 for c in ctrs):
        return True
    regular = [c for c in ctrs if not c.init]
    return pod.template.restart_policy != "Always" and all(c.stage == ct.DONE for c in regular)


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("delete_at_ms", (None, 3_000))
def test_finished_answers_as_the_plain_tests_at_every_state(body, delete_at_ms):
    trace = play(body, 60_000, delete_at_ms=delete_at_ms)
    answers = []
    for pod in trace.states:
        assert sync._finished(pod, pod.ctrs) == _finished_plainly(pod, pod.ctrs), (body, pod.now_ms)
        answers.append(sync._finished(pod, pod.ctrs))
    # the states pass from not finished to finished when the pod is deleted or its containers end for good
    assert not answers[0]
    assert answers[-1] == (delete_at_ms is not None or BODIES.index(body) not in (0, 2))  # those restart forever


PULLS = (
    "container a image=x:1 { pull 8s }\ncontainer b image=y:1 { pull 4s }\ncontainer c image=x:1",
    "container a image=x:1\ncontainer b image=y:1 { pull 3s }\ncontainer c image=z:1 { pull 2s }\n"
    "container d image=w:1",
    ("restart OnFailure\ninit setup image=busybox:1.36 { exit 0 after 2s }\n"
     "container a image=x:1 { pull 5s }\ncontainer b image=y:1 { pull 1s }"),
    "container a image=x:1 pull=Never\ncontainer b image=y:1 { pull 6s }\ncontainer c image=z:1",
    # a's exit is a step while b pulls: c still waits
    "container a image=x:1 { exit 0 after 1s }\ncontainer b image=y:1 { pull 8s }\ncontainer c image=z:1",
)


def _begun_plainly(pod, ctrs, now, images) -> tuple:
    # synced's start of the regular containers as it read before it asked whether one pulls once
    begun = list(ctrs)
    for i, c in enumerate(ctrs):
        if c.init or c.stage != ct.BLOCKED:
            continue
        if any(o.stage == ct.PULLING for o in begun):
            break
        begun[i] = steps.begin(pod, c, now, [], images)
    return tuple(begun)


@pytest.mark.parametrize("body", PULLS)
def test_containers_begin_one_pull_at_a_time_as_the_plain_loop_begins_them(body):
    trace = play(body, 60_000)
    checked = 0
    for pod in trace.states:
        step = runtime.next_event(pod)
        if step is None:
            continue
        # the pod and its changes just before the sync its next step causes (runtime.apply's order)
        before, changes = runtime._changed(pod, step, [])
        ctrs, now = changes.get("ctrs", before.ctrs), step.time_ms
        if changes.get("sandbox", before.sandbox) != "ready" or any(c.init and c.stage != ct.DONE for c in ctrs):
            continue  # the regular containers are not started yet (no body here has a sidecar or a failing init)
        got = sync.synced(before, dict(changes), now, []).get("ctrs", ctrs)
        assert got == _begun_plainly(before, ctrs, now, changes.get("images", before.images)), (body, now)
        checked += sum(c.stage == ct.BLOCKED for c in ctrs)
    assert checked >= 2  # containers waited for another's pull at some step
