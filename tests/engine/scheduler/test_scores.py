"""Score plugins, DefaultNormalizeScore and the weighted total, with Go's integer arithmetic."""

import numpy as np

from kdsl.engine.scheduler.scores import (WEIGHTS, balanced_allocation, default_normalize, go_div, image_locality,
                                          least_allocated, node_affinity, score_nodes, taint_toleration, total_scores)
from kdsl.model.pods import Affinity, WeightedTerm
from tests.engine.scheduler.helpers import GI, MI, Taint, Toleration, node, pod, req, snapshot

ALL = np.arange(3)


def test_default_weights_sum_to_twelve_in_the_profile_order():
    assert dict(WEIGHTS) == {"TaintToleration": 3, "NodeAffinity": 2, "NodeResourcesFit": 1, "PodTopologySpread": 2,
                             "InterPodAffinity": 2, "NodeResourcesBalancedAllocation": 1, "ImageLocality": 1}
    assert sum(w for _, w in WEIGHTS) == 12


def test_default_normalize_scales_to_the_maximum_and_reverses():
    s = np.array([0, 1, 3])
    assert default_normalize(s, reverse=False).tolist() == [0, 33, 100]
    assert default_normalize(s, reverse=True).tolist() == [100, 67, 0]
    assert default_normalize(np.zeros(2, dtype=np.int64), reverse=True).tolist() == [100, 100]
    assert default_normalize(np.zeros(2, dtype=np.int64), reverse=False).tolist() == [0, 0]


def test_go_division_truncates_toward_zero():
    assert go_div(np.array([-7, 7, -6]), 2).tolist() == [-3, 3, -3]


def test_least_allocated_skips_resources_without_allocatable_and_zeroes_overcommit():
    snap = snapshot([node("a", cpu=1000, memory=0), node("b", cpu=1000, memory=GI), node("c", cpu=50, memory=GI)])
    p = pod("p", cpu=None, memory=512 * MI)
    # a: only cpu counts, (1000 − 100)·100/1000; b: (90 + 50)/2; c: 100m > 50m scores 0 for cpu
    assert least_allocated(p, snap, ALL).tolist() == [90, 70, 25]


def test_balanced_allocation_caps_fractions_and_skips_best_effort_pods():
    snap = snapshot([node("a", cpu=1000, memory=GI), node("b", cpu=1000, memory=GI), node("c", cpu=1000, memory=GI)],
                    [("b", pod("big", cpu=2000))])
    p = pod("p", cpu=500, memory=256 * MI)
    # a: |0.5 − 0.25|/2 = 0.125 → 87; b: cpu capped at 1 → |1 − 0.25|/2 → 62
    assert balanced_allocation(p, snap, ALL).tolist()[:2] == [87, 62]
    assert balanced_allocation(pod("be"), snap, ALL).tolist() == [0, 0, 0]


def test_taint_score_counts_untolerated_prefer_no_schedule_taints():
    soft = (Taint("a", "1", "PreferNoSchedule"), Taint("b", None, "PreferNoSchedule"), Taint("c", "1", "NoSchedule"))
    snap = snapshot([node("n1", taints=soft), node("n2", taints=soft[:1]), node("n3")])
    assert taint_toleration(pod("p"), snap, ALL).tolist() == [2, 1, 0]
    # a toleration with no effect tolerates PreferNoSchedule; one for NoSchedule does not
    p = pod("p", tolerations=(Toleration(key="a", operator="Exists"), Toleration(key="b", effect="NoSchedule",
                                                                                 operator="Exists")))
    assert taint_toleration(p, snap, ALL).tolist() == [1, 0, 0]


def test_node_affinity_score_skips_empty_terms():
    snap = snapshot([node("n1", labels={"zone": "a"}), node("n2"), node("n3")])
    terms = (WeightedTerm(weight=5, requirements=(req("zone", "In", "a"),)), WeightedTerm(weight=9))
    assert node_affinity(pod("p", affinity=Affinity(node_preferred=terms)), snap, ALL).tolist() == [5, 0, 0]


def test_image_locality_spreads_the_size_over_nodes_and_clamps_to_1000_mib():
    nodes = [node("n1", images=("big:1", "nginx")), node("n2", images=("big:1",)), node("n3")]
    snap = snapshot(nodes, image_sizes={"big:1": 3000 * MI, "nginx:latest": 60 * MI})
    # big: 3000 MiB · 2/3 = 2000 MiB → clamped to 1000 MiB → 100 on n1 and n2
    assert image_locality(pod("p", image="big:1"), snap, ALL).tolist() == [100, 100, 0]
    # nginx (untagged means latest): 60 MiB · 1/3 = 20 MiB < 23 MiB → 0
    assert image_locality(pod("p", image="nginx:latest"), snap, ALL).tolist() == [0, 0, 0]
    both = pod("p", images=("big:1", "nginx"))
    assert image_locality(both, snap, ALL).tolist() == [100, 100, 0]


def test_image_locality_counts_init_containers_and_bounds_by_1000_mib_a_container():
    from kdsl.model.pods import Container
    snap = snapshot([node("n1", images=("big:1", "tools:1")), node("n2")],
                    image_sizes={"big:1": 1200 * MI, "tools:1": 600 * MI})
    # one container: 1200 · 1/2 = 600 MiB of at most 1000 → (600 − 23)·100/977 = 59
    assert image_locality(pod("p", image="big:1"), snap, ALL[:2]).tolist() == [59, 0]
    # two app containers: 900 MiB of at most 2000 → (900 − 23)·100/1977 = 44
    assert image_locality(pod("p", images=("big:1", "tools:1")), snap, ALL[:2]).tolist() == [44, 0]
    # the init container's image counts too, and raises the bound the same way
    init = pod("p", image="big:1", init_containers=(Container(name="i", image="tools:1"),))
    assert image_locality(init, snap, ALL[:2]).tolist() == [44, 0]


def test_default_image_size_applies_to_unknown_images():
    snap = snapshot([node("n1", images=("x:1",))], default_image_size=500 * MI)
    assert image_locality(pod("p", image="x:1"), snap, np.arange(1)).tolist() == [48]  # (500 − 23)·100/977


def test_total_is_the_weighted_sum_of_normalized_scores():
    snap = snapshot([node("n1", taints=(Taint("a", "1", "PreferNoSchedule"),)), node("n2"), node("n3")])
    scores = score_nodes(pod("p", cpu=1000, memory=GI), snap, ALL)
    assert [s.plugin for s in scores] == [name for name, _ in WEIGHTS]
    expected = sum(s.normalized * s.weight for s in scores)
    assert total_scores(scores).tolist() == expected.tolist()
    assert scores[0].weighted.tolist() == [0, 300, 300]
