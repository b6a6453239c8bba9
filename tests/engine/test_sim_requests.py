"""Pods a user declares with equal templates are sent with one template object, and share what its pods share."""

from __future__ import annotations

import attrs
import pytest

import kdsl
from kdsl.engine.apiserver import admission, prepared
from kdsl.engine.kubelet import alike
from kdsl.engine.scheduler import podinfo
from kdsl.engine import sim_requests
from kdsl.engine.sim_requests import Requests
from kdsl.engine.simulation import Simulation
from tests.engine.apiserver.test_prepared import _facts

# Three kinds of pod declared in turn: `a` pods alike, `b` pods another image, `c` pods other labels. The
# namespace's LimitRange and quota make admission change and count each pod.
ROUNDS = 4
SHOP = "\n".join([
    "cluster c { nodes pool count=3 cpu=8 memory=16Gi pods=110 }",
    "namespace shop {",
    "  limits default cpu=500m request cpu=200m",
    "  quota name=pods pods=100",
    *(f"  pod {kind}{i} {{ container app image=registry.example.com/{image} memory=64Mi\n    labels app={app} }}"
      for i in range(ROUNDS) for kind, image, app in (("a", "web:1", "web"), ("b", "web:2", "web"),
                                                      ("c", "web:1", "api"))),
    "}",
]) + "\n"


@pytest.fixture
def counted(monkeypatch) -> dict:
    """The pod creates admitted the whole way, the kubelet steps taken from another pod, the pods'
    scheduling facts derived afresh."""
    seen = {"admitted": [], "alike": 0, "facts": 0}
    mutate, found, requests = admission.mutate, alike.found, podinfo.pod_requests

    def admitting(a, view):
        if a.info.kind == "Pod" and a.operation == admission.CREATE:
            seen["admitted"].append(a.name)
        return mutate(a, view)

    def finding(key, pod):
        made = found(key, pod)
        seen["alike"] += made is not None
        return made

    def deriving(tpl, non_zero=False):
        seen["facts"] += not non_zero
        return requests(tpl, non_zero)

    monkeypatch.setattr(admission, "mutate", admitting)
    monkeypatch.setattr(alike, "found", finding)
    monkeypatch.setattr(podinfo, "pod_requests", deriving)
    alike._MADE.clear()
    podinfo._FACTS.clear()
    podinfo._SHAPES.clear()
    return seen


def _run(text: str = SHOP) -> tuple[Simulation, kdsl.Scenario]:
    scenario = kdsl.parse(text)
    return Simulation(scenario).run(), scenario


def test_pods_declared_alike_go_through_admission_once_and_keep_their_own(counted):
    sim, scenario = _run()
    # the first of each template the whole way, the other three answered as it was
    assert sorted(counted["admitted"]) == ["a0", "b0", "c0"]
    # the scheduler derives the requests once per kind of containers: `c` pods have `a` pods' containers
    assert counted["facts"] == 2
    assert counted["alike"] > 0  # and the kubelets take steps another pod took
    stored = {p.name: p for p in sim.store.list("Pod", "shop")}
    declared = {o.name: o for o in scenario.objects if o.kind == "Pod"}
    assert len(stored) == 3 * ROUNDS
    # one admitted template's containers (each pod's template differs by its node once bound)
    for kind in "abc":
        first = stored[f"{kind}0"].spec.template.containers
        assert all(stored[f"{kind}{i}"].spec.template.containers is first for i in range(ROUNDS))
    assert stored["a0"].spec.template.containers is not stored["b0"].spec.template.containers
    assert stored["a0"].spec.template.containers is not stored["c0"].spec.template.containers
    # each pod its own: name, source span, labels, uid, no owner; what admission did, each pod got
    for name, pod in stored.items():
        assert pod.meta.name == pod.spec.name == name
        assert pod.spec.span == declared[name].span and pod.spec.span is not None
        assert pod.meta.labels == declared[name].labels == pod.spec.labels
        assert pod.meta.owners == ()
        assert dict(pod.meta.annotations).get("kubernetes.io/limit-ranger")
        assert pod.spec.template.containers[0].requests.cpu == 200
        assert pod.status.phase == "Running"
    assert len({p.meta.uid for p in stored.values()}) == len(stored)
    assert {c.name for c in stored["a1"].spec.template.containers} == {"app"}


