"""The `pdb` statement: the policy/v1 PodDisruptionBudget it builds (the same stored object as the `manifest`
form), the API server's validation messages (pkg/apis/policy/validation), and its canonical form."""

import pytest
import yaml

import kdsl
from kdsl.lang.fmt import format_document
from kdsl.lang.parser import parse_document
from kdsl.core.values import Percent
from kdsl.model.base import Requirement, Selector
from kdsl.model.manifest import PodDisruptionBudget

NS = "node n1 cpu=4 memory=8Gi\nnamespace shop {\n  deployment web replicas=3 image=nginx:1.25\n}\n"


def budgets(text: str) -> list[PodDisruptionBudget]:
    return [o for o in kdsl.parse(NS + text, "t.kdsl").objects if o.kind == "PodDisruptionBudget"]


def error(text: str) -> str:
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse(NS + text, "t.kdsl")
    [d] = [d for d in info.value.diagnostics if d.severity == "error"]
    return f"{d.line - 4}:{d.column}: {d.message}" + (f" ({d.suggestion})" if d.suggestion else "")


def test_min_available_builds_the_policy_v1_manifest():
    (p,) = budgets("pdb shop/web-pdb selects app=web minAvailable=2")
    assert (p.namespace, p.name, p.min_available, p.max_unavailable) == ("shop", "web-pdb", 2, None)
    assert p.selector == Selector((("app", "web"),))
    assert (p.kind, p.api_version, p.served, p.simulated) == ("PodDisruptionBudget", "policy/v1", True, True)
    assert yaml.safe_load(p.yaml) == {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                                      "metadata": {"name": "web-pdb", "namespace": "shop"},
                                      "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}}}


def test_percentage_and_set_based_selector_inside_a_namespace_block():
    text = "namespace shop {\n  pdb api maxUnavailable=50% selects tier in (a,b) !legacy\n  labels team=x\n}\n"
    p, = [o for o in kdsl.parse(text, "t.kdsl").objects if o.kind == "PodDisruptionBudget"]
    assert p.max_unavailable == Percent(50) and p.min_available is None
    assert p.selector.expressions == (Requirement("tier", "In", ("a", "b")), Requirement("legacy", "DoesNotExist"))
    assert yaml.safe_load(p.yaml)["spec"] == {"maxUnavailable": "50%", "selector": {"matchExpressions": [
        {"key": "tier", "operator": "In", "values": ["a", "b"]}, {"key": "legacy", "operator": "DoesNotExist"}]}}


def test_without_selects_it_selects_nothing_and_says_so():
    s = kdsl.parse(NS + "pdb shop/x minAvailable=1", "t.kdsl")
    (p,) = [o for o in s.objects if o.kind == "PodDisruptionBudget"]
    assert p.selector is None and "selector" not in yaml.safe_load(p.yaml)["spec"]
    assert [w.message for w in s.warnings] == [
        "pdb shop/x has no `selects`: a PodDisruptionBudget without a selector selects no pod"]


@pytest.mark.parametrize("text, message", [
    ("pdb shop/a selects app=web minAvailable=2 maxUnavailable=1",
     "1:43: pdb shop/a: spec: Invalid value: minAvailable and maxUnavailable cannot be both set"),
    ("pdb shop/a selects app=web minAvailable=-1",
     "1:41: pdb shop/a: spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"),
    ("pdb shop/a selects app=web minAvailable=150%",
     '1:41: pdb shop/a: spec.minAvailable: Invalid value: "150%": must not be greater than 100%'),
    ("pdb shop/a selects app=web maxUnavailable=1.5",
     "1:43: pdb shop/a: spec.maxUnavailable: Invalid value: \"1.5\": a valid percent string must be a numeric "
     "string followed by an ending '%' (e.g. '1%', or '93%', regex used for validation is '[0-9]+%')"),
    ("pdb shop/a selects app=web", "1:1: pdb shop/a needs `minAvailable=` or `maxUnavailable=`"),
    ("pdb shop/a selects app=web minAvailabe=1",
     "1:28: unknown attribute `minAvailabe` for pdb shop/a (`minAvailable=`)"),
    ("pdb shop/a selects app=-web minAvailable=1",
     '1:24: pdb shop/a: spec.selector: Invalid value: "-web": a valid label must be an empty string or consist '
     "of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
     "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
     "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
])
def test_refused_as_the_api_server_refuses_it(text, message):
    assert error(text) == message


def test_the_statement_and_the_manifest_store_the_same_object_and_status():
    manifest = ('manifest """\n  apiVersion: policy/v1\n  kind: PodDisruptionBudget\n  metadata:\n    name: web-pdb\n'
                '    namespace: shop\n  spec:\n    minAvailable: 2\n    selector:\n      matchLabels:\n'
                '        app: web\n"""\n')
    got = []
    for form in ("pdb shop/web-pdb selects app=web minAvailable=2\n", manifest):
        sim = kdsl.simulate(kdsl.parse(NS + form, "t.kdsl"), until=60_000)
        obj = sim.store.get("PodDisruptionBudget", "shop", "web-pdb")
        got.append((yaml.safe_load(obj.spec.yaml), obj.status.disruptions_allowed, obj.status.current_healthy))
    assert got[0] == got[1] and got[0][1:] == (1, 3)


def test_expect_pdb_reads_allowed_healthy_desired():
    text = ("pdb shop/web-pdb selects app=web minAvailable=2\npdb shop/web-max selects app=web maxUnavailable=50%\n"
            "expect pdb shop/web-pdb allowed=1 healthy=3 desired=2\n"
            "expect pdb shop/web-max allowed=2 healthy=3 desired=1\nrun 1m\n")
    sim = kdsl.simulate(kdsl.parse(NS + text, "t.kdsl"))
    assert [r.passed for r in sim.check()] == [True, True]


def test_canonical_form_round_trips():
    text = NS + "pdb   shop/web-pdb  selects app=web   minAvailable=50%\n"
    once = format_document(parse_document(text, "t.kdsl"))
    assert "pdb shop/web-pdb selects app=web minAvailable=50%" in once
    assert format_document(parse_document(once, "t.kdsl")) == once
