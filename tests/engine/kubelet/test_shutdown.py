"""A container's `shutdown T`: the process exits T after SIGTERM, within the pod's grace, else SIGKILL."""

from __future__ import annotations

from kdsl.engine.kubelet import runtime
from kdsl.engine.objects import Running, Terminated
from tests.engine.kubelet.helpers import START, columns, play, state

SLOW = "container app image=shop/app:1 { shutdown 20s }"


def test_a_process_that_needs_20s_exits_143_twenty_seconds_after_sigterm_and_the_pod_goes_with_it():
    tr = play(SLOW, 100_000, delete_at_ms=10_000)
    assert [(e.time_ms, e.reason) for e in tr.events if e.reason == "Killing"] == [(10_000, "Killing")]
    for t in (10_000, 29_999):
        assert columns(tr, t) == ("1/1", "Terminating", "0")  # it still runs, and still passes readiness
        assert isinstance(state(tr, t, "app").state, Running) and not tr.at(t).removed
    assert state(tr, 30_000, "app").state == Terminated(143, "Error", START, 30_000)
    assert tr.at(30_000).removed


def test_past_the_grace_period_the_kubelet_kills_it_with_sigkill():
    tr = play("grace 10s\n" + SLOW, 100_000, delete_at_ms=10_000)
    assert tr.at(10_000).deadline_ms == 20_000
    assert isinstance(state(tr, 19_999, "app").state, Running)
    assert state(tr, 20_000, "app").state == Terminated(137, "Error", START, 20_000)
    assert tr.at(20_000).removed


def test_a_grace_the_delete_gives_bounds_it_too():
    tr = play(SLOW, 100_000, delete_at_ms=10_000, grace_ms=5_000)  # kubectl delete --grace-period=5
    assert state(tr, 15_000, "app").state.exit_code == 137


def test_exactly_at_the_deadline_the_sigkill_wins():
    tr = play("grace 20s\n" + SLOW, 100_000, delete_at_ms=10_000)
    assert state(tr, 30_000, "app").state.exit_code == 137


def test_without_shutdown_the_process_exits_at_once_as_before():
    tr = play("container app image=shop/app:1", 100_000, delete_at_ms=10_000)
    assert state(tr, 10_000, "app").state == Terminated(143, "Error", START, 10_000) and tr.at(10_000).removed


def test_the_caller_of_new_pod_still_overrides_the_container_statement():
    tr = play(SLOW, 100_000, delete_at_ms=10_000, sigterm_ms={"app": None})  # ignores SIGTERM: the full 30 s
    assert state(tr, 40_000, "app").state.exit_code == 137
    tr = play(SLOW, 100_000, delete_at_ms=10_000, sigterm_ms={"app": 1_000})
    assert state(tr, 11_000, "app").state.exit_code == 143


def test_an_exit_of_its_own_before_the_shutdown_ends_comes_first():
    tr = play("container app image=shop/app:1 { exit 0 after 14s\nshutdown 20s }", 100_000, delete_at_ms=10_000)
    assert state(tr, START + 14_000, "app").state == Terminated(0, "Completed", START, START + 14_000)


def test_a_liveness_kill_waits_for_the_shutdown_before_the_restart():
    tr = play("container app image=shop/app:1 { liveness tcp port=80 period=10s failures=1\nhang after 5s\n"
              "shutdown 3s }", 60_000)
    kill = next(e.time_ms for e in tr.events if e.reason == "Killing")
    assert isinstance(state(tr, kill + 2_999, "app").state, Running)
    after = state(tr, kill + 3_000, "app")  # the first restart comes at once
    assert after.last_state == Terminated(143, "Error", START, kill + 3_000) and after.restart_count == 1


def test_an_eviction_kill_is_bounded_by_its_own_grace():
    pod, _ = runtime.kill(play(SLOW, 5_000).last, 5_000, 1_000, "Evicted", "low")
    trace = runtime.run_pod(pod, 60_000)
    assert state(trace, 6_000, "app").state == Terminated(137, "Error", START, 6_000)


def test_sidecars_get_sigterm_after_the_regular_containers_have_stopped():
    tr = play("init proxy image=envoy:1 sidecar { shutdown 2s }\n" + SLOW, 100_000, delete_at_ms=10_000)
    assert isinstance(state(tr, 29_999, "proxy").state, Running)
    assert state(tr, 32_000, "proxy").state == Terminated(143, "Error", START, 32_000)
    assert tr.at(32_000).removed
