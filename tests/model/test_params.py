"""Params: `param NAME = VALUE`, `$NAME` uses, overrides. Each error and warning with its exact place and words;
a substituted value is checked as the literal would be, at the `$NAME`, naming the param and its value."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.core.errors import UsageError

BASE = "param replicas = 3\nnamespace shop { deployment web replicas=$replicas image=nginx:1.25 }\n"

# (id, text, params, message, line, column, width, suggestion): the case's only error.
ERRORS = [
    ("use-without-param", "namespace shop { deployment web replicas=$replicas image=nginx }",
     None, "`$replicas` names no param; declare it with `param replicas = VALUE`", 1, 42, 9, None),
    ("misspelt-use", "param replicas = 3\nnamespace shop { deployment web replicas=$replicas image=nginx }\n"
                     "expect deployment shop/web available>=$replica",
     None, "`$replica` names no param; declare it with `param replica = VALUE`", 3, 39, 8, "`$replicas`"),
    ("declared-twice", "param replicas = 3\nparam replicas = 4\n"
                       "namespace shop { deployment web replicas=$replicas image=nginx }",
     None, "param `replicas` is declared twice; first at t.kdsl:1:7", 2, 7, 8, None),
    ("digit-name", "param 2x = 3", None,
     "`2x` is not a param name: letters, digits and `_`, not starting with a digit", 1, 7, 2, None),
    ("dashed-name", "param fail-at = 3", None,
     "`fail-at` is not a param name: letters, digits and `_`, not starting with a digit", 1, 7, 7, None),
    ("list-value", "param zones = a,b", None,
     "param `zones` holds one value, not a list (quote it to keep it as text)", 1, 17, 1, None),
    ("param-of-param", "param a = 3\nparam b = $a", None,
     "a param's value cannot be another param's `$a`: write the value", 2, 11, 2, None),
    ("override-undeclared", BASE, {"replcas": 5},
     "cannot set param `replcas`: the scenario declares no param `replcas` (its params: replicas)",
     None, None, 1, "`replicas`"),
    ("override-none-declared", "namespace shop", {"x": 1},
     "cannot set param `x`: the scenario declares no param `x` (its params: none)", None, None, 1, None),
    # the substituted value meets the check the literal would, at the `$NAME`
    ("bad-default-count", "param replicas = three\nnamespace shop { deployment web replicas=$replicas image=nginx }",
     None, "`replicas` of deployment shop/web: `three` is not a whole number (`$replicas` is three, the default "
           "at t.kdsl:1:18)", 2, 42, 9, None),
    ("bad-override-count", BASE, {"replicas": "-1"},
     "`replicas` of deployment shop/web: -1 is less than 0 (`$replicas` is -1, given from outside (-p, params=))",
     2, 42, 9, None),
    ("bad-override-duration", "param t = 1m\nat $t: fail node n1\nnode n1", {"t": "90"},
     "time of the action: `90` is not a duration; use ms, s, m, h or d, e.g. `30s` or `1m30s` (write `90s` for "
     "seconds) (`$t` is 90, given from outside (-p, params=))", 2, 4, 2, None),
    ("bad-override-quantity", "param mem = 1Gi\nnode n1 cpu=4 memory=$mem", {"mem": "1GB"},
     "`memory` of node n1: `1GB` is not a quantity (suffixes: m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei) "
     "(`$mem` is 1GB, given from outside (-p, params=))", 2, 22, 4, None),
    ("bad-override-run", "param until = 5m\nrun $until", {"until": "soon"},
     "run: `soon` is not a duration; use ms, s, m, h or d, e.g. `30s` or `1m30s` (`$until` is soon, given from "
     "outside (-p, params=))", 2, 5, 6, None),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_param_error(case):
    _, text, params, message, line, column, width, suggestion = case
    with pytest.raises(kdsl.KdslError) as info:
        kdsl.parse(text, "t.kdsl", params=params)
    errors = info.value.errors
    assert [(d.message, d.file, d.line, d.column, d.width, d.suggestion) for d in errors] == [
        (message, "t.kdsl", line, column, width, suggestion)]


def test_error_shows_the_use_with_a_caret():
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse(BASE, "t.kdsl", params={"replicas": "many"})
    assert info.value.errors[0].format().splitlines()[1:] == [
        "    namespace shop { deployment web replicas=$replicas image=nginx:1.25 }",
        "                                             ^~~~~~~~~"]


def test_api_server_check_names_the_param():
    """The engine's precheck (the API server's validation) meets the substituted value too."""
    text = "param port = 80\nnamespace shop { service web selects app=web ports $port }"
    assert kdsl.parse(text, "t.kdsl").objects[-1].ports[0].port == 80
    with pytest.raises(kdsl.KdslError) as info:
        kdsl.parse(text, "t.kdsl", params={"port": 70000})
    (d,) = info.value.errors
    assert (d.line, d.column) == (2, 52)
    assert d.message.endswith("(`$port` is 70000, given from outside (-p, params=))")


def test_unused_param_is_a_warning_at_its_name():
    s = kdsl.parse("param spare = 1\nparam replicas = 2\nnamespace shop { deployment web replicas=$replicas "
                   "image=nginx }", "t.kdsl")
    assert [(w.message, w.line, w.column, w.width) for w in s.warnings] == [
        ("param `spare` is never used (no `$spare` in the scenario)", 1, 7, 5)]


@pytest.mark.parametrize("value, written", [
    (5, "5"), ("5", "5"), (True, "true"), (0.5, "0.5"), ("90s", "90s"), ("500m", "500m"), ("25%", "25%"),
    ("nginx:1.27", "nginx:1.27"), ("a b", '"a b"'), ('"x"', '"x"'), ("", '""'), ("$HOME", '"$HOME"'),
    ("-1", "-1"), ("a\\b", '"a\\\\b"'),
])
def test_override_means_what_the_literal_means(value, written):
    """kdsl.parse(text, params={NAME: value}) builds what the text with `written` in place of `$NAME` builds."""
    template = 'param v = 1\nnamespace shop {{ configmap c {{ k = {} }} }}\n'
    with_param = kdsl.parse(template.format("$v"), params={"v": value})
    literal = kdsl.parse(template.format(written))
    assert with_param.objects == literal.objects


def test_params_on_the_scenario():
    s = kdsl.parse("param workers = 3\nparam fail_at = 2m\ncluster c { nodes pool count=$workers }\n"
                   "at $fail_at: fail node pool-1", params={"fail_at": "90s"})
    assert s.param_defaults == {"workers": "3", "fail_at": "2m"}
    assert s.param_values == {"workers": "3", "fail_at": "90s"}
    assert [(p.name, p.overridden) for p in s.params] == [("workers", False), ("fail_at", True)]
    assert s.timeline[0].at_ms == 90_000 and len(s.nodes) == 3


def test_expectation_keeps_its_text_as_written():
    s = kdsl.parse(BASE + "expect deployment shop/web available>=$replicas by 1m", params={"replicas": 2})
    assert s.expectations[0].text == "expect deployment shop/web available>=$replicas by 1m"
    assert s.expectations[0].conditions[0].value == 2


def test_use_before_its_param_and_in_an_included_file(tmp_path):
    (tmp_path / "params.kdsl").write_text("param replicas = 2\nparam image = nginx:1.27\n", encoding="utf-8")
    (tmp_path / "web.kdsl").write_text("namespace shop { deployment web replicas=$replicas image=$image }\n",
                                       encoding="utf-8")
    (tmp_path / "main.kdsl").write_text('include "web.kdsl"\ninclude "params.kdsl"\n', encoding="utf-8")
    s = kdsl.load(tmp_path / "main.kdsl", params={"image": "nginx:1.28"})
    web = s.object("Deployment", "shop/web") if hasattr(s, "object") else [o for o in s.objects if o.name == "web"][0]
    assert web.replicas == 2
    assert s.param_values == {"replicas": "2", "image": "nginx:1.28"}
    with pytest.raises(kdsl.KdslError) as info:
        kdsl.load(tmp_path / "main.kdsl", params={"replicas": "x"})
    assert info.value.errors[0].file.endswith("web.kdsl") and info.value.errors[0].column == 42


def test_quoted_dollar_is_text():
    s = kdsl.parse('namespace shop { configmap c { k = "$v" } }')
    assert s.objects[-1].data == (("k", "$v"),)


@pytest.mark.parametrize("params, message", [
    ([("a", 1)], "params= takes a mapping of param names to values, not list"),
    ({"1a": 1}, "'1a' is not a param name (letters, digits and `_`, not starting with a digit)"),
    ({"a": [1]}, "param a=[1]: give an int, a float, a bool or a str (as written in kdsl: \"3\", \"90s\", \"500m\"), "
                 "not list"),
    ({"a": float("nan")}, "param a=nan is not a value a scenario can hold"),
])
def test_bad_params_argument(params, message):
    with pytest.raises(UsageError) as info:
        kdsl.parse(BASE, params=params)
    assert info.value.message == message


def test_a_secret_value_from_a_param_is_never_shown():
    text = ('param pw = "hunter2"\nparam pw = "hunter2"\n'
            'namespace shop { secret db { password = $pw } }\n')
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse(text, "t.kdsl")
    assert "hunter2" not in info.value.format()
    assert info.value.errors[0].line_text == 'param pw = *********'


FORMS = """\
param n = 4
param img = nginx:1.27
param pct = 50%
param t = 1m
param app = web
param host = shop.example.com
param cpu = 250m
cluster c { nodes pool count=3 cpu=4 memory=8Gi }
namespace shop {
  deployment web replicas=2 image=nginx:1.25 cpu=$cpu
  service web selects app=$app ports 80
  ingress shop { rule $host /api -> web:80 }
  pdb shop/web-pdb selects app=$app minAvailable=$pct
}
at $t: scale shop/web replicas=$n
at 2m: set image shop/web web=$img
run $t
"""


def test_every_place_a_value_is_written():
    """Sizes, selectors, hosts, percentages, the time of `at`, actions and `run`: each `$NAME` builds what its
    literal builds."""
    literal = FORMS
    for name, value in [("n", "4"), ("img", "nginx:1.27"), ("pct", "50%"), ("t", "1m"), ("app", "web"),
                        ("host", "shop.example.com"), ("cpu", "250m")]:
        literal = literal.replace(f"${name}", value)
    s = kdsl.parse(FORMS, "t.kdsl")
    assert s == kdsl.parse(literal, "t.kdsl") and not s.warnings
    assert s.run_ms == 60_000 and s.timeline[0].replicas == 4
