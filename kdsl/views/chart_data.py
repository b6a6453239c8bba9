"""Chart data: tidy DataFrames of a run over time — pods by phase, a workload's replicas, a Service's
endpoints, each pod's lifecycle — each from one pass over the store's history, cached per simulation."""

from __future__ import annotations

import weakref

import pandas as pd

from kdsl.engine import arguments, podview
from kdsl.engine.kubelet.status_text import restart_count
from kdsl.engine.services import SERVICE_NAME_LABEL
from kdsl.views.chart_targets import endpoints_key, workload_key
from kdsl.views.common import ViewError, frame, pod_changes, selector as parse_selector, when
from kdsl.views.network import counts
from kdsl.views.workloads import _counts

CHART_KINDS = ("phases", "workload", "endpoints", "lifecycle", "autoscaling")
PHASES = ("Pending", "Running", "Succeeded", "Failed", "Unknown")
STATES = ("Pending", "ContainerCreating", "Running", "Ready", "CrashLoopBackOff", "Error", "Terminating",
          "Succeeded", "Failed", "Unknown")
REPLICAS = ("desired", "current", "updated", "ready", "available")
ENDPOINTS = ("ready", "not ready")
LIFECYCLE_COLUMNS = ("NAMESPACE", "POD", "START", "END", "STATE", "STATUS", "NODE", "RESTARTS", "DELETED")


def chart_data(sim, kind: str, target: str | None = None, *, start=None, end=None, namespace=None,
               selector=None) -> pd.DataFrame:
    """The data of one chart between `start` (default 0s) and `end` (default the end of the run):
    phases and lifecycle take `namespace` and `selector`; workload and endpoints a target."""
    t0, t1 = window(sim, start, end)
    if kind in ("phases", "lifecycle"):
        if target is not None:
            raise ViewError(f"the {kind} chart takes no target (got {target!r}); filter with namespace= or "
                            "selector=")
        sel = parse_selector(selector)
        if kind == "phases":
            return _tidy(cached(sim, ("phases", namespace, sel), lambda: _phase_steps(sim, namespace, sel)),
                         t0, t1, "PHASE", "PODS", drop_zero=True)
        return _segments(cached(sim, ("lifecycle", namespace, sel), lambda: _lifecycle(sim, namespace, sel)),
                         t0, t1)
    if kind == "workload":
        key = workload_key(sim, target, namespace)
        return _tidy(cached(sim, key, lambda: _workload_steps(sim, key)), t0, t1, "SERIES", "REPLICAS")
    if kind == "autoscaling":
        from kdsl.views.chart_autoscaling import autoscaling_data
        key = workload_key(sim, target, namespace)
        return cached(sim, ("autoscaling", key, t0, t1), lambda: autoscaling_data(sim, key, t0, t1)).copy()
    if kind == "endpoints":
        key = endpoints_key(sim, target, namespace)
        return _tidy(cached(sim, key, lambda: _endpoint_steps(sim, key)), t0, t1, "ENDPOINTS", "COUNT")
    raise ViewError(f"no chart {kind!r}; charts: {', '.join(CHART_KINDS)}")


def window(sim, start, end) -> tuple[int, int]:
    """(start, end) in ms: from 0s to the end of the run by default; a window past the run is refused,
    since nothing is known of what would come after it."""
    t0 = arguments.duration(start, "start") if start is not None else 0
    t1 = arguments.duration(end, "end") if end is not None else sim.now
    if t1 > sim.now:
        raise ViewError(f"end={when(t1)} is after the end of the run ({when(sim.now)})")
    if t0 > t1:
        raise ViewError(f"start={when(t0)} is after end={when(t1)}")
    return t0, t1


# ---- a cache per simulation: the explorer asks for the same chart at every moment ------------------

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def cached(sim, key, build):
    """build() once per simulation and key; a simulation that ran on since has other history."""
    stamp = (len(sim.store.history), sim.now)
    entry = _CACHE.get(sim)
    if entry is None or entry[0] != stamp:
        entry = (stamp, {})
        _CACHE[sim] = entry
    if key not in entry[1]:
        entry[1][key] = build()
    return entry[1][key]


# ---- step series: (names, [(time, values)]) with a point wherever a value changed --------------------


