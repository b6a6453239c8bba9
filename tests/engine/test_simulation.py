"""Pods from `pod` statements through the scheduler and the kubelets, end to end."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

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


# Golden scenarios in which a kubelet step's write wakes a component at its own moment with a lower priority, so
# that a group of steps (clock.at_grouped) stops and waits behind it, and in which groups end behind one.
GROUPS_WAIT = ("examples/shop", "tests/scenarios/test_statefulsets", "tests/scenarios/test_node_maintenance")


def _played(path: str, grouped: bool, max_events: int, every: int) -> tuple:
    """A run of a scenario file, its kubelet steps grouped or each its own entry (`at`, the plain path), with
    `progress` every `every` events: what it wrote, told and reported, and where a budget stopped it."""
    from pathlib import Path

    import pytest

    from kdsl.engine import clock, simulation
    from kdsl.engine.errors import EventBudgetExceeded

    text = (Path(__file__).resolve().parents[2] / f"{path}.kdsl").read_text(encoding="utf-8")
    calls = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(simulation, "PROGRESS_EVERY", every)
        if not grouped:
            mp.setattr(clock.EventQueue, "at_grouped",
                       lambda q, time_ms, fn, args, priority: q.at(time_ms, fn, *args, priority=priority))
        sim = Simulation(kdsl.parse(text, f"{path}.kdsl"))
        try:
            sim.run(progress=lambda *a: calls.append(a), max_events=max_events)
            stop = None
        except EventBudgetExceeded as exc:
            stop = (exc.events, exc.writes, exc.simulation is sim)
    return (stop, sim.now, len(sim.queue), sim.queue.next_time(), calls, sim.log.text(),
            [(c.time_ms, c.resource_version, c.op, c.key) for c in sim.store.history])


def test_a_moments_grouped_kubelet_steps_play_as_the_plain_queue_does():
    # a whole run writes, tells and reports progress as with an entry a step (each grouped step is an event)
    for path in GROUPS_WAIT:
        full = _played(path, False, 10**7, 50)
        assert full[0] is None and full == _played(path, True, 10**7, 50)


@settings(max_examples=40, deadline=None)
@given(path=st.sampled_from(GROUPS_WAIT), max_events=st.integers(1, 400), every=st.sampled_from((1, 2, 3, 7, 40)))
def test_a_budget_stops_grouped_steps_where_it_stops_the_plain_queue(path, max_events, every):
    # at the same step, with the same figures, after the same progress calls
    assert _played(path, True, max_events, every) == _played(path, False, max_events, every)
