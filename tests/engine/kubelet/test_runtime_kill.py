"""The kubelet killing a pod's container or the whole pod from outside its own timeline: OOM, eviction, rejection."""

from __future__ import annotations

from kdsl.engine.kubelet import runtime
from kdsl.engine.objects import Condition, Running, Terminated
from tests.engine.kubelet.helpers import START, play, template

APP = "container app image=shop/app:1"


def started(body: str = APP, until_ms: int = 5_000):
    return play(body, until_ms).last


def test_an_injected_oom_kill_is_the_scripted_oom_after_at_that_moment():
    injected = runtime.run_pod(runtime.oom_kill(started(), "app", 5_000), 60_000)
    scripted = play(APP + " {\n oom after 4s\n}", 60_000)
    for t in (5_000, 5_500, 8_999):  # until the scripted one, restarted at 5 s, is killed again 4 s later
        a, b = injected.status(t).container_statuses[0], scripted.status(t).container_statuses[0]
        assert (a.restart_count, a.last_state) == (b.restart_count, b.last_state)
    last = injected.status(5_000).container_statuses[0].last_state
    assert (last.reason, last.exit_code, last.started_ms, last.finished_ms) == ("OOMKilled", 137, START, 5_000)


def test_an_oom_kill_of_a_container_that_does_not_run_changes_nothing():
    pod = runtime.new_pod(template(APP), 0, name="p", uid="u1")  # the sandbox is still being made
    assert runtime.oom_kill(pod, "app", 0) is pod
    once = runtime.oom_kill(started(), "app", 5_000)
    assert runtime.oom_kill(once, "app", 5_000) is once  # one kill per moment


def test_a_killed_pod_is_failed_with_the_reason_stops_within_the_grace_and_never_restarts():
    cond = Condition(type="DisruptionTarget", status="True", reason="TerminationByKubelet", message="low",
                     last_transition_ms=5_000)
    pod, events = runtime.kill(started(), 5_000, 1_000, "Evicted", "low", cond)
    assert (pod.status.phase, pod.status.reason, pod.status.message) == ("Failed", "Evicted", "low")
    assert pod.status.condition("DisruptionTarget") == cond
    assert [(e.reason, e.message) for e in events] == [("Killing", "Stopping container app")]
    trace = runtime.run_pod(pod, 600_000)
    state = trace.last.status.container_statuses[0].state
    assert isinstance(state, Terminated) and (state.exit_code, state.finished_ms) == (143, 5_000)
    assert trace.last.status.phase == "Failed" and not trace.last.removed  # the object stays
    assert runtime.next_event(trace.last) is None
    assert runtime.kill(pod, 6_000, 1_000, "Evicted", "again") == (pod, ())


def test_a_container_that_ignores_sigterm_is_killed_at_the_end_of_the_grace_period():
    pod, _ = runtime.kill(play(APP, 5_000, sigterm_ms={"app": None}).last, 5_000, 1_000, "Evicted", "low")
    assert isinstance(pod.status.container_statuses[0].state, Running)
    state = runtime.run_pod(pod, 10_000).last.status.container_statuses[0].state
    assert (state.exit_code, state.finished_ms) == (137, 6_000)


def test_a_rejected_pod_never_starts():
    pod = runtime.reject(runtime.new_pod(template(APP), 0, name="p", uid="u1"), 0, "Evicted",
                         "The node had condition: [MemoryPressure]. ")
    assert (pod.status.phase, pod.status.reason, pod.status.message) == (
        "Failed", "Evicted", "Pod was rejected: The node had condition: [MemoryPressure]. ")
    assert runtime.next_event(pod) is None
    deleted, _ = runtime.delete(pod, 1_000)
    assert runtime.run_pod(deleted, 2_000).last.removed  # deleting it removes it as any finished pod
