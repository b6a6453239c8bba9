"""Each filter plugin on its own, the framework's order, the VolumeBinding hook, and a Check made straight-line."""

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kdsl.engine.scheduler import filters
from kdsl.engine.scheduler.filters import (FILTER_NAMES, Verdict, VolumeBinding, node_affinity, node_name, node_ports,
                                           node_resources_fit, node_unschedulable, run_filters, taint_toleration)
from kdsl.model.pods import Affinity
from tests.engine.scheduler.helpers import GI, Taint, Toleration, node, pod, req, snapshot


def verdicts(check, snap):
    return {snap.nodes[i].name: check.verdict(int(i)) for i in check.idx[check.failed]}


def run(plugin, p, snap):
    return verdicts(plugin(p, snap, np.arange(len(snap))), snap)


def test_node_unschedulable_rejects_cordoned_nodes_unless_tolerated():
    snap = snapshot([node("a", unschedulable=True), node("b")])
    assert run(node_unschedulable, pod("p"), snap) == {
        "a": Verdict("NodeUnschedulable", ("node(s) were unschedulable",), True)}
    tolerant = pod("p", tolerations=(Toleration(key="node.kubernetes.io/unschedulable", operator="Exists"),))
    assert run(node_unschedulable, tolerant, snap) == {}


def test_node_name_rejects_every_other_node():
    snap = snapshot([node("a"), node("b")])
    assert run(node_name, pod("p", node_name="b"), snap) == {
        "a": Verdict("NodeName", ("node(s) didn't match the requested node name",), True)}
    assert run(node_name, pod("p"), snap) == {}


def test_taint_toleration_names_the_first_untolerated_hard_taint():
    taints = (Taint("soft", "x", "PreferNoSchedule"), Taint("dedicated", "gpu", "NoSchedule"),
              Taint("gone", None, "NoExecute"))
    snap = snapshot([node("a", taints=taints), node("b")])
    assert run(taint_toleration, pod("p"), snap) == {
        "a": Verdict("TaintToleration", ("node(s) had untolerated taint {dedicated: gpu}",), True)}
    gpu = pod("p", tolerations=(Toleration(key="dedicated", value="gpu", effect="NoSchedule"),))
    assert run(taint_toleration, gpu, snap)["a"].reasons == ("node(s) had untolerated taint {gone: }",)
    everything = pod("p", tolerations=(Toleration(operator="Exists"),))
    assert run(taint_toleration, everything, snap) == {}


def test_node_affinity_ands_the_selector_with_an_or_of_required_terms():
    snap = snapshot([node("a", labels={"disk": "ssd", "zone": "x"}), node("b", labels={"disk": "ssd", "zone": "y"}),
                     node("c", labels={"zone": "x"})])
    terms = ((req("zone", "In", "x"),), (req("zone", "In", "z"),))
    p = pod("p", node_selector=(("disk", "ssd"),), affinity=Affinity(node_required=terms))
    failed = run(node_affinity, p, snap)
    assert sorted(failed) == ["b", "c"]
    assert failed["b"] == Verdict("NodeAffinity", ("node(s) didn't match Pod's node affinity/selector",), True)
    # a term without requirements matches no node
    assert sorted(run(node_affinity, pod("p", affinity=Affinity(node_required=((),))), snap)) == ["a", "b", "c"]


def test_node_ports_conflict_on_the_same_protocol_and_port():
    snap = snapshot([node("a"), node("b")], [("a", pod("old", host_ports=(8080,)))])
    assert run(node_ports, pod("p", host_ports=(8080,)), snap) == {
        "a": Verdict("NodePorts", ("node(s) didn't have free ports for the requested pod ports",), False)}
    assert run(node_ports, pod("p", host_ports=(9090,)), snap) == {}


