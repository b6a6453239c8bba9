"""Fuzzing: random and mutated text only ever raises kdsl's own errors, with usable diagnostics.

`kdsl.parse` on any text returns a Scenario or raises a KdslError; any other exception is a bug.
A raised error formats, and every diagnostic that names a line points inside the text. Whatever
parses can be formatted, and the formatted text parses to the same statements.

The default profile runs a few hundred examples; for a real fuzz run (10,000 examples a test):
    KDSL_HYPOTHESIS_PROFILE=fuzz uv run pytest tests/test_fuzz.py
"""

from __future__ import annotations

import pytest
from hypothesis import example, given

import kdsl
from kdsl.lang.fmt import format_document
from kdsl.lang.parser import parse_document
from tests.strategies import mutated, random_text


def check_diagnostics(diagnostics, text: str) -> None:
    lines = (text if text.endswith("\n") else text + "\n").split("\n")[:-1] or [""]
    for d in diagnostics:
        assert isinstance(d.format(), str)
        if d.line is None:
            continue
        assert 1 <= d.line <= len(lines), f"line {d.line} of a {len(lines)}-line text: {d.format()}"
        assert d.column is not None and 1 <= d.column <= len(lines[d.line - 1]) + 1, d.format()


def check(text: str) -> None:
    try:
        scenario = kdsl.parse(text)
    except kdsl.KdslError as exc:
        assert exc.errors, "a KdslError carries at least one error"
        assert isinstance(exc.format(), str) and str(exc) == exc.format()
        check_diagnostics(exc.diagnostics, text)
    else:
        assert isinstance(scenario, kdsl.Scenario)
        check_diagnostics(scenario.warnings, text)
    try:
        doc = parse_document(text)
    except kdsl.KdslError:
        return
    out = format_document(doc)
    again = parse_document(out)  # whatever parses formats to text that parses
    assert again.stmts == doc.stmts
    assert format_document(again) == out


@given(random_text())
@example("")
@example("\\")
@example('"')
@example('"""')
@example("{")
@example("}")
@example("expect")
@example("at 1m:")
@example("deployment")
@example("deployment web replicas=-1 image=x")
@example("service web ports 99999->0")
@example('configmap c { a = "\\')
def test_random_text(text):
    check(text)


@given(mutated())
def test_mutated_scenarios(text):
    check(text)


@pytest.mark.parametrize("text", ["nodes pool count=99999999999999999999", "nodes pool count=100001"])
def test_a_huge_node_pool_is_an_error(text):
    """Found by fuzzing: the checks expanded every node of a pool, so a slip of the keyboard used all memory."""
    with pytest.raises(kdsl.ScenarioError, match="more than the 100,000 nodes a pool may have"):
        kdsl.parse(text)


def test_pools_past_100000_nodes_in_all_are_an_error_before_any_is_expanded():
    """Found by tests/fuzz: two pools of 65,536 nodes each passed one by one and were expanded by the checks."""
    text = "nodes a count=65536\nnodes b count=65536\nnode c\n"
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse(text)
    (d,) = info.value.errors
    assert (d.line, d.message) == (2, "the scenario has 131,072 nodes with this pool, more than the 100,000 kdsl "
                                      "simulates (Kubernetes supports clusters of up to 5,000 nodes)")


def test_a_network_policy_port_with_two_protocols_is_a_located_error():
    """Found by tests/fuzz: `ports 9187/TCP9187/TCP` matched neither port pattern (an AttributeError)."""
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse("node n1\nnetworkpolicy p selects all {\n  allow ingress from pods app=a ports 53/UDP/TCP\n}\n")
    (d,) = info.value.errors
    assert (d.line, d.column) == (3, 39) and "`53/UDP/TCP` is not a port" in d.message
