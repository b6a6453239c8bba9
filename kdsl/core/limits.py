"""The budgets that keep any input finite: the longest run kdsl plays and the most events one simulation handles."""

from __future__ import annotations

# A scenario plays minutes to weeks of a cluster; a year is far past any question kdsl answers, and far
# short of what integer milliseconds can hold. `run` and --until beyond it are refused before the run.
MAX_RUN_MS = 366 * 24 * 3_600_000

# A run's events and its writes to the API server, each counted as one: a sync can write 500 pods in one event.
# 20,000 pods from 200 Deployments reach Ready in 129,243 (benchmarks/scale.py's shape), so Kubernetes' largest
# supported cluster, 150,000 pods, in about 1,000,000: ten times that is room for any scenario at Kubernetes'
# limits, and a bound on what a crash loop over a long `run` can cost. A count, not bytes, so the same input stops
# at the same event on every machine.
MAX_EVENTS = 10_000_000


def run_too_long(ms: int) -> str | None:
    """Why a run of `ms` is refused, or None."""
    if ms <= MAX_RUN_MS:
        return None
    return f"longer than kdsl simulates: at most {MAX_RUN_MS // 3_600_000}h (366 days)"

# The most kdsl reads from one scenario or manifest file, or takes as one text: a 150,000-pod scenario written pod
# by pod is about 6 MiB. Past it a file is refused before it is read whole, whatever it is (a log, /dev/zero).
MAX_FILE_BYTES = 16 * 1024 * 1024

TOO_LARGE = f"it is larger than {MAX_FILE_BYTES:,} bytes, the most kdsl reads as one scenario or manifest file"
