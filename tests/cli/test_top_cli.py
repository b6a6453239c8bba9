"""`kdsl table top` and `kdsl table top-nodes`: kubectl top's text, the data formats, `--containers`."""

from __future__ import annotations

import json

import kdsl
from kdsl.cli import main
from kdsl.views.display import text
from tests.views.test_top import USAGE


def test_table_top_prints_what_sim_top_shows(capsys):
    sim = kdsl.simulate(kdsl.load(USAGE))
    assert main(["table", "top", str(USAGE), "--at", "1m"]) == 0
    assert capsys.readouterr().out == text(sim.top(at="1m"))
    assert main(["table", "top-nodes", str(USAGE), "--at", "3m30s"]) == 0
    out = capsys.readouterr().out
    assert out == text(sim.top_nodes(at="3m30s"))
    assert out.splitlines()[0].split() == ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
    assert out.splitlines()[-1].split() == ["pool-2"] + ["<unknown>"] * 4


def test_table_top_containers_and_namespace(capsys):
    assert main(["table", "top", str(USAGE), "--at", "1m", "-n", "shop", "--containers"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["POD", "NAME", "CPU(cores)", "MEMORY(bytes)"]
    assert lines[1].split() == ["batch", "run", "1500m", "1000Mi"]
    assert [ln.split()[1] for ln in lines[2:4]] == ["app", "sidecar"]


def test_data_formats_carry_every_column(capsys):
    assert main(["table", "top-nodes", str(USAGE), "--at", "1m", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[2] == {"NAME": "spare", "CPU(cores)": "1500m", "CPU(%)": "75%", "MEMORY(bytes)": "1000Mi",
                       "MEMORY(%)": "24%", "ALLOCATABLE CPU": "2", "ALLOCATABLE MEMORY": "4Gi", "PODS": 1,
                       "SCRAPED": "P0DT0H1M0S"}


def test_containers_is_refused_for_other_tables_before_the_run(capsys):
    assert main(["table", "top-nodes", str(USAGE), "--containers"]) == 1
    assert capsys.readouterr().err == ("kdsl table: error: --containers is for `top` (kubectl top pods --containers), "
                                       "not top-nodes\n")