def test_node_resources_fit_lists_pods_then_cpu_then_memory():
    snap = snapshot([node("a", cpu=1000, memory=GI, pods=1), node("b", cpu=1000, memory=4 * GI)],
                    [("a", pod("old", cpu=500))])
    failed = run(node_resources_fit, pod("p", cpu=600, memory=2 * GI), snap)
    assert failed["a"] == Verdict("NodeResourcesFit", ("Too many pods", "Insufficient cpu", "Insufficient memory"))
    assert "b" not in failed
    # a pod without requests is only counted
    assert run(node_resources_fit, pod("p"), snap)["a"].reasons == ("Too many pods",)


def test_run_filters_reports_only_the_first_failing_plugin_per_node():
    snap = snapshot([node("a", unschedulable=True, cpu=100), node("b", cpu=100), node("c")])
    f = run_filters(pod("p", cpu=500), snap)
    assert [FILTER_NAMES[i] if i >= 0 else None for i in f.first] == ["NodeUnschedulable", "NodeResourcesFit", None]
    assert f.feasible.tolist() == [2]
    # every=True runs all plugins on all nodes (explain), the reported one is still the first
    every = run_filters(pod("p", cpu=500), snap, every=True)
    assert every.checks[FILTER_NAMES.index("NodeResourcesFit")].failed.tolist() == [True, True, False]
    assert every.verdict(0).plugin == "NodeUnschedulable"


def test_volume_binding_hook_defaults_to_pass_and_its_reasons_are_unresolvable():
    snap = snapshot([node("a"), node("b")])
    assert run_filters(pod("p"), snap).feasible.tolist() == [0, 1]
    hook = VolumeBinding(filter=lambda p, n: ("node(s) had volume node affinity conflict",) if n.name == "a" else ())
    f = run_filters(pod("p"), snap, volumes=hook)
    assert f.verdicts() == [(0, Verdict("VolumeBinding", ("node(s) had volume node affinity conflict",), True))]


def test_an_unreachable_node_rejects_pods_that_tolerate_only_its_no_execute_taint():
    # §10: the lifecycle controller's taints; DefaultTolerationSeconds gives pods only the NoExecute ones
    unreachable = (Taint("node.kubernetes.io/unreachable", None, "NoSchedule"),
                   Taint("node.kubernetes.io/unreachable", None, "NoExecute"))
    defaults = tuple(Toleration(key=f"node.kubernetes.io/{k}", operator="Exists", effect="NoExecute",
                                toleration_ms=300_000)
                     for k in ("not-ready", "unreachable"))
    snap = snapshot([node("a", taints=unreachable), node("b")])
    assert run(taint_toleration, pod("p", tolerations=defaults), snap) == {
        "a": Verdict("TaintToleration", ("node(s) had untolerated taint {node.kubernetes.io/unreachable: }",), True)}


def test_gt_and_lt_compare_integers_as_go_parses_them():
    from kdsl.model.base import Requirement, go_int
    assert [go_int(t) for t in ("12", "+3", "-4", "1_0", " 1", "٨", "²", "", None)] == \
        [12, 3, -4, None, None, None, None, None, None]
    gt = Requirement("gpu", "Gt", ("1",))
    assert [gt.matches({"gpu": v}) for v in ("2", "1", "+5", "x")] == [True, False, True, False]
    assert not gt.matches({}) and Requirement("gpu", "Lt", ("1",)).matches({"gpu": "-1"})


@given(st.text(max_size=3), st.lists(st.booleans(), max_size=4),
       st.sampled_from((None, print, filters._const("r", True))), st.booleans())
def test_a_check_made_straight_line_is_the_records_init(plugin, failed, word, positional):
    idx, failed = np.arange(len(failed)), np.array(failed, dtype=bool)
    made = filters._check(plugin, idx, failed, word) if positional or word is not None else \
        filters._check(plugin, idx, failed)
    want = filters.Check(plugin, idx, failed, word)
    assert type(made) is filters.Check and repr(made) == repr(want)
    for a in attrs.fields(filters.Check):
        assert getattr(made, a.name) is getattr(want, a.name), a.name
    assert made != want and made == made and hash(made) != hash(want)  # eq=False: by identity, as __init__'s
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.plugin = "changed"
