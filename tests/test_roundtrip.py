"""Property tests: `kdsl fmt` keeps the meaning of generated scenarios, and is idempotent.

The scenarios come from tests/strategies.py; the number of examples from the Hypothesis profile
(tests/conftest.py, docs/testing.md).
"""

from __future__ import annotations

import pytest
from hypothesis import given

import kdsl
from kdsl.lang.fmt import format_document
from kdsl.lang.parser import parse_document
from tests.strategies import scenarios


def fmt(text: str) -> str:
    return format_document(parse_document(text))


def comments(text: str) -> list[str]:
    return [c.text.rstrip() for c in parse_document(text).comments]


@given(scenarios())
def test_fmt_keeps_the_meaning(text):
    """fmt(x) has the same syntax tree, builds the same model and keeps every comment."""
    doc = parse_document(text)
    out = format_document(doc)
    assert parse_document(out).stmts == doc.stmts
    assert kdsl.parse(out) == kdsl.parse(text)
    assert comments(out) == comments(text)


@given(scenarios())
def test_fmt_is_idempotent(text):
    once = fmt(text)
    assert fmt(once) == once


@given(scenarios())
def test_parse_is_deterministic(text):
    first, second = kdsl.parse(text), kdsl.parse(text)
    assert first == second
    assert [d.format() for d in first.warnings] == [d.format() for d in second.warnings]
    assert parse_document(text).stmts == parse_document(text).stmts


# ---- formatter bugs found by the strategies, fixed: their minimal cases stay as regression tests ----

_KNOWN = {
    "triple_no_newline": 'deployment web image=nginx {\n  yaml """\n  spec: {}"""\n}\n',
    "triple_blank_spaces": 'deployment web image=nginx {\n  yaml """\n  a:\n     \n  b:\n  """\n}\n',
    "triple_in_attr": 'deployment web image = """nginx"""\n',
    "triple_only_blank_lines": 'pv web 1Gi {\n  yaml """\n  \n   \n  """\n}\n',
    "spaced_cmp": 'namespace s\nexpect pods s count >= 1\n',
    "exotic_breaks": 'pod a image=b\x0c\n# c\npod b image=c\n',
    "x85_in_comment": 'configmap c {\n  a = "x"  # c\x85d\n\n\n  b = "y"\n}\n',
}
# Texts that parse but do not build (no attribute ends in `-`, no node takes a `\` word): the tree must survive.
_KNOWN_IN_TREE = {
    "key_ending_in_dash_then_gt": "node a x- > 1\n",  # was printed `x->1`: `->` is an arrow
    "bare_backslash_word": "node a \\ \nnode b\n",  # was printed `node a \` + newline: a line continuation
}


@pytest.mark.parametrize("name", sorted(_KNOWN))
def test_formerly_known_fmt_bug(name):
    text = _KNOWN[name]
    out = fmt(text)
    assert parse_document(out).stmts == parse_document(text).stmts
    assert kdsl.parse(out) == kdsl.parse(text)
    assert fmt(out) == out


@pytest.mark.parametrize("name", sorted(_KNOWN_IN_TREE))
def test_formerly_known_fmt_bug_in_tree(name):
    text = _KNOWN_IN_TREE[name]
    out = fmt(text)
    assert parse_document(out).stmts == parse_document(text).stmts
    assert fmt(out) == out
