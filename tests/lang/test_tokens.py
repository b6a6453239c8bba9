"""Tokens made in bulk (a template's slots set on a bare `Tok()`) equal the ones `new_tok` makes, field by field."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kdsl.core.errors import Span
from kdsl.lang import linememo
from kdsl.lang.tokens import SEP, Tok, new_tok

_FIELDS = ("type", "value", "file", "line", "column", "end_line", "end_column")


def _fields(t) -> tuple:
    return (type(t),) + tuple(getattr(t, f) for f in _FIELDS)


def test_new_tok_sets_every_field_and_is_a_span():
    t = new_tok("WORD", "web", "f.kdsl", 3, 5, 3, 8)
    assert _fields(t) == (Tok, "WORD", "web", "f.kdsl", 3, 5, 3, 8)
    assert t == Span("f.kdsl", 3, 5, 3, 8) and hash(t) == hash(Span("f.kdsl", 3, 5, 3, 8))
    assert _fields(SEP) == (Tok, "_SEP", "\n", None, 0, 0, 0, 0)


@given(st.sampled_from(["WORD", "ATTR", "STRING", "LBRACE", "POD"]), st.text(min_size=1, max_size=8),
       st.integers(1, 10**6), st.integers(1, 500), st.integers(0, 40), st.integers(1, 10**6), st.integers(1, 500))
def test_a_templates_tokens_equal_new_toks(kind, value, line, column, width, line2, column2):
    # The template made of a token at (line, column) makes it again at (line2, column2): a bare Tok() with its
    # slots set inline, which must be the token new_tok makes there, in type and every field.
    made = new_tok(kind, value, "f.kdsl", line, column, line, column + width)
    maker = linememo.template([made, (made,)], "f.kdsl", line, column)
    again, (shared,) = maker("f.kdsl", line2, column2)
    assert _fields(again) == _fields(new_tok(kind, value, "f.kdsl", line2, column2, line2, column2 + width))
    assert shared is again  # one token stays one object
