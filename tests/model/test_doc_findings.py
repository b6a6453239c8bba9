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


def test_a_secret_type_may_be_written_as_kubernetes_spells_it():
    assert _one("secret s type=kubernetes.io/tls").type == "kubernetes.io/tls"
    assert _one("secret s type=tls").type == "kubernetes.io/tls"


def test_cluster_ip_none_is_headless():
    svc = _one("service db selects app=db ports 5432 clusterIP=None")
    assert svc.headless and svc.cluster_ip == "None"


@pytest.mark.parametrize("text", ['node w1 { yaml "metadata: {}" }', 'namespace n { yaml "metadata: {}" }',
                                  'clusterrole r { allow get on pods; yaml "metadata: {}" }'])
def test_yaml_in_a_node_namespace_or_role_block_is_kept(text):
    s = kdsl.parse(text)
    assert (s.objects or s.node_specs)[0].yaml == "metadata: {}"


def test_labels_on_a_node_head_is_an_error_not_a_crash():
    with pytest.raises(kdsl.ScenarioError, match="written in its block"):
        kdsl.parse("node w1 labels=a,b")


@pytest.mark.parametrize("line", ["anti-affinity pods app=zk topology=zone weight=5", "affinity node zone=a weight=5"])
def test_weight_on_a_required_term_is_an_error_not_a_label(line):
    with pytest.raises(kdsl.ScenarioError, match="belongs to a preferred term"):
        kdsl.parse(f"deployment web image=x:1 {{ {line} }}")


def test_limits_sections_ignore_case():
    limits = kdsl.parse("namespace n { limits defaultRequest cpu=1 }").of_kind("LimitRange")[0]
    assert limits.default_request == (("cpu", 1000),)


def test_an_include_that_cannot_be_read_or_parsed_is_a_syntax_error(tmp_path):
    (tmp_path / "bad.kdsl").write_text("deploymnet web image=nginx:1.25\n", encoding="utf-8")
    for target in ("bad.kdsl", "missing.kdsl"):
        (tmp_path / "main.kdsl").write_text(f'include "{target}"\n', encoding="utf-8")
        with pytest.raises(kdsl.KdslSyntaxError):
            kdsl.load(tmp_path / "main.kdsl")
