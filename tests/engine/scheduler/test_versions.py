"""The FitError as each Kubernetes version words it: 1.33 (kdsl's default) and 1.34 (DynamicResources' PostFilter,
taints left unnamed, requests beyond a node's allocatable unresolvable)."""

import random

import attrs
import pytest

from kdsl.engine.scheduler import VolumeBinding, schedule
from kdsl.engine.scheduler.messages import postfilter_message
from kdsl.engine.scheduler.snapshot import minor
from tests.engine.scheduler.helpers import Taint, node, pod, snapshot

UNBOUND = "pod has unbound immediate PersistentVolumeClaims"
NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"


def message(p, nodes, version, bound=(), **kw):
    return schedule(p, snapshot(nodes, bound, version=version), random.Random(0), **kw).message


def test_minor_reads_the_version():
    assert (minor("1.33"), minor("1.34")) == (33, 34)


@pytest.mark.parametrize("version, tail", [
    ("1.33", f"preemption: 0/2 nodes are available: 2 {NO_VICTIMS}."),
    ("1.34", f"no new claims to deallocate, preemption: 0/2 nodes are available: 2 {NO_VICTIMS}."),
])
def test_dynamic_resources_speaks_first_from_1_34(version, tail):
    nodes = [node("n1", cpu=2000), node("n2", cpu=2000)]
    bound = [("n1", pod("a", cpu=1500)), ("n2", pod("b", cpu=1500))]
    assert message(pod("p", cpu=1000), nodes, version, bound) == f"0/2 nodes are available: 2 Insufficient cpu. {tail}"


@pytest.mark.parametrize("version, tail", [
    ("1.33", f"preemption: 0/3 nodes are available: 3 {NO_VICTIMS}."),
    ("1.34", f"no new claims to deallocate, preemption: 0/3 nodes are available: 3 {NOT_HELPFUL}."),
])
def test_a_request_beyond_allocatable_is_unresolvable_from_1_34(version, tail):
    nodes = [node("n1", cpu=1000), node("n2", cpu=2000), node("n3", cpu=8000)]
    assert message(pod("p", cpu=16000), nodes, version) == f"0/3 nodes are available: 3 Insufficient cpu. {tail}"


def test_too_many_pods_stays_resolvable_in_1_34():
    nodes = [node("tiny", pods=1)]
    got = message(pod("p", cpu=10), nodes, "1.34", [("tiny", pod("one", cpu=10))])
    assert got.endswith(f"preemption: 0/1 nodes are available: 1 {NO_VICTIMS}.")


def test_a_prefilter_rejection_leaves_dynamic_resources_without_state_in_1_34():
    hook = VolumeBinding(prefilter=lambda p: UNBOUND)
    nodes = [node("n1"), node("n2")]
    assert message(pod("p"), nodes, "1.34", volumes=hook) == f"0/2 nodes are available: {UNBOUND}. not found"
    assert message(pod("p"), nodes, "1.33", volumes=hook) == \
        f"0/2 nodes are available: {UNBOUND}. preemption: 0/2 nodes are available: 2 {NOT_HELPFUL}."


@pytest.mark.parametrize("version, reasons", [
    ("1.33", "1 node(s) had untolerated taint {dedicated: db}, 1 node(s) had untolerated taint {gpu: }"),
    ("1.34", "2 node(s) had untolerated taint(s)"),
])
def test_untolerated_taints_are_named_until_1_34(version, reasons):
    nodes = [node("n1", taints=[Taint("dedicated", "db", "NoSchedule")]),
             node("n2", taints=[Taint("gpu", None, "NoExecute")])]
    assert message(pod("p"), nodes, version).startswith(f"0/2 nodes are available: {reasons}. ")


def test_preemption_policy_never_after_dynamic_resources():
    never = attrs.evolve(pod("p", cpu=1000, priority=10), preemption_policy="Never")
    nodes = [node("n1", cpu=1000)]
    got = message(never, nodes, "1.34", [("n1", pod("a", cpu=1000))])
    assert got == ("0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, "
                   "preemption: not eligible due to preemptionPolicy=Never.")


def test_a_nominating_preemption_leaves_no_tail():
    assert postfilter_message("1.34", "") == postfilter_message("1.33", "") == ""
    nodes = [node("n1", cpu=1000)]
    r = schedule(pod("p", cpu=1000, priority=10), snapshot(nodes, [("n1", pod("a", cpu=1000))], version="1.34"),
                 random.Random(0))
    assert (r.nominated_node, r.message) == ("n1", "0/1 nodes are available: 1 Insufficient cpu.")


def test_the_version_survives_a_change_of_nodes():
    snap = snapshot([node("n1")], version="1.34")
    assert snap.with_nodes([node("n1"), node("n2")]).version == "1.34"
