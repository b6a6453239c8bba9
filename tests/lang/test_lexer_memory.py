"""The lexer holds a long token without a regex backtracking record per character: a long string, triple string
or word costs about its own size, not hundreds of bytes a character (possessive quantifiers in the grammar)."""

from __future__ import annotations

import tracemalloc

import pytest

from kdsl.lang.parser import parse_document

N = 4_000_000


@pytest.mark.parametrize("text", [
    'configmap c { k = "' + "x" * N + '" }\n',
    'configmap c { k = """' + "x" * N + '""" }\n',
    "node " + "n-" * (N // 2) + "1\n",
    'node n1 k="' + "x" * N + '"\n',
], ids=["string", "triple", "word", "attr"])
def test_a_long_token_costs_about_its_size_in_the_lexer(text):
    parse_document("node n1\n")  # the parser's tables are built once, outside the measure
    tracemalloc.start()
    try:
        parse_document(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 12 * len(text), f"{peak:,} bytes for a {len(text):,}-character text"  # was ~200 a character


def test_an_unterminated_long_string_is_a_located_error_at_its_quote():
    from kdsl.core.errors import KdslSyntaxError

    with pytest.raises(KdslSyntaxError) as info:
        parse_document('node n1\nconfigmap c { k = "' + "x" * N + "\n}\n")
    (d,) = info.value.diagnostics
    assert (d.line, d.column) == (2, 19)
