"""Regressions found while writing docs/language.md: each attribute does what the reference says."""

import pytest

import kdsl


def _one(text):
    return kdsl.parse(text).objects[0]


@pytest.mark.parametrize("kind", ["statefulset", "daemonset"])
def test_statefulset_and_daemonset_take_a_rolling_strategy(kind):
    obj = _one(f"{kind} s image=x:1 {{ strategy rolling maxUnavailable=2 }}")
    assert obj.strategy.type == "RollingUpdate"
    assert obj.strategy.max_unavailable == 2


@pytest.mark.parametrize("text", ["deployment d image=x:1 { strategy ondelete }",
                                  "statefulset s image=x:1 { strategy recreate }",
                                  "daemonset d image=x:1 { strategy recreate }"])
def test_strategies_a_kind_does_not_have_are_errors(text):
    with pytest.raises(kdsl.ScenarioError, match="cannot use the"):
        kdsl.parse(text)


def test_restart_on_the_head_is_validated_like_the_block_statement():
    with pytest.raises(kdsl.ScenarioError, match="restartPolicy: Unsupported value"):
        kdsl.parse("deployment web image=x:1 restart=Never")
    with pytest.raises(kdsl.ScenarioError, match="restartPolicy: Unsupported value"):
        kdsl.parse("job j image=x:1 restart=Always")
    assert _one("pod p image=x:1 restart=OnFailure").template.restart_policy == "OnFailure"
    assert _one("job j image=x:1 restart=OnFailure { restart Never }").template.restart_policy == "Never"
