"""YAML as Kubernetes reads it: tags outside the core schema and alias bombs are refused before anything expands."""

from __future__ import annotations

import pytest
import yaml

from kdsl.core.yamls import Refused, allowed_alias_ratio, check, safe_load

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))


def test_billion_laughs_is_refused_without_expanding_it():
    with pytest.raises(Refused) as info:
        safe_load(BOMB)  # 9^9 strings if expanded: this returns at once or not at all
    assert info.value.problem == "document contains excessive aliasing"


@pytest.mark.parametrize("tag", ["!!binary aGVsbG8=", "!!set {x, y}", "!!omap [a: 1]", "!!pairs [a: 1]", "!local 1",
                                 "!!python/name:os.system x"])
def test_tags_outside_the_core_schema_are_refused_at_their_node(tag):
    with pytest.raises(Refused) as info:
        safe_load(f"k: v\nx: {tag}\n")
    name = tag.split()[0]
    assert info.value.problem.startswith(f"the tag {name} is not allowed: a Kubernetes object holds strings, ")
    assert (info.value.problem_mark.line, info.value.problem_mark.column) == (1, 3)


@pytest.mark.parametrize("text", ["a: &a [*a]", "a: &a {b: {c: *a}}"])
def test_an_anchor_that_contains_its_own_alias_is_refused(text):
    with pytest.raises(Refused, match="contains itself"):
        safe_load(text)


def test_what_kubernetes_takes_reads_as_yaml_safe_load_does():
    text = ("base: &base {cpu: 100m, memory: 64Mi}\nlimits: *base\nmerged:\n  <<: *base\n  cpu: 200m\n"
            "list: [1, 2.5, true, null, '3']\nwhen: 2024-01-01\nstr: !!str 7\n")
    assert safe_load(text) == yaml.safe_load(text)


def test_aliases_within_go_yamls_ratio_are_read():
    # 1,000 aliases among 1,000 plain values: half the nodes decoded come from aliases, under 99%
    text = "a: &a x\nl: [" + ", ".join(["*a", "y"] * 1000) + "]\n"
    assert len(safe_load(text)["l"]) == 2000


def test_a_document_almost_all_aliases_is_refused_as_go_yaml_refuses_it():
    # 2,000 aliases and 5 other nodes: 99.7% from aliases, past the 99% go-yaml allows (over 1,000 decoded)
    with pytest.raises(Refused, match="excessive aliasing"):
        safe_load("a: &a x\nl: [" + ", ".join(["*a"] * 2000) + "]\n")


def test_allowed_ratio_is_go_yamls_at_its_ends_and_between():
    assert allowed_alias_ratio(1_000) == 0.99
    assert allowed_alias_ratio(400_000) == 0.99
    assert allowed_alias_ratio(4_000_000) == pytest.approx(0.10)
    assert allowed_alias_ratio(2_200_000) == pytest.approx(0.545)


def test_check_of_an_empty_document_is_none():
    assert check(None) is None and safe_load("") is None
