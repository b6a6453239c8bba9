"""Block nesting is bounded by the parser, so `kdsl check` and `kdsl fmt` agree and nothing recursing over
the tree meets Python's recursion limit."""

from __future__ import annotations

import pytest

from kdsl.cli import main
from kdsl.core.errors import KdslSyntaxError
from kdsl.lang.fmt import format_document
from kdsl.lang.lalr import MAX_NESTING
from kdsl.lang.parser import parse_document

MESSAGE = f"blocks nest deeper than {MAX_NESTING} levels; a scenario needs a few, so close some sooner"


def nested(depth: int) -> str:
    return "at 1s: apply {\n" * depth + "}\n" * depth


def test_fmt_of_1000_nested_apply_blocks_is_a_located_error_not_recursionerror(tmp_path, capsys):
    path = tmp_path / "deep.kdsl"
    path.write_text(nested(1000), encoding="utf-8")
    assert main(["fmt", str(path)]) == 1
    fmt_err = capsys.readouterr().err
    assert main(["check", str(path)]) == 1
    check_err = capsys.readouterr().err
    assert fmt_err == check_err  # both stop at the parser, with the same message at the same place
    assert f"{path}:{MAX_NESTING + 1}:14: error: {MESSAGE}" in fmt_err and "Traceback" not in fmt_err


def test_parse_of_nesting_past_the_limit_points_at_the_brace():
    with pytest.raises(KdslSyntaxError) as info:
        parse_document(nested(MAX_NESTING + 1), "t.kdsl")
    (d,) = info.value.errors
    assert (d.line, d.column, d.message) == (MAX_NESTING + 1, 14, MESSAGE)


def test_nesting_at_the_limit_formats():
    text = format_document(parse_document(nested(MAX_NESTING), "t.kdsl"))
    assert text.count("apply {") == MAX_NESTING
