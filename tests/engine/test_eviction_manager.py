"""The kubelet's eviction manager in a run (memory.available from use, condition, taint, evictions), and OOM kills."""

from __future__ import annotations

import attrs

import kdsl
from kdsl.engine.eviction_manager import pod_stats
from kdsl.engine.objects import Running, Terminated, Waiting
from kdsl.engine.simulation import Simulation
from kdsl.engine.usage import ContainerUse

Mi = 2**20

TIGHT = """
cluster lab {{
  node tight cpu=8 memory=2Gi
}}
namespace shop
deployment shop/web replicas=1 {{
  container app image=shop/app:1 {{
    requests cpu=100m memory=100Mi
    uses memory={web}
  }}
}}
pod shop/db {{
  container db image=shop/db:1 {{
    requests cpu=100m memory=1000Mi
    limits cpu=100m memory=1000Mi
    uses memory=990Mi
  }}
}}
{more}
run {run}
"""


def simulate(web: str = "1000Mi", more: str = "", run: str = "7m") -> Simulation:
    return kdsl.simulate(kdsl.parse(TIGHT.format(web=web, more=more, run=run)))


def node_events(sim, reason: str):
    return [e for e in sim.log.events if e.kind == "Node" and e.reason == reason]


def test_the_condition_its_events_and_its_taint_follow_the_kubelet_and_the_node_lifecycle_controller():
    sim = simulate()
    # 1990Mi of 2048Mi used from 1 s: the first pass of the node's loop, at 10 s, sees 58Mi available
    before, during = sim.store.at(("Node", None, "tight"), 9_999), sim.store.at(("Node", None, "tight"), 10_000)
    assert before.status.condition("MemoryPressure").status == "False"
    cond = during.status.condition("MemoryPressure")
    assert (cond.status, cond.reason, cond.message, cond.last_transition_ms) == (
        "True", "KubeletHasInsufficientMemory", "kubelet has insufficient memory available", 10_000)
    assert [str(t) for t in during.spec.taints] == ["node.kubernetes.io/memory-pressure:NoSchedule"]
    row = sim.nodes(at="10s", wide=True).iloc[0]
    assert "MemoryPressure=True" in row["CONDITIONS"] and row["TAINTS"] == "node.kubernetes.io/memory-pressure:NoSchedule"
    on = node_events(sim, "NodeHasInsufficientMemory")[0]
    assert (on.time_ms, on.type, on.message) == (10_000, "Normal", "Node tight status is now: NodeHasInsufficientMemory")
    met = node_events(sim, "EvictionThresholdMet")[0]
    assert (met.time_ms, met.type, met.message, met.count) == (10_000, "Warning", "Attempting to reclaim memory", 1)
    # the web pod goes at 10 s; the pass after its cleanup (11 s) sees no pressure; the condition stays
    # True for the 5-minute transition period and clears at the first pass after it (5m11s)
    [off] = node_events(sim, "NodeHasSufficientMemory")
    assert off.time_ms == 311_000
    # then the replacement web pod is scheduled, uses as much, and the story starts again 10 s later
    assert [e.time_ms for e in node_events(sim, "NodeHasInsufficientMemory")] == [10_000, 321_000]
    after = sim.store.at(("Node", None, "tight"), 311_000)
    assert after.status.condition("MemoryPressure").reason == "KubeletHasSufficientMemory"
    assert after.spec.taints == ()
    assert sim.store.at(("Node", None, "tight"), 310_999).spec.taints != ()


