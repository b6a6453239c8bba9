"""What every view shares: the moment asked, the objects then or as they changed, selectors, frames, colours, font."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import timedelta

import pandas as pd

from kdsl.engine import arguments
from kdsl.engine.objects import ApiObject
from kdsl.core.errors import UsageError
from kdsl.core.values import format_duration
from kdsl.model.base import Requirement, Selector
from kdsl.views.display import NONE, Table


class ViewError(UsageError):
    """A view was asked for something that cannot be shown (a bad selector or format); the message says
    what was wrong, so the CLI prints it and a notebook shows it without a traceback."""


def moment(sim, at) -> int:
    """`at` as integer ms: None is the end of the run, an int is ms, a string a duration (`2m`), a
    Timedelta itself; kdsl.engine.arguments says what else is not a moment."""
    return arguments.moment(sim, at)


def objects(sim, kind: str, t: int, namespace: str | None = None) -> list[ApiObject]:
    """The objects of one kind as they stood at the end of `t`, sorted by namespace and name. At or
    after the last event the store's current objects are that state, which spares the history lookup."""
    store = sim.store
    if t >= sim.now:
        found = store.list(kind, namespace) if namespace is not None else store.list(kind)
    else:
        found = store.all_at(kind, t, namespace)
    return sorted(found, key=_by_name)


def _by_name(obj: ApiObject) -> tuple[str, str]:
    return (obj.meta.namespace or "", obj.meta.name)


_REQ = re.compile(r"^\s*(!?)\s*([A-Za-z0-9_./-]+)\s*(?:(==|=|!=)\s*([A-Za-z0-9_.-]*)|\s+(in|notin)\s*\(([^)]*)\))?\s*$")


def selector(value) -> Selector | None:
    """A label selector from kubectl's `-l` text (`app=web,tier in (a,b),!canary`) or a dict."""
    if value is None or isinstance(value, Selector):
        return value
    if isinstance(value, dict):
        return Selector.of({str(k): str(v) for k, v in value.items()})
    if not isinstance(value, str):
        raise ViewError(f"selector={value!r}: give kubectl's text (`app=web,tier in (a,b)`) or a dict")
    labels, reqs = [], []
    for part in _split(value):
        m = _REQ.match(part)
        if m is None or (m.group(1) and (m.group(3) or m.group(5))):
            raise ViewError(f"`{part.strip()}` is not a label requirement; write key=value, key!=value, "
                            "key in (a,b), key notin (a,b), key or !key")
        bang, key, op, val, setop, vals = m.groups()
        if op in ("=", "=="):
            labels.append((key, val))
        elif op == "!=":
            reqs.append(Requirement(key, "NotIn", (val,)))
        elif setop:
            items = tuple(v.strip() for v in vals.split(",") if v.strip())
            reqs.append(Requirement(key, "In" if setop == "in" else "NotIn", items))
        else:
            reqs.append(Requirement(key, "DoesNotExist" if bang else "Exists"))
    return Selector(tuple(labels), tuple(reqs))


