"""Statements made by one replay template (kdsl/lang/runs.py, Document.made) are compared by their texts alone
(alike_objects.compared's `texts`): it says what the whole comparison says, and the model is the plain one."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdsl.core.errors import KdslError
from kdsl.lang import parse_document
from kdsl.lang import parser as parsing
from kdsl.lang.syntax import Stmt
from kdsl.model.build import alike, alike_objects
from kdsl.model.build import scenario as building
from tests.model.test_alike import _deep

# Lines of a few shapes whose words come from small pools, so that two lines of one template often share every word
# but the name, and often do not (another image, label value, number or keyword in a word's place).
_LINES = (
    "pod {} image={} cpu={} memory=128Mi {{ labels app={} }}",
    "pod {} image={} {{ labels app={} tier={} }}",
    "deployment {} replicas={} image={} {{ labels app={} }}",
    "pod {} image={} cpu={}",
)
_WORDS = st.sampled_from(["a1", "a2", "busybox", "nginx:1", "100m", "1", "2", "web", "bad-", "image", "x" * 70])
_NAMES = st.sampled_from(["p1", "p2", "p3", "web-0", "web-1", "Bad_Name", "p1", "x" * 70, "q"])


@st.composite
def texts_of_templates(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(6, 40))):
        line = draw(st.sampled_from(_LINES))
        words = [draw(_WORDS) for _ in range(line.count("{}") - 1)]
        lines.append("  " + line.format(draw(_NAMES), *words))
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
        same, texts = alike_objects.compared(first, {1: {at: True}})
        for s in stmts:
            assert texts(s) == same(s)


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
    compared = alike_objects.compared

    def counted(a, trie):
        same, texts = compared(a, trie)

        def same_counted(b):
            calls["same"] += 1
            return same(b)

        def texts_counted(b):
            calls["texts"] += 1
            return texts(b)

        return same_counted, texts_counted

    monkeypatch.setattr(alike, "compared", counted)
    replayed = sum(type(s) is Stmt for s, _ in doc.made.values())
    assert replayed >= 90
    fast = _outcome(doc)
    taken = dict(calls)
    calls.update(same=0, texts=0)
    assert fast[1] == _outcome(attrs.evolve(doc, made={}))[1]
    assert calls == {"same": 95, "texts": 0}  # the plain way: each but a key's first compared whole
    assert taken["same"] + taken["texts"] == 95 and taken["texts"] >= replayed - 10