def test_a_run_of_pods_declared_alike_says_what_each_pod_alone_would(monkeypatch, counted):
    shared = _facts(_run()[0])
    monkeypatch.setattr(Requests, "_alike", lambda self, pod: (pod, None))
    monkeypatch.setattr(prepared, "answer", lambda *args: None)
    counted["admitted"].clear()
    alone = _facts(_run()[0])
    assert len(counted["admitted"]) == 3 * ROUNDS
    assert shared == alone


def test_pods_whose_templates_differ_share_nothing(counted):
    # the one-container shorthand names each pod's container after the pod: no two templates are equal, and the
    # LimitRange's annotation names the container, so none shares its family's answer either
    text = SHOP.replace("{ container app image=", "image=").replace(" memory=64Mi\n    labels", " memory=64Mi { labels")
    sim, _ = _run(text)
    assert len(counted["admitted"]) == 3 * ROUNDS
    assert counted["alike"] == 0
    # but the scheduler's facts do not read a container's name: derived once per kind of containers, as above
    assert counted["facts"] == 2
    pods = sim.store.list("Pod", "shop")
    assert len({id(p.spec.template.containers) for p in pods}) == len(pods) == 3 * ROUNDS
    assert all(p.spec.template.containers[0].name == p.name for p in pods)


def test_the_answers_of_a_moment_hold_more_templates_than_the_old_256(counted):
    kinds = 300  # each pod's template differs by its labels; two pods each, declared in turn
    text = "\n".join(["cluster c { nodes pool count=4 cpu=64 memory=256Gi pods=250 }", "namespace big {",
                      *(f"  pod p{r}-{i} {{ container app image=x:1 cpu=10m memory=8Mi\n    labels app=a{i} }}"
                        for r in range(2) for i in range(kinds)), "}"]) + "\n"
    sim, _ = _run(text)
    assert len(counted["admitted"]) == kinds
    assert all(name.startswith("p0-") for name in counted["admitted"])
    assert len(sim.store.list("Pod", "big")) == 2 * kinds


# Pods of two containers each named after their pod, then bare pods of the one-container shorthand (each
# container named after its pod) of three kinds declared in turn, the quota admitting ten of them; in `lim`, a
# LimitRange that defaults each container (and says so, naming it, in an annotation).
BARE = "\n".join([
    "cluster c { nodes pool count=3 cpu=8 memory=16Gi pods=110 }",
    "namespace shop {",
    "  quota name=pods pods=10",
    *(f"  pod d{i} {{ container d{i}-main image=registry.example.com/web:1 memory=64Mi\n"
      f"    container d{i}-side image=registry.example.com/side:1\n    labels app=side }}" for i in range(ROUNDS)),
    *(f"  pod {kind}{i} image=registry.example.com/{image} memory=64Mi {{ labels app={app} }}"
      for i in range(ROUNDS) for kind, image, app in (("a", "web:1", "web"), ("b", "web:2", "web"),
                                                      ("c", "web:1", "api"))),
    "}",
    "namespace lim {",
    "  limits default cpu=500m request cpu=200m",
    *(f"  pod l{i} image=registry.example.com/web:1 memory=64Mi {{ labels app=web }}" for i in range(ROUNDS)),
    "}",
]) + "\n"


