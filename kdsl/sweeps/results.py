"""A finished sweep: one row per run (`Sweep.runs`), a summary per combination of params, files and a chart."""

from __future__ import annotations

from pathlib import Path

import attrs
import numpy as np
import pandas as pd

from kdsl.core.errors import UsageError, suggest

# The middle 95% of runs: a summary's interval is of the runs themselves (what a planner can expect of one run),
# not a confidence interval of the mean.
LOW, HIGH = 2.5, 97.5
_STATS = ("min", "mean", "max", "p2.5", "p97.5")


@attrs.frozen(kw_only=True, eq=False)
class Sweep:
    """The runs of one scenario over params and seeds (kdsl.sweep). `runs` is ordered as the grid: the params
    as given, each one's values as given, then the seeds; every column but `wall_s` is the same whatever the
    cluster that played it."""

    runs: pd.DataFrame = attrs.field(repr=False)
    params: tuple[str, ...]
    expectations: tuple[str, ...]
    measures: tuple[str, ...]
    moments: tuple[str, ...] = ()  # the `when` measures: a moment of the run, in ms
    seeds: tuple[int, ...] = attrs.field(repr=False)
    scenario: str
    workers: int
    seconds: float
    dashboard: str | None = None  # the Dask dashboard of a cluster that outlives the sweep (not one kdsl closed)

    @property
    def failures(self) -> pd.DataFrame:
        """The runs that did not finish, with their error."""
        return self.runs[self.runs["error"].notna()]

    def summary(self) -> pd.DataFrame:
        """Per combination of params, in the grid's order: runs, failed (runs with an error), the share of
        finished runs passing each expectation, and each measure's min, mean, max and the interval holding the
        middle 95% of runs (p2.5, p97.5; runs where it has no value are left out)."""
        runs = self.runs
        keys = list(self.params)
        groups = runs.groupby(keys, sort=False, dropna=False) if keys else [((), runs)]
        rows = []
        for key, g in groups:
            row = dict(zip(keys, key if isinstance(key, tuple) else (key,)))
            finished = g[g["error"].isna()]
            row["runs"], row["failed"] = len(g), len(g) - len(finished)
            for e in self.expectations:
                row[e] = float(finished[e].astype(bool).mean()) if len(finished) else np.nan
            for m in self.measures:
                row.update(_spread(m, finished[m].astype(float).dropna().to_numpy()))
            rows.append(row)
        out = pd.DataFrame(rows)
        for p in keys:
            out[p] = out[p].astype(runs[p].dtype)
        return out

    def plot(self, measure: str, by: str | None = None, color: str | None = None):
        """A chart of `measure` (a measure's name, or an expectation's text for the share passing) against the
        param `by` (default: the first), each run a dot and the mean with its 95% interval; `color` splits by
        another param (default: the second, when there are two and it takes more than one value)."""
        from kdsl.sweeps.chart import plot

        by = self._param(by) if by is not None else (self.params[0] if self.params else None)
        if color is not None:
            color = self._param(color)
        elif len(self.params) == 2:
            other = next(p for p in self.params if p != by)
            # A param held at one value (`"fail_at": "1m"`) would be a legend of one colour: no split.
            color = other if self.runs[other].nunique() > 1 else None
        return plot(self, self._column(measure), by, color)

    def to_parquet(self, path: str | Path) -> None:
        """Write `runs` as Parquet (needs pyarrow: `pip install kdsl[parquet]`)."""
        _pyarrow()
        self.runs.to_parquet(path, index=False)

    def to_csv(self, path: str | Path) -> None:
        """Write `runs` as CSV (a missing value is an empty cell)."""
        self.runs.to_csv(path, index=False)

    def save(self, path: str | Path) -> None:
        """`runs` to .parquet or .csv, by the file's suffix (`kdsl sweep -o`)."""
        if writable(path) == "parquet":
            self.to_parquet(path)
        else:
            self.to_csv(path)

    def headline(self) -> str:
        """`shop.kdsl: 200 runs (2 params × 10 seeds) on 2 workers in 41.2 s, 0 failed`."""
        combos = len(self.runs) // max(len(self.seeds), 1)
        grid = (f"{combos} combination{'s' * (combos != 1)} of {', '.join(self.params)} × " if self.params else "")
        seeds = f"{len(self.seeds)} seed{'s' * (len(self.seeds) != 1)}"
        n = len(self.runs)
        return (f"{self.scenario}: {n:,} run{'s' * (n != 1)} ({grid}{seeds}) on {self.workers} "
                f"worker{'s' * (self.workers != 1)} in {self.seconds:.1f} s, {len(self.failures):,} failed")

    def __repr__(self) -> str:
        return f"<Sweep {self.headline()}>"

    def __str__(self) -> str:
        """What `kdsl sweep` prints: the headline, `shown()`, and what each `expect N` column is."""
        from kdsl.sweeps.display import planner_frame
        from kdsl.views.display import text

        frame, legend = planner_frame(self)
        lines = "".join(f"  {line}\n" for line in legend)
        return f"{self.headline()}\n{text(frame)}" + (f"shares of finished runs passing:\n{lines}" if legend else "")

    def shown(self) -> pd.DataFrame:
        """The summary as a notebook and `kdsl sweep` show it: each expectation as `expect 1`, `expect 2`… (the
        share passing in %), each measure as its mean and the middle 95% of runs (`1 – 2`; a `when` measure as
        a duration, `1m30s`), numbers to 4 significant digits. `summary()` has the data."""
        from kdsl.sweeps.display import planner_frame

        return planner_frame(self)[0]

    def _repr_html_(self) -> str:
        from kdsl.sweeps.display import sweep_html

        return sweep_html(self)

    def _column(self, name: str) -> str:
        names = (*self.measures, *self.expectations)
        if name in names:
            return name
        hint = suggest(name, names)
        raise UsageError(f"`{name}` is no measure or expectation of this sweep"
                         + (f"; did you mean `{hint}`?" if hint else f" (measures: {', '.join(self.measures) or 'none'})"))

    def _param(self, name: str) -> str:
        if name in self.params:
            return name
        hint = suggest(name, self.params)
        raise UsageError(f"`{name}` is no param of this sweep"
                         + (f"; did you mean `{hint}`?" if hint else f" (params: {', '.join(self.params) or 'none'})"))


def writable(path: str | Path) -> str:
    """"parquet" or "csv", by the suffix of a file a sweep can be written to: its folder exists and, for
    Parquet, pyarrow is installed; said before a sweep runs (`kdsl sweep -o`) rather than after."""
    p = Path(path)
    suffix = p.suffix.lower()
    if p.is_dir():
        raise UsageError(f"`{p}` is a folder; give the file to write (runs.parquet or runs.csv)")
    if suffix not in (".parquet", ".csv"):
        raise UsageError(f"`{p.name}`: a sweep is written to .parquet or .csv")
    if not p.parent.is_dir():
        raise UsageError(f"`{p}`: there is no folder `{p.parent}`")
    if suffix == ".parquet":
        _pyarrow()
    return suffix[1:]


def _pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise UsageError("writing Parquet needs pyarrow: `pip install 'kdsl[parquet]'`, or write .csv") from None


def _spread(name: str, values: np.ndarray) -> dict:
    if not len(values):
        return {f"{name} {k}": np.nan for k in _STATS}
    low, high = np.percentile(values, [LOW, HIGH])
    return {f"{name} min": float(values.min()), f"{name} mean": float(values.mean()), f"{name} max": float(values.max()),
            f"{name} p2.5": float(low), f"{name} p97.5": float(high)}
