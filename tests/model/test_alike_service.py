"""Services alike but for their name, selector values and label values are made from the first one's object
(kdsl/model/build/alike_service.py): the scenario, its spans and every message are those of building each on its
own."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kdsl.lang import parse_document
from kdsl.model.build import alike_service
from kdsl.model.build import scenario as building
from kdsl.model.build.objects import build_service
from tests.model.test_alike import _same

# Names and values that meet each other and the line's other words (the target port's name, a key, the namespace),
# a few invalid ones; `{i}` is the line's number, `{name}` its name.
NAMES = ["web-{i}", "web-{i}", "web-{i}", "http", "app", "team-1", "Bad_Name", "ns/web-{i}", "team-1/web-{i}"]
VALUES = ["web-{i}", "web-{i}", "{name}", "{name}", "http", "app", "web-0", "_bad", "a" * 64, '"quoted"']
HEADS = ["selects app=V ports 80->http", "selects app=V ports 80->http", "selects app=V tier=front ports 80->8080",
         "selects app=V tier=V ports 80->http", "nodeport selects app=V ports 80->8080:30080", "headless selects app=V",
         "selects app=V ports 80->http 443->https", "ports 80 selects app=V", "selects app=V ports http:80->V",
         "selects app=V,x ports 80", "selects app=V { labels team=V }", "selcts app=V ports 80", "selects app=V app=V",
         'selects app=V { labels team=V; yaml """\n    spec:\n      sessionAffinity: ClientIP\n    """ }',
         "selects \\\n      app=V ports 80->http", "selects \\\r\n  app=V ports 80"]  # a head over two lines


def _text(head: str, lines: list[tuple[str | None, str, str]]) -> str:
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
USUAL = ("web-{i}", "web-{i}")
LINES = st.lists(st.tuples(st.sampled_from(["team-1", "team-1", "team-1", "team-2", None]),
                           st.one_of(st.just(USUAL), st.just(USUAL), st.just(USUAL),
                                     st.tuples(st.sampled_from(NAMES), st.sampled_from(VALUES)))),
                 min_size=2, max_size=10).map(lambda xs: [(ns, *x) for ns, x in xs])


@settings(max_examples=150, deadline=None)
@example(head=HEADS[0], lines=[("team-1", "web-{i}", "web-{i}")] * 3 + [("team-2", "web-{i}", "web-{i}")] * 2)
@example(head=HEADS[0], lines=[("team-1", "web-{i}", "web-{i}")] * 3 + [("team-1", "web-{i}", "_bad")])
@example(head=HEADS[0], lines=[("team-1", "web-{i}", "web-{i}")] * 3 + [("team-1", "ns/web-{i}", "web-{i}")])
@example(head=HEADS[0], lines=[("team-1", "web-{i}", "web-{i}")] * 3 + [("team-1", "web-{i}", "http")])
@example(head=HEADS[-1], lines=[("team-1", "web-{i}", "web-{i}")] * 3)
@given(head=st.sampled_from(HEADS), lines=LINES)
def test_services_alike_but_for_words_build_as_each_on_its_own(head, lines):
    _same(_text(head, lines))


def test_parse_benchmarks_services_are_built_from_one_entry(monkeypatch):
    lines = [(f"team-{n}", "web-{i}", "{name}") for n in range(1, 6) for _ in range(20)]
    text = _text("selects app=V ports 80->http", lines)
    calls = []
    with monkeypatch.context() as m:
        m.setattr(alike_service, "build_service", lambda *a: calls.append(a) or build_service(*a))
        sc = building.build(parse_document(text, "alike.kdsl"))
    # the first two of team-1, and team-2's first, the first in another namespace: 3 of 100
    assert [(a[2], a[1].head[1].text) for a in calls] == [("team-1", "web-0"), ("team-1", "web-1"),
                                                          ("team-2", "web-20")]
    assert [(s.namespace, s.name, s.selector) for s in sc.objects if s.kind == "Service"][-1] == (
        "team-5", "web-99", (("app", "web-99"),))
    _same(text)
