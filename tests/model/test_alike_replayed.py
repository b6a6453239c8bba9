"""Statements made by one replay template (kdsl/lang/runs.py, Document.made) are compared by their texts alone
(alike_compare.compared's `texts`): it says what the whole comparison says, and the model is the plain one."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdsl.core.errors import KdslError
from kdsl.lang import parse_document
from kdsl.lang import parser as parsing
from kdsl.lang.syntax import Stmt
from kdsl.model.build import alike_compare, alike_objects, alike_words
from kdsl.model.build import scenario as building
from tests.model.test_alike import _deep

# Lines of a few shapes whose words come from small pools, so that two lines of one template often share every word
# but the name, and often do not (another image, label value, number or keyword in a word's place).
_LINES = (
    "pod {} image={} cpu={} memory=128Mi {{ labels app={} }}",
    "pod {} image={} {{ labels app={} tier={} }}",
    "deployment {} replicas={} image={} {{ labels app={} }}",
    "pod {} image={} cpu={}",
    "deployment {} replicas={} {{\n  labels app={} tier=web\n  container app image={} {{\n    port http {}\n  }}\n}}",
    "deployment {} replicas=3 {{\n  labels app={}\n  container app image=x {{\n    env A=\"{}\"\n  }}\n}}",
)
_WORDS = st.sampled_from(["a1", "a2", "busybox", "nginx:1", "100m", "1", "2", "web", "bad-", "image", "x" * 70])
_NAMES = st.sampled_from(["p1", "p2", "p3", "web-0", "web-1", "Bad_Name", "p1", "x" * 70, "q"])


@st.composite
def texts_of_templates(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(6, 40))):
        line = draw(st.sampled_from(_LINES))
        words = [draw(_WORDS) for _ in range(line.count("{}") - 1)]
        lines += ["  " + x for x in line.format(draw(_NAMES), *words).split("\n")]
    return "namespace bench {\n" + "\n".join(lines) + "\n}\n"


def _parsed(text: str, monkeypatch):
    monkeypatch.setattr(parsing, "REPLAY_FROM", 0)  # templates for a short text too
    return parse_document(text, "replayed.kdsl")


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=texts_of_templates())
def test_texts_say_what_same_says_of_one_template_s_statements(text):
    with pytest.MonkeyPatch.context() as m:
        doc = _parsed(text, m)
    by: dict = {}
    for stmt, template in doc.made.values():
        if type(stmt) is Stmt:
            by.setdefault(id(template), []).append(stmt)
    for stmts in by.values():
        first = stmts[0]
        at = alike_objects.name_at(first)
        if at is None:
            continue
        slots = alike_objects.word_slots(first)  # (a block: alike_words.py's holes)
        trie = alike_words._trie(slots) if slots else {1: {at: True}}
        same, texts = alike_compare.compared(first, trie)
        held = alike_compare.Same.of(first, trie, doc.made)  # as an entry compares: whole first, then by texts
        for s in stmts:
            assert texts(s) == same(s)
            assert held(doc.made, s) == same(s)


def _outcome(doc):
    try:
        sc = building.build(doc)
    except KdslError as exc:
        return "error", [(d.severity, d.message, d.file, d.line, d.column, d.width, d.line_text, d.suggestion)
                         for d in exc.diagnostics]
    return sc, _deep(sc)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=texts_of_templates())
def test_the_model_of_replayed_statements_is_the_plain_one(text):
    with pytest.MonkeyPatch.context() as m:
        doc = _parsed(text, m)
    fast, plain = _outcome(doc), _outcome(attrs.evolve(doc, made={}))
    assert fast[0] == plain[0]
    assert fast[1] == plain[1]


def test_statements_of_a_known_template_are_compared_by_their_texts(monkeypatch):
    """100 pods of 5 keys, each line replayed from one template: each key's first statement is built, its second
    compared whole (and its template noted), the other 18 compared by their texts."""
    lines = [f"  pod p{i} image=registry.example.com/app:{i % 5} cpu=100m memory=128Mi {{ labels app=a{i % 5} }}"
             for i in range(100)]
    doc = _parsed("namespace bench {\n" + "\n".join(lines) + "\n}\n", monkeypatch)
    calls = {"same": 0, "texts": 0}
    compared = alike_compare.compared  # (Same.of's)

    def counted(a, trie):
        same, texts = compared(a, trie)

        def same_counted(b):
            calls["same"] += 1
            return same(b)

        def texts_counted(b):
            calls["texts"] += 1
            return texts(b)

        return same_counted, texts_counted

    monkeypatch.setattr(alike_compare, "compared", counted)
    replayed = sum(type(s) is Stmt for s, _ in doc.made.values())
    assert replayed >= 90
    fast = _outcome(doc)
    taken = dict(calls)
    calls.update(same=0, texts=0)
    assert fast[1] == _outcome(attrs.evolve(doc, made={}))[1]
    assert calls == {"same": 95, "texts": 0}  # the plain way: each but a key's first compared whole
    assert taken["same"] + taken["texts"] == 95 and taken["texts"] >= replayed - 10


def test_blocks_of_a_known_template_are_compared_by_their_texts(monkeypatch):
    """Deployments over several lines alike but for their name, a label value and an image (alike_words.py), each
    block replayed from one template: most compared by their texts."""
    blocks = [f"  deployment web-{i} replicas=3 {{\n    labels app=web-{i} tier=web\n"
              f"    container app image=r.example.com/web-{i}:1 {{\n      port http 8080\n    }}\n  }}"
              for i in range(60)]
    doc = _parsed("namespace bench {\n" + "\n".join(blocks) + "\n}\n", monkeypatch)
    calls = {"same": 0, "texts": 0}
    compared = alike_compare.compared

    def counted(a, trie):
        same, texts = compared(a, trie)
        return (lambda b: calls.__setitem__("same", calls["same"] + 1) or same(b),
                lambda b: calls.__setitem__("texts", calls["texts"] + 1) or texts(b))

    monkeypatch.setattr(alike_compare, "compared", counted)
    fast = _outcome(doc)
    taken = dict(calls)
    assert fast[1] == _outcome(attrs.evolve(doc, made={}))[1]
    assert taken["texts"] >= 50 and taken["same"] <= 5


def test_a_statement_noted_with_a_template_not_held_equal_is_compared_whole(monkeypatch):
    """Entry.made reads a statement's texts alone only when its template is one its Same held equal (Same.by, as
    Same.__call__): a statement noted with another template is compared whole, so a word's flag that differs (its
    texts the same) makes it not alike."""
    lines = [f"  pod p{i} image=registry.example.com/app:1 cpu=100m {{ labels app=a }}" for i in range(20)]
    doc = _parsed("namespace bench {\n" + "\n".join(lines) + "\n}\n", monkeypatch)
    ctxs = []
    built = building._NAMESPACED["workload"]
    monkeypatch.setitem(building._NAMESPACED, "workload", lambda ctx, s, ns: ctxs.append(ctx) or built(ctx, s, ns))
    sc = building.build(doc)
    ctx = ctxs[0]
    stmt = [s for s in doc.stmts[0].block if id(s) in ctx.made][-1]  # replayed from a template
    entry = next(e for o, e in ctx.alike_of.values() if o.span == stmt.span)
    assert entry.made(ctx, stmt) is not None and ctx.made[id(stmt)][1] in entry.same.by
    image = stmt.head[2]  # image=...: its value quoted, the same text
    value = image.values[0]._replace(quoted=True)
    other = stmt._replace(head=(*stmt.head[:2], image._replace(values=(value,)), *stmt.head[3:]))
    assert entry.same.texts(other) and not entry.same.whole(other)
    ctx.made[id(other)] = (other, lambda *a: None)  # another template
    assert entry.made(ctx, other) is None
    ctx.made[id(other)] = (other, ctx.made[id(stmt)][1])  # the entry's template: read by its texts (as Same says)
    assert entry.made(ctx, other) is not None
    assert sc.objects