def _bare() -> kdsl.Scenario:
    """BARE with two names validation refuses, which kdsl text cannot write: b2's container is `B_2`, d3's two
    containers are both `d3-main`."""
    scenario = kdsl.parse(BARE)

    def named(pod, *names):
        containers = tuple(attrs.evolve(c, name=n) for c, n in zip(pod.template.containers, names))
        return attrs.evolve(pod, template=attrs.evolve(pod.template, containers=containers))

    objects = tuple(named(o, "B_2") if o.name == "b2" else named(o, "d3-main", "d3-main") if o.name == "d3" else o
                    for o in scenario.objects)
    return attrs.evolve(scenario, objects=objects)


def _everything(sim: Simulation) -> tuple:
    pods = [(p.meta, p.spec, p.status) for ns in ("shop", "lim") for p in sim.store.list("Pod", ns)]
    return (*_facts(sim), [t.steps for t in sim.traces.requests], pods)


def test_bare_pods_alike_but_for_their_containers_names_share_an_answer(monkeypatch, counted):
    shared = _everything(Simulation(_bare()).run())
    admitted = sorted(counted["admitted"])
    monkeypatch.setattr(Requests, "_alike", lambda self, pod: (pod, None))
    monkeypatch.setattr(prepared, "answer", lambda *args: None)
    counted["admitted"].clear()
    alone = _everything(Simulation(_bare()).run())
    assert len(counted["admitted"]) == 5 * ROUNDS
    assert shared == alone
    # the whole way: the first of each kind; d3, whose containers share a name, and b2, whose name validation
    # refuses; c2, a3, b3 and c3, which the quota refuses; each pod the LimitRange changes
    first = ["a0", "b0", "c0", "d0"]
    refused = sorted(r.name for r in shared[1] if r.kind == "Pod")
    assert refused == ["a3", "b2", "b3", "c2", "c3", "d3"]
    assert admitted == sorted(first + refused + [f"l{i}" for i in range(ROUNDS)])
    messages = {r.name: r.message for r in shared[1]}
    assert 'spec.containers[0].name: Invalid value: "B_2"' in messages["b2"]
    assert 'spec.containers[1].name: Duplicate value: "d3-main"' in messages["d3"]
    assert all("exceeded quota: pods" in messages[n] for n in ("c2", "a3", "b3", "c3"))
    stored = {p[0].name: p for p in shared[-1]}
    assert [c.name for c in stored["d1"][1].template.containers] == ["d1-main", "d1-side"]
    assert all(stored[f"a{i}"][1].template.containers[0].name == f"a{i}" for i in range(3))
    assert "request for container l1" in dict(stored["l1"][0].annotations)["kubernetes.io/limit-ranger"]


def test_a_family_shares_no_answer_whose_containers_admission_changed(monkeypatch, counted):
    # a mutating plugin that changes each container but not the metadata: the first pod's containers are not the
    # tuple it sent, so the next pods of its family (their own containers) go the whole way and get the change too
    def pull_always(a, view):
        if not a.pod or a.operation != admission.CREATE:
            return a
        template = a.object.spec.template
        made = attrs.evolve(template, containers=tuple(attrs.evolve(c, image_pull_policy="Always")
                                                       for c in template.containers))
        return attrs.evolve(a, object=attrs.evolve(a.object, spec=attrs.evolve(a.object.spec, template=made)))

    monkeypatch.setattr(admission, "MUTATING", (*admission.MUTATING, ("PullAlways", pull_always)))
    for trace in (True, False):  # the trace's step of the plugin says so too: the run without one
        counted["admitted"].clear()
        sim = Simulation(_bare(), trace=trace).run()
        pods = sim.store.list("Pod", "shop")
        assert len(pods) == 10
        assert all(c.image_pull_policy == "Always" for p in pods for c in p.spec.template.containers)
        assert len(counted["admitted"]) == 5 * ROUNDS


