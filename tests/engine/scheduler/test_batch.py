"""Hypothesis: a template's pods scheduled through its Batch choose what `schedule` chooses for each (node, start index,
counts, totals, ties, messages, RNG state), through runs of one template's pods broken by other templates' pods,
deletions, node changes, a new snapshot, an affinity pod, a nomination and a volume hook."""

import random

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdsl.engine.scheduler import PodInfo, VolumeBinding, batch, schedule
from kdsl.engine.scheduler.snapshot import Snapshot
from kdsl.engine.scheduler.volume_binding import NONE
from kdsl.model.base import Selector
from kdsl.model.pods import Affinity, Container, PodAffinityTerm, PodTemplate
from tests.engine.scheduler.helpers import GI, node
from tests.engine.scheduler.test_templates import cluster_nodes, template

CHANGES = 10  # the actions below this, before a run's middle pod; the others change nothing
NOMINATED = VolumeBinding(prefilter=lambda pod: None)  # a hook of its own: not the batch's
# a bound pod that keeps the templates' pods (app: a0 or a1) off its node: no template state while it is there
AFFINE = PodTemplate(labels=(("app", "x"),), containers=(Container(name="c", image="web:1"),), affinity=Affinity(
    anti_required=tuple(PodAffinityTerm(topology_key="kubernetes.io/hostname", selector=Selector.of((("app", a),)))
                        for a in ("a0", "a1"))))


@st.composite
def runs(draw):
    nodes = draw(cluster_nodes())
    shapes = [draw(template(k)) for k in range(draw(st.integers(1, 3)))]
    steps = draw(st.lists(st.tuples(st.integers(0, len(shapes) - 1), st.integers(1, 12), st.integers(0, 2 * CHANGES)),
                          min_size=2, max_size=12))
    return nodes, shapes, steps, draw(st.integers(0, 2**32))


def _play(nodes, shapes, steps, seed, batched: bool):
    snap = Snapshot.build(nodes)
    rng, start, bound, seen = random.Random(seed), 0, [], []
    firsts: dict[int, PodInfo] = {}
    run = last = None
    n = 0
    for shape, count, action in steps:
        tpl, owned, priority = shapes[shape]
        for k in range(count):
            n += 1
            volumes = NONE
            nominated = None
            if k == count // 2:  # mid-run: what must end (or keep) a batch
                if action == 0 and bound:
                    snap.remove_pod(bound.pop(rng.randrange(len(bound))))
                elif action == 1:
                    i = rng.randrange(len(nodes))
                    changed = node(nodes[i].name, cpu=8000, memory=8 * GI, pods=8, labels={"disk": "ssd"})
                    nodes = nodes[:i] + [changed] + nodes[i + 1:]
                    snap.update_node(changed)
                elif action == 2:
                    snap = snap.with_nodes(nodes)
                elif action == 3:
                    snap.add_pod(nodes[rng.randrange(len(nodes))].name,
                                 PodInfo.build(name=f"aff{n}", template=AFFINE, labels={"app": "x"}))
                elif action == 4:
                    nominated = nodes[rng.randrange(len(nodes))].name
                elif action == 5:
                    volumes = NOMINATED
                elif action == 6:  # an unchanged node written again: the cache and the states stay
                    snap.update_node(nodes[rng.randrange(len(nodes))])
            first = firsts.get(shape)
            if first is None:
                pod = firsts[shape] = PodInfo.build(name=f"p{n}", template=tpl, labels=dict(tpl.labels),
                                                    priority=priority,
                                                    spread_selector=Selector.of(tpl.labels) if owned else None)
            else:  # a sibling: the template, labels, selector and container facts are the first pod's objects
                pod = attrs.evolve(first, name=f"p{n}", nominated_node=nominated)
            if batched:
                r, run = batch.scheduled(run, last, pod, snap, rng, start, volumes)
            else:
                r = schedule(pod, snap, rng, start_index=start, volumes=volumes)
            last = pod
            start = r.next_start_index
            seen.append((r.node, r.next_start_index, r.evaluated, r.feasible, r.totals, r.message, r.nominated_node,
                         None if r._tied is None else r._tied.tolist(), rng.getstate()))
            if r.node is not None:
                snap.add_pod(r.node, pod)
                bound.append(pod.key)
    return seen


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(runs())
def test_a_batch_chooses_what_schedule_chooses(run):
    nodes, shapes, steps, seed = run
    assert _play(nodes, shapes, steps, seed, True) == _play(nodes, shapes, steps, seed, False)


def test_a_batch_schedules_the_runs_later_pods_and_ends_at_a_change():
    """The batch is used (made after a template's second pod in a row) and left when its checks fail."""
    nodes = [node(f"n{i:03}", cpu=8000, memory=16 * GI, pods=50) for i in range(120)]
    snap = Snapshot.build(nodes)
    tpl = PodTemplate(labels=(("app", "a"),), containers=(Container(name="c", image="web:1"),))
    first = PodInfo.build(name="p0", template=tpl, labels={"app": "a"}, spread_selector=Selector.of(tpl.labels))
    rng, start, run, last, made = random.Random(3), 0, None, None, []
    for n in range(6):
        pod = attrs.evolve(first, name=f"p{n}")
        if n == 4:
            snap = snap.with_nodes(nodes)
        r, run = batch.scheduled(run, last, pod, snap, rng, start, NONE)
        made.append(run is not None)
        last, start = pod, r.next_start_index
        snap.add_pod(r.node, pod)
    assert made == [False, True, True, True, True, True]
    assert run.snap is snap
