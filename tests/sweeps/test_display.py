"""A sweep as a notebook shows it: short expectation headers with a legend, each measure's mean and middle 95%,
the dashboard's link only for a cluster that outlives the sweep; the progress line after the cluster closed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kdsl.sweeps.display import NotebookProgress, planner_frame, sweep_html
from kdsl.sweeps.results import Sweep

EXPECT = "expect always deployment shop/web available>=1 from $fail_at"


def a_sweep(dashboard=None) -> Sweep:
    runs = pd.DataFrame({
        "nodes": pd.Series([3, 3, 3, 4, 4, 4], dtype="int64"),
        "seed": np.array([0, 1, 2] * 2, dtype="int64"),
        EXPECT: pd.array([False, True, True, True, True, None], dtype="boolean"),
        "web_floor": [0.0, 3.0, 3.0, 1.0, 2.0, np.nan],
        "recovered": [90_000.0, 95_000.0, np.nan, 60_000.0, 60_000.0, np.nan],
        "wall_s": [0.1] * 6,
        "error": pd.array([None] * 5 + ["worker lost"], dtype="string"),
    })
    return Sweep(runs=runs, params=("nodes",), expectations=(EXPECT,), measures=("web_floor", "recovered"),
                 moments=("recovered",), seeds=(0, 1, 2), scenario="shop.kdsl", workers=2, seconds=3.4,
                 dashboard=dashboard)


def test_the_planners_table_has_short_headers_and_ranges():
    frame, legend = planner_frame(a_sweep())
    assert list(frame.columns) == ["nodes", "runs", "failed", "expect 1", "web_floor mean", "web_floor middle 95%",
                                   "recovered mean", "recovered middle 95%"]
    assert legend == ["expect 1: always deployment shop/web available>=1 from $fail_at"]
    assert frame["expect 1"].tolist() == ["67%", "100%"]  # of the finished runs: the lost one is left out
    assert frame["web_floor mean"].tolist() == [2.0, 1.5]
    assert frame["web_floor middle 95%"].tolist() == ["0.15 – 3", "1.025 – 1.975"]
    assert frame["recovered mean"].tolist() == ["1m32s", "1m"] and frame["recovered middle 95%"].tolist()[1] == "1m"


def test_the_html_has_the_headline_the_legend_and_a_link_only_to_a_live_dashboard():
    shown = sweep_html(a_sweep())
    assert "shop.kdsl: 6 runs (2 combinations of nodes × 3 seeds) on 2 workers in 3.4 s, 1 failed" in shown
    assert "Dask dashboard" not in shown and "&gt;=1 from $fail_at</li>" in shown and "<th" in shown
    live = a_sweep("http://10.0.0.5:8787/status")._repr_html_()
    assert '<a href="http://10.0.0.5:8787/status" target="_blank" rel="noopener">Dask dashboard</a>' in live


def test_the_progress_line_loses_the_link_of_a_closed_cluster():
    progress = NotebookProgress()
    progress.start(4, "http://127.0.0.1:8787/status")
    progress(3, 4, 1)
    assert progress.label.value.startswith("3 of 4 runs · 1 failed · <a href=")
    progress(4, 4, 1)
    progress.closed()
    assert progress.label.value == "4 of 4 runs · 1 failed" and progress.bar.bar_style == "danger"
