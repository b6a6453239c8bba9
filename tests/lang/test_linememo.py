"""A line replayed from a template makes the same tree, spans and errors as the line parsed afresh."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdsl.core.limits import bulk
from kdsl.core.errors import Span
from kdsl.lang import gapmemo, linememo
from kdsl.lang.parser import _builder, _get_machine, _lock
from kdsl.lang.tokens import MAX_NESTING, Tok, TooDeep, UnexpectedCharacter, UnexpectedToken
from tests.strategies import KEYWORDS, mutated, scenarios, token_soup

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import parse as bench  # noqa: E402  (the benchmark's generator: a scenario of many repeated lines)
import scale  # noqa: E402  (benchmarks/scale.py: pod lines that differ in their names and numbers)


def _shape(v):
    """Everything a value says, spans and token kinds included (node equality leaves spans out)."""
    if isinstance(v, Span):
        return (type(v).__name__, v.file, v.line, v.column, v.end_line, v.end_column,
                getattr(v, "type", None), getattr(v, "value", None))
    if isinstance(v, (tuple, list)):
        return (type(v).__name__, getattr(v, "end_line", None), tuple(_shape(x) for x in v))
    return (type(v).__name__, v)


def _parse(text: str, memo: bool):
    machine = _get_machine()
    with _lock:
        _builder.file, _builder.splits = "f.kdsl", {}
        try:
            with bulk():
                return _shape(machine.parse(text, "f.kdsl", memo))
        except (UnexpectedToken, UnexpectedCharacter) as exc:
            return (type(exc).__name__, exc.line, exc.column, sorted(exc.expected), _shape(exc.open_braces),
                    _shape(getattr(exc, "token", None)), getattr(exc, "pos", None))
        except TooDeep as exc:
            return ("TooDeep", _shape(exc.token))


def _assert_same(text: str) -> None:
    text = text if text.endswith("\n") else text + "\n"
    assert _parse(text, True) == _parse(text, False)


@st.composite
def repeated(draw, base) -> str:
    """A text whose lines come back several times, in other places and at other indents."""
    lines = draw(base).split("\n")
    out = []
    for line in lines:
        out.append(line)
        for _ in range(draw(st.integers(0, 3))):
            i = draw(st.integers(0, len(out) - 1))
            indent = draw(st.sampled_from(["", "  ", "\t", "      "]))
            out.insert(draw(st.integers(0, len(out))), indent + out[i].lstrip(" \t"))
    return "\n".join(out)


# Words a line's word runs are swapped for: names and numbers, keywords (a keyword where a name stood, a name
# where a keyword stood), and words the grammar's WORD ends oddly (`-`, `:`, `->`, `=`).
_WORDS = st.one_of(st.sampled_from(sorted(KEYWORDS)),
                   st.sampled_from(["web-3", "a7", "p12", "3", "100m", "x:y", "-a", ":b", "a-", "v1.2", "é", "-"]),
                   st.from_regex(r"[a-z0-9][a-z0-9.:/-]{0,8}", fullmatch=True))


@st.composite
def reworded(draw, base) -> str:
    """A text whose lines come back with other words in place of their word runs, in other places."""
    split = _get_machine().word.pattern
    lines = draw(base).split("\n")
    out = []
    for line in lines:
        out.append(line)
        for _ in range(draw(st.integers(0, 3))):
            parts = re.split("(" + split + ")", out[draw(st.integers(0, len(out) - 1))])
            for i in range(1, len(parts), 2):
                if draw(st.integers(0, 2)) == 0:
                    parts[i] = draw(_WORDS)
            indent = draw(st.sampled_from(["", "  ", "\t"]))
            out.insert(draw(st.integers(0, len(out))), indent + "".join(parts).lstrip(" \t"))
    return "\n".join(out)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(reworded(st.one_of(scenarios(), mutated(), token_soup())))
def test_reworded_lines_of_valid_and_broken_text(text):
    _assert_same(text)


def test_lines_that_differ_in_their_words():
    # Names, numbers, a keyword in a name's place and a name in a keyword's place, one-line blocks, deep nesting.
    pods = "".join(f"  pod p{i} image=r.example.com/app:{i % 7} cpu=100m memory=128Mi {{ labels app=a{i} }}\n"
                   for i in range(6))
    _assert_same("namespace n {\n" + pods + "  pod pods image=x { labels app=labels }\n"
                 "  pod service image=x { labels pods=a }\n  pod p image=x { labels app=a }\n}\n")
    _assert_same("".join(f"node n{i} cpu={i} {{\n  pods = {i}\n}}\n" for i in range(5))
                 + "node pods cpu=1 {\n  pods = pods\n}\n")
    for depth in (MAX_NESTING - 1, MAX_NESTING):
        _assert_same("at 1s: apply {\n" * depth + "".join(f"pod p{i} image=x {{ labels a=b }}\n" for i in range(4))
                     + "}\n" * depth)


def _replays(monkeypatch, module) -> list:
    """The calls of the templates `module` (linememo or gapmemo) makes, from now on."""
    made = []
    template = module.template

    def counting(*args):
        maker = template(*args)
        return maker and (lambda *at: made.append(at) or maker(*at))

    monkeypatch.setattr(module, "template", counting)
    return made


def test_the_scale_benchmarks_pod_lines_are_replayed(monkeypatch):
    made = _replays(monkeypatch, gapmemo)
    _assert_same(scale.generate(10, 300))
    assert len(made) > 250  # every pod line but the first few differs from the others only in its words


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(repeated(scenarios()))
def test_repeated_lines_of_valid_scenarios(text):
    _assert_same(text)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(repeated(st.one_of(mutated(), token_soup())))
def test_repeated_lines_of_broken_text(text):
    _assert_same(text)


def test_the_benchmark_scenario_replays_most_lines(monkeypatch):
    lines, texts = _replays(monkeypatch, linememo), _replays(monkeypatch, gapmemo)
    text = bench.generate(3000)
    _assert_same(text)
    # the scenario repeats most of its lines, and its deployment blocks whole (kdsl.lang.gapmemo: parts a line)
    assert len(lines) + sum(len(at[3]) for at in texts) > text.count("\n") // 2


def test_a_keyword_that_is_a_word_only_in_some_places():
    # `pods` is a keyword in a network policy and a plain word elsewhere: the same line text, other meanings.
    line = "  pods = 3\n"
    _assert_same("cluster c {\n  node n cpu=1 {\n" + line * 3 + "  }\n}\nnode m {\n" + line * 3 + "}\n")
    _assert_same("pod a image=b\n" * 3 + "pod a image=b {\n" + "  port http 80\n" * 3 + "}\n" * 2)


def test_a_replayed_line_that_opens_a_block_keeps_the_open_blocks():
    # A replay pushes the `{` it ends with to the open blocks: the limit's error and an unclosed block's
    # message point at the same brace as a plain parse.
    for depth in (MAX_NESTING, MAX_NESTING + 1):
        _assert_same("at 1s: apply {\n" * depth + "}\n" * depth)
    block = "  deployment web replicas=3 {\n    priority 1\n  }\n"
    _assert_same("namespace n {\n" + block * 3 + "  deployment web {\n")


def test_a_template_sets_every_slot_of_a_span_and_a_token():
    # Templates make spans and tokens a slot at a time (not through __init__): a new slot must be set there too.
    assert Span.__slots__ == ("file", "line", "column", "end_line", "end_column")
    assert Tok.__slots__ == ("type", "value")


def test_a_parse_keeps_no_template_after_it_returns(monkeypatch):
    """A template is the parse's own: once the parse returns, none is left, though the parse's gc.freeze keeps
    every cycle made inside it (a maker left in its own globals was one, and so every template of every parse
    lived as long as the process)."""
    import weakref

    from kdsl.lang.parser import parse_document

    made = []
    compiled = linememo.compiled

    def keeping(*args):
        maker = compiled(*args)
        if maker is not None:
            made.append(weakref.ref(maker))
        return maker

    monkeypatch.setattr(linememo, "compiled", keeping)
    monkeypatch.setattr(gapmemo, "compiled", keeping)
    text = "namespace a {\n" + "".join(f"  pod p{i} image=busybox:{i} {{ labels app=a{i} }}\n" for i in range(600))
    text += "".join("  configmap c { a = \"1\" }\n" for _ in range(6)) + "}\n"
    parse_document(text, "t.kdsl")
    assert made, "the text repeats its lines: templates are made"
    assert not [m for m in made if m() is not None]


def test_a_parse_leaves_no_cyclic_garbage():
    """The parse runs with the collector paused and freezes what is left (core/bulk.py): a cycle made while a
    template is built (a recursive helper closed over its own cell) would be kept for the life of the process.
    Only kdsl's own functions are counted among the garbage: another thread (a Dask client an earlier test left
    shutting down) may make cycles of its own while the parse runs."""
    import gc

    text = bench.generate(1000) + scale.generate(10, 50)
    machine = _get_machine()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        with _lock:
            _builder.file, _builder.splits = "f.kdsl", {}
            machine.parse(text, "f.kdsl")
        gc.collect()
        ours = [o for o in gc.garbage if type(o) is types.FunctionType
                and (o.__module__ or "").startswith("kdsl")]
        assert ours == []
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
