"""Sweeps: one scenario played over params and seeds on Dask, collected into one table (kdsl.sweep)."""

from __future__ import annotations

import time
from collections import Counter

import numpy as np
import pandas as pd

from kdsl.core.errors import UsageError
from kdsl.model.scenario import Scenario
from kdsl.sweeps.play import Bundle
from kdsl.sweeps.grid import FIXED, combinations, params_of, seeds_of, word_value
from kdsl.sweeps.results import Sweep
from kdsl.sweeps.runner import connect, run

__all__ = ["Sweep", "columns", "sweep"]


def sweep(scenario: Scenario, params=None, seeds=1, *, client=None, scheduler: str | None = None,
          workers: int | None = None, progress=None) -> Sweep:
    """Play `scenario` (read by kdsl.load or kdsl.parse: its text and includes go to the workers) once per
    combination of `params` and seed; see kdsl.sweep for the arguments. `progress(done, total, failed)` is
    called as runs finish."""
    grid = grid_of(scenario, params)
    seeds = seeds_of(seeds)
    _declared(scenario, grid)
    expects, measures = columns(scenario, grid)
    bundle = Bundle.of(scenario)
    combos = combinations(grid)
    t0 = time.perf_counter()
    with connect(client, scheduler, workers) as c:
        n_workers = len(c.scheduler_info(n_workers=-1).get("workers", {}))
        dashboard = _dashboard(c)
        if progress is not None and hasattr(progress, "start"):
            progress.start(len(combos) * len(seeds), dashboard)
        rows = run(c, bundle, combos, seeds, progress)
    own = client is None and scheduler is None  # kdsl's LocalCluster, closed now: its dashboard is gone
    if own and progress is not None and hasattr(progress, "closed"):
        progress.closed()
    runs = table(grid, combos, seeds, expects, measures, rows)
    moments = tuple(m.name for m in scenario.measures if m.kind == "when")
    return Sweep(runs=runs, params=tuple(grid), expectations=expects, measures=measures, moments=moments, seeds=seeds,
                 scenario=bundle.label, workers=n_workers, seconds=round(time.perf_counter() - t0, 1),
                 dashboard=None if own else dashboard)


def grid_of(scenario: Scenario, params=None) -> dict[str, tuple]:
    """The sweep's params: those the scenario was read with (kdsl.load(params=), `%%kdsl --param`) unless
    `params` gives them again, then `params`; each a column of the table, so a run says what it played."""
    grid = params_of(params)
    given = {p.name: (word_value(p.value),) for p in scenario.params if p.overridden and p.name not in grid}
    return {**given, **grid}


def _declared(scenario: Scenario, grid: dict) -> None:
    declared = scenario.param_defaults
    for name in grid:
        if name not in declared:
            from kdsl.core.errors import suggest

            hint = suggest(name, declared)
            raise UsageError(f"the scenario declares no param `{name}`"
                             + (f"; did you mean `{hint}`?" if hint else
                                f" (its params: {', '.join(declared) or 'none'}; declare it with `param {name} = VALUE`)"))


def columns(scenario: Scenario, grid: dict | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The runs table's expectation columns (each `expect` by its text as written, with its line when two read
    alike) and measure columns (by name); a measure may not take a param's or a fixed column's name."""
    texts = [e.text for e in scenario.expectations]
    twice = Counter(texts)
    expects = tuple(t if twice[t] == 1 else f"{t} (line {e.span.line})" if e.span else t
                    for t, e in zip(texts, scenario.expectations))
    measures = tuple(m.name for m in scenario.measures)
    for m in scenario.measures:
        if m.name in FIXED or m.name in (grid or scenario.param_defaults):
            what = "a param" if m.name not in FIXED else "a column of every sweep"
            raise UsageError(f"measure `{m.name}` has the name of {what}: a sweep's table would have two columns "
                             f"`{m.name}`; rename the measure")
    return expects, measures


def table(grid: dict, combos: list, seeds: tuple, expects: tuple, measures: tuple, rows: list) -> pd.DataFrame:
    """`Sweep.runs` from the rows, in the grid's order: params, seed, expectations (True/False, missing for a
    run with an error), measures (float, NaN when none), wall_s, error."""
    n = len(rows)
    data: dict = {}
    for i, name in enumerate(grid):
        data[name] = [combo[i][1] for combo in combos for _ in seeds]
    data["seed"] = np.array([s for _ in combos for s in seeds], dtype="int64")
    for j, e in enumerate(expects):
        data[e] = pd.array([r["expect"][j] if r.get("expect") else None for r in rows], dtype="boolean")
    for j, m in enumerate(measures):
        data[m] = np.array([np.nan if not r.get("measure") or r["measure"][j] is None else float(r["measure"][j])
                            for r in rows], dtype="float64")
    data["wall_s"] = np.array([np.nan if r.get("wall_s") is None else r["wall_s"] for r in rows], dtype="float64")
    data["error"] = pd.array([r["error"] for r in rows], dtype="string")
    out = pd.DataFrame(data, index=pd.RangeIndex(n))
    for name, vals in grid.items():
        out[name] = pd.Series(out[name].tolist(), dtype=_dtype(vals))
    return out


def _dtype(values: tuple) -> str:
    """A param column's dtype: int64 for whole numbers, float64 for numbers, bool, else str."""
    if all(isinstance(v, bool) for v in values):
        return "bool"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int64"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "float64"
    return "string"


def _dashboard(client) -> str | None:
    try:
        return client.dashboard_link
    except Exception:  # noqa: BLE001 - no dashboard (bokeh missing, disabled): the sweep runs without the link
        return None
