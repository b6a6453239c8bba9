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


def _container(text):
    return _one(text).template.containers[0]


def test_requests_in_the_block_add_to_the_head_resources():
    c = _container("pod p { container a image=x:1 cpu=1 memory=1Gi { requests cpu=500m } }")
    assert (c.requests.cpu, c.requests.memory) == (500, 2**30)


def test_env_from_a_dotted_secret_name_with_key():
    c = _container("pod p { container a image=x:1 { env E from secret db.creds key=pw; env D from secret s.k.x } }")
    assert [(e.source_name, e.source_key) for e in c.env] == [("db.creds", "pw"), ("s", "k.x")]