def _split(text: str) -> list[str]:
    """Commas separate requirements, except inside the parentheses of `in (a,b)`."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()] or ([] if not text.strip() else [text])


def select(objs: Iterable[ApiObject], namespace: str | None = None, sel=None) -> list[ApiObject]:
    """The objects in a namespace (all when None) whose labels match the selector (all when None)."""
    s = selector(sel)
    out = objs if namespace is None else [o for o in objs if o.meta.namespace == namespace]
    if s is not None and not s.empty:
        out = [o for o in out if s.matches(dict(o.meta.labels))]
    return list(out)


def frame(columns: tuple[str, ...], rows: list[tuple]) -> Table:
    """A Table (a DataFrame that displays by kdsl.views.display's rules) with exactly these columns in this
    order, also when there is no row. A column of durations (datetime.timedelta or pandas Timedelta, with None
    for missing) becomes a timedelta64[ms] column, so it sorts and sums as durations do."""
    if not rows:
        return Table({c: pd.Series(dtype="timedelta64[ms]" if c in TIME_COLUMNS else object) for c in columns})
    data = {c: _column(list(v)) for c, v in zip(columns, zip(*rows))}
    return Table(data, columns=list(columns))


# The duration columns kdsl's tables have, for an empty table's dtypes (a full one's say so by their values).
TIME_COLUMNS = frozenset({"AGE", "LAST SEEN", "FIRST SEEN", "TIME", "LAST TRANSITION", "AT"})


def _column(values: list):
    """Counts with gaps (a status not written yet) stay integers: pandas' nullable Int64, not floats; durations
    are timedelta64[ms]."""
    first = next((v for v in values if v is not None), None)
    if isinstance(first, timedelta):
        return pd.array(values, dtype="timedelta64[ms]")
    if first is not None and any(v is None for v in values) and any(type(v) is int for v in values) \
            and all(v is None or type(v) is int for v in values):
        return pd.array(values, dtype="Int64")
    return values


def duration(ms: int | None) -> timedelta | None:
    """Milliseconds as a table's duration value (a moment of the run, an age); None stays None."""
    return None if ms is None else timedelta(milliseconds=ms)


def age(t: int, since_ms: int | None) -> timedelta | None:
    """How long ago `since_ms` was at `t` (shown as kubectl's AGE), None when it never happened."""
    return None if since_ms is None else timedelta(milliseconds=t - since_ms)


def when(ms: int | None) -> str:
    """A simulated time as kdsl spells durations from the start (`1m30s`), `<none>` when unset."""
    return format_duration(ms) if ms is not None else NONE


def shown(df: Table, default: tuple[str, ...], namespace=None, wide: bool = False) -> Table:
    """The columns a table shows, as kubectl chooses them: the default ones (`kubectl get`), or all of them with
    `wide=True` (`-o wide`, where kdsl adds its own); NAMESPACE only when no namespace was asked for (`-A`)."""
    keep = [c for c in df.columns if (wide or c in default) and not (c == "NAMESPACE" and namespace is not None)]
    return df if keep == list(df.columns) else df[keep]


def owner(obj: ApiObject) -> str | None:
    """The controlling owner as `Kind/name`, as `kubectl get -o wide` names controllers; None without one."""
    ref = next((o for o in obj.meta.owners if o.controller), None)
    return f"{ref.kind}/{ref.name}" if ref is not None else None


def pod_changes(sim, namespace=None, labels=None) -> Iterator[tuple[int, tuple, ApiObject | None, dict]]:
    """(time_ms, key, pod, nodes) in the order of the writes, each time what a pod shows may change: a
    write of the pod, or of its node (a node lost or found changes its pods' phase). `pod` is None when
    the pod is deleted or relabelled out of the selection; `nodes` is the live map of nodes by name, as
    they stand after the write. Nothing is rebuilt per moment, so a run of thousands of pods stays quick."""
    sel = selector(labels)
    nodes: dict[str, ApiObject] = {}
    current: dict[tuple, ApiObject] = {}
    on_node: dict[str, dict[tuple, None]] = {}
    for change in sim.store.history:
        kind = change.key[0]
        if kind == "Node":
            name = change.key[2]
            if change.obj is None:
                nodes.pop(name, None)
            else:
                nodes[name] = change.obj
            for key in on_node.get(name, {}):
                yield change.time_ms, key, current[key], nodes
        elif kind == "Pod":
            key, pod = change.key, change.obj
            if namespace is not None and key[1] != namespace:
                continue
            old = current.get(key)
            if pod is not None and sel is not None and not sel.matches(dict(pod.meta.labels)):
                if old is None:
                    continue
                pod = None  # relabelled out of the selection: it leaves as if deleted
            if old is not None and old.spec.template.node_name:
                on_node.get(old.spec.template.node_name, {}).pop(key, None)
            if pod is None:
                if current.pop(key, None) is not None:
                    yield change.time_ms, key, None, nodes
                continue
            current[key] = pod
            if pod.spec.template.node_name:
                on_node.setdefault(pod.spec.template.node_name, {})[key] = None
            yield change.time_ms, key, pod, nodes


# A pod's phase as kdsl's pods table shows it (Unknown on a node that cannot be reached); the topology fills
# pods with these too.
PHASE_COLOURS = {"Pending": "#fde68a", "Running": "#86efac", "Succeeded": "#93c5fd", "Failed": "#fca5a5",
                 "Unknown": "#d1d5db"}

# A Running pod that is not Ready (kubectl's READY 0/1: its readiness probe has not passed, a container is not
# running): the lifecycle chart's Running-but-not-Ready lime, lighter and yellower than Ready's green, so the two
# differ in greyscale and to a colour-blind eye; the topology also writes `0/1 ready` in the box, which needs no colour.
NOT_READY_COLOUR = "#d9f99d"

# The states of the lifecycle chart, in the order a pod usually meets them. The phases keep their colours
# (Ready is what Running means once the pod serves); the states within a phase are shades around them, the
# trouble states (a crash loop, any other container error) saturated so they catch the eye.
STATE_COLOURS = {"Pending": PHASE_COLOURS["Pending"], "ContainerCreating": "#fbbf24", "Running": NOT_READY_COLOUR,
                 "Ready": PHASE_COLOURS["Running"], "CrashLoopBackOff": "#ef4444", "Error": "#f97316",
                 "Terminating": "#a78bfa", "Succeeded": PHASE_COLOURS["Succeeded"], "Failed": PHASE_COLOURS["Failed"],
                 "Unknown": PHASE_COLOURS["Unknown"]}

# A workload's replica counts, as `kubectl describe deployment` words them.
REPLICA_COLOURS = {"desired": "#8b8f98", "current": "#60a5fa", "updated": "#c084fc", "ready": "#2dd4bf",
                   "available": "#4ade80"}

ENDPOINT_COLOURS = {"ready": PHASE_COLOURS["Running"], "not ready": "#fbbf24"}

# Allowed and denied connections (the connectivity heat-map, the policies drawn in the topology): Okabe and Ito's
# colour-blind-safe blue and vermillion, and their yellow for a group whose pod pairs differ; they also differ in
# lightness, so they read in greyscale. White text on the blue and the vermillion, dark text on the yellow.
CONNECTIVITY_COLOURS = {"allowed": "#0072B2", "partly allowed": "#F0E442", "denied": "#D55E00"}
CONNECTIVITY_TEXT = {"allowed": "#ffffff", "partly allowed": "#1e293b", "denied": "#ffffff"}

# Neutral marks (the `at` rule, a desired line) in a mid tone, readable on a light and on a dark background.
MID = "#8b8f98"

# One sans-serif font for every picture (graphviz and the charts): Helvetica where it exists, then its
# metric twins (Arial; Liberation Sans on Linux), then whatever sans-serif the system has.
FONT = "Helvetica, Arial, Liberation Sans, sans-serif"
