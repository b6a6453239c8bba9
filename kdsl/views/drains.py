"""`sim.drains()`: each `drain node` of the run, its outcome and what it did, as a table."""

from __future__ import annotations

from kdsl.views.common import duration, frame, shown
from kdsl.views.display import Table

COLUMNS = ("NODE", "STARTED", "FINISHED", "OUTCOME", "EVICTED", "IGNORED", "RETRIES", "ERROR")
# Shown by default only when a drain has one: most drains leave no DaemonSet pod and end without an error, and an
# empty column would push kubectl's error, when there is one, past a notebook's right edge.
OPTIONAL = ("IGNORED", "ERROR")


def drains(sim, wide: bool = False) -> Table:
    """One row a drain, in the order they started: OUTCOME `drained`, `failed` or `draining` (still waiting at the
    end of the run), the pods it evicted (NS/NAME) and the DaemonSet pods it left, how many 429s it retried, and
    kubectl's error for a failed one. IGNORED and ERROR are left out when empty in every row; `wide=True` keeps
    every column."""
    rows = [(r.node, duration(r.started_ms), None if r.finished_ms is None else duration(r.finished_ms), r.outcome,
             ", ".join(r.evicted), ", ".join(r.ignored), r.retries, r.error or "") for r in sim.drainer.records]
    df = frame(COLUMNS, rows)
    empty = {c for c in OPTIONAL if not any(df[c])}
    return shown(df, tuple(c for c in COLUMNS if c not in empty), wide=wide)
