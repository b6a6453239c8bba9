"""`kdsl sweep`: the headline and summary on stdout, the runs in -o's file, a progress line only at a terminal,
exit 1 with the first of each error when runs fail, and every wrong argument one line and exit 2, said before any
cluster starts. The runs go to an in-process cluster through --scheduler (tests/sweeps/test_dask.py runs real
scheduler and worker processes)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pandas as pd
import pytest

from kdsl.cli import main
from tests.sweeps.inproc import inproc  # noqa: F401 - a fixture

SWEEPS = Path(__file__).resolve().parents[1] / "sweeps"
SCENARIO = str(SWEEPS / "lose-a-node.kdsl")
LIMITED = SWEEPS / "limited.kdsl"  # -p cpu=2: requests over the limit, which the API server refuses


@pytest.fixture
def address(inproc):  # noqa: F811 - the fixture imported above
    return inproc.scheduler.address


def test_a_sweep_prints_its_summary_and_writes_its_runs(address, tmp_path, capsys):
    out = tmp_path / "runs.csv"
    argv = ["sweep", SCENARIO, "-p", "replicas=2,3", "-p", "fail_at=30s", "--seeds", "0..3", "--scheduler", address]
    assert main([*argv, "-o", str(out)]) == 0
    printed, err = capsys.readouterr()
    lines = printed.splitlines()
    assert lines[0].startswith("lose-a-node.kdsl: 8 runs (2 combinations of replicas, fail_at × 4 seeds) on 1 worker "
                               "in ") and lines[0].endswith(" s, 0 failed")
    assert lines[1].split()[:5] == ["replicas", "fail_at", "runs", "failed", "expect"]
    assert [ln.split()[:4] for ln in lines[2:4]] == [["2", "30s", "4", "0"], ["3", "30s", "4", "0"]]
    assert lines[4:] == ["shares of finished runs passing:", "  expect 1: deployment shop/web available>=2 by 3m",
                         "  expect 2: always deployment shop/web available>=2 from 2m"]
    assert err == ""  # no terminal: no progress line
    runs = pd.read_csv(out)
    assert list(runs.columns[:3]) == ["replicas", "fail_at", "seed"] and len(runs) == 8
    assert list(runs["seed"]) == [0, 1, 2, 3] * 2 and runs["error"].isna().all()


def test_parquet(address, tmp_path, capsys):
    assert main(["sweep", SCENARIO, "--seeds", "2", "--scheduler", address, "-o", str(tmp_path / "runs.parquet")]) == 0
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    assert list(runs["seed"]) == [0, 1] and str(runs["expect deployment shop/web available>=2 by 3m"].dtype) == "boolean"


def test_a_terminal_sees_the_progress(address, monkeypatch, capsys):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["sweep", SCENARIO, "--seeds", "3", "--scheduler", address]) == 0
    assert terminal.getvalue().endswith("\rsweep: 3/3 runs\n")


def test_runs_with_errors_exit_1_and_say_the_first_of_each(address, capsys):
    path = LIMITED
    assert main(["sweep", str(path), "-p", "cpu=500m,2,3", "--seeds", "0..2", "--scheduler", address]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[0].endswith(", 6 failed")
    refused = 'Deployment.apps "web" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value: '
    assert err == (f"kdsl sweep: 6 of 9 runs failed:\n"
                   f"  cpu=2 seed=0 (and 2 more runs): {path}:5:3: {refused}\"2\": must be less than or equal to cpu "
                   f"limit of 1\n"
                   f"  cpu=3 seed=0 (and 2 more runs): {path}:5:3: {refused}\"3\": must be less than or equal to cpu "
                   f"limit of 1\n")


def test_standard_input(address, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(LIMITED.read_text(encoding="utf-8")))
    assert main(["sweep", "-", "--scheduler", address]) == 0
    assert capsys.readouterr().out.startswith("<stdin>: 1 run (1 seed) on 1 worker in ")


# (arguments after `kdsl sweep`, what stderr says, in full or its start); each exits 2 before any cluster starts
USAGE = [
    (["-p", "replcas=2,3"], "{s}: error: cannot set param `replcas`: the scenario declares no param `replcas` (its "
                            "params: fail_at, replicas)\n  did you mean `replicas`?\n{s}: 1 error\n"),
    (["-p", "replicas=5..1"], "kdsl sweep: error: -p replicas: `5..1`: a range goes from low to high (`1..5`?)\n"),
    (["-p", "replicas=1..x"], "kdsl sweep: error: -p replicas: `1..x` is not a range: a range is two whole numbers, "
                              "LO..HI (`1..5`); give other values as a list (`0.5,1,1.5`)\n"),
    (["-p", "replicas=2,,3"], "kdsl sweep: error: -p replicas: `2,,3` holds an empty value"),
    (["-p", "replicas=2", "-p", "replicas=3"], "kdsl sweep: error: -p replicas is given twice; give all its values "
                                               "in one -p (replicas=2,3,4)\n"),
    (["-p", "replicas=2,2"], "kdsl sweep: error: param replicas: 2 is given twice\n"),
    (["-p", "seed=1,2"], "kdsl sweep: error: `seed` is a column of every sweep (seed, wall_s, error); name the param "
                         "otherwise\n"),
    (["-p", "replicas=two"], "{s}:6:27: error: `replicas` of deployment shop/web: `two` is not a whole number"),
    (["-p", "replicas"], "usage: kdsl sweep"),
    (["--seeds", "x"], "kdsl sweep: error: seeds `x`: give a count (20), a range (0..19) or a list (1,5,9)\n"),
    (["--seeds", "0"], "kdsl sweep: error: seeds=0: a sweep plays at least one seed\n"),
    (["--seeds", "9..0"], "kdsl sweep: error: `9..0`: a range goes from low to high (`0..9`?)\n"),
    (["--seeds", "1,1"], "kdsl sweep: error: seed 1 is given twice; each (params, seed) is one run\n"),
    (["--workers", "0"], "kdsl sweep: error: --workers 0: give a number of worker processes, 1 or more\n"),
    (["--workers", "two"], "usage: kdsl sweep"),
    (["--workers", "1", "--scheduler", "tcp://127.0.0.1:1"], "usage: kdsl sweep"),
    (["--scheduler", "tcp//x"], "kdsl sweep: error: `tcp//x` is not a Dask scheduler's address (missing port number "
                                "in address 'tcp//x'); give tcp://HOST:PORT, as `dask scheduler` prints it\n"),
    (["--scheduler", "tcp://127.0.0.1:{port}"], "kdsl sweep: error: cannot reach the Dask scheduler at "
                                                "tcp://127.0.0.1:{port}: Connection refused; start one with `dask "
                                                "scheduler` and workers with `dask worker tcp://127.0.0.1:{port}`\n"),
    (["-o", "runs.txt"], "kdsl sweep: error: `runs.txt`: a sweep is written to .parquet or .csv\n"),
    (["-o", "{tmp}/nope/runs.csv"], "kdsl sweep: error: `{tmp}/nope/runs.csv`: there is no folder `{tmp}/nope`\n"),
    (["-o", "{tmp}"], "kdsl sweep: error: `{tmp}` is a folder; give the file to write (runs.parquet or runs.csv)\n"),
]


@pytest.mark.parametrize("argv, error", USAGE, ids=[" ".join(a) for a, _ in USAGE])
def test_usage_errors_exit_2(argv, error, tmp_path, capsys):
    import socket

    with socket.socket() as closed:  # bound, never listening: nothing answers on its port
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        fill = {"tmp": tmp_path, "port": port, "s": SCENARIO}
        argv = ["sweep", SCENARIO, *(a.format(**fill) for a in argv)]
        if error.startswith("usage"):  # argparse's own: the usage, then the error
            with pytest.raises(SystemExit) as exc:
                main(argv)
            assert exc.value.code == 2
        else:
            assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(error.format(**fill))


def test_a_missing_file_exits_2(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "nothere.kdsl")]) == 2
    assert capsys.readouterr().err == f"{tmp_path}/nothere.kdsl: error: cannot read: No such file or directory\n"


def test_parquet_without_pyarrow_is_said_before_the_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    assert main(["sweep", SCENARIO, "--scheduler", "tcp://127.0.0.1:1", "-o", str(tmp_path / "r.parquet")]) == 2
    assert capsys.readouterr().err == ("kdsl sweep: error: writing Parquet needs pyarrow: `pip install "
                                       "'kdsl[parquet]'`, or write .csv\n")


def test_help(capsys):
    with pytest.raises(SystemExit):
        main(["sweep", "--help"])
    out = capsys.readouterr().out
    for words in ("NAME=VALUES", "--seeds SEEDS", "--workers N | --scheduler ADDRESS", "FILE.parquet"):
        assert words in out
