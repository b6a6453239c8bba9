"""`-p NAME=VALUE` on every command that reads a scenario: the value reaches the run, a wrong name is the
located error with a suggestion, and `kdsl fmt` takes no values (it keeps `$NAME` as written)."""

from __future__ import annotations

import re

import pytest

from kdsl.cli import main

SCENARIO = """\
param workers = 2
param replicas = 2
cluster shop { nodes pool count=$workers cpu=4 memory=16Gi }
namespace shop { deployment web replicas=$replicas image=nginx:1.25 }
expect deployment shop/web available=$replicas by 1m
"""


@pytest.fixture
def path(tmp_path):
    p = tmp_path / "shop.kdsl"
    p.write_text(SCENARIO, encoding="utf-8")
    return str(p)


def _web_pods(out: str) -> int:
    return sum(1 for ln in out.splitlines() if ln.startswith("shop ") and " web-" in ln)


# (command line before the file, after it, what the output shows with -p replicas=3 -p workers=4)
COMMANDS = [
    (["run"], [], lambda out, tmp: _web_pods(out) == 3 and "pool-4" in out),
    (["test"], [], lambda out, tmp: "available=3" in out and "1 passed, 0 failed" in out),
    (["check", "-v"], [], lambda out, tmp: "ok" in out),
    (["table", "pods"], [], lambda out, tmp: _web_pods(out) == 3),
    (["table", "nodes"], [], lambda out, tmp: "pool-4" in out),
    (["graph"], ["-o", "{tmp}/g.dot"], lambda out, tmp: len(set(re.findall(r"web-\w+-\w{5}", (tmp / "g.dot").read_text()))) == 3),
    (["chart", "phases"], ["-o", "{tmp}/c.json", "--until", "1m"], lambda out, tmp: (tmp / "c.json").exists()),
    (["diff"], ["--kind", "Deployment"], lambda out, tmp: "3" in out),
    (["export"], [], lambda out, tmp: "replicas: 3" in out),
]


@pytest.mark.parametrize("before, after, shows", COMMANDS, ids=[" ".join(c[0]) for c in COMMANDS])
def test_p_sets_params_on_each_command(before, after, shows, path, tmp_path, capsys):
    after = [a.format(tmp=tmp_path) for a in after]
    assert main([*before, path, *after, "-p", "replicas=3", "-p", "workers=4"]) == 0
    assert shows(capsys.readouterr().out, tmp_path)
    assert main([*before, path, *after, "-p", "replcas=3"]) == 1
    err = capsys.readouterr().err
    assert f"{path}: error: cannot set param `replcas`: the scenario declares no param `replcas` (its params: " \
           "replicas, workers)\n  did you mean `replicas`?" in err


def test_explain_takes_p(path, capsys):
    assert main(["run", path, "-p", "replicas=1"]) == 0
    pod = next(ln.split()[1] for ln in capsys.readouterr().out.splitlines() if ln.startswith("shop "))
    assert main(["explain", path, "pod", f"shop/{pod}", "-p", "replicas=1"]) == 0
    assert pod in capsys.readouterr().out


def test_a_bad_value_points_at_the_use(path, capsys):
    assert main(["check", path, "-p", "replicas=two"]) == 1
    err = capsys.readouterr().err
    assert (f"{path}:4:42: error: `replicas` of deployment shop/web: `two` is not a whole number (`$replicas` is "
            "two, given from outside (-p, params=))\n"
            "    namespace shop { deployment web replicas=$replicas image=nginx:1.25 }\n"
            "                                             ^~~~~~~~~") in err


def test_a_malformed_p_is_a_usage_error(path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["run", path, "-p", "replicas"])
    assert info.value.code == 2
    assert "argument -p/--param: 'replicas' is not NAME=VALUE" in capsys.readouterr().err


def test_fmt_keeps_the_uses_and_takes_no_values(path, capsys):
    assert main(["fmt", path]) == 0
    assert capsys.readouterr().out == SCENARIO.replace("cluster shop { nodes pool count=$workers cpu=4 memory=16Gi }",
                                                       "cluster shop {\n  nodes pool count=$workers cpu=4 memory=16Gi\n}"
                                                       ).replace("namespace shop { deployment web replicas=$replicas "
                                                                 "image=nginx:1.25 }", "namespace shop {\n  deployment "
                                                                 "web replicas=$replicas image=nginx:1.25\n}")
    with pytest.raises(SystemExit):
        main(["fmt", path, "-p", "replicas=3"])
