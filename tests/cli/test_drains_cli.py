"""`kdsl table drains`: sim.drains() as text and as data, and the options a record of the whole run refuses."""

from __future__ import annotations

import json

import pytest

import kdsl
from kdsl.cli import main
from kdsl.views.display import text

SCENARIO = """node worker-1 cpu=4 memory=8Gi
node worker-2 cpu=4 memory=8Gi
namespace shop {
  deployment web replicas=2 image=shop/web:1
  daemonset agent image=shop/agent:1
  pod debug image=busybox:1.36 { node-selector kubernetes.io/hostname=worker-2 }
  pdb web-pdb selects app=web minAvailable=1
}
at 10s: drain node worker-1
at 1m: drain node worker-2 force timeout=30s
run 2m
"""


@pytest.fixture
def maint(tmp_path):
    path = tmp_path / "maint.kdsl"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def test_table_drains_prints_what_sim_drains_shows(maint, capsys):
    sim = kdsl.simulate(kdsl.load(maint))
    assert main(["table", "drains", str(maint)]) == 0
    out = capsys.readouterr().out
    assert out == text(sim.drains())
    head, first, second = out.splitlines()
    assert head.split() == ["NODE", "STARTED", "FINISHED", "OUTCOME", "EVICTED", "IGNORED", "RETRIES", "ERROR"]
    assert first.split()[:4] == ["worker-1", "10s", "11s", "drained"]
    assert second.split()[:4] == ["worker-2", "1m", "1m30s", "failed"]
    assert second.endswith('-n "shop": global timeout reached: 30s')


def test_data_formats_and_until(maint, capsys):
    assert main(["table", "drains", str(maint), "--format", "json", "--until", "1m10s"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["NODE"], r["OUTCOME"], r["FINISHED"]) for r in rows] == [
        ("worker-1", "drained", "P0DT0H0M11S"), ("worker-2", "draining", None)]  # the run ends before its timeout
    assert rows[1]["EVICTED"].startswith("shop/debug, shop/web-")


@pytest.mark.parametrize("args, said", [(["--at", "1m"], "--at"), (["-n", "shop"], "-n"),
                                        (["-l", "app=web", "--at", "5s"], "--at or -l")])
def test_a_moment_namespace_or_selector_is_refused_before_the_run(maint, capsys, args, said):
    assert main(["table", "drains", str(maint), *args]) == 1
    assert capsys.readouterr().err == (f"kdsl table: error: `drains` is a record of the whole run, one row a drain: "
                                       f"it takes no {said} (--until ends the run sooner)\n")
