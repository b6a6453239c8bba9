"""A run's measures as a table (`sim.measures()`), a mapping (`sim.measure_values()`) and the block `kdsl run` prints."""

from __future__ import annotations

import pandas as pd

from kdsl.engine.measure import measures
from kdsl.core.values import format_duration
from kdsl.views.common import duration, frame

COLUMNS = ("NAME", "VALUE", "KIND", "OF", "FROM", "UNTIL", "AT")


def table(sim) -> pd.DataFrame:
    """One row per measure, in the order written: NAME, VALUE (a number, `when` in ms, None when there is none),
    KIND, OF (what it reads), the window FROM/UNTIL read (clipped to the run) and AT, the moment the value
    speaks of (where a min or max was first reached, the moment of `when` or `at`)."""
    items = measures(sim)
    rows = [(r.name, r.value, r.measure.kind, r.measure.reads, duration(r.start_ms), duration(r.until_ms),
             duration(r.at_ms)) for r in items]
    out = frame(COLUMNS, rows)
    for column in ("FROM", "UNTIL"):
        out[column] = pd.array(list(out[column]), dtype="timedelta64[ms]")
    out["VALUE"] = pd.Series([r.value for r in items], dtype=object, index=out.index)  # ints stay ints beside a mean
    return out


def values(sim) -> dict[str, int | float | None]:
    """`{name: value}` in the order written: the columns a sweep's row takes."""
    return {r.name: r.value for r in measures(sim)}


def block(items) -> str:
    """`measures:` and one aligned line each: name, value (a moment as a duration), what it reads, and the moment
    a min or max was first reached. Empty when the scenario has no measure."""
    if not items:
        return ""
    names = max(len(r.name) for r in items)
    shown = [r.shown() for r in items]
    width = max(len(s) for s in shown)
    lines = ["measures:"]
    for r, s in zip(items, shown):
        m = r.measure
        first = f"  (first at {format_duration(r.at_ms)})" if m.kind in ("min", "max") and r.at_ms is not None else ""
        kind = f"at {format_duration(m.at_ms)}" if m.kind == "at" else m.kind
        lines.append(f"  {r.name.ljust(names)}  {s.ljust(width)}  {kind} {m.reads}{first}")
    return "\n".join(lines) + "\n"
