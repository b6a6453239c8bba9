"""The scheduler oracles 20–32 of k8s-semantics.md ("Test oracles"), with their exact messages and scores."""

import random

import numpy as np
import pytest

from kdsl.engine.scheduler import explain, num_feasible_nodes_to_find, schedule
from kdsl.engine.scheduler.scores import balanced_allocation, image_locality, least_allocated
from kdsl.model.pods import Affinity, WeightedTerm
from tests.engine.scheduler.helpers import GI, MI, Taint, node, pod, req, snapshot

NO_VICTIMS = " preemption: 0/{n} nodes are available: {n} No preemption victims found for incoming pod."
NOT_HELPFUL = " preemption: 0/{n} nodes are available: {n} Preemption is not helpful for scheduling."


def run(nodes, p, pods=(), seed=0, **kw):
    return schedule(p, snapshot(nodes, pods), random.Random(seed), **kw)


def scores_of(p, snap, plugin):
    """{node: (raw, normalized, weighted)} of one plugin from explain()."""
    return {row["node"]: (row[f"{plugin}.raw"], row[f"{plugin}.normalized"], row[f"{plugin}.weighted"])
            for row in explain(p, snap).rows()}


def test_oracle_20_insufficient_cpu_everywhere():
    r = run([node(f"n{i}", cpu=4000) for i in (1, 2, 3)], pod("p", cpu=5000))
    assert not r.scheduled
    assert r.message == "0/3 nodes are available: 3 Insufficient cpu." + NO_VICTIMS.format(n=3)
    assert r.message.endswith("incoming pod.")
    core = run([node(f"n{i}", cpu=4000) for i in (1, 2, 3)], pod("p", cpu=5000), preemption=False)
    assert core.message == "0/3 nodes are available: 3 Insufficient cpu."


def test_oracle_21_histogram_is_sorted_as_strings():
    lacking = [node("n1", cpu=1000, memory=GI), node("n2", cpu=1000, memory=GI), node("n3", cpu=1000, memory=8 * GI)]
    p = pod("p", cpu=2000, memory=4 * GI)
    assert run(lacking + [node("n4", cpu=4000, memory=8 * GI)], p).node == "n4"
    r = run(lacking, p, preemption=False)
    assert r.message == "0/3 nodes are available: 2 Insufficient memory, 3 Insufficient cpu."
    assert run(lacking, p).message == ("0/3 nodes are available: 2 Insufficient memory, 3 Insufficient cpu."
                                       + NO_VICTIMS.format(n=3))


def test_oracle_22_taint_and_cordon_are_not_helped_by_preemption():
    nodes = [node("n1", taints=(Taint("dedicated", "gpu", "NoSchedule"),)), node("n2", unschedulable=True)]
    assert run(nodes, pod("p")).message == (
        "0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable."
        + NOT_HELPFUL.format(n=2))


def test_oracle_23_node_selector_matching_no_node():
    r = run([node(f"n{i}") for i in (1, 2, 3)], pod("p", node_selector=(("disk", "ssd"),)))
    assert r.message == ("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."
                         + NOT_HELPFUL.format(n=3))


def test_oracle_24_too_many_pods_for_a_pod_requesting_nothing():
    r = run([node("n1", pods=2)], pod("p"), pods=[("n1", pod("a")), ("n1", pod("b"))])
    assert r.message == "0/1 nodes are available: 1 Too many pods." + NO_VICTIMS.format(n=1)


def test_oracle_25_host_port_in_use():
    r = run([node("n1")], pod("p", host_ports=(8080,)), pods=[("n1", pod("old", host_ports=(8080,)))])
    assert r.message == ("0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports."
                         + NO_VICTIMS.format(n=1))


def test_oracle_26_least_allocated_and_balanced_allocation():
    snap = snapshot([node("n1", cpu=4000, memory=8 * GI), node("n2", cpu=4000, memory=8 * GI)],
                    [("n1", pod("old", cpu=2000, memory=GI))])
    p = pod("p", cpu=1000, memory=GI)
    both = np.arange(2)
    assert least_allocated(p, snap, both).tolist() == [50, 81]
    assert balanced_allocation(p, snap, both).tolist() == [75, 93]
    rows = {r["node"]: r for r in explain(p, snap).rows()}
    assert [rows[n]["NodeResourcesFit.weighted"] + rows[n]["NodeResourcesBalancedAllocation.weighted"]
            for n in ("n1", "n2")] == [125, 174]
    assert run([node("n1", cpu=4000, memory=8 * GI), node("n2", cpu=4000, memory=8 * GI)], p,
               pods=[("n1", pod("old", cpu=2000, memory=GI))]).node == "n2"


def test_oracle_27_pod_without_requests_scores_with_100m_and_200mi():
    # memory without allocatable is left out of the average, which leaves the cpu part alone
    snap = snapshot([node("n1", cpu=1000, memory=0)])
    assert least_allocated(pod("p"), snap, np.arange(1)).tolist() == [90]
    with_memory = snapshot([node("n1", cpu=1000, memory=16 * GI)])
    assert least_allocated(pod("p"), with_memory, np.arange(1)).tolist() == [(90 + 98) // 2]


def test_oracle_28_taint_toleration_prefer_no_schedule():
    snap = snapshot([node("n1", taints=(Taint("spot", "true", "PreferNoSchedule"),)), node("n2")])
    got = scores_of(pod("p"), snap, "TaintToleration")
    assert got == {"n1": (1, 0, 0), "n2": (0, 100, 300)}
    assert scores_of(pod("p"), snapshot([node("n1"), node("n2")]), "TaintToleration") == {
        "n1": (0, 100, 300), "n2": (0, 100, 300)}


def test_oracle_29_node_affinity_preferred_weights():
    snap = snapshot([node("n1", labels={"zone": "a", "ssd": "true"}), node("n2", labels={"zone": "a"}), node("n3")])
    prefer = (WeightedTerm(weight=80, requirements=(req("zone", "In", "a"),)),
              WeightedTerm(weight=20, requirements=(req("ssd", "In", "true"),)))
    got = scores_of(pod("p", affinity=Affinity(node_preferred=prefer)), snap, "NodeAffinity")
    assert got == {"n1": (100, 100, 200), "n2": (80, 80, 160), "n3": (0, 0, 0)}


def test_oracle_30_equal_totals_are_broken_by_the_seeded_rng():
    nodes = [node("n1"), node("n2")]
    choices = {seed: run(nodes, pod("p", cpu=100), seed=seed).node for seed in range(40)}
    assert all(run(nodes, pod("p", cpu=100), seed=seed).node == choices[seed] for seed in range(40))
    assert set(choices.values()) == {"n1", "n2"}


@pytest.mark.parametrize(("nodes", "percentage", "expected"), [
    (50, 0, 50), (100, 0, 100), (500, 0, 230), (1000, 0, 420), (5000, 0, 500), (6000, 0, 300), (200, 30, 100)])
def test_oracle_31_num_feasible_nodes_to_find(nodes, percentage, expected):
    assert num_feasible_nodes_to_find(nodes, percentage) == expected


def test_oracle_32_image_locality_old_formula():
    snap = snapshot([node("n1", images=("app:1",)), node("n2")], image_sizes={"app:1": 500 * MI})
    assert image_locality(pod("p", image="app:1"), snap, np.arange(2)).tolist() == [23, 0]
    assert scores_of(pod("p", image="app:1"), snap, "ImageLocality") == {"n1": (23, 23, 23), "n2": (0, 0, 0)}
