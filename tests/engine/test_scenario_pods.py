"""The scenario's bare pods created with their family's checks made once say what the plain way says (scenario_pods.py)."""

from __future__ import annotations

import functools
from types import SimpleNamespace

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kdsl
from kdsl.engine import scenario_pods
from kdsl.engine.apiserver import prepared
from kdsl.engine.objects import ApiObject, Meta, request_meta
from kdsl.engine.scenario_pods import ScenarioPods
from kdsl.model import names
from kdsl.engine.simulation import Simulation
from tests.engine.controllers.test_alike_pods import _facts

# Families interleaved (as benchmarks/scale.py declares them), pods without a namespace, pods whose containers are
# named alike (one template: not renamed), a write admission reads between a family's pods (the kept answers
# cleared), LimitRanger changing the pods (their stored metadata is not the request's) and a quota refusing one.
BENCH = "".join(f"  pod p{i} image=registry.example.com/app:{i % 3} cpu=100m memory=128Mi {{ labels app=a{i % 4} }}\n"
                for i in range(24))
SCENARIO = """cluster c { nodes pool count=2 cpu=64 memory=256Gi pods=300 }
pod loose0 image=nginx:1.25 cpu=100m
pod loose1 image=nginx:1.25 cpu=100m
namespace bench {
""" + BENCH + """  pod named0 {
    container web image=nginx:1.25 cpu=100m
  }
  pod named1 {
    container web image=nginx:1.25 cpu=100m
  }
  serviceaccount robot
  pod after0 image=registry.example.com/app:0 cpu=100m memory=128Mi { labels app=a0 }
  pod after1 image=registry.example.com/app:0 cpu=100m memory=128Mi { labels app=a0 }
}
namespace shop {
  limits default cpu=500m request cpu=200m
  pod s0 image=nginx:1.25 memory=64Mi
  pod s1 image=nginx:1.25 memory=64Mi
  pod s2 image=nginx:1.25 memory=64Mi
}
namespace tight {
  quota name=pods pods=2
  pod t0 image=nginx:1.25 cpu=100m memory=64Mi
  pod t1 image=nginx:1.25 cpu=100m memory=64Mi
  pod t2 image=nginx:1.25 cpu=100m memory=64Mi
}
run 1m
"""


@pytest.fixture
def shortcut(monkeypatch) -> list:
    """The names of the pods that took their family's kept answer (ScenarioPods._sent)."""
    taken: list = []
    sent = ScenarioPods._sent
    monkeypatch.setattr(ScenarioPods, "_sent", lambda self, spec, meta, family, now: (
        sent(self, spec, meta, family, now) and (taken.append(meta.name) or True)))
    return taken


def _answered(monkeypatch) -> list:
    """The names of the pods prepared.answer answers (sent the plain way, they take the kept answer there)."""
    answered: list = []
    answer = prepared.answer
    monkeypatch.setattr(prepared, "answer", lambda req, *rest: (
        (got := answer(req, *rest)) is not None and answered.append(req.object.name) or got))
    monkeypatch.setattr(ScenarioPods, "_sent", lambda self, spec, meta, family, now: False)
    return answered


@pytest.mark.parametrize("trace", [True, False])
def test_a_run_says_the_same_as_with_every_scenario_pod_sent_the_plain_way(monkeypatch, shortcut, trace):
    scenario = kdsl.parse(SCENARIO)
    alike = _facts(Simulation(scenario, trace=trace).run())
    taken = list(shortcut)
    answered = _answered(monkeypatch)
    plain = _facts(Simulation(scenario, trace=trace).run())
    assert alike == plain
    assert [r.name for r in alike[2]] == ["t2"]  # the quota's refusal, worded and traced the plain way
    # the pods the plain way answers with their family's kept answer, and only those, took it: the second of
    # each of bench's 12 families and the second after the ServiceAccount (not LimitRanger's pods, whose
    # metadata admission changed; not the quota's namespace's, which it counts; not those of no namespace)
    assert taken == answered[:len(taken)] == [f"p{i}" for i in range(12, 24)] + ["after1"]