def _sent(pods, kept: int, monkeypatch) -> tuple[list, Simulation]:
    """The template and family each pod is sent with (by first appearance), `kept` families kept."""
    monkeypatch.setattr(sim_requests, "TEMPLATES_KEPT", kept)
    sim = Simulation(kdsl.parse("namespace shop {\n}\n"))
    seen: dict = {}
    out, alive = [], []  # what is seen is kept alive, so that no id is reused
    for pod in pods:
        sent, family = sim._alike(pod)
        alive.append((sent, family))
        out.append((seen.setdefault(id(sent.template), len(seen)), seen.setdefault(id(family), len(seen))))
    return out, sim


@pytest.mark.parametrize("kept", [1 << 14, 2])
def test_a_family_found_by_its_parts_is_the_one_its_value_finds(monkeypatch, kept):
    pods = [o for o in _bare().objects if o.kind == "Pod"] * 3  # each again: its own template, an equal family
    by_parts, sim = _sent(pods, kept, monkeypatch)
    monkeypatch.setattr(sim_requests, "_parts", lambda template: None)
    by_value, alone = _sent(pods, kept, monkeypatch)
    assert alone.template_parts == {}
    assert by_parts == by_value
    # the bare pods of a kind share every part but their containers' names: found by them after the first
    assert len(sim.template_parts) < len(pods) // 3
    families = len({family for _, family in by_value})
    assert families == 4 if kept > 2 else families > 4  # a, b, c and d (the LimitRange's `l` pods are `a`'s)


def test_a_template_kept_by_its_key_gives_its_family_only_to_a_template_of_its_very_parts():
    # every part of a template but its containers' names changed in turn, the key's identities kept: each changed
    # template is found its own family (by value), and the first's members their first's (kept again by value)
    sim = Simulation(kdsl.parse("namespace shop {\n}\n"))
    base = next(o for o in _bare().objects if o.name == "a0")
    template, (container,) = base.template, base.template.containers

    def member(t, name: str):  # a pod of template `t` with its containers named after `name`
        return attrs.evolve(base, template=attrs.evolve(t, containers=tuple(attrs.evolve(c, name=f"c{name}")
                                                                            for c in t.containers)))

    family = sim._alike(base)[1]
    changed = [attrs.evolve(template, **{a.name: object()}) for a in attrs.fields(type(template))
               if a.eq and a.name not in ("labels", "containers", "init_containers")]
    changed += [attrs.evolve(template, containers=(attrs.evolve(container, **{a.name: object()}),))
                for a in attrs.fields(type(container)) if a.eq and a.name not in ("name", "image")]
    changed += [attrs.evolve(template, containers=(container, attrs.evolve(container, name="side"))),
                attrs.evolve(template, init_containers=(attrs.evolve(container, name="init"),))]
    assert len(changed) > 25
    for i, t in enumerate(changed):
        assert t.labels is template.labels and t.containers[0].image is container.image  # its key
        for j in range(2):  # the first of its family, then a member found by its key
            got = sim._alike(member(t, f"{i}-{j}"))[1]
            assert got is not family and got == sim_requests._family(t)
        assert sim._alike(member(template, f"base-{i}"))[1] is family


def test_templates_that_differ_in_any_container_name_keep_their_own_and_equal_ones_share_the_first():
    sim = Simulation(kdsl.parse("namespace shop {\n}\n"))
    base = next(o for o in _bare().objects if o.name == "a0")
    (container,) = base.template.containers
    shapes = [((), ("init",)), (("side",), ()), (("side",), ("init", "init2"))]
    for more, inits in shapes:
        sent = []
        for main, side, init in (("m", "s", "i"), ("m", "s", "j"), ("m", "t", "i"), ("n", "s", "i"), ("m", "s", "i")):
            containers = (attrs.evolve(container, name=main), *(attrs.evolve(container, name=side + n) for n in more))
            init_containers = tuple(attrs.evolve(container, name=init + n) for n in inits)
            pod = attrs.evolve(base, template=attrs.evolve(base.template, containers=containers,
                                                           init_containers=init_containers))
            sent.append(sim._alike(pod)[0].template)
        assert sent[-1] is sent[0] and len({id(t) for t in sent}) == 2 + bool(more) + bool(inits)
