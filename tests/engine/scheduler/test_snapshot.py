"""The snapshot and the pod facts it indexes: requests, arrays, label lookups, incremental updates."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kdsl.engine.objects import ApiObject, Meta, OwnerRef, PodStatus
from kdsl.engine.scheduler import PodInfo, Snapshot
from kdsl.engine.scheduler.podinfo import DEFAULT_MEMORY, normalized_image, pod_requests
from kdsl.engine.scheduler.snapshot import CPU, MEMORY, PODS
from kdsl.model.base import Selector
from kdsl.model.pods import Container, PodTemplate, Resources
from kdsl.model.workloads import Pod
from tests.engine.scheduler.helpers import GI, MI, Taint, node, pod, req, snapshot


def _c(name, cpu=None, memory=None, sidecar=False):
    return Container(name=name, image="x:1", requests=Resources(cpu=cpu, memory=memory),
                     restart_policy="Always" if sidecar else None)


def test_pod_request_is_the_larger_of_the_containers_sum_and_the_biggest_init_container():
    # computePodResourceRequest's own example: init 2/1G and 2/3G, containers 2/1G and 1/1G → 3 cpu, 3G.
    tpl = PodTemplate(init_containers=(_c("i1", 2000, 1 * GI), _c("i2", 2000, 3 * GI)),
                      containers=(_c("a", 2000, 1 * GI), _c("b", 1000, 1 * GI)))
    assert pod_requests(tpl) == (3000, 3 * GI, 0)


def test_sidecars_add_to_the_containers_and_run_beside_later_init_containers():
    tpl = PodTemplate(init_containers=(_c("side", 500, 0, sidecar=True), _c("init", 1000, 0)),
                      containers=(_c("a", 200, 0),))
    # running: 200 + sidecar 500 = 700; init step: 1000 + the earlier sidecar 500 = 1500
    assert pod_requests(tpl)[0] == 1500


def test_non_zero_requests_default_missing_cpu_and_memory_only():
    tpl = PodTemplate(containers=(_c("a"), _c("b", cpu=0, memory=64 * MI)))
    assert pod_requests(tpl) == (0, 64 * MI, 0)
    # a missing request counts 100m / 200Mi; an explicit 0 stays 0 (NonMissingContainerRequests)
    assert pod_requests(tpl, non_zero=True) == (100, DEFAULT_MEMORY + 64 * MI, 0)


def test_image_names_without_a_tag_mean_latest():
    assert normalized_image("nginx") == "nginx:latest"
    assert normalized_image("registry:5000/shop/api") == "registry:5000/shop/api:latest"
    assert normalized_image("nginx:1.25") == "nginx:1.25"


def test_pod_info_of_an_api_object_reads_meta_status_and_owner():
    tpl = PodTemplate(labels=(("app", "web"),), containers=(_c("a", 100, 0),), priority=7)
    model = Pod(name="web-1", namespace="shop", template=tpl)
    meta = Meta(name="web-1", namespace="shop",
                labels=(("app", "web"), ("statefulset.kubernetes.io/pod-name", "web-1")),
                owners=(OwnerRef(kind="StatefulSet", name="web", uid="u1"),), deletion_ms=5)
    obj = ApiObject(kind="Pod", meta=meta, spec=model, status=PodStatus(start_ms=1000, nominated_node="n2"))
    info = PodInfo.of(obj)
    assert (info.key, info.priority, info.start_ms, info.nominated_node, info.terminating) == \
           ("shop/web-1", 7, 1000, "n2", True)
    assert info.spread_selector == Selector.of({"app": "web"})  # the per-pod label is left out
    assert PodInfo.of(model).spread_selector is None  # a bare pod is not spread by default
    assert PodInfo.of(info) is info


def test_nodes_are_sorted_by_name_and_arrays_hold_allocatable_and_requests():
    snap = snapshot([node("b", cpu=2000), node("a", cpu=1000, pods=3)],
                    [("a", pod("p1", cpu=250, memory=GI)), ("a", pod("p2"))])
    assert snap.names == ["a", "b"]
    assert snap.alloc[:, CPU].tolist() == [1000, 2000] and snap.alloc[0, PODS] == 3
    assert snap.requested[0, :2].tolist() == [250, GI]
    assert snap.non_zero[0].tolist() == [350, GI + DEFAULT_MEMORY]
    assert snap.pod_count.tolist() == [2, 0]
    assert snap.node_of("default/p1") == "a"


def test_add_and_remove_are_incremental_and_exact_inverses():
    snap = snapshot([node("a"), node("b")])
    before = (snap.requested.copy(), snap.non_zero.copy(), snap.pod_count.copy())
    p = pod("web", cpu=500, memory=GI, labels={"app": "web"}, host_ports=(8080,))
    snap.add_pod("b", p)
    assert snap.ports == {("TCP", 8080): {1: 1}}
    assert [x.key for x in snap.select(Selector.of({"app": "web"}))] == ["default/web"]
    with pytest.raises(ValueError, match="already on node b"):
        snap.add_pod("a", p)
    assert snap.remove_pod("default/web") == ("b", p)
    assert all(np.array_equal(x, y) for x, y in zip(before, (snap.requested, snap.non_zero, snap.pod_count)))
    assert not snap.ports and not snap.by_label and not snap.where


@given(st.lists(st.tuples(st.integers(0, 2), st.sampled_from([None, 0, 250, 4000]), st.sampled_from([None, 0, GI]),
                          st.sampled_from([None, 0, GI]), st.booleans()), max_size=12))
def test_totals_kept_through_adds_and_removes_are_the_bound_pods_sums(steps):
    nodes = [node("a"), node("b"), node("c")]
    snap, bound = snapshot(nodes), {}
    for k, (at, cpu, memory, ephemeral, remove) in enumerate(steps):
        if remove and bound:
            del bound[snap.remove_pod(min(bound))[1].key]
            continue
        tpl = PodTemplate(containers=(Container(name="c", image="x:1", requests=Resources(
            cpu=cpu, memory=memory, ephemeral_storage=ephemeral)),))
        info = snap.add_pod("abc"[at], PodInfo.build(name=f"p{k}", template=tpl))
        bound[info.key] = ("abc"[at], info)
    # the sums of the bound pods' facts, made here (a fresh snapshot would add them as the kept one does)
    on = [[info for at, info in bound.values() if at == name] for name in "abc"]
    assert snap.requested.tolist() == [[sum(p.requests[r] for p in ps) for r in range(3)] for ps in on]
    assert snap.non_zero.tolist() == [[sum(p.non_zero[r] for p in ps) for r in range(2)] for ps in on]
    assert snap.pod_count.tolist() == [len(ps) for ps in on]
    assert snap.requested.dtype == snap.non_zero.dtype == snap.pod_count.dtype == np.int64


def test_select_uses_namespaces_and_every_kind_of_requirement():
    snap = snapshot([node("a")], [("a", pod("w1", labels={"app": "web", "tier": "1"})),
                                  ("a", pod("w2", labels={"app": "web"}, namespace="shop")),
                                  ("a", pod("db", labels={"app": "db"}))])
    keys = lambda sel, ns=None: sorted(p.key for p in snap.select(sel, ns))  # noqa: E731
    assert keys(Selector.of({"app": "web"})) == ["default/w1", "shop/w2"]
    assert keys(Selector.of({"app": "web"}), ["shop"]) == ["shop/w2"]
    assert keys(Selector((), (req("tier", "Exists"),))) == ["default/w1"]
    assert keys(Selector(), ["default"]) == ["default/db", "default/w1"]


def test_requirement_masks_cover_in_notin_exists_and_numeric_comparisons():
    snap = snapshot([node("a", labels={"gen": "3", "zone": "x"}), node("b", labels={"gen": "5"}), node("c")])
    mask = lambda *r: snap.requirement_mask(req(*r)).tolist()  # noqa: E731
    assert mask("zone", "In", "x", "y") == [True, False, False]
    assert mask("zone", "NotIn", "x") == [False, True, True]  # a missing label is not in the set
    assert mask("gen", "Exists") == [True, True, False]
    assert mask("gen", "DoesNotExist") == [False, False, True]
    assert mask("gen", "Gt", "4") == [False, True, False]
    assert mask("gen", "Lt", "4") == [True, False, False]


def test_update_node_and_with_nodes_keep_the_pods():
    snap = snapshot([node("a"), node("b")], [("a", pod("p", cpu=100))])
    snap.update_node(node("a", labels={"disk": "ssd"}, taints=(Taint("k", "v", "NoSchedule"),)))
    assert snap.nodes_with("disk", "ssd").tolist() == [0]
    assert list(snap.node_index.hard_taints) == [Taint("k", "v", "NoSchedule")]
    assert snap.requested[0, CPU] == 100
    smaller = snap.with_nodes([node("a"), node("c")])
    assert smaller.names == ["a", "c"] and smaller.node_of("default/p") == "a"
    assert smaller.requested[:, MEMORY].tolist() == [0, 0]
    assert isinstance(smaller, Snapshot) and snap.names == ["a", "b"]


def test_remove_pod_takes_the_api_object_or_its_key():
    obj = ApiObject(kind="Pod", meta=Meta(name="p", namespace="shop"),
                    spec=Pod(name="p", namespace="shop", template=PodTemplate(containers=(_c("a", 100),))))
    snap = snapshot([node("a")], [("a", obj)])
    assert snap.remove_pod(obj)[0] == "a" and not snap.where
    snap.add_pod("a", obj)
    assert snap.remove_pod("shop/p")[1].requests == (100, 0, 0)


def test_update_node_with_the_same_scheduling_facts_keeps_the_indexes():
    snap = snapshot([node("a", labels={"zone": "x"})])
    snap.has_key("zone")
    assert snap.node_index.cache
    snap.update_node(node("a", labels={"zone": "x"}, cpu=2000))  # allocatable only: the arrays change
    assert snap.node_index.cache and snap.alloc[0, CPU] == 2000
    snap.update_node(node("a", labels={"zone": "y"}))
    assert not snap.node_index.cache and snap.nodes_with("zone", "y").tolist() == [0]
