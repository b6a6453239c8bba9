"""Probes: the oracles of k8s-semantics.md, and the change-only computation against a tick-by-tick worker."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kdsl
from kdsl.engine.kubelet.probes import INITIAL, Change, Unhealthy, outcome, plan_probes, results
from kdsl.engine.objects import Running, Terminated
from kdsl.model.pods import Behaviour, Probe

from .helpers import START, columns, cond, play, state, template


def ready_times(trace):
    return trace.times(lambda s: s.status.condition("Ready").status == "True")


def unhealthy(trace):
    return [(e.time_ms, e.message) for e in trace.events if e.reason == "Unhealthy"]


def test_oracle_14_readiness_initial_delay_ready_at_first_tick_after_it():
    tr = play("container app image=x:1 { readiness http /healthz port=80 delay=5s }", 60_000)
    for t in (START, START + 5_000, START + 9_999):
        assert not state(tr, t, "app").ready
        assert cond(tr, t, "Ready") == ("False", "ContainersNotReady", "containers with unready status: [app]")
    assert ready_times(tr) == [START + 10_000]  # ticks at 0 s (skipped: before the delay), 10 s
    assert state(tr, START, "app").started  # started at once: there is no startup probe


def test_oracle_15_readiness_fails_at_the_third_consecutive_failure():
    tr = play("container app image=x:1 { readiness http / port=80 period=10s failures=3\nunready after 100s }", 300_000)
    assert cond(tr, START + 119_999, "Ready")[0] == "True"  # failures at 100 s and 110 s change nothing yet
    assert cond(tr, START + 120_000, "Ready") == ("False", "ContainersNotReady",
                                                  "containers with unready status: [app]")
    assert ready_times(tr) == [START]
    assert state(tr, 300_000, "app").restart_count == 0
    assert unhealthy(tr) == [(START + 100_000, "Readiness probe failed: HTTP probe failed with statuscode: 503")]


def test_oracle_16_liveness_failure_kills_and_restarts():
    body = "container app image=x:1 { liveness http / port=80\nhang after 30s }"
    tr = play(body, 100_000)
    kill = START + 50_000 + 1_000  # the 3rd failing tick (30, 40, 50 s), known when its 1 s timeout ends
    assert isinstance(state(tr, kill - 1, "app").state, Running) and state(tr, kill - 1, "app").restart_count == 0
    s = state(tr, kill, "app")
    assert s.restart_count == 1 and s.state == Running(kill)  # a first exit restarts at once
    assert s.last_state == Terminated(143, "Error", START, kill)  # the process honoured SIGTERM
    events = [(e.time_ms, e.reason, e.message) for e in tr.events if e.reason in ("Unhealthy", "Killing")]
    assert events[:2] == [
        (START + 31_000, "Unhealthy", 'Liveness probe failed: Get "http://<pod-ip>:80/": context deadline exceeded '
                                      '(Client.Timeout exceeded while awaiting headers)'),
        (kill, "Killing", "Container app failed liveness probe, will be restarted")]
    tr = play("restart Never\n" + body, 200_000)
    assert state(tr, 200_000, "app").state == Terminated(143, "Error", START, kill)
    assert tr.status(kill).phase == "Failed" and columns(tr, kill) == ("0/1", "Error", "0")


STARTUP = ("container app image=x:1 {{ startup http / port=80 period=10s failures=30\n"
           "liveness http / port=80\nreadiness http / port=80\n{} }}")


def test_oracle_17_startup_gates_the_other_probes_and_kills_at_the_30th_failure():
    tr = play(STARTUP.format("start 10m"), 400_000)
    kill = START + 290_000  # failing ticks at 0, 10, ..., 290 s: the 30th
    for t in (START, START + 150_000, kill - 1):
        s = state(tr, t, "app")
        assert not s.started and not s.ready and s.restart_count == 0
    assert state(tr, kill, "app").restart_count == 1
    assert [m.split(":")[0] for _, m in unhealthy(tr)] == ["Startup probe failed"] * 2  # one per run of failures
    assert ("Killing", "Container app failed startup probe, will be restarted") in \
        [(e.reason, e.message) for e in tr.events]
    # a process serving from 45 s: started at the startup tick of 50 s, then readiness at once
    tr = play(STARTUP.format("start 45s"), 400_000)
    assert tr.times(lambda s: s.started, "app") == [START + 50_000]
    assert ready_times(tr) == [START + 50_000]
    assert [m.split(":")[0] for _, m in unhealthy(tr)] == ["Startup probe failed"]


def test_oracle_18_no_probe_started_and_ready_when_running():
    tr = play("container app image=x:1 { start 3s }", 10_000)
    s = state(tr, START, "app")
    assert isinstance(s.state, Running) and s.started and s.ready
    assert cond(tr, START, "Ready") == ("True", "", "") and cond(tr, START, "ContainersReady") == ("True", "", "")


def test_oracle_19_liveness_success_threshold_2_is_rejected():
    with pytest.raises(kdsl.ScenarioError, match="liveness probes must have successes=1"):
        kdsl.parse("pod p { container app image=x:1 { liveness http / port=80 successes=2 } }")
    with pytest.raises(kdsl.ScenarioError, match="startup probes must have successes=1"):
        kdsl.parse("pod p { container app image=x:1 { startup tcp port=80 successes=2 } }")
    kdsl.parse("pod p { container app image=x:1 { readiness tcp port=80 successes=2 } }")


def test_readiness_success_threshold_and_hang():
    plan = plan_probes(template("container app image=x:1 { readiness tcp port=80 successes=2 period=5s\n"
                                "start 7s\nhang after 40s }").containers[0], 1_000)
    # fails at 0, 5 s (refused); passes at 10 and 15 s (ready at the 2nd); times out from 40 s (known 1 s later)
    assert plan.ready == ((16_000, True), (1_000 + 50_000 + 1_000, False))
    assert [(t, c) for t, _, c in plan.unhealthy] == [(1_000, "refused"), (42_000, "timeout")]


# ---- the change-only computation agrees with a worker that visits every tick ------------------------------


def brute_force(probe: Probe, b: Behaviour, start: int, gate: int, horizon: int):
    """prober worker.doProbe, tick by tick: skip before the delay and the gate, count consecutive
    results, set the stored result at a threshold, stop as the worker does."""
    state, last, run, changes, events = INITIAL[probe.kind], None, 0, [], []
    k = 0
    while start + k * probe.period_ms <= horizon:
        rel, k = k * probe.period_ms, k + 1
        if rel < probe.initial_delay_ms or start + rel < gate:
            continue
        cause = outcome(b, probe.kind, rel)
        result = "Success" if cause is None else "Failure"
        run, last = (run + 1, last) if result == last else (1, result)
        at = start + rel + (probe.timeout_ms if cause == "timeout" else 0)
        if cause is not None and run == 1:
            events.append(Unhealthy(at, cause))
        if run >= (probe.failure_threshold if cause else probe.success_threshold) and result != state:
            changes.append(Change(at, result, cause))
            state = result
            if probe.kind == "startup" or (probe.kind == "liveness" and cause):
                break
    return changes, events


MS = st.integers(0, 120_000)


@st.composite
def probe_cases(draw):
    kind = draw(st.sampled_from(["readiness", "liveness", "startup"]))
    probe = Probe(kind=kind, handler="tcp", port=80, initial_delay_ms=draw(st.integers(0, 60_000)),
                  period_ms=draw(st.integers(1_000, 30_000)), timeout_ms=draw(st.integers(1_000, 5_000)),
                  success_threshold=draw(st.integers(1, 4)) if kind == "readiness" else 1,
                  failure_threshold=draw(st.integers(1, 8)))
    b = Behaviour(start_ms=draw(MS), ready_after_ms=draw(st.none() | MS), unready_after_ms=draw(st.none() | MS),
                  hang_after_ms=draw(st.none() | MS))
    start = draw(st.integers(0, 10_000))
    gate = start + draw(st.integers(0, 60_000)) if kind != "startup" else start
    return probe, b, start, gate


@given(probe_cases())
def test_changes_agree_with_a_tick_by_tick_worker(case):
    probe, b, start, gate = case
    last_point = max(p for p in (b.start_ms, b.ready_after_ms, b.unready_after_ms, b.hang_after_ms, 0)
                     if p is not None)
    reach = max(probe.initial_delay_ms, gate - start, last_point)
    horizon = start + reach + (max(probe.failure_threshold, probe.success_threshold) + 2) * probe.period_ms \
        + probe.timeout_ms
    changes, events = results(probe, b, start, gate)
    assert (list(changes), list(events)) == brute_force(probe, b, start, gate, horizon)
    assert all(c.time_ms <= horizon for c in changes)
