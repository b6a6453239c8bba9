"""Shortcuts of the parse equal their plain paths: a `key=value`'s key span made when read, gapmemo's unfit test."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdsl.core.errors import Span
from kdsl.lang import gapmemo
from kdsl.lang.parser import _builder, _lock, parse_document
from kdsl.lang.syntax import Attr, Word
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


def _assert_keys_as_general(text: str) -> int:
    """Every attribute made of one `key=value` token equals, spans and all, what the general path (real spans, no
    derived key) makes of that token; its key's span covers the key's text. Returns how many were compared."""
    doc = parse_document(text, "f.kdsl")
    n = 0
    for attr in _attrs(doc.stmts, []):
        tok = attr.span
        if type(tok) is not Tok or tok.type != "ATTR" or attr.key[3] is not tok:
            continue
        with _lock:
            _builder.file = "f.kdsl"
            general = _builder._attr_general(tok)
        assert _spans(attr) == _spans(general)
        key = attr.key.span
        assert type(key) is Span and key.end_line == key.line
        assert doc.source.line(key.line)[key.column - 1:key.end_column - 1] == attr.key.text
        n += 1
    return n


def test_keys_of_the_benchmarks_replayed_blocks_and_lines():
    # Over 16 KB: replayed from templates (kdsl.lang.gapmemo, linememo), which make the key's Word again.
    assert _assert_keys_as_general(bench.generate(3000)) > 1000
    assert _assert_keys_as_general(scale.generate(10, 400)) > 400


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(scenarios())
def test_keys_of_generated_scenarios(text):
    try:
        _assert_keys_as_general(text)
    except Exception as exc:  # a text the grammar refuses has no tree to compare
        if type(exc).__name__ != "KdslSyntaxError":
            raise


def test_a_word_that_is_its_own_span_is_read_as_it_is():
    doc = parse_document("pod web image=busybox:1 { labels a=b,c }\n", "f.kdsl")
    head = doc.stmts[0].head
    assert head[1].span is head[1][3]  # `web`: its token
    labels = doc.stmts[0].block[0].head[1]
    assert labels.key.span is labels.key[3] and type(labels.key[3]) is Span  # a list: the general path


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab ,;#\\"{}=\n')), max_size=12))
def test_a_line_unfit_for_gaps_is_the_regexs(text):
    # gapmemo._unfit: five `in` tests in place of the regex `[\\,;#]|"""` (the same answer, at C speed)
    assert gapmemo._unfit(text) == bool(re.search(r'[\\,;#]|"""', text))
