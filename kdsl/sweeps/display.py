"""A sweep on screen: its progress while it runs (a notebook bar, a terminal line), its headline and planner's summary."""

from __future__ import annotations

import sys
import time
from html import escape

import numpy as np
import pandas as pd

from kdsl.core.values import format_duration


def planner_frame(sweep) -> tuple[pd.DataFrame, list[str]]:
    """The summary with short headers: each expectation is `expect 1`, `expect 2`… (its text in the legend
    returned beside), each measure two columns — its mean and the middle 95% of runs as a range (the chart
    shows every run; `summary()` has min and max too)."""
    summary = sweep.summary()
    out = summary[[*sweep.params, "runs", "failed"]].copy()
    legend = []
    for i, e in enumerate(sweep.expectations, 1):
        out[f"expect {i}"] = [None if np.isnan(v) else f"{v:.0%}" for v in summary[e]]
        legend.append(f"expect {i}: {e.removeprefix('expect ')}")
    for m in sweep.measures:
        when = m in sweep.moments
        mean = summary[f"{m} mean"]
        out[f"{m} mean"] = ([_number(v, True) for v in mean] if when  # a number stays one: right-aligned, sortable
                            else [np.nan if np.isnan(v) else float(f"{v:.4g}") for v in mean])
        out[f"{m} middle 95%"] = [_range(lo, hi, when) for lo, hi in zip(summary[f"{m} p2.5"], summary[f"{m} p97.5"])]
    return out, legend


def _number(v: float, when: bool) -> str | None:
    if np.isnan(v):
        return None
    if not when:
        return f"{v:.4g}"
    # A mean or percentile of moments past 10 s reads to the second (`1m33s`, not `1m32s500ms`).
    return format_duration(int(round(v, -3)) if v >= 10_000 else int(round(v)))


def _range(lo: float, hi: float, when: bool) -> str | None:
    if np.isnan(lo):
        return None
    a, b = _number(lo, when), _number(hi, when)
    return a if a == b else f"{a} – {b}"


def sweep_html(sweep) -> str:
    """The headline, the link to the dashboard (of a cluster that outlives the sweep), the table, its legend."""
    from kdsl.views.display import block

    link = (f' · <a href="{escape(sweep.dashboard)}" target="_blank" rel="noopener">Dask dashboard</a>'
            if sweep.dashboard else "")
    frame, legend = planner_frame(sweep)
    notes = "".join(f'<li><span class="kdsl-nb">{escape(line.split(": ", 1)[0])}</span>: '
                    f"{escape(line.split(': ', 1)[1])}</li>" for line in legend)
    shares = ('<p class="kdsl-sweep-legend">The share of finished runs in which each expectation held:</p>'
              f'<ul class="kdsl-sweep-legend">{notes}</ul>') if legend else ""
    return (f'<div class="kdsl-sweep"><style>.kdsl-sweep .kdsl-sweep-legend{{margin:2px 0;'
            f"color:var(--jp-ui-font-color1,#1f1f1f)}}</style><p><b>Sweep</b> {escape(sweep.headline())}{link}</p>"
            f"{block(frame)}{shares}</div>")


def in_notebook() -> bool:
    """True in a Jupyter kernel (where a widget shows), not in a terminal IPython or a script."""
    ip = sys.modules.get("IPython")
    shell = ip.get_ipython() if ip is not None and hasattr(ip, "get_ipython") else None
    return shell is not None and hasattr(shell, "kernel")


class NotebookProgress:
    """An ipywidgets bar and a line: `37 of 200 runs · 2 failed · Dask dashboard`; green when done, red when
    some runs failed."""

    def __init__(self):
        self.bar = self.label = None
        self.failed = 0

    def start(self, total: int, dashboard: str | None) -> None:
        import ipywidgets as w
        from IPython.display import display

        self.link = (f' · <a href="{escape(dashboard)}" target="_blank" rel="noopener">Dask dashboard</a>'
                     if dashboard else "")
        self.bar = w.IntProgress(value=0, min=0, max=total, description="sweep",
                                 layout=w.Layout(width="320px"))
        self.label = w.HTML(self._text(0, total, 0))
        self.label.add_class("kdsl-sweep-progress")
        display(w.HBox([self.bar, self.label]))

    def __call__(self, done: int, total: int, failed: int) -> None:
        if self.bar is None:
            return
        self.bar.value = done
        self.label.value = self._text(done, total, failed)
        if done == total:
            self.bar.bar_style = "danger" if failed else "success"

    def closed(self) -> None:
        """The cluster kdsl started is closed: the line keeps the count and loses the dead link."""
        if self.bar is not None:
            self.link = ""
            self.label.value = self._text(self.bar.value, self.bar.max, self.failed)

    def _text(self, done: int, total: int, failed: int) -> str:
        self.failed = failed
        fails = f" · {failed:,} failed" if failed else ""
        return f"{done:,} of {total:,} runs{fails}{self.link}"


class TerminalProgress:
    """`sweep: 37/200 runs, 2 failed` on stderr, rewritten in place at most every half second."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.last = 0.0

    def start(self, total: int, dashboard: str | None) -> None:
        if dashboard:
            print(f"Dask dashboard: {dashboard}", file=self.stream)

    def __call__(self, done: int, total: int, failed: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.5:
            return
        self.last = now
        fails = f", {failed:,} failed" if failed else ""
        end = "\n" if done == total else ""
        print(f"\rsweep: {done:,}/{total:,} runs{fails}", end=end, file=self.stream, flush=True)
