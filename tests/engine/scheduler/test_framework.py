"""schedule(): the rotating window of nodes, host choice and ties, PreFilter failures, messages."""

import random

import attrs
import numpy as np

from kdsl.engine.scheduler import FitError, Verdict, VolumeBinding, fit_error_message, schedule, select_host
from kdsl.engine.scheduler.messages import histogram, scheduled_message
from tests.engine.scheduler.helpers import node, pod, snapshot

UNBOUND = "pod has unbound immediate PersistentVolumeClaims"


def many(count, cpu=4000, small=()):
    return [node(f"n{i:03}", cpu=100 if i in small else cpu) for i in range(count)]


def test_select_host_takes_the_maximum_and_draws_only_on_ties():
    rng = random.Random(3)
    state = rng.getstate()
    assert select_host(["a", "b", "c"], [5, 9, 7], rng) == "b"
    assert rng.getstate() == state
    picks = {select_host(["a", "b", "c"], [9, 9, 9], random.Random(s)) for s in range(60)}
    assert picks == {"a", "b", "c"}


def test_same_seed_same_choice_and_seeds_can_differ():
    nodes = [node("n1"), node("n2"), node("n3")]
    first = [schedule(pod("p"), snapshot(nodes), random.Random(s)).node for s in range(30)]
    again = [schedule(pod("p"), snapshot(nodes), random.Random(s)).node for s in range(30)]
    assert first == again and len(set(first)) > 1


def test_one_feasible_node_is_taken_without_scoring_or_drawing():
    rng = random.Random(1)
    state = rng.getstate()
    r = schedule(pod("p", cpu=500), snapshot([node("a", cpu=100), node("b")]), rng)
    assert (r.node, r.feasible, r.evaluated, r.totals) == ("b", 1, 2, ())
    assert rng.getstate() == state


def test_scores_decide_before_the_rng():
    r = schedule(pod("p", cpu=1000), snapshot([node("a"), node("b")], [("a", pod("x", cpu=3000))]), random.Random(0))
    assert r.node == "b" and dict(r.totals)["b"] > dict(r.totals)["a"]


def test_the_search_stops_after_enough_feasible_nodes_and_rotates():
    snap = snapshot(many(150))  # 150 nodes: 100 feasible nodes end the search
    r = schedule(pod("p"), snap, random.Random(0))
    assert (r.evaluated, r.feasible, r.next_start_index) == (100, 100, 100)
    assert int(r.node[1:]) < 100
    r2 = schedule(pod("p"), snap, random.Random(0), start_index=r.next_start_index)
    assert r2.next_start_index == 50
    assert int(r2.node[1:]) >= 100 or int(r2.node[1:]) < 50


def test_rejected_nodes_count_as_processed():
    snap = snapshot(many(150, small=range(10)))
    r = schedule(pod("p", cpu=500), snap, random.Random(0))
    assert (r.evaluated, r.feasible, r.next_start_index) == (110, 100, 110)
    everything = schedule(pod("p", cpu=500), snap, random.Random(0), percentage_of_nodes_to_score=100)
    assert (everything.evaluated, everything.feasible, everything.next_start_index) == (150, 140, 0)


def test_a_failed_cycle_visits_every_node_and_reports_each():
    snap = snapshot(many(3, cpu=100))
    r = schedule(pod("p", cpu=500), snap, random.Random(0), start_index=2)
    assert r.next_start_index == 2 and r.evaluated == 3
    assert [name for name, _ in r.error.statuses] == ["n002", "n000", "n001"]


def test_a_feasible_nominated_node_is_taken_first():
    nominated = attrs.evolve(pod("p", cpu=100), nominated_node="n2")
    r = schedule(nominated, snapshot([node("n1"), node("n2", cpu=1000)]), random.Random(0), start_index=1)
    assert (r.node, r.evaluated, r.next_start_index) == ("n2", 1, 1)


def test_prefilter_failure_short_circuits_with_no_histogram():
    hook = VolumeBinding(prefilter=lambda p: UNBOUND)
    r = schedule(pod("p"), snapshot([node("n1"), node("n2"), node("n3")]), random.Random(0), volumes=hook)
    assert r.message == (f"0/3 nodes are available: {UNBOUND}. "
                         "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
    assert r.evaluated == 0


def test_no_nodes_at_all():
    r = schedule(pod("p"), snapshot([]), random.Random(0))
    assert r.message == "no nodes available to schedule pods"


def test_schedule_leaves_the_snapshot_as_it_was():
    snap = snapshot([node("n1", cpu=1000)], [("n1", pod("low", cpu=800, priority=1))])
    before = (snap.requested.copy(), list(snap.pods_on[0]))
    r = schedule(pod("high", cpu=500, priority=9), snap, random.Random(0))
    assert r.nominated_node == "n1"
    assert np.array_equal(before[0], snap.requested) and before[1] == list(snap.pods_on[0])


def test_histogram_sorts_whole_strings_like_go():
    reasons = [("b",)] * 10 + [("a",)] * 2
    assert histogram(reasons) == ["10 b", "2 a"]
    assert fit_error_message(12, reasons) == "0/12 nodes are available: 10 b, 2 a."


def test_fit_error_message_parts_and_periods():
    assert fit_error_message(2, [("x", "y"), ("x",)], postfilter="preemption: tail.") == \
        "0/2 nodes are available: 1 y, 2 x. preemption: tail."
    assert fit_error_message(2, [("x",)], prefilter="persistentvolumeclaim \"data\" not found") == \
        "0/2 nodes are available: persistentvolumeclaim \"data\" not found."
    err = FitError(1, (("n1", Verdict("NodePorts", ("p",))),))
    assert str(err) == err.message == "0/1 nodes are available: 1 p."
    assert scheduled_message("shop/web-1", "n1") == "Successfully assigned shop/web-1 to n1"


def test_a_scored_result_made_straight_line_is_the_one_init_makes():
    """framework._scored fills every slot as Result's __init__ does: the given values (the same objects) and the
    defaults of the rest, equal, and with the same totals, ties and node names."""
    from kdsl.engine.scheduler.framework import Result, _scored

    totals, tied = np.asarray([3, 7, 7], dtype=np.int64), np.asarray([1, 2], dtype=np.int64)
    names = lambda at=slice(None): ["a", "b", "c"][at]  # noqa: E731
    made = _scored("b", 5, 9, 3, names, totals, tied)
    init = Result("b", 5, evaluated=9, feasible=3, names=names, totals=totals, tied=tied)
    assert made == init and made.totals == init.totals == (("a", 3), ("b", 7), ("c", 7))
    assert all(getattr(made, a.name) is getattr(init, a.name) for a in attrs.fields(Result))
