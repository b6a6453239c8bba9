"""PodTopologySpread and InterPodAffinity: filters and scores over topology domains."""

import math

import numpy as np
import pytest

from kdsl.engine.scheduler import PodInfo
from kdsl.engine.scheduler.filters import inter_pod_affinity, pod_topology_spread
from kdsl.engine.scheduler.topology import affinity_score, go_round, spread_score
from kdsl.model.base import Selector
from kdsl.model.pods import Affinity, SpreadConstraint, WeightedTerm
from tests.engine.scheduler.helpers import node, pod, snapshot, term

WEB = {"app": "web"}


def failures(plugin, p, snap):
    check = plugin(p, snap, np.arange(len(snap)))
    return {snap.nodes[i].name: check.verdict(int(i)) for i in check.idx[check.failed]}


def zonal(*pods):
    nodes = [node("a1", labels={"zone": "a"}), node("a2", labels={"zone": "a"}), node("b1", labels={"zone": "b"}),
             node("x")]
    return snapshot(nodes, pods)


def spread_pod(when="DoNotSchedule", key="zone", **kw):
    constraint = SpreadConstraint(topology_key=key, max_skew=1, when_unsatisfiable=when)
    return pod("new", labels=WEB, spread=(constraint,), **kw)


def test_spread_filter_compares_skew_with_the_smallest_domain():
    snap = zonal(("a1", pod("w1", labels=WEB)), ("a2", pod("w2", labels=WEB)))
    failed = failures(pod_topology_spread, spread_pod(), snap)
    assert {k: (v.reasons, v.unresolvable) for k, v in failed.items()} == {
        "a1": (("node(s) didn't match pod topology spread constraints",), False),
        "a2": (("node(s) didn't match pod topology spread constraints",), False),
        "x": (("node(s) didn't match pod topology spread constraints (missing required label)",), True)}


def test_spread_domains_come_only_from_nodes_the_pod_may_use():
    snap = zonal(("a1", pod("w1", labels=WEB)), ("a2", pod("w2", labels=WEB)))
    # with zone b excluded by the node selector, zone a is the smallest domain (nodeAffinityPolicy Honor)
    p = spread_pod(node_selector=(("zone", "a"),))
    assert sorted(failures(pod_topology_spread, p, snap)) == ["x"]


def test_spread_counts_only_live_pods_of_the_namespace():
    gone = PodInfo.build(name="w2", template=pod("w2", labels=WEB).template, terminating=True)
    snap = zonal(("a1", pod("w1", labels=WEB)), ("b1", gone), ("b1", pod("o", labels=WEB, namespace="other")))
    # zone b counts 0, not 2: zone a (1 + 1 − 0 = 2) is too skewed
    assert sorted(failures(pod_topology_spread, spread_pod(), snap)) == ["a1", "a2", "x"]


def test_spread_score_prefers_nodes_with_fewer_matching_pods():
    snap = snapshot([node("n1"), node("n2"), node("n3")],
                    [("n1", pod("w1", labels=WEB)), ("n1", pod("w2", labels=WEB)), ("n2", pod("w3", labels=WEB))])
    raw, norm = spread_score(spread_pod("ScheduleAnyway", key="kubernetes.io/hostname"), snap, np.arange(3))
    # weight ln(3 + 2): 2·1.609 → 3, 1.609 → 2, 0; normalized 100·(max + min − s)/max
    assert raw.tolist() == [3, 2, 0]
    assert norm.tolist() == [0, 33, 100]


def test_system_default_spreading_for_owned_pods_uses_hostname_when_zones_are_missing():
    snap = snapshot([node("n1"), node("n2"), node("n3")],
                    [("n1", pod("w1", labels=WEB)), ("n1", pod("w2", labels=WEB)), ("n2", pod("w3", labels=WEB))])
    owned = PodInfo.build(name="new", template=pod("new", labels=WEB).template, spread_selector=Selector.of(WEB))
    raw, norm = spread_score(owned, snap, np.arange(3))
    # hostname maxSkew 3: 2·ln 5 + 2 → 5, ln 5 + 2 → 4, 2; the zone constraint scores nothing here
    assert raw.tolist() == [5, 4, 2]
    assert norm.tolist() == [40, 60, 100]
    assert spread_score(pod("bare", labels=WEB), snap, np.arange(3)) is None


def test_go_round_rounds_halves_away_from_zero():
    assert [go_round(x) for x in (0.5, 1.5, 2.5, -0.5, 2.4999)] == [1, 2, 3, -1, 2]
    assert go_round(math.log(5)) == 2


def test_required_anti_affinity_rejects_nodes_in_the_same_domain():
    snap = zonal(("a1", pod("w1", labels=WEB)))
    p = pod("new", labels=WEB, affinity=Affinity(anti_required=(term(WEB, "zone"),)))
    failed = failures(inter_pod_affinity, p, snap)
    assert sorted(failed) == ["a1", "a2"]
    assert failed["a1"].reasons == ("node(s) didn't match pod anti-affinity rules",)
    assert not failed["a1"].unresolvable


