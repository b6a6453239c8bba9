"""The autoscaling chart: a workload's replicas, the utilization its autoscaler reads, and the cluster's nodes."""

from __future__ import annotations

import altair as alt
import pandas as pd

from kdsl.engine.controllers.horizontal_status import pod_requests
from kdsl.engine.metrics import RESOLUTION_MS, pod_metrics
from kdsl.views.chart_output import time_x
from kdsl.views.common import MID, REPLICA_COLOURS, ViewError, frame

COLUMNS = ("TIME", "SERIES", "VALUE")
USE_COLOUR = "#f97316"
NODE_COLOUR = "#60a5fa"
MIB = 2**20


def _metrics_of(sim, kind: str, ns: str, name: str) -> list[tuple[str, str, int | None]]:
    """(resource, what is compared, target) for each metric of the scenario's HPAs on the workload — as the HPA
    compares it: `utilization` (% of requests) or `average` (millicores, MiB); cpu utilization without one."""
    out = []
    for hpa in sim.scenario.autoscalers:
        if (hpa.target_kind, hpa.namespace, hpa.target_name) == (kind, ns, name):
            for m in hpa.metrics:
                if m.target_type == "Utilization":
                    out.append((m.resource, "utilization", m.average_utilization))
                else:
                    value = m.average_value if m.resource == "cpu" else m.average_value // MIB
                    out.append((m.resource, "average", value))
    return out or [("cpu", "utilization", None)]


def _series_name(resource: str, what: str) -> str:
    unit = "%" if what == "utilization" else ("m" if resource == "cpu" else "Mi")
    return f"{resource} {what} ({unit})"


