"""Hypothesis: filters and scores are deterministic, and the vectorised NodeResourcesFit agrees with a
plain per-node implementation of fitsRequest."""

import random

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kdsl.engine.scheduler import PodInfo, explain, schedule
from kdsl.engine.scheduler.filters import node_resources_fit, run_filters
from kdsl.engine.scheduler.preemption import select_victims
from kdsl.engine.scheduler.scores import score_nodes
from kdsl.model.base import Selector
from kdsl.model.pods import Affinity, Container, PodAffinityTerm, PodTemplate, Resources, SpreadConstraint
from tests.engine.scheduler.helpers import GI, MI, Taint, node, snapshot

CPUS = st.sampled_from([None, 0, 100, 700, 2000])
MEMS = st.sampled_from([None, 0, 256 * MI, 2 * GI])
EPHEMERAL = st.sampled_from([None, 0, GI])


@st.composite
def containers(draw, prefix):
    return tuple(Container(name=f"{prefix}{i}", image="x:1",
                           requests=Resources(cpu=draw(CPUS), memory=draw(MEMS), ephemeral_storage=draw(EPHEMERAL)))
                 for i in range(draw(st.integers(1, 2))))


@st.composite
def pods(draw, name):
    labels = (("app", draw(st.sampled_from(["web", "db"]))),)
    spread = ()
    if draw(st.booleans()):
        spread = (SpreadConstraint(topology_key="zone", max_skew=draw(st.integers(1, 2)),
                                   when_unsatisfiable=draw(st.sampled_from(["DoNotSchedule", "ScheduleAnyway"]))),)
    affinity = Affinity()
    if draw(st.booleans()):
        affinity = Affinity(anti_required=(PodAffinityTerm(selector=Selector.of(labels),
                                                           topology_key="kubernetes.io/hostname"),))
    tpl = PodTemplate(labels=labels, containers=draw(containers("c")),
                      init_containers=draw(st.one_of(st.just(()), containers("i"))), spread=spread, affinity=affinity)
    owned = draw(st.booleans())
    return PodInfo.build(name=name, template=tpl, priority=draw(st.integers(0, 3)),
                         spread_selector=Selector.of(labels) if owned else None)


@st.composite
def clusters(draw):
    nodes = []
    for i in range(draw(st.integers(1, 6))):
        zone = draw(st.sampled_from([None, "a", "b"]))
        taints = draw(st.lists(st.sampled_from([Taint("t", "1", "NoSchedule"), Taint("s", None, "PreferNoSchedule")]),
                               max_size=2, unique=True))
        nodes.append(node(f"n{i}", cpu=draw(st.sampled_from([0, 500, 1000, 4000])),
                          memory=draw(st.sampled_from([0, GI, 4 * GI])), pods=draw(st.integers(0, 4)),
                          labels={"zone": zone} if zone else {}, taints=taints))
    bound = [(f"n{draw(st.integers(0, len(nodes) - 1))}", draw(pods(f"b{k}"))) for k in range(draw(st.integers(0, 8)))]
    return nodes, bound, draw(pods("new"))


def _request(tpl):
    """max(Σ containers, each init container) per resource, written out plainly."""
    def vec(c):
        r = c.requests
        return [r.cpu or 0, r.memory or 0, r.ephemeral_storage or 0]
    total = [sum(v) for v in zip(*(vec(c) for c in tpl.containers))]
    for c in tpl.init_containers:
        total = [max(a, b) for a, b in zip(total, vec(c))]
    return total


def plain_fit(pod, node_model, bound):
    """fitsRequest for one node, from the model objects alone."""
    on = [p for n, p in bound if n == node_model.name]
    reasons = []
    if len(on) + 1 > node_model.pods:
        reasons.append("Too many pods")
    want = _request(pod.template)
    if any(want):
        used = [sum(x) for x in zip(*(_request(p.template) for p in on))] if on else [0, 0, 0]
        allocatable = [node_model.cpu, node_model.memory, None]
        for r, name in enumerate(("cpu", "memory", "ephemeral-storage")):
            if allocatable[r] is None:
                continue  # kdsl nodes report no ephemeral storage: not checked
            if want[r] > 0 and want[r] > allocatable[r] - used[r]:
                reasons.append(f"Insufficient {name}")
    return tuple(reasons)


@given(clusters())
def test_vectorised_fit_agrees_with_a_plain_per_node_implementation(cluster):
    nodes, bound, new = cluster
    snap = snapshot(nodes, bound)
    check = node_resources_fit(new, snap, np.arange(len(snap)))
    for k, model in enumerate(sorted(nodes, key=lambda n: n.name)):
        expected = plain_fit(new, model, bound)
        assert bool(check.failed[k]) == bool(expected)
        if expected:
            assert check.verdict(k).reasons == expected


def _outcome(nodes, bound, new, seed):
    snap = snapshot(nodes, bound)
    f = run_filters(new, snap)
    verdicts = f.verdicts()
    scores = [(s.plugin, s.raw.tolist(), s.normalized.tolist()) for s in score_nodes(new, snap, f.feasible)] \
        if len(f.feasible) else []
    r = schedule(new, snap, random.Random(seed))
    choice = (r.node, r.message, r.nominated_node, [v.key for v in r.victims])
    return verdicts, scores, choice, explain(new, snap).rows()


@given(clusters(), st.integers(0, 2**32))
def test_filters_scores_and_choice_are_deterministic(cluster, seed):
    nodes, bound, new = cluster
    assert _outcome(nodes, bound, new, seed) == _outcome(list(reversed(nodes)), bound, new, seed)


@given(clusters(), st.integers(0, 2**32))
def test_the_chosen_node_has_the_best_total(cluster, seed):
    nodes, bound, new = cluster
    snap = snapshot(nodes, bound)
    r = schedule(new, snap, random.Random(seed), preemption=False)
    e = explain(new, snap)
    assert (r.node is None) == (e.message is not None)
    if r.node is not None:
        assert r.node in e.best


@given(clusters())
def test_add_then_remove_restores_every_array(cluster):
    nodes, bound, new = cluster
    snap = snapshot(nodes, bound)
    before = [a.copy() for a in (snap.requested, snap.non_zero, snap.pod_count)]
    snap.add_pod(nodes[0].name, new)
    snap.remove_pod(new.key)
    assert all(np.array_equal(a, b) for a, b in zip(before, (snap.requested, snap.non_zero, snap.pod_count)))


@given(clusters())
def test_preemptions_resource_shortcut_agrees_with_running_the_filters(cluster):
    nodes, bound, new = cluster
    snap = snapshot(nodes, bound)
    for node_index, verdict in run_filters(new, snap).verdicts():
        if verdict.plugin == "NodeResourcesFit":
            assert select_victims(new, snap, node_index, failure=verdict) == select_victims(new, snap, node_index)
