"""Services built alike but for their words (model/build/alike.py: the name, the selector's and the labels' values)
are validated once an entry by the precheck, the others on their words and on the ClusterIP range's room: every
diagnostic is that of validating each on its own."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kdsl.engine import precheck as prechecking
from kdsl.engine.apiserver import validation
from kdsl.lang import parse_document
from kdsl.model.build import scenario as building
from tests.engine.test_precheck_alike import _outcome

# A /29 holds 6 addresses, the first the `kubernetes` Service's: five Services that ask for one fill it, and a
# Service that asks for none is then refused ("range is full").
CLUSTER = "cluster c serviceCIDR=10.96.0.0/29 { node n1 cpu=4 memory=8Gi }\n"
USUAL = "service {name} selects app={value} ports 80->http {{ labels tier={value} }}"
OTHERS = ["service {name} clusterIP=10.96.0.{k} selects app=x ports 80", "service {name} headless selects app={value}",
          "service {name} nodeport selects app={value} ports 80->8080", "service {name} selects app={value} ports 80",
          "service {name} clusterIP=10.96.0.{k} selects app={value} ports 80->http {{ labels tier={value} }}",
          "service {name} nodeport selects app={value} ports 80->8080:30080"]
NAMES = ["web-{i}", "web-{i}", "web-{i}", "web-{i}", "Bad_Name", "1web", "x" * 64, "a.b", "team-2"]
VALUES = ["web-{i}", "web-{i}", "{name}", "_bad", "a" * 64, "http"]
TIMELINE = ["at 1m: delete service bench/web-1", "at 1m: delete namespace bench",
            "at 2m: apply { service bench/web-1 selects app=web-1 ports 80->http { labels tier=web-1 } }",
            "at 2m: create service bench/late selects app=late ports 80->http { labels tier=late }"]
LINES = st.lists(st.tuples(st.sampled_from([USUAL] * 4 + OTHERS), st.sampled_from(NAMES), st.sampled_from(VALUES),
                           st.integers(1, 7)), min_size=2, max_size=14)


def _text(lines, timeline, cluster: bool) -> str:
    out, seen = [], set()
    for i, (form, name, value, k) in enumerate(lines):
        name = name.format(i=i)
        name = name if name not in seen else f"{name}-{i}"
        seen.add(name)
        out.append("  " + form.format(name=name, value=value.format(i=i, name=name), k=k))
    return (CLUSTER if cluster else "") + "namespace bench {\n" + "\n".join(out) + "\n}\n" + "".join(
        t + "\n" for t in timeline)


_FULL = [(USUAL, "web-{i}", "web-{i}", 1)] * 3 + [(OTHERS[0], "ip-{i}", "x", k) for k in range(2, 7)] + [
    (USUAL, "web-{i}", "web-{i}", 1)] * 2


@settings(max_examples=150, deadline=None)
@example(lines=_FULL, timeline=[], cluster=True)
@example(lines=_FULL, timeline=[TIMELINE[0]], cluster=True)
@example(lines=[(USUAL, "web-{i}", "web-{i}", 1)] * 3 + [(USUAL, "1web", "web-{i}", 1)], timeline=[], cluster=False)
@example(lines=[(OTHERS[4], "web-{i}", "web-{i}", 3)] * 4, timeline=[], cluster=False)  # one address asked twice
@example(lines=[(OTHERS[5], "web-{i}", "web-{i}", 3)] * 4, timeline=[], cluster=False)  # one node port asked twice
@given(lines=LINES, timeline=st.lists(st.sampled_from(TIMELINE), max_size=2), cluster=st.booleans())
def test_services_alike_but_for_words_are_validated_as_each_on_its_own(lines, timeline, cluster):
    text = _text(lines, timeline, cluster)
    assert _outcome(text, False) == _outcome(text, True)


def test_a_full_range_refuses_a_service_of_an_entry_that_passed(monkeypatch):
    diagnostics = prechecking.precheck(*_built(_text(_FULL, [], True)))
    assert [(d.line, d.message) for d in diagnostics] == [
        (n, "Internal error occurred: failed to allocate a serviceIP: range is full") for n in (11, 12)]


def test_parse_benchmarks_services_are_validated_once_an_entry(monkeypatch):
    text = "".join(f"namespace team-{n} {{\n" + "".join(
        f"  service web-{d} selects app=web-{d} ports 80->http\n" for d in range(20)) + "}\n" for n in range(1, 6))
    writes = []
    monkeypatch.setattr(validation, "registry", lambda *a: writes.append(a) or registry(*a))
    assert prechecking.precheck(*_built(text)) == []
    # built: team-1's web-0 and web-1, team-2's web-0 (its namespace differs: a wider entry); validated in full, those
    # and the first made of each entry (team-1's web-2, team-2's web-1); the 95 others pass on their words
    assert [(a[0].meta.namespace, a[0].name) for a in writes if a[0].kind == "Service"] == [
        ("team-1", "web-0"), ("team-1", "web-1"), ("team-1", "web-2"), ("team-2", "web-0"), ("team-2", "web-1")]


def _built(text: str) -> tuple:
    got = {}
    building.build(parse_document(text, "alike.kdsl"), later=lambda sc, alike: got.update(sc=sc, alike=alike) or [])
    return got["sc"], got["alike"]


registry = validation.registry
