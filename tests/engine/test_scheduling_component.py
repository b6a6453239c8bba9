"""The scheduler in a run: explain(), preemption of lower-priority pods, and drain."""

from __future__ import annotations

import kdsl
from kdsl.engine.simulation import Simulation

PREEMPT = """
node n1 cpu=2 memory=4Gi
namespace shop
pod shop/low image=nginx:1.25 cpu=1500m { priority 0 }
at 30s: create pod shop/high image=nginx:1.25 cpu=1500m { priority 1000 }
run 2m
"""


def test_a_high_priority_pod_preempts_a_lower_one_and_takes_its_place():
    sim = kdsl.simulate(kdsl.parse(PREEMPT))
    assert sim.store.get("Pod", "shop", "low") is None
    high = sim.store.get("Pod", "shop", "high")
    assert high.spec.template.node_name == "n1" and high.status.phase == "Running"
    assert any(e.reason == "Preempted" and e.name == "low" for e in sim.log.events)
    versions = [c.obj for c in sim.store.history if c.key == ("Pod", "shop", "low") and c.obj is not None]
    assert versions[-1].status.condition("DisruptionTarget").reason == "PreemptionByScheduler"


def test_the_binding_keeps_the_nominated_node_up_to_1_34_and_clears_it_from_1_35():
    # ClearingNominatedNodeNameAfterBinding: alpha (off) in 1.34, beta (on) from 1.35
    for version, kept in (("1.34", "n1"), ("1.35", None)):
        sim = kdsl.simulate(kdsl.parse(f"cluster c version={version}\n" + PREEMPT))
        high = sim.store.get("Pod", "shop", "high")
        assert high.spec.template.node_name == "n1" and high.status.nominated_node == kept
        nominated = [c.obj.status.nominated_node for c in sim.store.history
                     if c.key == ("Pod", "shop", "high") and c.obj is not None]
        assert "n1" in nominated


def test_explain_lists_each_nodes_verdicts():
    sim = kdsl.simulate(kdsl.parse("node n1 cpu=1\nnode n2 cpu=4\npod p image=nginx cpu=2\n"))
    rows = {r["node"]: r for r in sim.explanation("p").rows()}
    assert rows["n1"]["filter:NodeResourcesFit"] == "Insufficient cpu"
    assert rows["n2"]["filter:NodeResourcesFit"] == "pass"


def test_drain_cordons_and_evicts():
    sim = kdsl.simulate(kdsl.parse("node n1\nnode n2\npod p image=nginx { node-selector kubernetes.io/hostname=n1 }\n"
                                   "at 10s: drain node n1 force\nrun 2m\n"))
    assert sim.store.get("Pod", "default", "p") is None
    assert sim.store.get("Node", None, "n1").spec.unschedulable


GATED = """
node n1
pod gated image=nginx:1.25 { gate example.com/a }
at 30s: apply { pod gated image=nginx:1.25 }
run 1m
"""


def test_a_gated_pod_waits_outside_the_queue_until_its_last_gate_goes():
    sim = Simulation(kdsl.parse(GATED)).run(until=29_000)
    assert sim.scheduler.pending == {}  # PreEnqueue: never tried, so never FailedScheduling
    assert sim.store.get("Pod", "default", "gated").status.condition("PodScheduled").reason == "SchedulingGated"
    sim.run(until=60_000)
    pod = sim.store.get("Pod", "default", "gated")
    assert (pod.spec.template.node_name, pod.status.condition("PodScheduled").status) == ("n1", "True")
    assert [e.time_ms for e in sim.log.events if e.reason == "Scheduled"] == [30_000]
    assert not [e for e in sim.log.events if e.reason == "FailedScheduling"]


def test_a_node_made_again_under_its_name_finds_its_pods_accounted_as_the_caches_ghost_node_keeps_them():
    sim = kdsl.simulate(kdsl.parse("node n1\npod p image=nginx\nrun 1m\n"))
    scheduler, node = sim.scheduler, sim.store.get("Node", None, "n1")
    assert scheduler.snapshot.node_of("default/p") == "n1"
    sim.store.delete("Node", None, "n1", sim.now)
    assert scheduler.snapshot.node_of("default/p") is None and scheduler.unplaced["n1"] == {("Pod", "default", "p")}
    pod = sim.store.get("Pod", "default", "p")
    sim.store.put(pod, sim.now, status=pod.status)  # a status write: not heard, and not needed
    sim.store.put(node, sim.now)
    assert scheduler.snapshot.node_of("default/p") == "n1" and "n1" not in scheduler.unplaced


def test_the_bindings_written_through_the_copiers_are_those_evolve_writes(monkeypatch):
    """bind copies the spec, template and status through their classes' copiers; with them bypassed (a class
    guard that never matches) the run's every stored version and event is the same, a nominated pod's too."""
    from kdsl.engine import scheduling

    def run():
        sim = kdsl.simulate(kdsl.parse("cluster c version=1.34\n" + PREEMPT + "pod shop/x image=nginx cpu=100m\n"))
        return [(c.key, c.obj) for c in sim.store.history], [(e.reason, e.name, e.message) for e in sim.log.events]

    fast = run()
    monkeypatch.setattr(scheduling, "PodStatus", type("NotAStatus", (), {}))
    assert fast == run()
