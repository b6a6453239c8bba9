"""The scenario's bare pods created with their family's checks made once say what the plain way says (scenario_pods.py)."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.engine.apiserver import prepared
from kdsl.engine.scenario_pods import ScenarioPods
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