def _metric_rows(sim, key, t0: int, t1: int) -> list[tuple]:
    """At each scrape in the window, what an HPA would read of the workload's pods: utilization as
    utilization.go's GetResourceUtilizationRatio (sum of use × 100 / sum of requests of the pods with
    metrics), or the average use per pod; no row where no pod has metrics."""
    kind, ns, name = key
    pods = list(sim.usage.pods_of.get(key, ()))
    rows = []
    metrics = _metrics_of(sim, kind, ns, name)
    first = -(-t0 // RESOLUTION_MS) * RESOLUTION_MS
    for tick in range(first, t1 + 1, RESOLUTION_MS):
        seen = [(m, sim.store.at(k, tick)) for k in pods if (m := pod_metrics(sim.usage, k, tick)) is not None]
        seen = [(m, p) for m, p in seen if p is not None]
        if not seen:
            continue
        for resource, what, target in metrics:
            used = sum(m.cpu if resource == "cpu" else m.memory for m, _ in seen)
            if what == "utilization":
                # The requests as the HPA sums them (app containers and sidecars: calculatePodRequests).
                requested = sum(pod_requests(p, [resource])[0].get(resource, 0) for _, p in seen)
                if not requested:
                    continue
                value = used * 100 // requested
            else:
                value = used // len(seen) if resource == "cpu" else used // len(seen) // MIB
            rows.append((tick, _series_name(resource, what), value))
            if target is not None:
                rows.append((tick, _series_name(resource, what) + " target", target))
    return rows


def _replica_rows(sim, key, t0: int, t1: int) -> list[tuple]:
    from kdsl.views.chart_data import _workload_steps

    rows = []
    steps = _workload_steps(sim, key)
    names = steps.names
    last = None
    for t, values in steps.points:
        got = dict(zip(names, values))
        if t <= t0:
            last = got
            continue
        if t > t1:
            break
        if last is not None and not rows:
            rows += [(t0, "desired", last["desired"]), (t0, "ready", last["ready"])]
        rows += [(t, "desired", got["desired"]), (t, "ready", got["ready"])]
        last = got
    if last is not None and not rows:
        rows += [(t0, "desired", last["desired"]), (t0, "ready", last["ready"])]
    if rows:
        rows += [(t1, "desired", last["desired"]), (t1, "ready", last["ready"])]
    return rows


def _node_rows(sim, t0: int, t1: int) -> list[tuple]:
    """Ready nodes over time, when a pool is autoscaled (else the chart has no nodes strip)."""
    if not any(getattr(s, "autoscale", None) for s in sim.scenario.node_specs):
        return []
    ready: dict[tuple, bool] = {}
    rows: list[tuple] = []
    for change in sim.store.history:
        if change.key[0] != "Node":
            continue
        if change.obj is None:
            ready.pop(change.key, None)
        else:
            cond = change.obj.status.condition("Ready")
            ready[change.key] = cond is not None and cond.status == "True"
        if rows and rows[-1][0] == change.time_ms:
            rows.pop()  # several writes in one millisecond: the count at its end
        rows.append((change.time_ms, "nodes", sum(ready.values())))
    kept = [r for r in rows if t0 < r[0] <= t1]
    before = [r for r in rows if r[0] <= t0]
    out = ([(t0, "nodes", before[-1][2])] if before else []) + kept
    return out + [(t1, "nodes", out[-1][2])] if out else out


def autoscaling_data(sim, key, t0: int, t1: int) -> pd.DataFrame:
    """TIME, SERIES, VALUE: `desired` and `ready` replicas at each change, the metric(s) the workload's HPA
    compares (and its target) at each metrics-server scrape, and Ready `nodes` when a pool is autoscaled."""
    rows = _replica_rows(sim, key, t0, t1) + _metric_rows(sim, key, t0, t1) + _node_rows(sim, t0, t1)
    df = frame(COLUMNS, sorted(rows, key=lambda r: r[0]))
    df["TIME"] = pd.to_timedelta(df["TIME"].astype("int64"), unit="ms").astype("timedelta64[ms]")
    df["VALUE"] = df["VALUE"].astype("int64")
    return df


def _strip(records: list[dict], title: str, colour: str, t0: int, t1: int, last: bool,
           height: int, rule: list, dashed: str | None = None, area: bool = False) -> alt.LayerChart:
    base = alt.Chart(alt.Data(values=records))
    y = alt.Y("v:Q", title=title, stack=None, axis=alt.Axis(format="d", titleAngle=0, titleAlign="right",
                                                 titleBaseline="middle", titleX=-34, tickCount=3))
    mark = (base.mark_area(interpolate="step-after", color=colour, opacity=0.35,
                           line={"color": colour, "strokeWidth": 2.5}) if area else
            base.mark_line(interpolate="step-after", color=colour, strokeWidth=2.5))
    layers = [mark.encode(y=y, tooltip=[alt.Tooltip("at:N", title="from"), alt.Tooltip("v:Q", title=title)])]
    if dashed is not None:
        layers.append(base.mark_line(interpolate="step-after", color=MID, strokeDash=[6, 4], strokeWidth=1.5)
                      .encode(y="w:Q", tooltip=[alt.Tooltip("w:Q", title=dashed)]))
    x = time_x(t0, t1, title="time from the start of the run" if last else None, labels=last)
    return alt.LayerChart(layer=layers + rule, encoding={"x": x}, width=600, height=height)


def strips(df: pd.DataFrame, t0: int, t1: int, target: str, rule) -> tuple[list, alt.Title]:
    """Replicas (ready against desired, dashed), each metric against its target (dashed), nodes; `rule(label)`
    gives the layers of the `at` rule (labelled on the first strip)."""
    from kdsl.core.values import format_duration

    if df.empty:
        raise ViewError(f"nothing to chart for {target}")
    wide = {s: g for s, g in df.groupby("SERIES", sort=False)}

    def records(series: str, other: str | None = None) -> list[dict]:
        g = wide[series]
        w = dict(zip(wide[other]["TIME"], wide[other]["VALUE"])) if other in wide else {}
        return [{"s": t / pd.Timedelta(seconds=1), "v": int(v), "at": format_duration(int(t / pd.Timedelta(milliseconds=1))),
                 **({"w": int(w[t])} if t in w else {})} for t, v in zip(g["TIME"], g["VALUE"])]

    parts = []
    if "ready" in wide:
        parts.append(("ready", records("ready", "desired"), "replicas", REPLICA_COLOURS["ready"], 90, "desired", True))
    for series in wide:
        if series in ("desired", "ready", "nodes") or series.endswith(" target"):
            continue
        tgt = f"{series} target"
        parts.append((series, records(series, tgt), series, USE_COLOUR, 90, "target" if tgt in wide else None, False))
    if "nodes" in wide:
        parts.append(("nodes", records("nodes"), "nodes", NODE_COLOUR, 56, None, True))
    out = [_strip(recs, title, colour, t0, t1, i == len(parts) - 1, height, rule(label=i == 0), dashed, area)
           for i, (_, recs, title, colour, height, dashed, area) in enumerate(parts)]
    subtitle = "ready replicas against desired (dashed); what the autoscaler reads at each 15 s scrape against its target (dashed)"
    return out, alt.Title(f"Autoscaling of {target}", subtitle=[subtitle])
