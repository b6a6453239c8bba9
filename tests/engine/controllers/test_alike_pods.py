"""A sync's pods created at the cost of their own fields say what the plain way says (controllers/alike_pods.py)."""

from __future__ import annotations

import random

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kdsl
from kdsl.engine.apiserver import prepared
from kdsl.engine.controllers import alike_pods
from kdsl.engine.apiserver.trace_diff import changes
from kdsl.engine.apiserver.defaults import generate_name
from kdsl.engine.controllers.alike_pods import _BY_CLASS, AlikePods
from kdsl.engine.controllers.replicaset import ReplicaSetController
from kdsl.engine.objects import wrap
from kdsl.engine.simulation import Simulation
from kdsl.model import names
from tests.engine.apiserver.test_prepared import SHOP

# test_prepared's: LimitRanger changes the pods (a default and its annotation: the stored metadata is not the
# request's) and a quota refuses the last of a Deployment's pods (its namespace's pods go the plain way); with a
# ReplicationController, a ReplicaSet, a scale-up, a rollout and deletions.
SCENARIO = SHOP.replace("namespace free {\n", """namespace free {
  limits default cpu=300m
  replicationcontroller rc replicas=5 image=nginx:1.25
  replicaset legacy replicas=7 image=nginx:1.25
""") + """at 30s: scale deployment free/api replicas=40
at 1m: apply { namespace free { deployment api replicas=40 image=registry.example.com/api:2 cpu=100m memory=64Mi } }
at 2m: delete pods free app=rc
run 5m
"""


def _facts(sim: Simulation) -> tuple:
    history = [(c.time_ms, c.resource_version, c.key, c.op, c.obj) for c in sim.store.history]
    requests = None if sim.traces is None else [
        (t.time_ms, t.source, t.verb, t.kind, t.namespace, t.name, t.subresource, t.user, str(t.grant), t.rule,
         t.stage, t.error, t.resource_version(sim.store), changes(t), t.steps) for t in sim.traces.requests]
    return sim.log.text(), sim.log.occurrences, sim.rejections, history, requests, sim.rng.getstate()


@pytest.fixture
def sent(monkeypatch) -> list:
    """The names of the pods a ReplicaSet controller sends the plain way (send_pod)."""
    names: list = []
    send = ReplicaSetController.send_pod
    monkeypatch.setattr(ReplicaSetController, "send_pod",
                        lambda self, rs, owners, name, uid: names.append(name) or send(self, rs, owners, name, uid))
    return names


def _plain(monkeypatch) -> None:
    """Every pod the plain way: no kept answer fits."""
    monkeypatch.setattr(AlikePods, "_answer", lambda self: None)


def run_both_ways(monkeypatch, text: str, trace: bool, plain, counted: list) -> tuple:
    """The run of `text` the short way, then with `plain(monkeypatch)` the plain way, which must say the same: the
    short way's facts and how many names `counted` (a fixture's list) gained in it."""
    scenario = kdsl.parse(text)
    alike = _facts(Simulation(scenario, trace=trace).run())
    short = len(counted)
    plain(monkeypatch)
    counted.clear()
    assert _facts(Simulation(scenario, trace=trace).run()) == alike
    return alike, short


@pytest.mark.parametrize("trace", [True, False])
def test_a_run_says_the_same_as_with_every_pod_sent_the_plain_way(monkeypatch, sent, trace):
    alike, shortcut = run_both_ways(monkeypatch, SCENARIO, trace, _plain, sent)
    created = [e for e in alike[1] if e.reason == "SuccessfulCreate" and e.kind != "DaemonSet"]
    refused = [r for r in alike[2] if r.kind == "Pod"]
    assert len(refused) > 2 and all("exceeded quota: pods" in r.message for r in refused)
    # plain: every pod the ReplicaSets and the ReplicationController made or were refused; alike: the first of a
    # sync's pods, the ones the kept answer does not fit (the quota's namespace) and the refused ones
    assert len(sent) == len(created) + len(refused)
    assert shortcut < len(sent) // 2


