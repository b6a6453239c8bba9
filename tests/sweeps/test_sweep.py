"""kdsl.sweep, the face: a path, text or a Scenario give the same runs; the table's columns and their types; a
measure that would clash with a column and every wrong argument are kdsl's own errors; progress is reported."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import kdsl
from kdsl.core.errors import UsageError
from kdsl.sweeps import columns

HERE = Path(__file__).parent
SCENARIO = HERE / "lose-a-node.kdsl"
PARAMS = {"fail_at": ["30s", "1m"], "replicas": [3, 2]}  # not the order declared: the table follows the call
EXPECTS = ["expect deployment shop/web available>=2 by 3m", "expect always deployment shop/web available>=2 from 2m"]
SMALL = """\
param replicas = 1
cluster c { nodes w count=2 }
namespace a { deployment web replicas=$replicas image=nginx:1.25 }
expect deployment a/web available=$replicas by 1m
"""


def test_the_runs_table(inproc):
    result = kdsl.sweep(SCENARIO, PARAMS, seeds=2, client=inproc)
    runs = result.runs
    assert list(runs.columns) == ["fail_at", "replicas", "seed", *EXPECTS, "floor", "recovered", "mean-ready",
                                  "wall_s", "error"]
    assert [str(t) for t in runs.dtypes] == ["string", "int64", "int64", "boolean", "boolean", "float64", "float64",
                                             "float64", "float64", "string"]
    assert list(zip(runs["fail_at"], runs["replicas"], runs["seed"])) == [
        ("30s", 3, 0), ("30s", 3, 1), ("30s", 2, 0), ("30s", 2, 1),
        ("1m", 3, 0), ("1m", 3, 1), ("1m", 2, 0), ("1m", 2, 1)]
    assert runs["error"].isna().all() and runs["wall_s"].notna().all()
    assert (result.params, result.expectations, result.measures, result.moments, result.seeds) == (
        ("fail_at", "replicas"), tuple(EXPECTS), ("floor", "recovered", "mean-ready"), ("recovered",), (0, 1))
    assert (result.scenario, result.workers) == ("lose-a-node.kdsl", 1)
    assert result.headline().startswith("lose-a-node.kdsl: 8 runs (4 combinations of fail_at, replicas × 2 seeds) "
                                        "on 1 worker in ")


def test_a_path_text_or_scenario_give_the_same_runs(inproc):
    text = SCENARIO.read_text(encoding="utf-8").replace('include "shop-nodes.kdsl"',
                                                        (HERE / "shop-nodes.kdsl").read_text(encoding="utf-8"))
    given = {"path": str(SCENARIO), "Path": SCENARIO, "text": text, "Scenario": kdsl.load(SCENARIO)}
    tables = {k: kdsl.sweep(v, {"replicas": [2]}, seeds=[1, 2], client=inproc) for k, v in given.items()}
    assert tables["text"].scenario == "<text>" and tables["Scenario"].scenario == "lose-a-node.kdsl"
    for name, result in tables.items():
        assert result.failures.empty, (name, list(result.failures["error"]))
        pd.testing.assert_frame_equal(result.runs.drop(columns="wall_s"),
                                      tables["path"].runs.drop(columns="wall_s"), obj=name)


def test_no_params_plays_the_defaults(inproc):
    result = kdsl.sweep(SMALL, seeds="3..4", client=inproc)
    assert list(result.runs.columns) == ["seed", "expect deployment a/web available=$replicas by 1m", "wall_s",
                                         "error"]
    assert list(result.runs["seed"]) == [3, 4] and result.runs.iloc[:, 1].all()


def test_progress_is_called_as_runs_finish(inproc):
    calls, started = [], []

    class Progress:
        def start(self, total, dashboard):
            started.append((total, dashboard))

        def __call__(self, done, total, failed):
            calls.append((done, total, failed))

    result = kdsl.sweep(SMALL, {"replicas": [1, -1]}, seeds=2, client=inproc, progress=Progress())
    assert started == [(4, inproc.dashboard_link)]
    assert [c[:2] for c in calls] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert [c[2] for c in calls] == sorted(c[2] for c in calls) and calls[-1][2] == 2  # the two runs of -1
    assert list(result.runs["error"].isna()) == [True, True, False, False]
    assert result.runs["error"][2] == ("<text>:3:39: `replicas` of deployment a/web: -1 is less than 0 (`$replicas` "
                                       "is -1, given from outside (-p, params=))")


def test_a_plain_function_is_progress_too_and_true_shows_nothing_outside_a_notebook(inproc, capsys):
    seen = []
    kdsl.sweep(SMALL, seeds=2, client=inproc, progress=lambda *a: seen.append(a))
    assert seen == [(1, 2, 0), (2, 2, 0)]
    kdsl.sweep(SMALL, seeds=2, client=inproc, progress=True)
    assert capsys.readouterr() == ("", "")


SAME = "expect deployment a/web available=1 by 1m"
CLASHES = [
    (f"{SAME}\n{SAME}\n", None, [f"{SAME} (line 6)", f"{SAME} (line 7)"]),  # two alike: their lines tell them apart
    ("measure replicas = max deployment a/web available\n", None,
     "measure `replicas` has the name of a param: a sweep's table would have two columns `replicas`; rename the measure"),
    ("measure seed = max deployment a/web available\n", None,
     "measure `seed` has the name of a column of every sweep: a sweep's table would have two columns `seed`; rename "
     "the measure"),
    ("measure error = max deployment a/web available\n", None, "measure `error` has the name of a column"),
    ("param spare = 1\nmeasure spare = max deployment a/web available\n", {"replicas": [1]},
     ["expect deployment a/web available=$replicas by 1m"]),  # a param left at its default makes no column
]


@pytest.mark.parametrize("more, grid, out", CLASHES, ids=["alike", "param", "seed", "error", "unswept"])
def test_columns(more, grid, out):
    scenario = kdsl.parse(SMALL.replace("param replicas = 1\n", "param replicas = 1\n# a comment\n") + more)
    if isinstance(out, str):
        with pytest.raises(UsageError) as exc:
            columns(scenario, grid)
        assert exc.value.message.startswith(out)
        with pytest.raises(UsageError):  # refused before any cluster is asked
            kdsl.sweep(scenario, grid, workers=1)
    else:
        assert list(columns(scenario, grid)[0])[-len(out):] == out


ERRORS = [
    (dict(source=42), "kdsl.sweep() takes a .kdsl path, kdsl text or a Scenario, not int"),
    (dict(params={"replica": [2]}), "the scenario declares no param `replica`; did you mean `replicas`?"),
    (dict(params={"zone": ["a"]}), "the scenario declares no param `zone` (its params: replicas, fail_at; declare it "
                                   "with `param zone = VALUE`)"),
    (dict(params={"replicas": [2, 2]}), "param replicas: 2 is given twice"),
    (dict(seeds=0), "seeds=0: a sweep plays at least one seed"),
    (dict(workers=0), "workers=0: give a number of worker processes, 1 or more"),
    (dict(workers=True), "workers=True: give a number of worker processes, 1 or more"),
    (dict(workers=1, scheduler="tcp://127.0.0.1:1"), "give one of client=, scheduler= and workers=: each names the "
                                                     "cluster the runs go to"),
    (dict(scheduler="tcp//x"), "`tcp//x` is not a Dask scheduler's address (missing port number in address "
                               "'tcp//x'); give tcp://HOST:PORT, as `dask scheduler` prints it"),
    (dict(scheduler="ftp://x:21"), "`ftp://x:21` is not a Dask scheduler's address (unknown address scheme 'ftp'"),
    (dict(scheduler="tcp://x:70000"), "`tcp://x:70000` is not a Dask scheduler's address (port 70000 is not a TCP "
                                      "port (1 to 65535))"),
    (dict(scheduler=8786), "scheduler=8786: give the scheduler's address as a str (tcp://host:8786)"),
]


@pytest.mark.parametrize("kwargs, error", ERRORS, ids=[repr(k) for k, _ in ERRORS])
def test_errors(kwargs, error):
    kwargs = {"source": SCENARIO, **kwargs}
    with pytest.raises(UsageError) as exc:
        kdsl.sweep(kwargs.pop("source"), **kwargs)
    assert exc.value.message.startswith(error)


def test_an_unreachable_scheduler_is_said_at_once():
    import socket

    with socket.socket() as s:  # a port nothing listens on: bound, never listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        with pytest.raises(UsageError) as exc:
            kdsl.sweep(SCENARIO, scheduler=f"tcp://127.0.0.1:{port}")
    assert exc.value.message == (f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}: Connection refused; "
                                 f"start one with `dask scheduler` and workers with `dask worker tcp://127.0.0.1:{port}`")


def test_a_file_that_does_not_parse_is_its_error():
    with pytest.raises(kdsl.KdslSyntaxError, match="cannot read"):
        kdsl.sweep(HERE / "nothere.kdsl")
    with pytest.raises(kdsl.ScenarioError, match="is not a whole number"):
        kdsl.sweep(SMALL.replace("count=2", "count=two"))


def test_the_same_sweep_again_on_one_client(inproc):
    """A notebook runs a cell twice: each sweep has its own copy of the scenario on the cluster, so the first one's
    going away cancels nothing of the second (it did when the copy's key was the scenario's hash)."""
    first, *again = (kdsl.sweep(SMALL, seeds=2, client=inproc) for _ in range(3))
    for result in again:
        assert result.failures.empty, list(result.failures["error"])
        pd.testing.assert_frame_equal(result.runs.drop(columns="wall_s"), first.runs.drop(columns="wall_s"))
