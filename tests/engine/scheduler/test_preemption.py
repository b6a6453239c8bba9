"""Basic preemption: candidates, the fewest victims by priority, the node choice and the messages."""

import random

import numpy as np

from kdsl.engine.scheduler import FitError, PodInfo, preempt, schedule
from kdsl.engine.scheduler.filters import run_filters
from kdsl.engine.scheduler.preemption import more_important_first, num_candidates, pick_node, select_victims
from tests.engine.scheduler.helpers import GI, Taint, node, pod, snapshot


def error_of(p, snap):
    """The FitError of this cycle, as schedule() hands it to PostFilter."""
    f = run_filters(p, snap)
    return FitError(len(snap), tuple((snap.nodes[i].name, v) for i, v in f.verdicts()))


def keys(pods):
    return [p.key.split("/")[1] for p in pods]


def test_victims_are_the_fewest_lower_priority_pods_reprieving_the_most_important_first():
    snap = snapshot([node("n1", cpu=4000)], [("n1", pod("a", cpu=2000, priority=1)),
                                             ("n1", pod("b", cpu=2000, priority=2)),
                                             ("n1", pod("same", cpu=0, priority=10))])
    victims, why = select_victims(pod("p", cpu=2000, priority=10), snap, 0)
    assert (keys(victims), why) == (["a"], ())


def test_no_lower_priority_pods_means_no_victims():
    snap = snapshot([node("n1", cpu=1000)], [("n1", pod("a", cpu=1000, priority=5))])
    assert select_victims(pod("p", cpu=500, priority=5), snap, 0) == (
        (), ("No preemption victims found for incoming pod",))


def test_when_removing_every_lower_pod_is_not_enough_the_filter_reasons_are_given():
    snap = snapshot([node("n1", cpu=1000)],
                    [("n1", pod("a", cpu=200, priority=1)), ("n1", pod("b", cpu=700, priority=9))])
    assert select_victims(pod("p", cpu=500, priority=5), snap, 0) == ((), ("Insufficient cpu",))
    r = schedule(pod("p", cpu=500, priority=5), snap, random.Random(0))
    assert r.message == ("0/1 nodes are available: 1 Insufficient cpu. "
                         "preemption: 0/1 nodes are available: 1 Insufficient cpu.")


def test_more_important_means_higher_priority_then_earlier_start():
    pods = [pod("late", priority=1, start_ms=50), pod("new", priority=1), pod("early", priority=1, start_ms=10),
            pod("top", priority=3)]
    assert keys(sorted(pods, key=more_important_first)) == ["top", "early", "late", "new"]


def test_node_choice_prefers_lower_victim_priority_then_smaller_sum_then_fewer_victims_then_later_start():
    snap = snapshot([node("a"), node("b")])
    v = lambda name, prio, start=None: pod(name, priority=prio, start_ms=start)  # noqa: E731
    assert pick_node(snap, [(0, (v("x", 5),)), (1, (v("y", 1),))]) == 1
    assert pick_node(snap, [(0, (v("x", 3), v("y", 3))), (1, (v("z", 3),))]) == 1
    assert pick_node(snap, [(0, (v("x", -5), v("y", -5))), (1, (v("z", -5),))]) == 1
    assert pick_node(snap, [(0, (v("x", 2, start=10),)), (1, (v("y", 2, start=99),))]) == 1
    assert pick_node(snap, [(1, (v("x", 2, start=10),)), (0, (v("y", 2, start=10),))]) == 0  # then by name


def test_schedule_nominates_a_node_and_returns_the_victims_without_a_preemption_tail():
    snap = snapshot([node("n1", cpu=2000), node("n2", cpu=2000)],
                    [("n1", pod("a", cpu=1500, priority=5)), ("n2", pod("b", cpu=1500, priority=1))])
    r = schedule(pod("p", cpu=1000, priority=10), snap, random.Random(0))
    assert (r.node, r.nominated_node, keys(r.victims)) == (None, "n2", ["b"])
    assert r.message == "0/2 nodes are available: 2 Insufficient cpu."


def test_unresolvable_nodes_are_not_helped_and_the_tail_is_a_sorted_histogram():
    snap = snapshot([node("n1", taints=(Taint("k", "v", "NoSchedule"),)), node("n2", cpu=1000)],
                    [("n2", pod("a", cpu=1000, priority=3))])
    r = schedule(pod("p", cpu=500, priority=3), snap, random.Random(0))
    assert r.message == ("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {k: v}. "
                         "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, "
                         "1 Preemption is not helpful for scheduling.")
    assert r.nominated_node is None


def test_preemption_policy_never():
    snap = snapshot([node("n1", cpu=1000)], [("n1", pod("a", cpu=1000))])
    never = PodInfo.build(name="p", template=pod("p", cpu=500).template, priority=9, preemption_policy="Never")
    assert preempt(never, snap, error_of(never, snap)).message == \
        "preemption: not eligible due to preemptionPolicy=Never."
    assert schedule(never, snap, random.Random(0)).message.endswith("preemptionPolicy=Never.")


def test_a_terminating_lower_pod_on_the_nominated_node_waits():
    gone = PodInfo.build(name="a", template=pod("a", cpu=1000).template, terminating=True)
    snap = snapshot([node("n1", cpu=1000)], [("n1", gone)])
    waiting = PodInfo.build(name="p", template=pod("p", cpu=500).template, priority=9, nominated_node="n1")
    assert preempt(waiting, snap, error_of(waiting, snap)).message == \
        "preemption: not eligible due to a terminating pod on the nominated node."


def test_preemption_restores_the_snapshot_exactly():
    pods = [("n1", pod(f"p{i}", cpu=300, memory=GI, priority=i, labels={"app": "x"})) for i in range(4)]
    snap = snapshot([node("n1", cpu=1200)], pods)
    before = (snap.requested.copy(), snap.pod_count.copy(), list(snap.pods_on[0]), dict(snap.where))
    out = preempt(pod("p", cpu=500, priority=9), snap, error_of(pod("p", cpu=500, priority=9), snap))
    assert keys(out.victims) == ["p1", "p0"]
    after = (snap.requested, snap.pod_count, list(snap.pods_on[0]), snap.where)
    assert np.array_equal(before[0], after[0]) and np.array_equal(before[1], after[1])
    assert before[2:] == after[2:]


def test_candidate_count_is_ten_percent_but_at_least_one_hundred():
    assert [num_candidates(n) for n in (5, 100, 500, 5000)] == [5, 100, 100, 500]
