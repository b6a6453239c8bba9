"""`kdsl fmt` and params: `param NAME = VALUE` in one canonical spacing, each `$NAME` kept as written."""

from __future__ import annotations

import pytest

from kdsl.lang.fmt import bare, format_document, text_word
from kdsl.lang.parser import parse_document


@pytest.mark.parametrize("text, formatted", [
    ("param x=3", "param x = 3\n"),
    ("param  x =  3 # why", "param x = 3  # why\n"),
    ('param note="two words"', 'param note = "two words"\n'),
    ("param t = 1m30s; at $t: fail node n1", "param t = 1m30s\nat $t: fail node n1\n"),
    ('deployment web image=$img env="$HOME"', 'deployment web image=$img env="$HOME"\n'),
])
def test_fmt(text, formatted):
    assert format_document(parse_document(text)) == formatted


def test_generated_text_quotes_what_would_read_as_a_use():
    assert not bare("$HOME") and text_word("$HOME") == '"$HOME"'
    assert bare("$") and bare("a$b")  # not a use: `$` then a name, alone
