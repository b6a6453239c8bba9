"""A finished sweep on a runs table made by hand: the summary's counts, shares and statistics worked out here, the
table `kdsl sweep` prints, the chart's spec for a measure and for an expectation, and the files it writes."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from kdsl.core.errors import UsageError
from kdsl.sweeps.results import Sweep

ERROR = "shop.kdsl:3:1: boom"


@pytest.fixture
def sweep():
    runs = pd.DataFrame({
        "replicas": pd.Series([2, 2, 2, 3, 3, 3], dtype="int64"),
        "seed": np.array([0, 1, 2] * 2, dtype="int64"),
        "expect a": pd.array([True, False, None, True, True, True], dtype="boolean"),
        "floor": [1.0, 2.0, np.nan, 2.0, 2.0, 2.0],
        "recovered": [60000.0, np.nan, np.nan, 120000.0, 90000.0, 60000.0],  # a `when`: ms, NaN when never
        "wall_s": [0.1, 0.2, np.nan, 0.1, 0.1, 0.1],
        "error": pd.array([None, None, ERROR, None, None, None], dtype="string"),
    })
    return Sweep(runs=runs, params=("replicas",), expectations=("expect a",), measures=("floor", "recovered"),
                 moments=("recovered",), seeds=(0, 1, 2), scenario="shop.kdsl", workers=2, seconds=1.5,
                 dashboard="http://127.0.0.1:8787/status")


def test_summary(sweep):
    got = sweep.summary()
    assert list(got.columns) == ["replicas", "runs", "failed", "expect a",
                                 *(f"{m} {s}" for m in ("floor", "recovered")
                                   for s in ("min", "mean", "max", "p2.5", "p97.5"))]
    assert got["replicas"].dtype == "int64"
    rows = got.to_dict("records")
    # replicas=2: seed 2 failed, so the share and the stats are of seeds 0 and 1; `recovered` has one value
    assert rows[0] == {"replicas": 2, "runs": 3, "failed": 1, "expect a": 0.5,
                       "floor min": 1.0, "floor mean": 1.5, "floor max": 2.0,
                       "floor p2.5": 1 + 0.025, "floor p97.5": 1 + 0.975,  # linear between the two runs
                       "recovered min": 60000.0, "recovered mean": 60000.0, "recovered max": 60000.0,
                       "recovered p2.5": 60000.0, "recovered p97.5": 60000.0}
    assert rows[1] == {"replicas": 3, "runs": 3, "failed": 0, "expect a": 1.0,
                       "floor min": 2.0, "floor mean": 2.0, "floor max": 2.0, "floor p2.5": 2.0, "floor p97.5": 2.0,
                       "recovered min": 60000.0, "recovered mean": 90000.0, "recovered max": 120000.0,
                       "recovered p2.5": 60000 + 0.05 * 30000, "recovered p97.5": 90000 + 0.95 * 30000}


def test_summary_of_a_combination_whose_every_run_failed(sweep):
    runs = sweep.runs.copy()
    runs.loc[runs["replicas"] == 2, "error"] = ERROR
    rows = Sweep(**{**_fields(sweep), "runs": runs}).summary().to_dict("records")
    assert rows[0]["failed"] == 3 and np.isnan(rows[0]["expect a"]) and np.isnan(rows[0]["floor mean"])


def test_summary_without_params(sweep):
    runs = sweep.runs[sweep.runs["replicas"] == 3].drop(columns="replicas").reset_index(drop=True)
    one = Sweep(**{**_fields(sweep), "runs": runs, "params": ()})
    assert one.summary().to_dict("records")[0]["runs"] == 3
    assert one.headline() == "shop.kdsl: 3 runs (3 seeds) on 2 workers in 1.5 s, 0 failed"


def test_shown_and_printed(sweep):
    shown = sweep.shown()
    assert list(shown["expect 1"]) == ["50%", "100%"]
    assert list(shown["recovered middle 95%"]) == ["1m", "1m2s – 1m58s"]
    assert list(shown["floor middle 95%"]) == ["1.025 – 1.975", "2"]
    assert str(sweep) == (
        "shop.kdsl: 6 runs (2 combinations of replicas × 3 seeds) on 2 workers in 1.5 s, 1 failed\n"
        "replicas   runs   failed   expect 1   floor mean   floor middle 95%   recovered mean   recovered middle 95%\n"
        "2          3      1        50%        1.5          1.025 – 1.975      1m               1m\n"
        "3          3      0        100%       2            2                  1m30s            1m2s – 1m58s\n"
        "shares of finished runs passing:\n"
        "  expect 1: a\n")
    assert repr(sweep) == f"<Sweep {sweep.headline()}>"
    html = sweep._repr_html_()
    assert "<b>Sweep</b> shop.kdsl: 6 runs" in html and 'href="http://127.0.0.1:8787/status"' in html
    assert sweep.failures["seed"].tolist() == [2]


def test_plot_a_measure(sweep):
    spec = sweep.plot("floor").to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["circle", "rule", "point"]
    assert spec["layer"][0]["encoding"]["x"]["field"] == "replicas"
    assert spec["layer"][0]["encoding"]["x"]["sort"] == ["2", "3"]
    assert spec["datasets"]["runs"] == [  # each finished run a dot; the failed one is not drawn
        {"replicas": "2", "seed": 0, "value": 1.0}, {"replicas": "2", "seed": 1, "value": 2.0},
        {"replicas": "3", "seed": 0, "value": 2.0}, {"replicas": "3", "seed": 1, "value": 2.0},
        {"replicas": "3", "seed": 2, "value": 2.0}]
    assert spec["datasets"]["stats"] == [
        {"replicas": "2", "mean": 1.5, "low": 1.025, "high": 1.975, "runs": 2},
        {"replicas": "3", "mean": 2.0, "low": 2.0, "high": 2.0, "runs": 3}]
    assert spec["title"]["text"] == "floor by replicas"


def test_plot_an_expectation(sweep):
    spec = sweep.plot("expect a", by="replicas").to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar"]
    assert spec["datasets"]["share"] == [{"replicas": "2", "share": 0.5, "runs": 2},
                                         {"replicas": "3", "share": 1.0, "runs": 3}]
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [0, 1]


def test_plot_splits_by_a_second_param(sweep):
    runs = pd.concat([sweep.runs.assign(zone="a"), sweep.runs.assign(zone="b")], ignore_index=True)
    runs["zone"] = runs["zone"].astype("string")
    two = Sweep(**{**_fields(sweep), "runs": runs[["replicas", "zone", *sweep.runs.columns[1:]]],
                   "params": ("replicas", "zone")})
    spec = two.plot("floor").to_dict()
    assert spec["layer"][0]["encoding"]["color"]["field"] == "zone"
    assert spec["layer"][0]["encoding"]["xOffset"]["field"] == "zone"


@pytest.mark.parametrize("call, error", [
    (lambda s: s.plot("flor"), "`flor` is no measure or expectation of this sweep; did you mean `floor`?"),
    (lambda s: s.plot("speed"), "`speed` is no measure or expectation of this sweep (measures: floor, recovered)"),
    (lambda s: s.plot("floor", by="replica"), "`replica` is no param of this sweep; did you mean `replicas`?"),
    (lambda s: s.plot("floor", color="zone"), "`zone` is no param of this sweep (params: replicas)"),
])
def test_plot_errors(sweep, call, error):
    with pytest.raises(UsageError) as exc:
        call(sweep)
    assert exc.value.message == error


def test_save_csv(sweep, tmp_path):
    sweep.save(tmp_path / "runs.csv")
    assert (tmp_path / "runs.csv").read_text(encoding="utf-8").splitlines() == [
        "replicas,seed,expect a,floor,recovered,wall_s,error",
        "2,0,True,1.0,60000.0,0.1,",
        "2,1,False,2.0,,0.2,",
        f"2,2,,,,,{ERROR}",
        "3,0,True,2.0,120000.0,0.1,",
        "3,1,True,2.0,90000.0,0.1,",
        "3,2,True,2.0,60000.0,0.1,"]


def test_save_parquet_keeps_the_types(sweep, tmp_path):
    sweep.save(tmp_path / "runs.PARQUET")
    back = pd.read_parquet(tmp_path / "runs.PARQUET")
    pd.testing.assert_frame_equal(back, sweep.runs)


@pytest.mark.parametrize("name, error", [
    ("runs.txt", "`runs.txt`: a sweep is written to .parquet or .csv"),
    ("runs", "`runs`: a sweep is written to .parquet or .csv"),
    ("nope/runs.csv", "`{tmp}/nope/runs.csv`: there is no folder `{tmp}/nope`"),
    ("", "`{tmp}` is a folder; give the file to write (runs.parquet or runs.csv)"),
])
def test_save_errors(sweep, tmp_path, name, error):
    with pytest.raises(UsageError) as exc:
        sweep.save(tmp_path / name)
    assert exc.value.message == error.format(tmp=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_parquet_without_pyarrow(sweep, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # `import pyarrow` fails as if it were not installed
    with pytest.raises(UsageError) as exc:
        sweep.save(tmp_path / "runs.parquet")
    assert exc.value.message == "writing Parquet needs pyarrow: `pip install 'kdsl[parquet]'`, or write .csv"
    sweep.save(tmp_path / "runs.csv")  # CSV needs nothing more


def _fields(sweep) -> dict:
    import attrs

    return {f.name: getattr(sweep, f.name) for f in attrs.fields(Sweep)}