class _Steps:
    """Points of a step series; several writes in one millisecond leave one point, the state at its end
    (as the tables show a moment), and a point equal to the one before is no point."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.points: list[tuple[int, tuple]] = []

    def put(self, t: int, values: tuple) -> None:
        if self.points and self.points[-1][0] == t:
            self.points.pop()
        if not self.points or self.points[-1][1] != values:
            self.points.append((t, values))


def _tidy(steps: _Steps, t0: int, t1: int, series: str, value: str, drop_zero: bool = False) -> pd.DataFrame:
    """One row per point and series within [t0, t1]: the state at t0 first, then each change, and the
    state at t1 again, so the last step has its length. Series that stay 0 throughout go with drop_zero."""
    before, body = None, []
    for t, values in steps.points:
        if t <= t0:
            before = values
        elif t <= t1:
            body.append((t, values))
        else:
            break
    if before is not None:
        body.insert(0, (t0, before))
    if body and body[-1][0] < t1:
        body.append((t1, body[-1][1]))
    keep = [i for i, _ in enumerate(steps.names) if not drop_zero or any(v[i] for _, v in body)]
    rows = [(t, steps.names[i], values[i]) for t, values in body for i in keep]
    df = frame(("TIME", series, value), rows)
    df["TIME"] = pd.to_timedelta(df["TIME"].astype("int64"), unit="ms").astype("timedelta64[ms]")
    df[value] = df[value].astype("int64")
    return df


def _phase_steps(sim, namespace, sel) -> _Steps:
    steps = _Steps(PHASES)
    steps.put(0, (0,) * len(PHASES))
    count = dict.fromkeys(PHASES, 0)
    phase_of: dict[tuple, str] = {}
    for t, key, pod, nodes in pod_changes(sim, namespace, sel):
        old = phase_of.pop(key, None)
        if old is not None:
            count[old] -= 1
        if pod is not None:
            phase = phase_of[key] = podview.phase(pod, nodes)
            count[phase] += 1
        steps.put(t, tuple(count.values()))
    return steps


def _workload_steps(sim, key) -> _Steps:
    """desired, current, updated, ready, available as `kubectl get` reads the kind (a ReplicaSet has no
    updated); a count its controller has not written yet is 0, as kubectl prints it; a deletion is 0."""
    names = tuple(n for n in REPLICAS if not (key[0] == "ReplicaSet" and n == "updated"))
    steps = _Steps(names)
    for change in sim.store.history:
        if change.key != key:
            continue
        if change.obj is None:
            steps.put(change.time_ms, (0,) * len(names))
            continue
        desired, current, ready, updated, available = _counts(change.obj)[:5]
        got = {"desired": desired, "current": current, "updated": updated, "ready": ready, "available": available}
        steps.put(change.time_ms, tuple(got[n] or 0 for n in names))
    return steps


def _endpoint_steps(sim, key) -> _Steps:
    """Ready and not-ready endpoints as the services table counts them, from the Service's EndpointSlices."""
    _, ns, name = key
    steps = _Steps(ENDPOINTS)
    service = None
    slices: dict[str, object] = {}
    for change in sim.store.history:
        kind, cns, cname = change.key
        if cns != ns:
            continue
        if kind == "Service" and cname == name:
            service = change.obj
        elif kind == "EndpointSlice" and (cname in slices or (
                change.obj is not None and dict(change.obj.meta.labels).get(SERVICE_NAME_LABEL) == name)):
            if change.obj is None or dict(change.obj.meta.labels).get(SERVICE_NAME_LABEL) != name:
                slices.pop(cname, None)
            else:
                slices[cname] = change.obj
        else:
            continue
        if service is None:
            if steps.points:
                steps.put(change.time_ms, (0, 0))
            continue
        ready, not_ready, _ = counts(service.spec, [slices[n] for n in sorted(slices)])
        steps.put(change.time_ms, (ready, not_ready))
    return steps


# ---- the lifecycle: each pod's segments of one state ---------------------------------------------------


def state(pod, nodes) -> tuple[str, str]:
    """(the lifecycle state, kubectl's STATUS): the phase as the pods table shows it, refined — within
    Pending, ContainerCreating once on a node and starting; within Running, Ready once the pod serves; a
    crash loop and any other container error (ErrImagePull, CreateContainerConfigError, ...) apart."""
    phase, status = podview.phase(pod, nodes), podview.status(pod, nodes)
    if phase in ("Succeeded", "Failed"):
        return phase, status
    if pod.terminating:
        return "Terminating", status
    if phase == "Unknown":
        return "Unknown", status
    if "CrashLoopBackOff" in status:
        return "CrashLoopBackOff", status
    if phase == "Running":
        if status in ("Running", "NotReady", "Completed"):
            return ("Ready" if podview.ready(pod, nodes) else "Running"), status
        return "Error", status
    if status == "Pending":
        return "Pending", status
    if status in ("ContainerCreating", "PodInitializing") or (status.startswith("Init:") and "/" in status):
        return "ContainerCreating", status
    return "Error", status


def _lifecycle(sim, namespace, sel) -> dict[tuple, list[list]]:
    """Pod key → its segments [start, end or None while it lasts, (state, status, node, restarts), deleted],
    pods in the order they appeared."""
    segs: dict[tuple, list[list]] = {}
    for t, key, pod, nodes in pod_changes(sim, namespace, sel):
        own = segs.setdefault(key, [])
        last = own[-1] if own and own[-1][1] is None else None
        if pod is None:
            if last is not None and last[0] == t:
                own.pop()  # it lasted no time: the pod left within the moment it began
                last = own[-1] if own and own[-1][1] == t else None
            elif last is not None:
                last[1] = t
            if last is not None:
                last[3] = True
            continue
        value = (*state(pod, nodes), pod.spec.template.node_name or None, restart_count(pod.spec.template, pod.status))
        if last is not None and last[2] == value:
            continue
        if last is not None and last[0] == t:
            own.pop()
            if own and own[-1][1] == t and own[-1][2] == value and not own[-1][3]:
                own[-1][1] = None  # the moment ends where it began: the segment before goes on
                continue
        elif last is not None:
            last[1] = t
        own.append([t, None, value, False])
    return {k: v for k, v in segs.items() if v}


def _segments(segs: dict[tuple, list[list]], t0: int, t1: int) -> pd.DataFrame:
    rows = []
    for (_, ns, name), own in segs.items():
        for start, end, (st, status, node, restarts), deleted in own:
            if start > t1 or (end is not None and (end < t0 or (end == t0 and start < t0))):
                continue
            stop = t1 if end is None or end > t1 else end
            rows.append((ns, name, max(start, t0), stop, st, status, node, restarts, deleted and end <= t1))
    df = frame(LIFECYCLE_COLUMNS, rows)
    for col in ("START", "END"):
        df[col] = pd.to_timedelta(df[col].astype("int64"), unit="ms").astype("timedelta64[ms]")
    df["RESTARTS"] = df["RESTARTS"].astype("int64")
    df["DELETED"] = df["DELETED"].astype(bool)
    return df
