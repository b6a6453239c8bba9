"""What pods use: steady use, a load's even share among Ready pods, the CPU cap, and metrics-server's view of it."""

from __future__ import annotations

import kdsl
from kdsl.engine.metrics import RESOLUTION_MS, last_scrape, pod_metrics
from kdsl.engine.usage import ContainerUse, scenario_uses

SCENARIO = """
cluster shop {{
  nodes pool count=2 cpu=4 memory=16Gi
}}
namespace shop
deployment shop/web replicas={replicas} {{
  container app image=shop/app:1 {{
    requests cpu=250m memory=256Mi
    limits cpu=1 memory=1Gi
    uses cpu=50m memory=200Mi
  }}
  container sidecar image=shop/log:1 {{ uses cpu=10m memory=20Mi }}
}}
load deployment shop/web cpu=2 memory=300Mi
at 2m: load deployment shop/web cpu=6
{extra}
run 5m
"""


def simulate(replicas: int = 3, extra: str = ""):
    return kdsl.simulate(kdsl.parse(SCENARIO.format(replicas=replicas, extra=extra)))


def pods(sim):
    return sorted(k for k in sim.usage.history if k[0] == "Pod")


def test_load_is_shared_evenly_by_ready_pods_with_the_remainder_to_the_first_by_name():
    sim = simulate()
    keys = pods(sim)
    assert len(keys) == 3
    at_1m = [sim.usage.use_at(k, 60_000) for k in keys]
    # 2000m over 3 pods: 667, 667, 666 on top of 50m each; 300Mi is divisible by 3.
    assert [u[0].cpu for u in at_1m] == [717, 717, 716]
    assert {u[0].memory for u in at_1m} == {(200 + 100) * 2**20}
    assert {u[1] for u in at_1m} == {ContainerUse("sidecar", 10, 20 * 2**20)}  # the share goes to the first container


def test_cpu_is_capped_at_the_limit_and_a_new_load_replaces_the_last():
    sim = simulate()
    after = [sim.usage.use_at(k, 121_000)[0] for k in pods(sim)]
    assert {c.cpu for c in after} == {1000}  # 50m + 2000m wanted, throttled at limits cpu=1
    assert {c.memory for c in after} == {200 * 2**20}  # `at 2m: load ... cpu=6` says no memory: none


def test_scaling_out_lowers_each_pods_share():
    three, six = simulate(3), simulate(6)
    assert sim_cpu(six) < sim_cpu(three)
    assert sum(sim.usage.use_at(k, 60_000)[0].cpu - 50 for sim in (six,) for k in pods(sim)) == 2000


def sim_cpu(sim) -> int:
    return max(sim.usage.use_at(k, 60_000)[0].cpu for k in pods(sim))


def test_a_pod_that_stops_being_ready_hands_its_share_to_the_others():
    first = pods(simulate(2))[0]
    sim = simulate(2, f"at 1m: delete pod shop/{first[2]}")
    survivor = next(k for k in pods(sim) if k != first and sim.usage.use_at(k, 30_000))
    mib = 2**20
    assert sim.usage.use_at(survivor, 30_000)[0].memory == (200 + 150) * mib
    # Terminating, the deleted pod leaves the endpoints: the survivor carries the whole load until the
    # replacement is Ready, then they share it again.
    assert sim.usage.use_at(survivor, 60_000)[0].memory == (200 + 300) * mib
    assert sim.usage.use_at(survivor, 90_000)[0].memory == (200 + 150) * mib
    assert sim.usage.use_at(first, 60_000) == ()  # its containers stopped (kdsl's containers exit on SIGTERM)


def test_metrics_need_two_scrapes_and_average_cpu_over_the_window():
    sim = simulate()
    key = pods(sim)[0]
    assert pod_metrics(sim.usage, key, 14_999) is None  # no scrape before this one
    assert pod_metrics(sim.usage, key, 15_000) is None  # seen once (at 15 s) is not reported
    m = pod_metrics(sim.usage, key, 30_000)
    assert (m.timestamp_ms, m.window_ms) == (30_000, RESOLUTION_MS)
    assert m.cpu == 717 + 10 and m.memory == 320 * 2**20
    # The load changes at 120 s: the scrape at 120 s still reports the window before it; 135 s the new use.
    assert pod_metrics(sim.usage, key, 134_999).cpu == 727
    assert pod_metrics(sim.usage, key, 135_000).cpu == 1010
    assert last_scrape(134_999) == 120_000


def test_cpu_average_weighs_each_use_by_its_time():
    sim = simulate()
    key = pods(sim)[0]
    avg = sim.usage.cpu_average(key, 110_000, 130_000)
    assert avg["app"] == (717 * 10_000 + 1000 * 10_000) // 20_000


def test_a_scenario_without_use_watches_nothing():
    scenario = kdsl.parse("node n1\npod web image=nginx:1.25\n")
    assert not scenario_uses(scenario)
    sim = kdsl.simulate(scenario)
    assert sim.usage.history == {}
    assert scenario_uses(kdsl.parse(SCENARIO.format(replicas=1, extra="")))


def test_a_load_on_a_bare_pod_or_a_job_is_carried_by_its_pods():
    sim = kdsl.simulate(kdsl.parse("""
node a cpu=4 memory=8Gi
namespace shop {
  pod solo { container app image=nginx:1.25 { uses cpu=10m } }
  job once { container run image=busybox:1.36 { uses cpu=10m } }
}
load pod shop/solo cpu=1
load job shop/once cpu=2
run 1m
"""))
    cpu = {k[2].split("-")[0]: sim.usage.use(k)[0].cpu for k in pods(sim)}
    assert cpu == {"solo": 1010, "once": 2010}  # the language accepts both kinds; both were ignored before


def test_metrics_server_reports_nothing_from_a_stopped_kubelet_until_two_scrapes_after_it_is_back():
    from kdsl.engine.metrics import node_scraped

    sim = simulate(3, "at 1m: fail node pool-2\nat 2m: recover node pool-2")
    on_2 = [k for k in pods(sim) if sim.store.at(k, 59_000).spec.template.node_name == "pool-2"]
    assert on_2
    for at, seen in ((59_999, True), (60_000, False), (119_000, False), (120_000, False), (134_999, False),
                     (135_000, True)):
        assert node_scraped(sim, "pool-2", at) is seen, at
        assert all((pod_metrics(sim.usage, k, at) is not None) is seen for k in on_2), at
    assert node_scraped(sim, "pool-1", 60_000) and not node_scraped(sim, "pool-1", 14_999)  # two scrapes from 0s
