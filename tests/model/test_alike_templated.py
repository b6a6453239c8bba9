"""What alike entries keep of a replay template (alike_compare.templated, alike_objects.places_made) is what each of
the template's statements reads on its own: the comparison, the spans' places, and so the model."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from kdsl.lang.syntax import Stmt
from kdsl.model.build import alike, alike_compare, alike_objects, alike_words
from tests.model.test_alike_replayed import _outcome, _parsed, texts_of_templates


def _by_template(doc) -> list[tuple[object, list[Stmt]]]:
    by: dict = {}
    for stmt, template in doc.made.values():
        if type(stmt) is Stmt:
            by.setdefault(id(template), (template, []))[1].append(stmt)
    return list(by.values())


def _trie(stmt: Stmt) -> dict | None:
    at = alike_objects.name_at(stmt)
    if at is None:
        return None
    slots = alike_objects.word_slots(stmt)  # (a block: alike_words.py's holes)
    return alike_words._trie(slots) if slots else {1: {at: True}}


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=texts_of_templates())
def test_a_template_s_kept_comparison_and_places_are_each_statement_s_own(text):
    """Each statement of a template taken as an entry's first: the comparison made from the template's kept shape
    says of every statement of the document what the one read from the statement says, and its spans are found at
    the places places_by_id finds."""
    with pytest.MonkeyPatch.context() as m:
        doc = _parsed(text, m)
    everything = [s for s, _ in doc.made.values() if type(s) is Stmt]
    kept: dict = {}
    for template, stmts in _by_template(doc):
        for a in stmts:
            trie = _trie(a)
            if trie is None:
                continue
            plain = alike_compare.compared(a, trie)
            kept_ = alike_compare.templated(a, trie, template, kept)
            for b in everything:
                assert kept_[0](b) == plain[0](b)
                if doc.made[id(b)][1] is template:
                    assert kept_[1](b) == plain[1](b)
            places: dict = {}
            alike_objects.places_by_id(a, (), places)
            got = alike_objects.places_made(a, template, kept)
            assert {k: tuple(v) for k, v in got.items()} == {k: tuple(v) for k, v in places.items()}


@pytest.mark.parametrize("shift", range(6))
def test_a_value_spelt_as_its_key_has_places_of_its_own(monkeypatch, shift):
    """A plain `key=value`'s value spelt as its key has a span of its own where another statement of the template
    shares the token's (linememo.plain_attr): the template's kept places are checked, and the statement walked
    (the template's first statement of either kind: `shift`)."""
    labels = ([("app", "a"), ("a", "a"), ("tier", "b"), ("b", "b"), ("x", "y"), ("y", "y")] * 5)[shift:shift + 24]
    lines = [f"  pod p{i} image=nginx cpu=100m {{ labels {k}={v} }}" for i, (k, v) in enumerate(labels)]
    doc = _parsed("namespace bench {\n" + "\n".join(lines) + "\n}\n", monkeypatch)
    kept: dict = {}
    seen = set()
    (template, stmts), = _by_template(doc)  # one template for all (but the lines parsed before it)
    if True:
        for a in stmts:
            places: dict = {}
            alike_objects.places_by_id(a, (), places)
            got = alike_objects.places_made(a, template, kept)
            assert {k: tuple(v) for k, v in got.items()} == {k: tuple(v) for k, v in places.items()}
            seen.add(len(places))
    assert len(seen) == 2  # both partitions met under the template
    fast = _outcome(doc)
    of = alike.Entry.of.__func__
    monkeypatch.setattr(alike.Entry, "of", classmethod(lambda cls, *a: of(cls, *a[:5], None)))
    assert fast[1] == _outcome(doc)[1]


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=texts_of_templates())
def test_the_model_with_a_template_s_kept_shape_is_the_plain_one(text):
    """Built with Ctx.templated and with each entry reading its statement whole (Entry.of's kept None): the same
    objects, spans and diagnostics."""
    with pytest.MonkeyPatch.context() as m:
        doc = _parsed(text, m)
        fast = _outcome(doc)
        of = alike.Entry.of.__func__
        m.setattr(alike.Entry, "of", classmethod(lambda cls, *a: of(cls, *a[:5], None)))
        plain = _outcome(doc)
    assert fast[0] == plain[0]
    assert fast[1] == plain[1]


def test_the_entries_of_one_template_share_its_shape(monkeypatch):
    """200 pods of 20 keys, each line replayed from one template: the shape and places are read once, each later
    entry reads its constants and spans by the template's compiled readers."""
    lines = [f"  pod p{i} image=registry.example.com/app:{i % 20} cpu=100m memory=128Mi {{ labels app=a{i % 20} }}"
             for i in range(200)]
    doc = _parsed("namespace bench {\n" + "\n".join(lines) + "\n}\n", monkeypatch)
    calls = {"shape": 0, "places": 0, "templated": 0}
    shape, places, templated = alike_compare._shape, alike_objects.places_by_id, alike_compare.templated

    def counted(name, f):
        def g(x, path, *a):
            calls[name] += path in ((), {1: {1: True}})  # a statement's walk, not its recursion
            return f(x, path, *a)
        return g

    monkeypatch.setattr(alike_compare, "_shape", counted("shape", shape))
    monkeypatch.setattr(alike, "places_by_id", counted("places", places))
    monkeypatch.setattr(alike_objects, "places_by_id", counted("places", places))
    monkeypatch.setattr(alike_compare, "templated", lambda *a: calls.__setitem__(
        "templated", calls["templated"] + 1) or templated(*a))
    fast = _outcome(doc)
    taken = dict(calls)
    of = alike.Entry.of.__func__
    monkeypatch.setattr(alike.Entry, "of", classmethod(lambda cls, *a: of(cls, *a[:5], None)))
    calls.update(shape=0, places=0, templated=0)
    assert fast[1] == _outcome(doc)[1]
    assert calls == {"shape": 20, "places": 20, "templated": 0}  # the plain way: each entry reads its statement
    assert taken["templated"] >= 14  # the keys whose first statement a template made (the first lines are parsed)
    assert taken["shape"] == taken["places"] == 20 - taken["templated"] + 1, taken