def test_an_evicted_pod_is_failed_with_the_kubelet_s_status_and_events_and_its_replicaset_replaces_it():
    sim = simulate()
    evicted = next(p for p in sim.store.all_at("Pod", 10_000) if p.name.startswith("web-")
                   and p.status.phase == "Failed")
    message = ("The node was low on resource: memory. Threshold quantity: 100Mi, available: 58Mi. Container app "
               "was using 1000Mi, request is 100Mi, has larger consumption of memory. ")
    assert (evicted.status.reason, evicted.status.message) == ("Evicted", message)
    target = evicted.status.condition("DisruptionTarget")
    assert (target.status, target.reason, target.message) == ("True", "TerminationByKubelet", message)
    state = evicted.status.container_statuses[0].state
    assert state.finished_ms == 10_000  # SIGTERM within the 1 s grace period of a hard threshold
    reasons = [(e.type, e.reason) for e in sim.log.events if e.name == evicted.name and e.time_ms == 10_000]
    assert reasons == [("Warning", "Evicted"), ("Normal", "Killing")]
    # the ReplicaSet counts a Failed pod as gone and makes another, which the taint keeps Pending
    pods = {p.name: p for p in sim.store.all_at("Pod", 10_000) if p.name.startswith("web-")}
    assert len(pods) == 2
    new = next(p for p in pods.values() if p.name != evicted.name)
    assert new.spec.template.node_name is None
    # and the evicted pod stays, Failed, until someone deletes it
    assert sim.store.get(*evicted.key).status.phase == "Failed"
    db = sim.store.get("Pod", "shop", "db")
    assert db.status.phase == "Running"  # within its request: not evicted while another pod exceeded its own


def test_a_pass_that_cannot_evict_anything_repeats_every_10_seconds():
    # the only pod is critical (priority >= 2000000000): never evicted, so every pass tries again
    sim = kdsl.simulate(kdsl.parse("""
cluster lab {
  node tight cpu=8 memory=2Gi
}
pod agent {
  priority 2000000000
  container agent image=shop/agent:1 {
    requests cpu=100m memory=10Mi
    uses memory=2000Mi
  }
}
run 1m
"""))
    [met] = node_events(sim, "EvictionThresholdMet")  # one event, counted each time it is recorded again
    assert (met.time_ms, met.count) == (60_000, 6)  # at 10 s, 20 s, ... 60 s: the last time is kept
    assert sim.eviction.last_pass == {"tight": 60_000}
    assert not [e for e in sim.log.events if e.reason == "Evicted"]


def test_a_pod_bound_to_a_node_under_pressure_is_rejected_unless_admit_lets_it_in():
    sim = Simulation(kdsl.parse(TIGHT.format(web="1000Mi", more="", run="7m"))).run(until=30_000)
    pods = kdsl.parse("""
namespace shop
pod shop/direct image=shop/app:1
pod shop/burst image=shop/app:1 cpu=10m memory=10Mi
""").objects[1:]
    for pod in pods:
        bound = attrs.evolve(pod, template=attrs.evolve(pod.template, node_name="tight"))
        sim.create(bound, source="test")
    sim.run(until=40_000)
    direct, burst = sim.store.get("Pod", "shop", "direct"), sim.store.get("Pod", "shop", "burst")
    assert (direct.status.phase, direct.status.reason, direct.status.message) == (
        "Failed", "Evicted", "Pod was rejected: The node had condition: [MemoryPressure]. ")
    [event] = [e for e in sim.log.events if e.name == "direct"]
    assert (event.type, event.reason, event.message) == ("Warning", "Evicted",
                                                         "The node had condition: [MemoryPressure]. ")
    assert burst.status.phase == "Running"  # memory pressure alone admits a pod that is not BestEffort


def test_the_loop_runs_only_while_a_threshold_is_met_or_a_condition_holds():
    plain = kdsl.simulate(kdsl.parse("cluster c {\n  node n cpu=1 memory=1Gi\n}\npod p image=nginx:1.25\n"))
    assert plain.eviction.looping == set() and plain.eviction.last_pass == {}
    roomy = kdsl.simulate(kdsl.parse("""
cluster c {
  node n cpu=1 memory=1Gi
}
pod p {
  restart Never
  container app image=shop/app:1 {
    uses memory=900Mi
    exit 0 after 25s
  }
}
"""))
    # 124Mi stays available: no pass could find anything, so none is made and the run ends with the pod
    assert roomy.eviction.last_pass == {} and roomy.now == 26_000
    sim = simulate(run="5m15s")
    # passes at 10 s (an eviction), 11 s, 21 s, ... 5m11s, which clears the condition; the loop sleeps, and
    # the replacement pod, running from 5m12s over the threshold, wakes it for the beat of 5m21s
    assert sim.eviction.last_pass == {"tight": 311_000} and sim.eviction.looping == {"tight"}


