"""Hypothesis: a PodInfo copied from the last pod's that shares its template, labels and owners (podinfo._sibling),
and a template state found by those shared objects (templates._same), are what the plain derivations give."""

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kdsl.engine.objects import ApiObject, Meta, OwnerRef, PodStatus
from kdsl.engine.scheduler import PodInfo, podinfo, templates
from kdsl.model.base import Selector
from kdsl.model.pods import Affinity, Container, PodAffinityTerm, PodTemplate, Resources
from kdsl.model.workloads import Pod

_ANTI = Affinity(anti_required=(
    PodAffinityTerm(selector=Selector.of({"app": "a"}), topology_key="kubernetes.io/hostname"),))
# few objects, shared by identity as a ReplicaSet's pods share them; () is the one empty tuple of every bare pod
TEMPLATES = (PodTemplate(containers=(Container(name="c", image="x:1", requests=Resources(cpu=100)),)),
             PodTemplate(containers=(Container(name="c", image="x:1", requests=Resources(cpu=100)),), priority=5),
             PodTemplate(containers=(Container(name="d", image="y", requests=Resources(memory=2**20)),),
                         affinity=_ANTI, preemption_policy="Never"))
LABELS = ((), (("app", "a"), ("pod-template-hash", "h")), (("app", "a"), ("pod-template-hash", "h")))
OWNERS = ((), (OwnerRef(kind="ReplicaSet", name="a-h", uid="u1"),), (OwnerRef(kind="Job", name="j", uid="u2"),))


@st.composite
def api_pods(draw):
    meta = Meta(name=draw(st.sampled_from(["p0", "p1", "p2"])), namespace=draw(st.sampled_from([None, "default", "b"])),
                labels=draw(st.sampled_from(LABELS)), owners=draw(st.sampled_from(OWNERS)),
                deletion_ms=draw(st.sampled_from([None, 7])))
    status = draw(st.sampled_from([None, PodStatus(), PodStatus(start_ms=3, nominated_node="n1")]))
    return ApiObject(kind="Pod", meta=meta, spec=Pod(name=meta.name, template=draw(st.sampled_from(TEMPLATES))),
                     status=status)


ARGS = st.sampled_from([{}, {}, {}, {"start_ms": 9}, {"priority": 3}, {"spread_selector": None},
                        {"preemption_policy": "Never"}])


def _facts(info: PodInfo) -> tuple:
    """Every field, the pod affinity terms (compared by identity) by their own fields."""
    def plain(value):
        if isinstance(value, tuple) and value and isinstance(value[0], podinfo.Term):
            return tuple(attrs.astuple(t, recurse=False) for t in value)
        return value
    return tuple(plain(getattr(info, a.name)) for a in attrs.fields(PodInfo))


@given(st.lists(st.tuples(api_pods(), ARGS), min_size=1, max_size=12))
def test_a_pod_alike_the_last_gets_the_facts_derived_afresh(pods):
    podinfo._LAST[0] = None
    infos = []
    for pod, args in pods:
        info = PodInfo.of(pod, **args)
        last, podinfo._LAST[0] = podinfo._LAST[0], None
        assert _facts(info) == _facts(PodInfo.of(pod, **args))  # derived afresh
        podinfo._LAST[0] = last
        infos.append(info)
    for a in infos:
        for b in infos:
            if templates._same(a, b):
                assert templates.key_of(a) == templates.key_of(b)


def test_a_replica_sets_pods_share_their_facts_and_differ_in_their_own():
    owners, labels = OWNERS[1], LABELS[1]
    pods = [ApiObject(kind="Pod", meta=Meta(name=f"p{i}", namespace="shop", labels=labels, owners=owners),
                      spec=Pod(name=f"p{i}", template=TEMPLATES[0]), status=PodStatus(start_ms=i))
            for i in range(3)]
    first, second, third = (PodInfo.of(p) for p in pods)
    assert (second.key, second.start_ms, third.key) == ("shop/p1", 1, "shop/p2")
    assert second.spread_selector is first.spread_selector is not None
    assert templates._same(second, first) and templates._same(third, first)


def test_pods_sharing_their_objects_in_two_namespaces_are_not_the_same_template():
    labels = {"app": "a"}
    a, b = (PodInfo.build(name="p", namespace=ns, labels=labels, template=TEMPLATES[0]) for ns in ("a", "b"))
    assert a.labels is b.labels and a.requests is b.requests  # the facts of one template are shared
    assert templates.key_of(a) != templates.key_of(b) and not templates._same(a, b)


def _built(*fields):
    """podinfo._fresh's plain path: PodInfo.build with the same fields, deriving the container facts itself."""
    *given, _facts_given = fields
    return PodInfo.build(**dict(zip(podinfo._FRESH, given, strict=True)))


@given(st.lists(st.tuples(api_pods(), ARGS), min_size=1, max_size=12))
def test_a_pod_info_made_straight_line_is_the_one_build_makes(pods):
    for pod, args in pods:
        for made in (pod, pod.spec):  # an ApiObject, and the model Pod
            podinfo._LAST[0] = None
            fast = PodInfo.of(made, **args)
            podinfo._LAST[0] = None
            with pytest.MonkeyPatch.context() as m:
                m.setattr(podinfo, "_fresh", _built)
                assert _facts(fast) == _facts(PodInfo.of(made, **args))
