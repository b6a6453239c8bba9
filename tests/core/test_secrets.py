"""kdsl.core.secrets: a Secret's values shown as `<redacted>` (keys kept) and masked as `*`s in a quoted line."""

from __future__ import annotations

import pytest

from kdsl.core.secrets import REDACTED, mask, redact_pairs, redact_yaml


@pytest.mark.parametrize("text, shown", [
    ("stringData:\n  a: x\n  b: [1, {c: y}]\n", "{stringData: {a: <redacted>, b: [<redacted>, {c: <redacted>}]}}"),
    ("- a\n", REDACTED), ("just words\n", REDACTED), ("a: [unclosed\n", REDACTED), ("", ""), ("# only\n", "{}"),
    (None, None),
])
def test_redact_yaml_keeps_the_keys_and_hides_every_value(text, shown):
    assert redact_yaml(text) == shown


def test_redact_yaml_walks_an_alias_once_so_an_alias_bomb_costs_its_text():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    shown = redact_yaml(bomb)
    assert len(shown) < 2_000 and shown.startswith("{a: [<redacted>")


def test_redact_pairs_keeps_the_keys():
    assert redact_pairs((("a", "x"), ("b", "y"))) == (("a", REDACTED), ("b", REDACTED))


def test_mask_keeps_the_width_and_the_line_end():
    assert mask('k = "abc" x\n', [(5, 10)]) == "k = ***** x\n"
    assert mask("short", [(3, 1 << 30)]) == "sh***"