def test_the_first_pod_of_a_sync_goes_the_plain_way_and_the_others_take_its_answer(sent):
    sim = Simulation(kdsl.parse("node n1 cpu=8 memory=16Gi\nreplicaset legacy replicas=15 image=nginx:1.25\n"))
    sim.run()
    pods = sim.store.list("Pod")
    assert len(pods) == 15 and sent == [pods[0].name]
    # each its own name, uid and controller reference; the spec and status as the plain way stores them
    assert len({p.meta.uid for p in pods}) == 15 and all(p.spec.name == p.name for p in pods)
    assert all(p.meta.owners == pods[0].meta.owners for p in pods)
    assert [t.name for t in sim.traces.requests if t.kind == "Pod"] == [p.name for p in pods]


def _lane_run(monkeypatch, plain: bool, between) -> tuple:
    """A ReplicaSet's lane making four pods, `between(sim)` after the second."""
    if plain:
        _plain(monkeypatch)
    sim = Simulation(kdsl.parse("node n1 cpu=8 memory=16Gi\nnamespace dev {\n"
                                "  replicaset web replicas=0 image=nginx:1.25\n}\n"))
    controller = sim.controllers["replicaset-controller"]
    rs = sim.store.get("ReplicaSet", "dev", "web")
    pods = AlikePods(controller, rs, (controller.owner_ref(rs),))
    answers = [pods.create(), pods.create()]
    between(sim)
    answers += [pods.create(), pods.create()]
    return answers, _facts(sim)


def _limits(sim: Simulation) -> None:
    for obj in kdsl.parse("namespace dev {\n  limits default cpu=300m\n}").objects:
        if obj.kind == "LimitRange":
            sim.write(wrap(obj), source="test")


def _quota(sim: Simulation) -> None:
    for obj in kdsl.parse("namespace dev {\n  quota name=q pods=3\n}").objects:
        if obj.kind == "ResourceQuota":
            sim.write(wrap(obj), source="test")


def _nothing(sim: Simulation) -> None:
    pass


def both_ways(monkeypatch, lane_run, between, admitted: list) -> tuple:
    """`lane_run(monkeypatch, plain, between)` the short way, then the plain way, which must say the same: the
    short way's (answers, facts) and how many of its pods went the whole way."""
    alike = lane_run(monkeypatch, False, between)
    through = len(admitted)
    assert lane_run(monkeypatch, True, between) == alike
    return alike, through


@pytest.mark.parametrize(("between", "whole_way"), [(_nothing, 1), (_limits, 2), (_quota, 2)])
def test_a_write_between_two_pods_is_seen_as_the_plain_way_sees_it(monkeypatch, admitted, between, whole_way):
    alike, through = both_ways(monkeypatch, _lane_run, between, admitted)
    # the first pod goes the whole way; after a LimitRange (which clears the kept answer) the next one, and with
    # a quota of three pods the fourth, which it refuses as the plain way words it
    assert through == whole_way
    if between is _quota:
        assert alike[0][:3] == [None, None, None] and "exceeded quota: q" in alike[0][3]


def test_a_name_validation_refuses_goes_the_plain_way(monkeypatch, sent):
    # a rule that refuses a name by its last character (no Kubernetes rule does): AlikePods asks it of each name,
    # as validation (names.object_name) does
    rule_of = names.name_rule
    refusing = lambda name: ["refused"] if name[-1] in "bcdfghjklm" else []  # noqa: E731
    monkeypatch.setattr(names, "name_rule", lambda kind, minor=33: refusing if kind == "Pod" else rule_of(kind, minor))
    scenario = kdsl.parse("node n1 cpu=8 memory=16Gi\nreplicaset legacy replicas=8 image=nginx:1.25\n")
    alike = _facts(Simulation(scenario).run(until=0))
    refused = [r.name for r in alike[2] if r.kind == "Pod"]
    assert refused and set(refused) <= set(sent) and all(r.code == 422 for r in alike[2])
    _plain(monkeypatch)
    assert _facts(Simulation(scenario).run(until=0)) == alike


