"""Shortcuts of the parse equal their plain paths: a `key=value`'s key and value spans made when read (and their places
read without a span), gapmemo's unfit test."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdsl.core.errors import Span
from kdsl.lang import gapmemo
from kdsl.lang.parser import _builder, _lock, parse_document
from kdsl.lang.syntax import Attr, Word, word_place
from kdsl.lang.tokens import Tok
from tests.lang.test_linememo import bench, scale
from tests.strategies import scenarios


def _attrs(node, out: list) -> list:
    if type(node) is Attr:
        out.append(node)
    if isinstance(node, tuple):
        for x in node:
            _attrs(x, out)
    return out


def _spans(node) -> tuple:
    """Every span a node's readers see (through `.span`), with the node's fields."""
    if type(node) in (Word, Attr):
        s = node.span
        return (node[: node._n], (type(s), s.file, s.line, s.column, s.end_line, s.end_column),
                tuple(_spans(x) for x in node[: node._n] if isinstance(x, tuple)))
    return tuple(_spans(x) for x in node)


def _assert_places(node) -> int:
    """syntax.word_place gives every word's `.span` place (the plain path); returns how many words were read."""
    if type(node) is Word:
        s = node.span
        assert word_place(node) == (None if s is None else (s.line, s.end_line, s.column, s.end_column))
        return 1
    return sum(_assert_places(x) for x in node) if isinstance(node, tuple) else 0


def _assert_keys_as_general(text: str) -> int:
    """Every attribute made of one `key=value` token equals, spans and all, what the general path (real spans, no
    derived key nor value) makes of that token; its key's and value's spans cover their texts, and the value holds
    the token (its span made when read) unless it is spelt as the key. Returns how many were compared."""
    doc = parse_document(text, "f.kdsl")
    _assert_places(doc.stmts)
    n = 0
    for attr in _attrs(doc.stmts, []):
        tok = attr.span
        if type(tok) is not Tok or tok.type != "ATTR" or attr.key[3] is not tok:
            continue
        with _lock:
            _builder.file = "f.kdsl"
            general = _builder._attr_general(tok)
        assert _spans(attr) == _spans(general)
        value = attr.values[0]
        assert (value[3] is tok) == (value.text != attr.key.text)
        for word in (attr.key, value):
            span = word.span
            assert type(span) is Span and span.end_line == span.line
            assert doc.source.line(span.line)[span.column - 1:span.end_column - 1] == word.text
        n += 1
    return n


def test_keys_of_the_benchmarks_replayed_blocks_and_lines():
    # Over 16 KB: replayed from templates (kdsl.lang.gapmemo, linememo), which make the key's Word again.
    assert _assert_keys_as_general(bench.generate(3000)) > 1000
    assert _assert_keys_as_general(scale.generate(10, 400)) > 400
    assert _assert_places(parse_document(bench.generate(3000), "f.kdsl").stmts) > 3000


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(scenarios())
def test_keys_of_generated_scenarios(text):
    try:
        _assert_keys_as_general(text)
    except Exception as exc:  # a text the grammar refuses has no tree to compare
        if type(exc).__name__ != "KdslSyntaxError":
            raise


_SIDE = st.text(alphabet="ab-:.", min_size=1, max_size=3).filter(lambda w: w[0] not in "-:" and w[-1] not in "-:")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_SIDE, st.sampled_from(["=", "!=", ">=", "<=", ">", "<", "~"]), _SIDE), min_size=1,
                max_size=4), st.booleans())
def test_keys_and_values_spelt_alike_or_not(attrs, replayed):
    # `a=a`, `a=ab`, `ab=a`, `a>=a-b`: a key and a value holding one token are told apart by their texts
    line = "pod web " + " ".join(f"{k}{op}{v}" for k, op, v in attrs)
    text = (line + "\n") * (700 if replayed else 1)  # over 16 KB the lines are replayed from a template
    assert _assert_keys_as_general(text) == len(attrs) * (700 if replayed else 1)


def test_a_word_that_is_its_own_span_is_read_as_it_is():
    doc = parse_document("pod web image=busybox:1 { labels a=b,c }\n", "f.kdsl")
    head = doc.stmts[0].head
    assert head[1].span is head[1][3]  # `web`: its token
    labels = doc.stmts[0].block[0].head[1]
    assert labels.key.span is labels.key[3] and type(labels.key[3]) is Span  # a list: the general path
    spelt = parse_document("pod web a=a\n", "f.kdsl").stmts[0].head[2]
    assert type(spelt.values[0][3]) is Span and spelt.values[0].span.column == 11  # a value spelt as its key


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab ,;#\\"{}=\n')), max_size=12))
def test_a_line_unfit_for_gaps_is_the_regexs(text):
    # gapmemo._unfit: five `in` tests in place of the regex `[\\,;#]|"""` (the same answer, at C speed)
    assert gapmemo._unfit(text) == bool(re.search(r'[\\,;#]|"""', text))