def test_required_affinity_needs_a_matching_pod_in_the_domain_and_the_key():
    snap = zonal(("a2", pod("cache", labels={"app": "cache"})))
    p = pod("new", labels=WEB, affinity=Affinity(pod_required=(term({"app": "cache"}, "zone"),)))
    failed = failures(inter_pod_affinity, p, snap)
    assert sorted(failed) == ["b1", "x"]
    assert failed["b1"].reasons == ("node(s) didn't match pod affinity rules",) and failed["b1"].unresolvable


def test_the_first_pod_of_a_self_affine_group_may_go_where_the_key_exists():
    p = pod("new", labels=WEB, affinity=Affinity(pod_required=(term(WEB, "zone"),)))
    assert sorted(failures(inter_pod_affinity, p, zonal())) == ["x"]
    other_namespace = pod("new", labels=WEB, affinity=Affinity(pod_required=(term(WEB, "zone", ["shop"]),)))
    assert sorted(failures(inter_pod_affinity, other_namespace, zonal())) == ["a1", "a2", "b1", "x"]


def test_existing_pods_anti_affinity_keeps_the_new_pod_away():
    guard = pod("guard", labels={"app": "db"}, affinity=Affinity(anti_required=(term(WEB, "kubernetes.io/hostname"),)))
    snap = zonal(("b1", guard))
    failed = failures(inter_pod_affinity, pod("new", labels=WEB), snap)
    assert {k: v.reasons for k, v in failed.items()} == {
        "b1": ("node(s) didn't satisfy existing pods anti-affinity rules",)}


def test_preferred_affinity_and_anti_affinity_scores_are_min_max_normalized():
    snap = zonal(("a1", pod("cache", labels={"app": "cache"})), ("b1", pod("w1", labels=WEB)))
    prefer = Affinity(pod_preferred=(WeightedTerm(weight=80, pod_term=term({"app": "cache"}, "zone")),),
                      anti_preferred=(WeightedTerm(weight=50, pod_term=term(WEB, "kubernetes.io/hostname")),))
    raw, norm = affinity_score(pod("new", labels=WEB, affinity=prefer), snap, np.arange(4))
    assert raw.tolist() == [80, 80, -50, 0]
    assert norm.tolist() == [100, 100, 0, 38]  # int(100 · (0 + 50) / 130)


def test_existing_pods_terms_score_symmetrically():
    fan = pod("fan", labels={"app": "x"},
              affinity=Affinity(pod_required=(term(WEB, "zone"),),
                                pod_preferred=(WeightedTerm(weight=30, pod_term=term(WEB, "zone")),)))
    raw, norm = affinity_score(pod("new", labels=WEB), zonal(("b1", fan)), np.arange(4))
    assert raw.tolist() == [0, 0, 31, 0]  # preferred 30 + required (hardPodAffinityWeight 1)
    assert norm.tolist() == [0, 0, 100, 0]
    raw, norm = affinity_score(pod("new", labels={"app": "other"}), zonal(("b1", fan)), np.arange(4))
    assert raw.tolist() == norm.tolist() == [0, 0, 0, 0]


@pytest.mark.parametrize("weight", [10, 100])
def test_equal_affinity_scores_normalize_to_zero(weight):
    snap = zonal(("a1", pod("cache", labels={"app": "cache"})))
    prefer = Affinity(pod_preferred=(WeightedTerm(weight=weight, pod_term=term({"app": "cache"}, "zone")),))
    raw, norm = affinity_score(pod("new", affinity=prefer), snap, np.arange(2))
    assert raw.tolist() == [weight, weight] and norm.tolist() == [0, 0]


def test_cached_spread_counts_follow_binds_and_removals_and_equal_a_recount():
    from kdsl.engine.scheduler import snapshot as snapshot_module
    from kdsl.engine.scheduler.topology import _node_counts

    snap = snapshot([node(f"n{i}") for i in range(4)])
    web = Selector.of((("app", "web"),))

    def recount() -> list[int]:
        fresh = snapshot(snap.nodes, [(snap.nodes[i].name, p) for i, p in snap.pods()])
        return _node_counts(fresh, web, "default").tolist()

    held = _node_counts(snap, web, "default")
    for k in range(12):
        snap.add_pod(f"n{k % 4}", pod(f"w{k}", labels={"app": "web"} if k % 3 else {"app": "db"}))
        if k % 5 == 4:
            snap.remove_pod(f"default/w{k - 1}")
        assert _node_counts(snap, web, "default").tolist() == recount()
    assert held.tolist() == [0, 0, 0, 0]  # an array handed out earlier is never changed in place
    # A count older than the kept changes is recounted, not replayed from a gap.
    old = snapshot_module.CHANGES_KEPT
    snapshot_module.CHANGES_KEPT = 2
    try:
        for k in range(12, 20):
            snap.add_pod(f"n{k % 4}", pod(f"w{k}", labels={"app": "web"}))
        assert _node_counts(snap, web, "default").tolist() == recount()
    finally:
        snapshot_module.CHANGES_KEPT = old