@pytest.mark.parametrize("rule", _BY_CLASS)
def test_a_rule_asked_once_a_sync_answers_every_generated_name_of_the_base_alike(rule):
    # AlikePods asks these rules of a sync's first name only: every name generate_name makes of the base (cut to
    # 58 characters, five [a-z0-9] after it) has that name's verdict, refused or not
    rng = random.Random(7)
    bases = ["web-", "a-", "0-", "web.", "web", "Web-", "we_b-", "-", ".", "a.-", "x" * 57 + "-", "x" * 58 + "-",
             "x" * 60, "a" * 57 + ".", "a" * 58 + "-.", "db.v1-", "9lives-"]
    for base in bases:
        verdicts = {bool(rule(generate_name(base, rng))) for _ in range(200)}
        verdicts |= {bool(rule(base[:58] + suffix)) for suffix in ("00000", "zzzzz", "a0z9b", "9aaaa")}
        assert len(verdicts) == 1, base


def test_a_drawn_name_a_pod_holds_is_drawn_again_as_the_plain_way_draws_it(monkeypatch, sent):
    # names drawn from two characters collide often: the batch's own retry (generate_free_name's, inlined) must
    # draw again exactly where the plain way does, and the run says the same
    from kdsl.engine.apiserver import defaults
    from kdsl.engine.controllers import alike_pods
    drawn: list = []

    def narrow(base: str, rng: random.Random) -> str:
        drawn.append(base)
        return base + "".join("ab"[rng.getrandbits(1)] for _ in range(3))

    monkeypatch.setattr(defaults, "generate_name", narrow)
    monkeypatch.setattr(alike_pods, "generate_name", narrow)
    text = ("cluster c { nodes pool count=2 cpu=8 memory=16Gi pods=110 }\n"
            "namespace free { deployment api replicas=7 image=registry.example.com/api:1 cpu=100m }\nrun 1m\n")
    scenario = kdsl.parse(text)
    alike = _facts(Simulation(scenario).run())
    short, draws = len(sent), len(drawn)
    names_ = [e.message.split(": ")[1] for e in alike[1] if e.reason == "SuccessfulCreate" and e.kind == "ReplicaSet"]
    assert len(names_) == 7 == len(set(names_)) and short < 7 and draws > 10  # retried, most of them in a batch
    _plain(monkeypatch)
    assert _facts(Simulation(scenario).run()) == alike


def _copied(monkeypatch) -> None:
    """Every pod of a kept answer made by its three copiers (the way before `_renamed`)."""
    monkeypatch.setattr(alike_pods, "_renamed", None)


@pytest.mark.parametrize("trace", [True, False])
def test_a_pod_made_in_one_call_is_the_one_its_copiers_make(monkeypatch, sent, trace):
    # SCENARIO's LimitRanger changes the stored metadata (the stored Meta's protos) and its other namespace's pods
    # keep the request's (the request's Meta)
    run_both_ways(monkeypatch, SCENARIO, trace, _copied, sent)


@given(name=st.text("abc-0123", min_size=1, max_size=12), uid=st.text("0123456789abcdef-", max_size=36),
       limits=st.booleans())
@settings(max_examples=40, deadline=None)
def test_renamed_fills_the_slots_its_copiers_fill(name, uid, limits):
    text = "node n1 cpu=8 memory=16Gi\nnamespace dev {\n  replicaset web replicas=0 image=nginx:1.25\n}\n"
    sim = Simulation(kdsl.parse(text.replace("dev {\n", "dev {\n  limits default cpu=300m\n") if limits else text))
    controller = sim.controllers["replicaset-controller"]
    rs = sim.store.get("ReplicaSet", "dev", "web")
    pods = AlikePods(controller, rs, (controller.owner_ref(rs),))
    assert pods.create() is None  # the plain way: the API server keeps its answer
    got = pods._answer()
    assert got is not None and got.same_meta is not limits
    made = alike_pods._renamed(name, uid, *pods.protos)
    meta = alike_pods._named(pods.pod.meta, {"name": name, "uid": uid}) if got.same_meta else \
        prepared._own_meta(got.stored.meta, {"name": name, "uid": uid, "creation_ms": pods.now, "owners": pods.owners})
    spec = pods.spec_copy(got.stored.spec, {**pods.spec_fixed, "name": name})
    copied = prepared._own_object(got.stored, {"meta": meta, "spec": spec})
    assert made == copied
    for new, old in ((made, copied), (made.meta, copied.meta), (made.spec, copied.spec)):
        assert type(new) is type(old)
        assert all(getattr(new, a.name) is getattr(old, a.name) for a in attrs.fields(type(new))
                   if a.name not in ("meta", "spec", "name", "uid"))
