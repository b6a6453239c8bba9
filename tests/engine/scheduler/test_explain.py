"""explain(): every filter's verdict and every plugin's score on every node, as plain rows."""

import random

from kdsl.engine.scheduler import VolumeBinding, explain, schedule
from kdsl.engine.scheduler.filters import FILTER_NAMES
from kdsl.engine.scheduler.scores import WEIGHTS
from tests.engine.scheduler.helpers import GI, Taint, node, pod, snapshot


def test_rows_have_one_plain_dict_per_node_with_every_filter_and_score_column():
    snap = snapshot([node("n1", cpu=100, unschedulable=True), node("n2"), node("n3", memory=GI)])
    rows = explain(pod("p", cpu=500, memory=2 * GI), snap).rows()
    assert [r["node"] for r in rows] == ["n1", "n2", "n3"]
    expected = {"node", "feasible", "reason", "failed_plugin", "unresolvable", "total", "best"}
    expected |= {f"filter:{f}" for f in FILTER_NAMES}
    expected |= {f"{p}.{part}" for p, _ in WEIGHTS for part in ("raw", "normalized", "weighted")}
    assert all(set(r) == expected for r in rows)
    n1, n2, n3 = rows
    # n1 fails two filters; the first is the one Kubernetes reports
    assert (n1["reason"], n1["failed_plugin"], n1["unresolvable"]) == ("node(s) were unschedulable",
                                                                       "NodeUnschedulable", True)
    assert n1["filter:NodeResourcesFit"] == "Insufficient cpu"
    assert n1["filter:TaintToleration"] == "node(s) had untolerated taint {node.kubernetes.io/unschedulable: }"
    assert n3["reason"] == "Insufficient memory" and n3["unresolvable"] is False
    assert n1["total"] is None and n1["NodeResourcesFit.raw"] is None
    assert n2["feasible"] and n2["filter:NodeAffinity"] == "pass" and n2["best"]
    assert n2["total"] == sum(n2[f"{p}.weighted"] for p, _ in WEIGHTS)
    assert all(type(v) in (str, int, bool, type(None)) for r in rows for v in r.values())


def test_scores_are_normalized_over_all_feasible_nodes_and_best_holds_the_ties():
    snap = snapshot([node("n1"), node("n2"), node("n3", taints=(Taint("x", "y", "PreferNoSchedule"),))])
    e = explain(pod("p", cpu=100), snap)
    assert e.best == ("n1", "n2")
    assert e.message is None
    assert schedule(pod("p", cpu=100), snap, random.Random(5)).node in e.best


def test_nothing_fits_gives_the_message_without_the_preemption_tail():
    snap = snapshot([node("n1", cpu=100), node("n2", taints=(Taint("k", "v", "NoExecute"),))])
    e = explain(pod("p", cpu=500), snap)
    assert e.message == "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {k: v}."
    assert e.best == ()


def test_a_prefilter_failure_explains_every_node_with_its_message():
    hook = VolumeBinding(prefilter=lambda p: 'persistentvolumeclaim "data" not found')
    e = explain(pod("p"), snapshot([node("n1"), node("n2")]), volumes=hook)
    assert e.prefilter == 'persistentvolumeclaim "data" not found'
    assert e.message == '0/2 nodes are available: persistentvolumeclaim "data" not found.'
    rows = e.rows()
    assert [r["reason"] for r in rows] == ['persistentvolumeclaim "data" not found'] * 2
    assert rows[0]["filter:NodeResourcesFit"] is None


def test_explain_changes_nothing_and_is_repeatable():
    snap = snapshot([node("n1"), node("n2")], [("n1", pod("a", cpu=1000, labels={"app": "a"}))])
    assert explain(pod("p", cpu=10), snap).rows() == explain(pod("p", cpu=10), snap).rows()
    assert snap.pod_count.tolist() == [1, 0]