def test_a_pod_a_check_refuses_goes_the_plain_way_with_the_uid_it_drew(monkeypatch, shortcut):
    # pod b sent twice: the second finds the name stored (AlreadyExists, which the plain way words and traces)
    scenario = kdsl.parse("node n1 cpu=8 memory=16Gi\nnamespace dev {\n" +
                          "".join(f"  pod {n} image=nginx:1.25 {{ labels app=x }}\n" for n in "abc") + "}\n")
    names = ScenarioPods.create

    def twice(self, pod):
        names(self, pod)
        if pod.kind == "Pod" and pod.name == "b":
            names(self, pod)
    monkeypatch.setattr(ScenarioPods, "create", twice)
    alike = _facts(Simulation(scenario))
    taken = list(shortcut)
    answered = _answered(monkeypatch)
    plain = _facts(Simulation(scenario))
    assert answered == taken
    assert alike == plain
    assert taken == ["b", "c"] and [(r.name, r.code) for r in alike[2]] == [("b", 409)]


# ---- the stored pod made straight-line, the names checked once (scenario_pods._maker, _request_meta, _named) ----
_TEXT = st.text(alphabet="ab-.0Z\n", max_size=6)


@given(name=_TEXT, namespace=st.none() | _TEXT, uid=_TEXT, labels=st.tuples(st.tuples(_TEXT, _TEXT)),
       annotations=st.tuples() | st.tuples(st.tuples(_TEXT, _TEXT)), now=st.integers(0, 10**9))
def test_a_request_meta_made_straight_line_is_request_metas(name, namespace, uid, labels, annotations, now):
    pod = SimpleNamespace(name=name, namespace=namespace, labels=labels, annotations=annotations)
    made, plain = scenario_pods._request_meta(name, namespace, uid, labels, annotations, now), request_meta(
        pod, uid, now)
    assert made == plain and all(getattr(made, a.name) is getattr(plain, a.name) for a in attrs.fields(Meta))


def _slots(obj) -> list:
    return [getattr(obj, a.name) for a in attrs.fields(type(obj))]


def _marked(obj):
    """`obj` with a value of its own in every slot (a fresh object each), so a slot filled from the wrong one shows."""
    return attrs.evolve(obj, **{a.alias: object() for a in attrs.fields(type(obj)) if a.init})


@functools.cache
def _pod():
    return next(o for o in kdsl.parse(SCENARIO).objects if o.kind == "Pod")


def _same(made, plain) -> None:
    """`made` and `plain` hold the same object in every slot, or (their spec, its template) records that do."""
    assert type(made) is type(plain)
    for x, y in zip(_slots(made), _slots(plain)):
        if x is not y:
            assert attrs.has(type(x)), "a slot holds another value"
            _same(x, y)


def test_the_stored_pod_made_straight_line_is_renameds():
    pod = _pod()
    stored = attrs.evolve(_marked(ApiObject(kind="Pod", meta=Meta(name="x"), spec=None)),
                          spec=attrs.evolve(_marked(pod), template=_marked(pod.template)))
    spec, template, meta = attrs.evolve(_marked(pod), template=_marked(pod.template)), _marked(pod.template), object()
    made = scenario_pods._makers[type(stored.spec)](stored, meta, spec, template)
    _same(made, prepared._renamed(stored, meta, spec, True, template))
    assert made.meta is meta and made.spec.name is spec.name and made.spec.template.containers is template.containers


_NAME = st.text(alphabet="ab-.0Z", max_size=5) | st.sampled_from(["a" * 63, "a" * 64, "a.b", "web", "-a", "a-"])


@given(name=_NAME, containers=st.lists(_NAME, min_size=1, max_size=3), inits=st.lists(_NAME, max_size=2),
       shorthand=st.booleans(), minor=st.sampled_from([24, 30, 33]))
def test_a_pods_names_checked_once_are_checked_as_validation_checks_them(name, containers, inits, shorthand, minor):
    if shorthand:
        containers, inits = [name], []
    pod = _pod()
    template = attrs.evolve(pod.template, containers=tuple(attrs.evolve(pod.template.containers[0], name=n)
                                                           for n in containers),
                            init_containers=tuple(attrs.evolve(pod.template.containers[0], name=n) for n in inits))
    pods = ScenarioPods(SimpleNamespace(traces=None, kube_minor=minor))
    assert pods._named(template, name) == (prepared._fit(template) and not names.object_name("Pod", name, minor))
