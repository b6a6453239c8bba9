"""The pod worker's sync after a step (kubelet/sync.py): its shortcuts answer as the plain tests do."""

from __future__ import annotations

import pytest

from kdsl.engine.kubelet import containers as ct
from kdsl.engine.kubelet import sync

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
