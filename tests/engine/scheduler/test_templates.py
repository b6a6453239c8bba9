"""Hypothesis: the template states (kept across cycles, updated per bind) choose exactly what the general
search and node_totals choose — the same node, start index, counts, totals and messages — on random
clusters, through binds, deletions, preemption and node changes."""

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdsl.engine.scheduler import PodInfo, fit_state, schedule, templates
from kdsl.engine.scheduler.snapshot import Snapshot
from kdsl.model.base import FieldRequirement, Requirement, Selector
from kdsl.model.pods import (Affinity, Container, PodTemplate, Resources, SpreadConstraint, Toleration,
                             WeightedTerm)
from tests.engine.scheduler.helpers import GI, MI, Taint, node

HOST, ZONE = "kubernetes.io/hostname", "topology.kubernetes.io/zone"
TAINTS = [Taint("t", "1", "NoSchedule"), Taint("s", None, "PreferNoSchedule"), Taint("u", "x", "PreferNoSchedule")]


@st.composite
def cluster_nodes(draw):
    nodes = []
    zones = draw(st.sampled_from([[None], ["a", "b", "c"], ["a", None, ""], ["a"]]))
    roomy = draw(st.booleans())  # every node fits most pods: the window is the next nodes in order
    for i in range(draw(st.integers(100, 150))):
        labels = {} if draw(st.integers(0, 20)) == 0 else {HOST: f"n{i:03}"}
        zone = draw(st.sampled_from(zones))
        if zone is not None:
            labels[ZONE] = zone
        if draw(st.booleans()):
            labels["disk"] = draw(st.sampled_from(["ssd", "hdd"]))
        if roomy:
            nodes.append(node(f"n{i:03}", cpu=draw(st.sampled_from([8000, 16000])), memory=16 * GI, pods=3,
                              labels=labels, images=draw(st.sampled_from([(), ("web:1",)]))))
            continue
        nodes.append(node(f"n{i:03}", cpu=draw(st.sampled_from([0, 500, 2000, 4000])),
                          memory=draw(st.sampled_from([0, GI, 4 * GI, 16 * GI])), pods=draw(st.integers(0, 6)),
                          labels=labels, taints=draw(st.lists(st.sampled_from(TAINTS), max_size=2, unique=True)),
                          unschedulable=draw(st.integers(0, 15)) == 0,
                          images=draw(st.sampled_from([(), ("web:1",), ("web:1", "db:2")]))))
    return nodes


@st.composite
def template(draw, k):
    """One pod template: requests, images, tolerations, node selection, spreading, as Deployments vary them."""
    cpu = draw(st.sampled_from([None, 0, 100, 700, 1500]))
    memory = draw(st.sampled_from([None, 0, 128 * MI, GI]))
    image = draw(st.sampled_from(["web:1", "db:2", "other:3"]))
    labels = (("app", f"a{k % 2}"),)
    spread = ()
    if draw(st.integers(0, 3)) == 0:
        spread = tuple(SpreadConstraint(topology_key=key, max_skew=draw(st.integers(1, 3)),
                                        when_unsatisfiable="ScheduleAnyway")
                       for key in draw(st.lists(st.sampled_from([HOST, ZONE, "disk"]), min_size=1, max_size=2,
                                                unique=True)))
    preferred = ()
    if draw(st.integers(0, 3)) == 0:
        preferred = (WeightedTerm(weight=draw(st.integers(1, 100)),
                                  requirements=(Requirement("disk", "In", ("ssd",)),)),)
    required = ()
    if draw(st.integers(0, 5)) == 0:
        required = ((Requirement("disk", "Exists", ()),),)
    elif draw(st.integers(0, 5)) == 0:  # a DaemonSet pod: pinned to nodes by name
        required = ((FieldRequirement("metadata.name", "In", tuple(draw(st.lists(
            st.sampled_from([f"n{i:03}" for i in range(160)]), min_size=1, max_size=3)))),),)
    tolerations = draw(st.sampled_from([(), (Toleration(key="t", operator="Exists"),),
                                        (Toleration(effect="PreferNoSchedule", operator="Exists"),)]))
    tpl = PodTemplate(labels=labels, containers=(Container(name="c", image=image,
                                                           requests=Resources(cpu=cpu, memory=memory)),),
                      node_selector=(("disk", "ssd"),) if draw(st.integers(0, 6)) == 0 else (),
                      tolerations=tolerations, spread=spread,
                      affinity=Affinity(node_required=required, node_preferred=preferred))
    owned = draw(st.booleans())
    return tpl, owned, draw(st.integers(0, 2))


