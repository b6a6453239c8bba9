"""Runs of replayed statements added to their list without the driver's loop make the same tree, spans and errors."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdsl.lang import runs
from kdsl.lang.gapmemo import Gaps
from kdsl.lang.parser import _get_machine
from kdsl.lang.tokens import MAX_NESTING
from tests.lang.test_linememo import _WORDS, _assert_same, _parse, bench, scale

# Statements with words to vary ({}: a name, a number or, now and then, any word: a keyword too), one-line and
# blocks, valid in a namespace; some of them not at the top of a file or in a cluster (errors there).
_STATEMENTS = (
    "pod {} image=r.example.com/app:{} cpu=100m memory=128Mi {{ labels app={} }}",
    "service {} selects app={} ports 80->http",
    "configmap {} {{ A = \"x\" }}",
    "pod {} image={}",
    "deployment {} replicas={} {{\n  labels app={} tier=web\n  container app image={} {{\n    port http {}\n  }}\n}}",
    "deployment {} replicas=3 {{\n  container app image=x {{\n    env A=\"{}\"\n  }}\n}}",
)
_NAMES = st.one_of(st.sampled_from(["web-3", "a7", "p12", "3", "100m", "x:y", "v1.2", "é"]),
                   st.from_regex(r"[a-z][a-z0-9-]{0,6}[a-z0-9]", fullmatch=True))
# What may stand between two statements or in a run's place: the driver is back in charge after each.
_BREAKS = ("", "", "", "", "\n", "# a comment", "  # an indented comment", ";", "pod q image=x; pod r image=y",
           "pod q image=x  # a comment", "pod ! image=x", "  }", "{", "pods = 3", "\t", "\"s\"")


@st.composite
def run_texts(draw) -> str:
    """Long runs of statements alike but for their words (in one block or at the top), with now and then a
    comment, a blank line, a `;`, an error, a `}` or another statement between them, at one indent or two."""
    head = draw(st.sampled_from([[], ["namespace n {"], ["namespace n {"], ["cluster c {"], ["at 1s: apply {"] * 3]))
    depth = len(head)
    kinds = draw(st.lists(st.sampled_from(_STATEMENTS), min_size=1, max_size=3))
    indent = "  " * depth
    body = []
    for _ in range(draw(st.integers(6, 30))):
        statement = draw(st.sampled_from(kinds))
        words = [draw(_WORDS if draw(st.integers(0, 39)) == 0 else _NAMES) for _ in range(statement.count("{}"))]
        lines = statement.format(*words).split("\n")
        ind = indent if draw(st.integers(0, 9)) else draw(st.sampled_from(["", "\t", indent + " "]))
        body += [ind + line for line in lines]
        if draw(st.integers(0, 11)) == 0:
            body.append(ind + draw(st.sampled_from(_BREAKS)))
    tail = ["}"] * depth if draw(st.integers(0, 9)) else []
    return "\n".join(head + body + tail) + "\n"


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(run_texts())
def test_runs_of_statements_alike_but_for_their_words(text):
    _assert_same(text)


def _counted(monkeypatch) -> list:
    """The statements each replay with gaps makes: one entry a run (its first statement's line, its last one's)."""
    made = []
    replay = runs.Runs.replay

    def counting(self, *args):
        end, last = replay(self, *args)
        made.append((args[5], last))
        return end, last

    monkeypatch.setattr(runs.Runs, "replay", counting)
    return made


def test_the_benchmarks_are_replayed_in_runs(monkeypatch):
    made = _counted(monkeypatch)
    text = scale.generate(10, 400)
    _assert_same(text)
    # after the first few (counted, recorded, checked, the step between two learnt) one run to the block's end
    assert any(last - first > 380 for first, last in made)
    made.clear()
    text = bench.generate(3000)
    _assert_same(text)
    # a namespace's deployments and services, from where their templates are known to its end
    assert sum(last - first for first, last in made) > text.count("\n") * 0.8


def test_an_error_after_a_run_and_in_its_place():
    pods = "".join(f"  pod p{i} image=x cpu={i}m {{ labels app=a{i} }}\n" for i in range(30))
    for broken in ("  pod p image=x cpu=1m { labels app=a }}\n", "  pod p image=x cpu=1m { labels app= }\n",
                   "  pod p image=x cpu=1m { labels app=a \n", "  pod p image=x cpu=1m { labels app=a } x\n",
                   "  pod pod image=x cpu=1m { labels app=a }\n", "  pod p image=\"x\" cpu=1m { labels app=a }\n"):
        for at in (0, 10, 29, 30):
            lines = pods.splitlines(keepends=True)
            text = "namespace n {\n" + "".join(lines[:at]) + broken + "".join(lines[at:]) + "}\n"
            _assert_same(text)
            _assert_same(text[:-2])  # the block left open
            if broken.endswith(("= }\n", "} x\n")):  # an error on the broken line, where it is
                assert _parse(text, True)[:2] == ("UnexpectedToken", at + 2)


def test_a_run_at_the_nesting_limit_and_after_separators_of_all_kinds():
    lines = "".join(f"pod p{i} image=x {{ labels a=b{i} }}\n" for i in range(12))
    for depth in (MAX_NESTING - 1, MAX_NESTING):
        _assert_same("at 1s: apply {\n" * depth + lines + "}\n" * depth)
    for sep in ("\n\n", "; ", " # c\n", "\n\t", "\r\n", "\n  \n", ";\n"):
        _assert_same(sep.join(f"pod p{i} image=x {{ labels a=b{i} }}" for i in range(20)) + "\n")


def test_a_runs_next_step_is_looked_up_once_a_template_and_shape(monkeypatch):
    asked = []
    ahead = runs.Runs.ahead
    monkeypatch.setattr(runs.Runs, "ahead", lambda self, *a: asked.append(a[1:]) or ahead(self, *a))
    made = _counted(monkeypatch)
    _assert_same(scale.generate(10, 400))
    assert any(last - first > 380 for first, last in made)
    assert 0 < len(asked) < 10  # a run of some 390 statements: its step is looked up once, not once a statement



@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(run_texts(), st.sampled_from([0, 1, 3]))
def test_a_run_past_its_kept_lines_makes_the_same_tree(text, kept):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(runs, "_KEEP", kept)  # the lines after a run's first `kept` read by fresh(), which keeps none
        _assert_same(text)


_ODD = st.sampled_from(["{", "}", "} {", "{ }", ",", "#", '"s"', ";", "\\", "=", "->", "a=b", "pod", "labels"])


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.one_of(_WORDS, _NAMES, _ODD, _ODD), min_size=1, max_size=8),
       st.sampled_from([0, 1, MAX_NESTING - 2, MAX_NESTING - 1, MAX_NESTING]))
def test_fresh_answers_as_find(words, depth):
    machine = _get_machine()
    gaps = Gaps(machine.word.pattern, machine.keywords)
    segment = " ".join(words)
    if segment.strip() and not segment.rstrip().endswith("{"):  # (the lines a run asks find about)
        for _ in range(2):  # the second time find has kept it
            assert runs.fresh(gaps, segment, depth) == gaps.find(segment, depth)


def test_a_long_run_keeps_the_shapes_of_its_first_lines_only(monkeypatch):
    kept, fresh = [], []
    find, read = Gaps.find, runs.fresh
    monkeypatch.setattr(Gaps, "find", lambda self, s, d: kept.append(s) or find(self, s, d))
    monkeypatch.setattr(runs, "fresh", lambda g, s, d: fresh.append(s) or read(g, s, d))
    made = _counted(monkeypatch)
    monkeypatch.setattr(runs, "_KEEP", 100)
    _assert_same(scale.generate(10, 1000))
    assert any(last - first > 980 for first, last in made)
    assert len(fresh) > 850 and len(kept) < 150
