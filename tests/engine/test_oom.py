"""OOM kills from use: a container whose memory use passes its limit is killed at that moment and restarted."""

from __future__ import annotations

import kdsl
from kdsl.engine.objects import Running, Terminated, Waiting

Mi = 2**20

LEAK = """
cluster lab {{
  node n1 cpu=4 memory=16Gi
}}
namespace shop
deployment shop/leak replicas=1 {{
  container app image=shop/app:1 {{
    requests cpu=100m memory=128Mi
    limits memory=256Mi
    uses memory=100Mi
    {behaviour}
  }}
}}
{timeline}
run 5m
"""


def simulate(behaviour: str = "", timeline: str = ""):
    return kdsl.simulate(kdsl.parse(LEAK.format(behaviour=behaviour, timeline=timeline)))


def the_pod(sim):
    return next(p for p in sim.store.list("Pod"))


def app_status(sim, t: int):
    pod = sim.store.at(the_pod(sim).key, t)
    return pod.status.container_statuses[0]


def starts(sim) -> list[int]:
    return [e.time_ms for e in sim.log.events if e.reason == "Started"]


def test_use_over_the_limit_is_oom_killed_at_that_moment_with_exit_137():
    sim = simulate(timeline="at 1m: load deployment shop/leak memory=100Mi\nat 2m: load deployment shop/leak "
                            "memory=200Mi")
    assert isinstance(app_status(sim, 119_999).state, Running)  # 200Mi of 256Mi: within the limit
    first = app_status(sim, 120_000)
    assert first.restart_count >= 1
    last = first.last_state if isinstance(first.state, Running) else first.state
    assert (last.reason, last.exit_code, last.finished_ms) == ("OOMKilled", 137, 120_000)


def test_a_steady_overuse_kills_each_restart_at_once_with_the_crash_loop_back_off():
    sim = simulate(timeline="at 1m: load deployment shop/leak memory=200Mi")
    # the first restart is at once (no back-off yet), then 10 s, 20 s, 40 s, 80 s after each kill
    assert starts(sim) == [1_000, 60_000, 70_000, 90_000, 130_000, 210_000]
    status = app_status(sim, 100_000)
    assert isinstance(status.state, Waiting) and status.state.reason == "CrashLoopBackOff"
    assert status.last_state.reason == "OOMKilled" and status.last_state.exit_code == 137
    backoffs = [e for e in sim.log.events if e.reason == "BackOff"]
    assert backoffs[0].type == "Warning" and backoffs[0].time_ms == 61_000
    assert backoffs[0].message.startswith("Back-off restarting failed container app in pod leak-")


def test_the_same_end_as_a_scripted_oom_after():
    scripted = simulate(behaviour="oom after 59s")  # started at 1 s: killed at 1 m
    used = simulate(timeline="at 1m: load deployment shop/leak memory=200Mi")
    a, b = app_status(scripted, 60_000), app_status(used, 60_000)
    assert a.restart_count == 1 and b.restart_count == 1
    assert a.last_state == b.last_state  # Terminated OOMKilled 137, from 1 s to 1 m


def test_use_at_the_limit_is_allowed_and_no_limit_is_never_killed():
    sim = simulate(timeline="at 1m: load deployment shop/leak memory=156Mi")  # 256Mi exactly
    assert starts(sim) == [1_000]
    unlimited = kdsl.simulate(kdsl.parse(LEAK.format(behaviour="", timeline="").replace(
        "limits memory=256Mi", "").replace("uses memory=100Mi", "uses memory=8Gi")))
    assert starts(unlimited) == [1_000]


def test_a_container_that_stops_using_memory_before_its_restart_runs_on():
    sim = simulate(timeline="at 1m: load deployment shop/leak memory=200Mi\n"
                            "at 1m30s: load deployment shop/leak memory=0")
    assert starts(sim) == [1_000, 60_000, 70_000, 90_000]  # the restart at 90 s runs under the limit
    status = app_status(sim, 300_000)
    assert isinstance(status.state, Running) and status.restart_count == 3


def test_a_pod_that_never_restarts_fails_with_the_oom_kill():
    text = """
cluster lab {
  node n1 cpu=4 memory=16Gi
}
pod p {
  restart Never
  container app image=shop/app:1 {
    limits memory=64Mi
    uses memory=65Mi
  }
}
"""
    sim = kdsl.simulate(kdsl.parse(text))
    pod = the_pod(sim)
    state = pod.status.container_statuses[0].state
    assert isinstance(state, Terminated) and (state.reason, state.exit_code) == ("OOMKilled", 137)
    assert pod.status.phase == "Failed"  # restartPolicy Never: no restart
    assert sim.now < 60_000  # nothing keeps the run going once the pod has ended
