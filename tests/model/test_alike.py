"""Workload statements alike but for their name, and Services alike but for their name, selector values and label
values, are built from the first one's object (kdsl/model/build/alike.py): the scenario, its spans and every message
are those of building each statement on its own."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kdsl.core.errors import KdslError, Span
from kdsl.lang import parse_document
from kdsl.model.build import alike
from kdsl.model.build import scenario as building
from kdsl.model.build.objects import build_service
from kdsl.model.build.workloads import build_workload

ROOT = Path(__file__).resolve().parents[2]


def _deep(x):
    """An object with its spans (which equality leaves out), for comparing where everything is said to be."""
    if isinstance(x, Span):
        return ("span", x.file, x.line, x.column, x.end_line, x.end_column)
    if isinstance(x, (tuple, list)):
        return tuple(_deep(y) for y in x)
    if attrs.has(type(x)):
        return (type(x).__name__,) + tuple((f.name, _deep(getattr(x, f.name))) for f in attrs.fields(type(x)))
    return x


def _outcome(text: str, plain: bool):
    with pytest.MonkeyPatch.context() as m:
        if plain:
            m.setitem(building._NAMESPACED, "workload", build_workload)
            m.setitem(building._NAMESPACED, "service", build_service)
        try:
            sc = building.build(parse_document(text, "alike.kdsl"))
        except KdslError as exc:
            return "error", [(d.severity, d.message, d.file, d.line, d.column, d.width, d.line_text, d.suggestion)
                             for d in exc.diagnostics]
    return sc, _deep(sc)


def _same(text: str) -> None:
    fast, plain = _outcome(text, False), _outcome(text, True)
    assert fast[0] == plain[0]
    assert fast[1] == plain[1]


NAMES = st.sampled_from(["p1", "p2", "web-0", "a", "Bad_Name", "x" * 70, "x" * 64, "p-", '"q"', "ns/p3", "bench/p4",
                         "app", "side", "p1"])
HEADS = st.sampled_from(["image=busybox", "image=busybox cpu=1 memory=1Gi", "image=registry.example.com/app:7 cpu=100m memory=128Mi", "image=busybox", "image=nginx:latest",
                         "image=busybox port=8080 pull=always", "image=busybox replicas=3", "image=busybox restart=never",
                         "replicas=2 image=busybox", "", "image=busybox imgae=x", "image=busybox cpu=lots",
                         "image=busybox completions=2 parallelism=1", 'image=busybox schedule="*/5 * * * *"'])
BLOCKS = st.lists(st.sampled_from([
    "labels app=a7", "labels app=web tier=front", "labels", "labels app=Bad_Value!", "annotations note=x",
    "container side image=busybox { env A=\"1\"; mount v at /x; readiness http /h port=80 }",
    "container side image=busybox", "init setup image=busybox", "container app image=busybox { shutdown 40s }",
    "volume v emptydir", "volume c configmap=missing", "toleration k=v:NoSchedule", "toleration k=v:NoSchedul",
    "spread topology=zone app=web", "spread topology=zone app=p1", "priority 5", "grace 10s",
    "serviceaccount builder", "selector app=web", "restart never", "node-selector zone=a",
    "container side image=busybox { env B from configmap cfg.key }"]), max_size=4)


@settings(max_examples=80, deadline=None)
@given(kind=st.sampled_from(["pod", "deployment", "statefulset", "daemonset", "replicaset", "job", "cronjob"]),
       head=HEADS, block=BLOCKS, labelled=st.booleans(), names=st.lists(NAMES, min_size=2, max_size=6),
       inside=st.booleans(), spaces=st.sampled_from([" ", "  "]))
def test_alike_statements_build_as_each_on_its_own(kind, head, block, labelled, names, inside, spaces):
    block = ["labels app=web", *block] if labelled else block  # most often what lets the first stand for the rest
    rest = (" " + head if head else "") + (" { " + "; ".join(block) + " }" if block else "")
    lines = [f"{kind}{spaces}{name}{rest}" for name in names]
    text = ("namespace bench {\n" + "\n".join("  " + x for x in lines) + "\n}\n" if inside
            else "namespace bench\n" + "\n".join(lines) + "\n")
    _same(text)


@pytest.mark.parametrize("path", sorted(p for p in ROOT.glob("**/*.kdsl") if ".venv" not in p.parts
                                        and "include" not in p.read_text(encoding="utf-8")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_every_scenario_in_the_repository_builds_as_before(path):
    _same(path.read_text(encoding="utf-8"))


def test_a_thousand_alike_pods_are_built_from_one_entry_each(monkeypatch):
    lines = [f"  pod p{i} image=registry.example.com/app:{i % 5} cpu=100m memory=128Mi {{ labels app=a{i % 10} }}"
             for i in range(1000)]
    text = "namespace bench {\n" + "\n".join(lines) + "\n}\n"
    calls = []
    with monkeypatch.context() as m:
        m.setattr(alike, "build_workload", lambda *a: calls.append(a) or build_workload(*a))
        building.build(parse_document(text, "alike.kdsl"))
    assert len(calls) == 10  # one per distinct line but for the name (i % 10 decides both the image and the label)
    _same(text)

# Names and values that meet each other and the line's other words (the target port's name, a key, the namespace),
# a few invalid ones; `{i}` is the line's number, `{name}` its name.
SERVICE_NAMES = ["web-{i}", "web-{i}", "web-{i}", "http", "app", "team-1", "Bad_Name", "ns/web-{i}", "team-1/web-{i}"]
SERVICE_VALUES = ["web-{i}", "web-{i}", "{name}", "{name}", "http", "app", "web-0", "_bad", "a" * 64, '"quoted"']
SERVICE_HEADS = [
    "selects app=V ports 80->http", "selects app=V ports 80->http", "selects app=V tier=front ports 80->8080",
    "selects app=V tier=V ports 80->http", "nodeport selects app=V ports 80->8080:30080", "headless selects app=V",
    "selects app=V ports 80->http 443->https", "ports 80 selects app=V", "selects app=V ports http:80->V",
    "selects app=V,x ports 80", "selects app=V { labels team=V }", "selcts app=V ports 80", "selects app=V app=V",
    'selects app=V { labels team=V; yaml """\n    spec:\n      sessionAffinity: ClientIP\n    """ }',
    "selects \\\n      app=V ports 80->http", "selects \\\r\n  app=V ports 80"]  # a head over two lines


def _service_text(head: str, lines: list[tuple[str | None, str, str]]) -> str:
    out, open_ns, seen = [], None, set()
    order = list(dict.fromkeys(ns for ns, *_ in lines))
    for i, (ns, name, value) in sorted(enumerate(lines), key=lambda x: order.index(x[1][0])):
        if ns != open_ns:
            out += ["}"] if open_ns is not None else []
            out += [f"namespace {ns} {{"] if ns is not None else []
            open_ns = ns
        name = name.format(i=i)
        name = name if (ns, name) not in seen else f"{name}-{i}"
        seen.add((ns, name))
        out.append(f"  service {name} " + head.replace("V", value.format(i=i, name=name.rpartition("/")[2])))
    out += ["}"] if open_ns is not None else []
    return "\n".join(out) + "\n"


# Mostly the usual line (as a scenario's are), now and then another name or value.
SERVICE_USUAL = ("web-{i}", "web-{i}")
SERVICE_LINES = st.lists(
    st.tuples(st.sampled_from(["team-1", "team-1", "team-1", "team-2", None]),
              st.one_of(st.just(SERVICE_USUAL), st.just(SERVICE_USUAL), st.just(SERVICE_USUAL),
                        st.tuples(st.sampled_from(SERVICE_NAMES), st.sampled_from(SERVICE_VALUES)))),
    min_size=2, max_size=10).map(lambda xs: [(ns, *x) for ns, x in xs])
_WEB = ("team-1", "web-{i}", "web-{i}")


@settings(max_examples=150, deadline=None)
@example(head=SERVICE_HEADS[0], lines=[_WEB] * 3 + [("team-2", "web-{i}", "web-{i}")] * 2)
@example(head=SERVICE_HEADS[0], lines=[_WEB] * 3 + [("team-1", "web-{i}", "_bad")])
@example(head=SERVICE_HEADS[0], lines=[_WEB] * 3 + [("team-1", "ns/web-{i}", "web-{i}")])
@example(head=SERVICE_HEADS[0], lines=[_WEB] * 3 + [("team-1", "web-{i}", "http")])
@example(head=SERVICE_HEADS[-1], lines=[_WEB] * 3)
@given(head=st.sampled_from(SERVICE_HEADS), lines=SERVICE_LINES)
def test_services_alike_but_for_words_build_as_each_on_its_own(head, lines):
    _same(_service_text(head, lines))


def test_parse_benchmarks_services_are_built_from_one_entry(monkeypatch):
    lines = [(f"team-{n}", "web-{i}", "{name}") for n in range(1, 6) for _ in range(20)]
    text = _service_text("selects app=V ports 80->http", lines)
    calls = []
    with monkeypatch.context() as m:
        m.setattr(alike, "build_service", lambda *a: calls.append(a) or build_service(*a))
        sc = building.build(parse_document(text, "alike.kdsl"))
    # the first two of team-1, and team-2's first, the first in another namespace: 3 of 100
    assert [(a[2], a[1].head[1].text) for a in calls] == [("team-1", "web-0"), ("team-1", "web-1"),
                                                          ("team-2", "web-20")]
    assert [(s.namespace, s.name, s.selector) for s in sc.objects if s.kind == "Service"][-1] == (
        "team-5", "web-99", (("app", "web-99"),))
    _same(text)
