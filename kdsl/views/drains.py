"""`sim.drains()`: each `drain node` of the run, its outcome and what it did, as a table."""

from __future__ import annotations

import pandas as pd

from kdsl.views.common import duration, frame

COLUMNS = ("NODE", "STARTED", "FINISHED", "OUTCOME", "EVICTED", "IGNORED", "RETRIES", "ERROR")


def drains(sim) -> pd.DataFrame:
    """One row a drain, in the order they started: OUTCOME `drained`, `failed` or `draining` (still waiting at the
    end of the run), the pods it evicted (NS/NAME) and the DaemonSet pods it left, how many 429s it retried, and
    kubectl's error for a failed one."""
    rows = [(r.node, duration(r.started_ms), None if r.finished_ms is None else duration(r.finished_ms), r.outcome,
             ", ".join(r.evicted), ", ".join(r.ignored), r.retries, r.error or "") for r in sim.drainer.records]
    return frame(COLUMNS, rows)
