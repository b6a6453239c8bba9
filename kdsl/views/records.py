"""A run's records as tables: the store's writes, the API server's refusals, the drains, the expect results, the measures."""

from __future__ import annotations

import bisect

import pandas as pd

from kdsl.engine import arguments
from kdsl.core.values import format_duration
from kdsl.engine.measure import measures
from kdsl.views.common import duration, frame, moment, shown
from kdsl.views.display import Table

CHANGE_COLUMNS = ("TIME", "OP", "KIND", "NAMESPACE", "NAME")


def changes(sim, at=None, namespace=None, kind=None, since=None) -> pd.DataFrame:
    """Every write the store recorded from `since` (default: the start) up to `at` (default: the end),
    both included, in the order it happened: OP is the watch event (ADDED, MODIFIED, DELETED), as a
    controller's informer sees it. `since=t, at=t` is what happened at exactly `t`."""
    t = moment(sim, at)
    start = 0 if since is None else arguments.duration(since, "since")
    want = None if kind is None else arguments.kind(kind)
    history = sim.store.history
    lo = bisect.bisect_left(history, start, key=lambda c: c.time_ms)
    hi = bisect.bisect_right(history, t, key=lambda c: c.time_ms)
    rows = [(duration(c.time_ms), c.op, c.key[0], c.key[1], c.key[2]) for c in history[lo:hi]
            if (namespace is None or c.key[1] == namespace) and (want is None or c.key[0] == want)]
    return frame(CHANGE_COLUMNS, rows)


REFUSAL_COLUMNS = ("TIME", "NAMESPACE", "USER", "VERB", "OBJECT", "CODE", "REASON", "MESSAGE")


def refusals(sim, at=None, namespace=None) -> pd.DataFrame:
    """The requests the API server refused up to `at` (default: the end), oldest first: who asked (USER),
    what for (VERB and OBJECT, `pod/web`), and Kubernetes' CODE, REASON and MESSAGE, as kubectl prints
    them after `Error from server`."""
    t = moment(sim, at)
    return refusals_of([r for r in sim.rejections if r.time_ms <= t and (namespace is None or r.namespace == namespace)])


def refusals_of(rejections) -> pd.DataFrame:
    """The refusals table of these rejections, in their order."""
    rows = [(duration(r.time_ms), r.namespace, r.user, r.verb, r.object, r.code, r.reason, r.message) for r in rejections]
    return frame(REFUSAL_COLUMNS, rows)


def refused_block(rejections, limit: int = 10) -> str:
    """The head of `kdsl run` / `kdsl test` output when the API server refused something: `refused: N
    requests`, then one line each (time, user, verb, object, code, message). A controller's retries of
    the same refusal (the same words but for the object's generated name) share the first one's line;
    at most `limit` lines. Empty when nothing was refused."""
    if not rejections:
        return ""
    groups: dict[tuple, list] = {}
    for r in rejections:
        words = r.message.replace(r.name, "") if r.name else r.message
        groups.setdefault((r.user, r.verb, r.kind, r.namespace, r.code, words), []).append(r)
    rows = []
    for same in list(groups.values())[:limit]:
        r = same[0]
        again = f" ({len(same) - 1} more like it, the last at {format_duration(same[-1].time_ms)})" if len(same) > 1 else ""
        rows.append((format_duration(r.time_ms), r.user, r.verb, f"{r.object} -n {r.namespace}" if r.namespace
                     else r.object, str(r.code), r.message + again))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    n = len(rejections)
    lines = [f"refused: {n} request{'s' if n != 1 else ''}"]
    lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(row[:5], widths)) + "  " + row[5] for row in rows]
    if len(groups) > limit:
        lines.append(f"  … and {len(groups) - limit} more (sim.refusals() lists every one)")
    return "\n".join(lines) + "\n"


RESULT_COLUMNS = ("", "EXPECT", "FOUND", "AT")


def results(items) -> pd.DataFrame:
    """Expectation results (`Simulation.check()`) as a table: ✓ or ✗, the expectation as written, what
    was found and when it was looked at."""
    rows = [("✓" if r.passed else "✗", r.text, r.found, duration(r.at_ms)) for r in items]
    return frame(RESULT_COLUMNS, rows)


DRAIN_COLUMNS = ("NODE", "STARTED", "FINISHED", "OUTCOME", "EVICTED", "IGNORED", "RETRIES", "ERROR")
# Shown by default only when a drain has one: most drains leave no DaemonSet pod and end without an error, and an
# empty column would push kubectl's error, when there is one, past a notebook's right edge.
DRAIN_OPTIONAL = ("IGNORED", "ERROR")


def drains(sim, wide: bool = False) -> Table:
    """One row a drain, in the order they started: OUTCOME `drained`, `failed` or `draining` (still waiting at the
    end of the run), the pods it evicted (NS/NAME) and the DaemonSet pods it left, how many 429s it retried, and
    kubectl's error for a failed one. IGNORED and ERROR are left out when empty in every row; `wide=True` keeps
    every column."""
    rows = [(r.node, duration(r.started_ms), None if r.finished_ms is None else duration(r.finished_ms), r.outcome,
             ", ".join(r.evicted), ", ".join(r.ignored), r.retries, r.error or "") for r in sim.drainer.records]
    df = frame(DRAIN_COLUMNS, rows)
    empty = {c for c in DRAIN_OPTIONAL if not any(df[c])}
    return shown(df, tuple(c for c in DRAIN_COLUMNS if c not in empty), wide=wide)


MEASURE_COLUMNS = ("NAME", "VALUE", "KIND", "OF", "FROM", "UNTIL", "AT")


def measure_table(sim) -> pd.DataFrame:
    """One row per measure, in the order written: NAME, VALUE (a number, `when` in ms, None when there is none),
    KIND, OF (what it reads), the window FROM/UNTIL read (clipped to the run) and AT, the moment the value
    speaks of (where a min or max was first reached, the moment of `when` or `at`)."""
    items = measures(sim)
    rows = [(r.name, r.value, r.measure.kind, r.measure.reads, duration(r.start_ms), duration(r.until_ms),
             duration(r.at_ms)) for r in items]
    out = frame(MEASURE_COLUMNS, rows)
    for column in ("FROM", "UNTIL"):
        out[column] = pd.array(list(out[column]), dtype="timedelta64[ms]")
    out["VALUE"] = pd.Series([r.value for r in items], dtype=object, index=out.index)  # ints stay ints beside a mean
    return out


def measure_values(sim) -> dict[str, int | float | None]:
    """`{name: value}` in the order written: the columns a sweep's row takes."""
    return {r.name: r.value for r in measures(sim)}


def measure_block(items) -> str:
    """`measures:` and one aligned line each: name, value (a moment as a duration), what it reads, and the moment
    a min or max was first reached. Empty when the scenario has no measure."""
    if not items:
        return ""
    names = max(len(r.name) for r in items)
    texts = [r.shown() for r in items]
    width = max(len(s) for s in texts)
    lines = ["measures:"]
    for r, s in zip(items, texts):
        m = r.measure
        first = f"  (first at {format_duration(r.at_ms)})" if m.kind in ("min", "max") and r.at_ms is not None else ""
        kind = f"at {format_duration(m.at_ms)}" if m.kind == "at" else m.kind
        lines.append(f"  {r.name.ljust(names)}  {s.ljust(width)}  {kind} {m.reads}{first}")
    return "\n".join(lines) + "\n"