def test_a_run_ends_at_its_horizon_whatever_the_loop_has_planned():
    sim = simulate(run="45s")
    assert sim.now == 45_000
    assert max(e.time_ms for e in sim.log.events) <= 45_000


def test_pod_stats_are_the_summary_of_running_containers_against_their_requests():
    template = kdsl.parse("""
pod p {
  container a image=x:1 {
    requests memory=100Mi
  }
  container b image=x:1
}""").objects[0].template
    stats = pod_stats(("Pod", "default", "p"), template, (ContainerUse("a", 0, 150 * Mi),))
    assert (stats.memory_request, stats.memory_use, stats.qos) == (100 * Mi, 150 * Mi, "Burstable")
    assert [(c.name, c.use) for c in stats.containers] == [("a", 150 * Mi), ("b", 0)]
    assert pod_stats(("Pod", "default", "p"), template, (), started=False).memory_use is None


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


def simulate_leak(behaviour: str = "", timeline: str = ""):
    return kdsl.simulate(kdsl.parse(LEAK.format(behaviour=behaviour, timeline=timeline)))


def the_pod(sim):
    return next(p for p in sim.store.list("Pod"))


def app_status(sim, t: int):
    pod = sim.store.at(the_pod(sim).key, t)
    return pod.status.container_statuses[0]


def starts(sim) -> list[int]:
    return [e.time_ms for e in sim.log.events if e.reason == "Started"]


def test_use_over_the_limit_is_oom_killed_at_that_moment_with_exit_137():
    sim = simulate_leak(timeline="at 1m: load deployment shop/leak memory=100Mi\nat 2m: load deployment shop/leak "
                                 "memory=200Mi")
    assert isinstance(app_status(sim, 119_999).state, Running)  # 200Mi of 256Mi: within the limit
    first = app_status(sim, 120_000)
    assert first.restart_count >= 1
    last = first.last_state if isinstance(first.state, Running) else first.state
    assert (last.reason, last.exit_code, last.finished_ms) == ("OOMKilled", 137, 120_000)


def test_a_steady_overuse_kills_each_restart_at_once_with_the_crash_loop_back_off():
    sim = simulate_leak(timeline="at 1m: load deployment shop/leak memory=200Mi")
    # the first restart is at once (no back-off yet), then 10 s, 20 s, 40 s, 80 s after each kill
    assert starts(sim) == [1_000, 60_000, 70_000, 90_000, 130_000, 210_000]
    status = app_status(sim, 100_000)
    assert isinstance(status.state, Waiting) and status.state.reason == "CrashLoopBackOff"
    assert status.last_state.reason == "OOMKilled" and status.last_state.exit_code == 137
    backoffs = [e for e in sim.log.events if e.reason == "BackOff"]
    assert backoffs[0].type == "Warning" and backoffs[0].time_ms == 61_000
    assert backoffs[0].message.startswith("Back-off restarting failed container app in pod leak-")


def test_the_same_end_as_a_scripted_oom_after():
    scripted = simulate_leak(behaviour="oom after 59s")  # started at 1 s: killed at 1 m
    used = simulate_leak(timeline="at 1m: load deployment shop/leak memory=200Mi")
    a, b = app_status(scripted, 60_000), app_status(used, 60_000)
    assert a.restart_count == 1 and b.restart_count == 1
    assert a.last_state == b.last_state  # Terminated OOMKilled 137, from 1 s to 1 m


def test_use_at_the_limit_is_allowed_and_no_limit_is_never_killed():
    sim = simulate_leak(timeline="at 1m: load deployment shop/leak memory=156Mi")  # 256Mi exactly
    assert starts(sim) == [1_000]
    unlimited = kdsl.simulate(kdsl.parse(LEAK.format(behaviour="", timeline="").replace(
        "limits memory=256Mi", "").replace("uses memory=100Mi", "uses memory=8Gi")))
    assert starts(unlimited) == [1_000]


def test_a_container_that_stops_using_memory_before_its_restart_runs_on():
    sim = simulate_leak(timeline="at 1m: load deployment shop/leak memory=200Mi\n"
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