@st.composite
def runs(draw):
    nodes = draw(cluster_nodes())
    shapes = [draw(template(k)) for k in range(draw(st.integers(1, 4)))]
    steps = draw(st.lists(st.tuples(st.integers(0, len(shapes) - 1), st.integers(0, 12)), min_size=5, max_size=40))
    return nodes, shapes, steps, draw(st.integers(0, 2**32)), draw(st.sampled_from([0, 10, 50]))


def _play(nodes, shapes, steps, seed, percentage, fast: bool):
    """Schedule the pods in order, binding each chosen one; some steps delete a pod or change a node."""
    with pytest.MonkeyPatch.context() as m:
        if not fast:
            m.setattr(templates, "eligible", lambda *a: False)
            m.setattr(templates, "node_names", lambda pod: None)
        snap = Snapshot.build(nodes)
        rng, start, bound, seen = random.Random(seed), 0, [], []
        for n, (shape, action) in enumerate(steps):
            tpl, owned, priority = shapes[shape]
            if action == 11 and bound:
                snap.remove_pod(bound.pop(rng.randrange(len(bound))))
            elif action == 12:
                i = rng.randrange(len(nodes))
                changed = node(nodes[i].name, cpu=8000, memory=8 * GI, pods=8, labels={"disk": "ssd"})
                nodes = nodes[:i] + [changed] + nodes[i + 1:]
                snap.update_node(changed)
            pod = PodInfo.build(name=f"p{n}", template=tpl, labels=dict(tpl.labels), priority=priority,
                                spread_selector=Selector.of(tpl.labels) if owned else None)
            r = schedule(pod, snap, rng, percentage, start_index=start)
            start = r.next_start_index
            # the RNG's state: the same ties drawn from, with the same draws
            seen.append((r.node, r.next_start_index, r.evaluated, r.feasible, r.totals, r.message,
                         r.nominated_node, [v.key for v in r.victims], rng.getstate()))
            if r.node is not None:
                snap.add_pod(r.node, pod)
                bound.append(pod.key)
        return seen


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(runs())
def test_template_states_choose_what_the_general_search_chooses(run):
    nodes, shapes, steps, seed, percentage = run
    assert _play(nodes, shapes, steps, seed, percentage, True) == \
        _play(nodes, shapes, steps, seed, percentage, False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cluster_nodes(), st.lists(st.tuples(st.integers(0, 2), st.integers(0, 150)), max_size=60))
def test_a_state_replaying_binds_equals_one_built_afresh(nodes, binds):
    """After any binds and deletions, a state kept current by replay holds the arrays a new one computes."""
    snap = Snapshot.build(nodes)
    tpl = PodTemplate(labels=(("app", "a"),), containers=(
        Container(name="c", image="web:1", requests=Resources(cpu=300, memory=256 * MI)),))
    owned = PodInfo.build(name="x", template=tpl, labels={"app": "a"}, spread_selector=Selector.of(tpl.labels))
    kept = templates.of(snap).state(owned, snap)
    kept.spread.normalized(np.arange(len(snap), dtype=np.int64))
    pods = []
    for k, (op, where) in enumerate(binds):
        if op == 2 and pods:
            snap.remove_pod(pods.pop(where % len(pods)))
        else:
            p = PodInfo.build(name=f"p{k}", template=tpl, labels={"app": "a" if op else "b"})
            snap.add_pod(snap.nodes[where % len(snap)].name, p)
            pods.append(p.key)
        templates.of(snap).state(owned, snap)
    fresh = templates.TemplateState(owned, snap)
    fresh.spread.normalized(np.arange(len(snap), dtype=np.int64))
    assert np.array_equal(kept.ok, fresh.ok) and np.array_equal(kept.fit.base, fresh.fit.base)
    # a state synced after each bind keeps its scores' sum (a fresh one makes it at its next cycle)
    assert (kept.fixed is not None) == bool(binds) and fresh.fixed is None
    # both kept twice over (a window that wraps is a slice), the copies equal
    assert not binds or np.array_equal(kept.fixed, np.tile(fresh.fit.base + fresh.image, 2))
    assert kept.feasible == fresh.feasible
    assert np.array_equal(kept.spread.raw, fresh.spread.raw)
    assert np.array_equal(kept.spread.raw[:len(snap)], kept.spread.raw[len(snap):])
    assert all(np.array_equal(a, b) for a, b in zip(kept.spread.counts.values(), fresh.spread.counts.values()))
    # the domain sums a bind updates: those of a key some node carries (a key none carries is read by nothing)
    spread = kept.spread
    live = [s is not None and bool(h.any()) for s, h in zip(spread.sums, spread.has)]
    assert spread.live is None or spread.live == live
    assert all(np.array_equal(a, b) for a, b, x in zip(spread.sums, fresh.spread.sums, live) if x)
    if binds:  # the replay's one-node score (its terms: the constraints some node carries) is the arrays' score
        every = np.arange(len(snap), dtype=np.int64)
        assert [spread._raw_one(i, spread.weights) for i in range(len(snap))] == \
            spread._raw(every, spread.weights).tolist()
        assert [k for k, c in enumerate(spread.cons) if spread.has_lists[k] and any(spread.has_lists[k])] == \
            [t[0] for t in spread.terms]
        assert len(spread.walk) == live.count(True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cluster_nodes(), st.sampled_from([(300, 256 * MI), (0, 0), (1500, GI), (None, None)]),
       st.lists(st.lists(st.tuples(st.booleans(), st.integers(0, 150)), max_size=90), max_size=6))
