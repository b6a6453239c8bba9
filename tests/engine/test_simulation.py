"""Pods from `pod` statements through the scheduler and the kubelets, end to end."""

from __future__ import annotations

import kdsl
from kdsl.engine.kubelet.status_text import status_column
from kdsl.engine.simulation import Simulation

SCENARIO = """
cluster lab {
  node n1 cpu=4 memory=8Gi
  node n2 cpu=4 memory=8Gi
}
namespace shop
pod shop/web image=nginx:1.25 cpu=500m
pod shop/huge image=nginx:1.25 cpu=5
pod shop/once { restart Never; container run image=busybox:1.36 { exit 0 after 20s } }
pod shop/fail { restart Never; container run image=busybox:1.36 { exit 1 after 5s } }
at 3m: delete pod shop/web
run 5m
"""


def pod(sim, name, at):
    return sim.state(at).get(("Pod", "shop", name))


def test_pods_are_scheduled_started_and_finish_by_their_behaviour():
    sim = Simulation(kdsl.parse(SCENARIO)).run()
    web = pod(sim, "web", 60_000)
    assert web.spec.template.node_name in ("n1", "n2") and web.status.phase == "Running"
    assert web.status.pod_ip.startswith("10.244.") and status_column(web.spec.template, web.status) == "Running"
    once = pod(sim, "once", 60_000)
    assert once.status.phase == "Succeeded" and status_column(once.spec.template, once.status) == "Completed"
    fail = pod(sim, "fail", 60_000)
    assert fail.status.phase == "Failed" and status_column(fail.spec.template, fail.status) == "Error"


def test_oracle_20_an_unschedulable_pod_stays_pending_with_the_schedulers_message():
    sim = Simulation(kdsl.parse(SCENARIO)).run()
    huge = pod(sim, "huge", 60_000)
    cond = huge.status.condition("PodScheduled")
    assert huge.status.phase == "Pending" and (cond.status, cond.reason) == ("False", "Unschedulable")
    assert cond.message == ("0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: "
                            "2 No preemption victims found for incoming pod.")
    assert any(e.reason == "FailedScheduling" and e.name == "huge" for e in sim.log.events)


def test_a_deleted_pod_terminates_and_goes_away():
    sim = Simulation(kdsl.parse(SCENARIO)).run()
    assert pod(sim, "web", 179_999) is not None
    assert pod(sim, "web", 300_000) is None
    assert any(e.reason == "Killing" and e.name == "web" for e in sim.log.events)


def test_without_run_a_crash_loop_stops_ten_minutes_after_the_last_action():
    sim = kdsl.simulate(kdsl.parse("node n1\npod p { container c image=busybox { crash after 5s } }\n"))
    assert sim.now == 600_000
    assert sim.store.get("Pod", "default", "p").status.container_statuses[0].restart_count >= 5
