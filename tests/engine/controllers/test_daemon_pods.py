"""A DaemonSet sync's pods created at the cost of their own fields say what the plain way says (daemon_pods.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import kdsl
from kdsl.engine import apiserver
from kdsl.engine.controllers.base import Client
from kdsl.engine.controllers.daemon_pods import DaemonPods
from kdsl.engine.controllers.daemonset import DaemonSetController
from kdsl.engine.simulation import Simulation
from kdsl.model import names
from tests.engine.controllers.test_alike_pods import (_facts, _limits, _nothing, _quota, both_ways,
                                                      run_both_ways)

# Six nodes (one tainted: the set tolerates it not); a set in a namespace with a LimitRange (LimitRanger changes
# each pod: its trace names the change, so its pods go the plain way), one under a quota of four pods (refused
# past it), one in a quiet namespace; a node added, a rolling update and a deleted pod later.
SCENARIO = """\
cluster c { nodes pool count=5 cpu=8 memory=16Gi pods=110 }
node n6 cpu=4 memory=8Gi { taint dedicated=x:NoSchedule }
namespace limited {
  limits default cpu=300m
  daemonset logs image=fluent-bit:2.2 memory=64Mi
}
namespace quoted {
  quota name=q pods=4
  daemonset metrics image=node-exporter:1 cpu=50m memory=64Mi
}
namespace quiet {
  daemonset agent { labels app=agent; container agent image=fluent-bit:2.2 { readiness exec "true" delay=2s } }
}
at 30s: add node n7 cpu=4 memory=8Gi
at 1m: apply {
  namespace quiet {
    daemonset agent { labels app=agent; container agent image=fluent-bit:3.0 { readiness exec "true" delay=2s } }
  }
}
at 2m: delete pods quiet app=agent
run 4m
"""


@pytest.fixture
def sent(monkeypatch) -> list:
    """The names of the daemon pods sent the plain way (Client.create)."""
    sent: list = []
    create = Client.create
    monkeypatch.setattr(Client, "create", lambda self, obj, generate_name=None: (
        self.source == DaemonSetController.name and obj.kind == "Pod" and sent.append(obj.meta.name))
        or create(self, obj, generate_name))
    return sent


def _plain(monkeypatch) -> None:
    """Every pod the plain way: no kept answer is taken."""
    monkeypatch.setattr(DaemonPods, "_took", lambda self, obj: False)


@pytest.mark.parametrize("trace", [True, False])
def test_a_run_says_the_same_as_with_every_pod_sent_the_plain_way(monkeypatch, admitted, trace):
    alike, whole_way = run_both_ways(monkeypatch, SCENARIO, trace, _plain, admitted)
    created = [e for e in alike[1] if e.reason == "SuccessfulCreate" and e.kind == "DaemonSet"]
    refused = [r for r in alike[2] if r.kind == "Pod"]
    assert len(refused) >= 1 and all("exceeded quota: q" in r.message for r in refused)
    assert len(admitted) == len(created) + len(refused) > 20
    # the quiet set's first sync (five nodes: n6's taint is not tolerated): four pods took the first one's answer;
    # the limited set's pods are each changed by LimitRanger, the quoted set's counted by the quota: the whole way
    assert len(admitted) - whole_way == 4


def test_the_first_pod_of_a_sync_goes_the_plain_way_and_the_others_take_its_answer(sent):
    sim = Simulation(kdsl.parse("cluster c { nodes pool count=6 cpu=8 memory=16Gi pods=110 }\n"
                                "daemonset agent image=fluent-bit:2.2 memory=64Mi\n"))
    sim.run()
    pods = sim.store.list("Pod")
    assert len(pods) == 6 and len(sent) == 1 and sent[0] == pods[0].name
    # each its own name, uid and node; the controller reference and the rest of the template as the first's
    assert len({p.meta.uid for p in pods}) == 6 and all(p.spec.name == p.name for p in pods)
    assert all(p.meta.owners == pods[0].meta.owners for p in pods)
    nodes = [p.spec.template.affinity.node_required[0][0].values[0] for p in pods]
    assert sorted(nodes) == [f"pool-{i}" for i in range(1, 7)]
    assert all(p.spec.template.node_name == n for p, n in zip(pods, nodes))
    assert all(p.spec.template.service_account == "default" for p in pods)
    rows = [t for t in sim.traces.requests if t.kind == "Pod" and t.verb == "create"]
    assert [t.name for t in rows] == [p.name for p in pods]
    assert [t.steps[0][1].affinity for t in rows] == [p.spec.template.affinity for p in pods]


def _lane_run(monkeypatch, plain: bool, between) -> tuple:
    """A DaemonSet's sync making pods for four nodes, `between(sim)` after the second."""
    if plain:
        _plain(monkeypatch)
    sim = Simulation(kdsl.parse("cluster c { nodes pool count=4 cpu=8 memory=16Gi pods=110 }\nnamespace dev {\n"
                                "  daemonset agent image=fluent-bit:2.2\n}\n"))  # not run: the controller makes none
    controller = sim.controllers["daemon-set-controller"]
    ds = sim.store.get("DaemonSet", "dev", "agent")
    template = ds.spec.template
    pods = DaemonPods(controller, ds, template.labels, template.tolerations)
    answers = [pods.create("pool-1"), pods.create("pool-2")]
    between(sim)
    answers += [pods.create("pool-3"), pods.create("pool-4")]
    return answers, _facts(sim)


