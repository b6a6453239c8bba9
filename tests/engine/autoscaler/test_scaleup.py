"""Scale-up: the binpacking estimate, the groups a pod fits, the expander, upcoming nodes and the provision delay."""

from __future__ import annotations

import attrs

import kdsl
from kdsl.engine.autoscaler.scaleup import Pending, estimate, unschedulable
from kdsl.engine.autoscaler.simulator import unbound


def pending_at(text: str, t: int = 5_000):
    """A run stopped before the autoscaler's first loop (10 s): its unschedulable pods and the simulation."""
    sim = kdsl.simulate(kdsl.parse(text), until=t)
    return sim, [Pending(p, unbound(p)) for p in unschedulable(sim.store)]


POOL = "cluster c {{ nodes pool count=1 cpu=4 memory=16Gi autoscale=1..{max} {{ labels pool=p }} }}\n"


def deployments(*sizes: str) -> str:
    # A node-selector no node has keeps every pod pending, so the estimate alone is asked.
    return "".join(f"deployment d{i} replicas=1 image=app:1 cpu={s} {{ node-selector tier=none }}\n"
                   for i, s in enumerate(sizes))


def run_estimate(sizes, max_size=10, room=None):
    sim, pods = pending_at(POOL.format(max=max_size) + deployments(*sizes))
    group = sim.autoscaler.groups["pool"]
    names = group.new_names(room if room is not None else max_size - group.target_size(), set())
    # The template is asked without the selector: estimate() trusts that every pod given fits it.
    pods = [Pending(p.pod, unbound(_without_selector(p.pod))) for p in pods]
    return estimate(pods, sim.scheduler.snapshot, group, names, lambda pod: sim.scheduler.volumes.for_pod(pod),
                    sim.store)


def _without_selector(pod):
    tpl = attrs.evolve(pod.spec.template, node_selector=())
    return attrs.evolve(pod, spec=attrs.evolve(pod.spec, template=tpl))


def test_first_fit_decreasing_packs_the_big_pods_first():
    # In the given order first-fit would need three nodes (1500+1500, 2500, 2500); largest first needs two.
    option = run_estimate(["1500m", "1500m", "2500m", "2500m"])
    assert option.count == 2 and len(option.pods) == 4


def test_two_pods_a_node_six_pods_three_nodes():
    option = run_estimate(["1500m"] * 6)
    assert option.count == 3 and len(option.pods) == 6


def test_the_estimate_stops_at_the_room_below_the_max():
    option = run_estimate(["1500m"] * 6, room=1)
    assert option.count == 1 and len(option.pods) == 2


def test_a_pod_too_big_for_the_template_adds_no_node():
    option = run_estimate(["5"])
    assert option.count == 0 and option.pods == ()


def test_unschedulable_lists_pods_the_scheduler_gave_up_on():
    sim, pods = pending_at(POOL.format(max=3) + deployments("1"))
    (p,) = pods
    assert p.pod.status.condition("PodScheduled").reason == "Unschedulable"


SCALE = """
cluster c { nodes pool count=1 cpu=4 memory=16Gi autoscale=1..4 provision=90s }
deployment web replicas=4 image=app:1 cpu=1500m
run 3m
"""


def test_new_nodes_appear_provision_after_the_decision_and_pods_do_not_trigger_twice():
    sim = kdsl.simulate(kdsl.parse(SCALE))
    log = sim.log.events
    triggered = [e for e in log if e.reason == "TriggeredScaleUp"]
    assert {e.time_ms for e in triggered} == {10_000}
    assert {e.message for e in triggered} == {"pod triggered scale-up: [{pool 1->2 (max: 4)}]"}
    registered = [e for e in log if e.reason == "RegisteredNode" and e.name == "pool-2"]
    assert [e.time_ms for e in registered] == [100_000]
    # Between the decision and the node, the pods fit the upcoming node: no second scale-up, no refusal.
    assert not [e for e in log if e.reason == "NotTriggerScaleUp"]
    assert sorted(n.name for n in sim.store.list("Node")) == ["pool-1", "pool-2"]
    assert sim.nodes()["GROUP"].tolist() == ["pool", "pool"]


def test_a_scenario_without_autoscaled_pools_has_no_autoscaler_and_no_group_column():
    sim = kdsl.simulate(kdsl.parse("nodes pool count=2\ndeployment web replicas=1 image=app:1\nrun 1m"))
    assert sim.autoscaler is None
    assert "GROUP" not in sim.nodes().columns


def test_the_loop_never_keeps_a_run_past_its_horizon():
    text = "nodes pool count=1 autoscale=1..3\ndeployment web replicas=1 image=app:1\nat 1m: scale deployment default/web replicas=2\n"
    sim = kdsl.simulate(kdsl.parse(text))
    assert sim.now == 60_000 + 600_000  # the last action plus ten quiet minutes
    assert max(e.time_ms for e in sim.log.events) <= sim.now


def test_the_expander_is_random_with_the_seed():
    text = ("cluster c {\n  nodes a count=1 cpu=2 autoscale=1..3\n  nodes b count=1 cpu=2 autoscale=1..3\n}\n"
            "deployment web replicas=3 image=app:1 cpu=1500m\nrun 30s\n")
    picks = set()
    for seed in range(8):
        sim = kdsl.simulate(kdsl.parse(text), seed=seed)
        picks |= {e.message for e in sim.log.events if e.reason == "TriggeredScaleUp"}
        again = kdsl.simulate(kdsl.parse(text), seed=seed)
        assert again.log.text() == sim.log.text()
    assert picks == {"pod triggered scale-up: [{a 1->2 (max: 3)}]", "pod triggered scale-up: [{b 1->2 (max: 3)}]"}


DAEMONS = """
cluster c {{ nodes pool count=1 cpu=4 memory=16Gi autoscale=1..10 }}
{daemon}
deployment web replicas=6 image=app:1 cpu=1500m
run 2m
"""


def test_the_template_carries_the_daemonset_pods_a_new_node_would_run():
    # 1500m pods: two fit a 4-cpu node, but only one beside a 1500m agent. Without the agent four pods wait
    # and need two new nodes; with it five wait (pool-1 holds one) and each new node takes one.
    plain = kdsl.simulate(kdsl.parse(DAEMONS.format(daemon="")))
    agents = kdsl.simulate(kdsl.parse(DAEMONS.format(daemon="daemonset agent image=agent:1 cpu=1500m")))
    said = lambda sim: {e.message for e in sim.log.events if e.reason == "TriggeredScaleUp"}  # noqa: E731
    assert said(plain) == {"pod triggered scale-up: [{pool 1->3 (max: 10)}]"}
    assert said(agents) == {"pod triggered scale-up: [{pool 1->6 (max: 10)}]"}