def test_a_fit_replaying_any_number_of_changes_equals_one_built_afresh(nodes, size, batches):
    """A Fit synced after each batch of binds and deletions (one node, a few, dozens by arrays, half the nodes
    or more rebuilt) holds the verdicts and scores a new one computes."""
    snap = Snapshot.build(nodes)
    tpl = PodTemplate(containers=(Container(name="c", image="web:1", requests=Resources(cpu=size[0],
                                                                                        memory=size[1])),))
    pod = PodInfo.build(name="x", template=tpl)
    kept = fit_state.Fit(pod, snap)
    pods, k = [], 0
    for batch in batches:
        for add, where in batch:
            if not add and pods:
                snap.remove_pod(pods.pop(where % len(pods)))
            else:
                p = PodInfo.build(name=f"p{k}", template=tpl)
                k += 1
                snap.add_pod(snap.nodes[where % len(snap)].name, p)
                pods.append(p.key)
        kept.sync(snap)
        fresh = fit_state.Fit(pod, snap)
        assert np.array_equal(kept.ok, fresh.ok) and np.array_equal(kept.base, fresh.base)
        assert kept.feasible == fresh.feasible


@pytest.mark.parametrize("required, names", [
    ((), None),
    (((FieldRequirement("metadata.name", "In", ("a", "b")),),), {"a", "b"}),
    (((FieldRequirement("metadata.name", "In", ("a", "b")), FieldRequirement("metadata.name", "In", ("b",))),),
     {"b"}),
    (((FieldRequirement("metadata.name", "In", ("a",)),), (FieldRequirement("metadata.name", "In", ("c",)),)),
     {"a", "c"}),
    (((FieldRequirement("metadata.name", "In", ("a",)),), (Requirement("disk", "Exists", ()),)), None),
    (((FieldRequirement("metadata.name", "NotIn", ("a",)),),), None),
])
def test_node_names_is_node_affinitys_prefilter_result(required, names):
    pod = PodInfo.build(name="p", template=PodTemplate(affinity=Affinity(node_required=required)))
    assert templates.node_names(pod) == (None if names is None else frozenset(names))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(100, 140), st.integers(0, 2**32), st.lists(st.integers(0, 139), min_size=1, max_size=30),
       st.booleans())
def test_totals_over_a_window_slice_are_those_over_its_nodes(n, seed, starts, owned):
    """Every node feasible: the totals taken through a slice of the window equal those gathered node by node,
    and a cycle's totals stay as they were when a later bind changes the nodes they were taken from."""
    nodes = [node(f"n{i:03}", cpu=8000, memory=16 * GI, pods=20, labels={HOST: f"n{i:03}"}) for i in range(n)]
    snap = Snapshot.build(nodes)
    tpl = PodTemplate(labels=(("app", "a"),), containers=(
        Container(name="c", image="web:1", requests=Resources(cpu=100, memory=128 * MI)),))
    rng = random.Random(seed)
    for k, start in enumerate(starts):
        pod = PodInfo.build(name=f"p{k}", template=tpl, labels={"app": "a"},
                            spread_selector=Selector.of(tpl.labels) if owned else None)
        state = templates.of(snap).state(pod, snap)
        assert state.feasible == n and (state.spread is None) != owned
        start %= n
        feasible, _ = state.window(start, min(n, 40 + start % 50))
        sliced = state.totals(feasible, start)
        gathered = state.totals(feasible)
        assert sliced.tolist() == gathered.tolist()
        kept = sliced.copy()
        snap.add_pod(snap.nodes[int(feasible[rng.randrange(len(feasible))])].name, pod)
        templates.of(snap).state(pod, snap)
        assert sliced.tolist() == kept.tolist()
