"""A block replayed whole from a template with gaps makes the same tree, spans and errors as a plain parse."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdsl.lang import gapmemo
from kdsl.lang.fmt import format_document
from kdsl.lang.linememo import AGAIN
from kdsl.lang.parser import _get_machine, parse_document
from kdsl.lang.tokens import MAX_NESTING
from tests.lang.test_linememo import _WORDS, _assert_same, _replays, bench
from tests.strategies import KEYWORDS, mutated, scenarios, token_soup


def _formatted(text: str) -> str:
    """A valid scenario in kdsl fmt's layout: a statement a line, blocks over several lines."""
    return format_document(parse_document(text, "f.kdsl"))


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) line of each block whose `}` has a line of its own."""
    out = []
    for i, line in enumerate(lines):
        if line.rstrip().endswith("{"):
            depth = 0
            for j in range(i, len(lines)):
                depth += lines[j].count("{") - lines[j].count("}")
                if depth <= 0:
                    if depth == 0 and lines[j].strip() == "}" and j > i:
                        out.append((i, j))
                    break
    return out


# Names and numbers most of the time, so that most copies keep their block's shape; now and then any word.
_PLAIN = st.one_of(st.sampled_from(["web-3", "a7", "p12", "3", "100m", "x:y", "a-", "v1.2", "é"]),
                   st.from_regex(r"[a-z0-9][a-z0-9./-]{0,8}", fullmatch=True))


@st.composite
def reblocked(draw, base) -> str:
    """A text with some of its blocks copied enough times to be replayed, other words in the copies (names and
    numbers in place of plain words, now and then a keyword or an odd word, or a keyword reworded: most copies
    keep their block's shape and parse), at another indent, after the block or in other places (inside other blocks
    too)."""
    split = _get_machine().word.pattern
    lines = draw(base).split("\n")
    blocks = _blocks(lines)
    if not blocks:
        return "\n".join(lines)
    runs: dict[int, list[str]] = {}
    for _ in range(draw(st.integers(1, 2))):
        first, last = draw(st.sampled_from(blocks))
        indent = draw(st.sampled_from(["", "  ", "\t"]))
        # mostly right after the block, where a copy is valid
        at = last + 1 if draw(st.integers(0, 3)) else draw(st.integers(0, len(lines)))
        run = runs.setdefault(at, [])
        for _ in range(draw(st.integers(AGAIN + 2, AGAIN + 5))):
            for line in lines[first:last + 1]:
                parts = re.split("(" + split + ")", line)
                for i in range(1, len(parts), 2):
                    if draw(st.integers(0, 3)) == 0 and (parts[i] not in KEYWORDS or draw(st.integers(0, 19)) == 0):
                        parts[i] = draw(_WORDS if draw(st.integers(0, 19)) == 0 else _PLAIN)
                run.append(indent + "".join(parts))
    out = []
    for i, line in enumerate(lines):
        out += runs.get(i, [])
        out.append(line)
    return "\n".join(out + runs.get(len(lines), []))


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(reblocked(scenarios().map(_formatted)))
def test_repeated_blocks_of_valid_scenarios(text):
    _assert_same(text)


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")  # mutated() asks its base for a bool
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(reblocked(st.one_of(mutated(scenarios().map(_formatted)), token_soup())))
def test_repeated_blocks_of_broken_text(text):
    _assert_same(text)


def _block(i: int, image: str = "x") -> str:
    return (f"  deployment web-{i} replicas={i} {{\n    labels app=web-{i}\n    container app image={image}:{i} {{\n"
            f"      env LOG_LEVEL=\"info\"\n      port http {8000 + i}\n    }}\n  }}\n")


def test_blocks_that_differ_in_their_words_are_replayed_whole(monkeypatch):
    made = _replays(monkeypatch, gapmemo)
    _assert_same("namespace n {\n" + "".join(_block(i) for i in range(12)) + "}\n")
    assert sum(len(at[3]) == 7 for at in made) >= 12 - AGAIN - 1  # all but the ones recorded and checked


def test_a_replayed_block_keeps_lines_and_errors():
    # After a replayed block: the next line's number, an error in it, an unclosed block, a string that differs
    # (a string is part of the shape), a keyword where a name stood.
    blocks = "".join(_block(i) for i in range(8))
    _assert_same("namespace n {\n" + blocks + "  deployment web-9 replicas=3 {\n    labels = =\n  }\n}\n")
    _assert_same("namespace n {\n" + blocks + _block(9).replace('"info"', '"debug"') + "}\n")
    _assert_same("namespace n {\n" + blocks + _block(9).replace("web-9", "container") + "}\n")
    _assert_same("namespace n {\n" + blocks + "  deployment web-9 replicas=3 {\n")
    _assert_same("namespace n {\n" + blocks + "\n\n" + _block(3) + "}\nnode\n")


@pytest.mark.parametrize("first, then", [("requests.cpu", "100m"), ("100m", "requests.cpu"), ("a", "b")])
def test_a_replayed_value_spelt_as_its_key_has_a_span_of_its_own(monkeypatch, first, then):
    # A plain `key=value`'s value word holds the token unless spelt as its key (parser._attr_token): a template
    # learnt from blocks of one kind makes the other kind right (found by test_repeated_blocks_of_valid_scenarios).
    made = _replays(monkeypatch, gapmemo)
    blocks = "".join(f"namespace n{i} {{\n  quota {first}=100m\n}}\n" for i in range(6))
    _assert_same(blocks + f"namespace m {{\n  quota {then}=100m\n}}\nnamespace m2 {{\n  quota 7=7\n}}\n")
    assert made


def test_a_replayed_block_at_the_nesting_limit():
    # The blocks a replay opens and closes count against the limit as in a plain parse.
    blocks = "".join(_block(i) for i in range(8))
    for depth in (MAX_NESTING - 3, MAX_NESTING - 2, MAX_NESTING - 1):
        _assert_same("at 1s: apply {\n" * depth + blocks + "}\n" * depth)


def test_the_benchmarks_deployment_blocks_are_replayed_whole(monkeypatch):
    made = _replays(monkeypatch, gapmemo)
    text = bench.generate(5000)
    _assert_same(text)
    assert sum(len(at[3]) == 19 for at in made) > 150  # 20 deployments a namespace, all but the first few