@pytest.mark.parametrize(("between", "whole_way"), [(_nothing, 1), (_limits, 3), (_quota, 3)])
def test_a_write_between_two_pods_is_seen_as_the_plain_way_sees_it(monkeypatch, admitted, between, whole_way):
    alike, through = both_ways(monkeypatch, _lane_run, between, admitted)
    # the first pod goes the whole way; after a LimitRange (which clears the kept answer) the next two (LimitRanger
    # changes each: its trace names the change), with a quota of three pods the next two (the quota counts what is
    # stored), the last refused
    assert through == whole_way
    if between is _quota:
        assert all(alike[0][:3]) and alike[0][3] is None


def test_a_name_validation_refuses_goes_the_plain_way(monkeypatch, sent):
    rule = names.object_name
    monkeypatch.setattr(names, "object_name", lambda kind, name, minor=33: (
        ["refused"] if kind == "Pod" and name[-1] in "bcdfghjklm" else rule(kind, name, minor)))
    scenario = kdsl.parse("cluster c { nodes pool count=8 cpu=8 memory=16Gi pods=110 }\n"
                          "daemonset agent image=fluent-bit:2.2\n")
    alike = _facts(Simulation(scenario).run(until=0))
    refused = [r.name for r in alike[2] if r.kind == "Pod"]
    assert refused and set(refused) <= set(sent) and all(r.code == 422 for r in alike[2])
    _plain(monkeypatch)
    assert _facts(Simulation(scenario).run(until=0)) == alike


def test_the_controller_creates_through_daemon_pods(monkeypatch):
    made: list = []
    create = DaemonPods.create
    monkeypatch.setattr(DaemonPods, "create", lambda self, node: made.append(node) or create(self, node))
    sim = Simulation(kdsl.parse("cluster c { nodes pool count=3 cpu=8 memory=16Gi pods=110 }\n"
                                "daemonset agent image=fluent-bit:2.2\n")).run(until=0)
    assert made == ["pool-1", "pool-2", "pool-3"] and isinstance(sim.controllers["daemon-set-controller"],
                                                                  DaemonSetController)


def test_no_module_of_the_api_server_reads_a_pods_affinity():
    """DaemonPods gives a pod the last one's answer with its own affinity: right while the API server (admission,
    validation, defaults, the prepared answers) neither reads nor writes it. A module that comes to must make
    daemon_pods.py check what it reads for each pod."""
    modules = Path(apiserver.__file__).parent.glob("*.py")
    # the pod's field (`affinity`, and its manifest's); a Service's sessionAffinity is another thing
    assert [m.name for m in modules if "affinity" in m.read_text(encoding="utf-8")] == []
