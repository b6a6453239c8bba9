"""Crash-loop and image-pull back-off: client-go flowcontrol.Backoff as the kubelet drives it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kdsl.engine.kubelet.backoff import Backoff, Entry, go_duration

from .helpers import play


def crash_loop(runs_ms):
    """Waits before each restart of a container whose successive runs last `runs_ms`, as doBackOff
    decides them: restart_at from the exit, then next() at the restart."""
    b, now, out = Backoff(), 0, []
    for run in runs_ms:
        exit_ = now + run
        at = b.restart_at("app", exit_)
        b = b.next("app", exit_, at)
        out.append((at - exit_) // 1000)
        now = at
    return out


@given(st.lists(st.integers(0, 600_000), min_size=1, max_size=12))
def test_waits_follow_0_10_20_40_80_160_300_300(runs):
    # back to back crashes, each run at most 600 s: the first restarts at once, then 10 s doubling to 300 s
    expected = [0, 10, 20, 40, 80, 160] + [300] * 20
    assert crash_loop(runs) == expected[:len(runs)]


@given(st.lists(st.integers(0, 900_000), min_size=1, max_size=12))
def test_a_run_longer_than_600s_starts_the_back_off_over(runs):
    waits, seq = crash_loop(runs), 0
    for run, wait in zip(runs, waits, strict=True):
        seq = 0 if run > 600_000 else seq  # forgotten: this exit is like a first one
        assert wait == [0, 10, 20, 40, 80, 160, 300][min(seq, 6)]
        seq += 1


def test_in_backoff_since_and_expiry_are_client_go_s():
    b = Backoff().next("k", 0, 0)
    assert b.get("k") == Entry(10_000, 0)
    assert b.in_backoff_since("k", 5_000, 14_999) and not b.in_backoff_since("k", 5_000, 15_000)
    assert not b.in_backoff_since("k", 600_001, 600_002)  # more than 2 × max since the last raise
    assert b.restart_at("k", 600_000) == 610_000 and b.restart_at("k", 600_001) == 600_001
    assert b.next("k", 600_001).get("k").wait_ms == 10_000 and b.next("k", 1).get("k").wait_ms == 20_000
    assert Backoff().wait_ms("k") == 0 and Backoff().retry_at("k") == 0


def test_pull_back_off_waits_10_20_40_from_each_failure():
    b, now, waits = Backoff(), 0, []
    for _ in range(8):
        b = b.next("nginx:x", now)
        retry = b.retry_at("nginx:x")
        waits.append((retry - now) // 1000)
        now = retry
    assert waits == [10, 20, 40, 80, 160, 300, 300, 300]


def test_the_runtime_waits_the_same_as_the_state_machine():
    tr = play("container app image=x:1 { crash after 2s }", 3_000_000)
    seen = []
    for pod in tr.states:
        s = pod.ctr("app").status
        if s.last_state is not None and s.state.__class__.__name__ == "Running":
            w = (s.state.started_ms - s.last_state.finished_ms) // 1000
            if not seen or seen[-1][0] != s.restart_count:
                seen.append((s.restart_count, w))
    assert [w for _, w in seen][:8] == crash_loop([2_000] * 8)


def test_crash_loop_back_off_message_shows_go_durations():
    tr = play("container app image=x:1 { crash after 1s }", 2_000_000)
    messages = {p.ctr("app").status.state.message for p in tr.states
                if getattr(p.ctr("app").status.state, "reason", "") == "CrashLoopBackOff"}
    assert {m.split()[1] for m in messages} == {"10s", "20s", "40s", "1m20s", "2m40s", "5m0s"}


def test_go_duration():
    assert [go_duration(ms) for ms in (0, 500, 1_500, 10_000, 80_000, 300_000, 3_600_000, 3_723_400, -2_000)] == \
        ["0s", "500ms", "1.5s", "10s", "1m20s", "5m0s", "1h0m0s", "1h2m3.4s", "-2s"]
