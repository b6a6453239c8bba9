"""Charts of a run over time with Altair: pods by phase, a workload's replicas, a Service's endpoints, pod lifecycles."""

from __future__ import annotations

import altair as alt
import pandas as pd
from altair.utils.schemapi import debug_mode

from kdsl.core.values import format_duration
from kdsl.views.chart_autoscaling import strips as autoscaling_strips
from kdsl.views.chart_data import CHART_KINDS, cached, chart_data, window
from kdsl.views.chart_output import LayerChart, VConcatChart, remember, time_x, top, with_datasets
from kdsl.views.chart_targets import endpoints_key, workload_key
from kdsl.views.common import (ENDPOINT_COLOURS, MID, PHASE_COLOURS, REPLICA_COLOURS, STATE_COLOURS, ViewError, moment,
                               selector as parse_selector, when)

# The plot's width: with its axis, titles and the legend a chart fits JupyterLab's output area at a 1,000 px
# window. Not "container": fitted to the output area, vega-embed and JupyterLab's layout chase each other's
# resize and the page stops responding (seen in Chromium).
WIDTH = 600
MAX_PODS = 50


def chart(sim, kind: str, target: str | None = None, *, at=None, start=None, end=None, namespace=None,
          selector=None, max_pods: int = MAX_PODS):
    """An Altair chart of the run between `start` and `end` (default: all of it), with a dashed rule at
    `at` when given. A chart is built once per simulation and window; at another `at` only the rule's
    data changes, so the explorer can ask at every moment."""
    if kind not in CHART_KINDS:
        raise ViewError(f"no chart {kind!r}; charts: {', '.join(CHART_KINDS)}")
    t0, t1 = window(sim, start, end)
    mark = None if at is None else moment(sim, at)
    if mark is not None and not t0 <= mark <= t1:
        raise ViewError(f"at={when(mark)} is outside the chart, which runs from {when(t0)} to {when(t1)}")
    if kind == "lifecycle" and (not isinstance(max_pods, int) or isinstance(max_pods, bool) or max_pods < 1):
        raise ViewError(f"max_pods={max_pods!r}: give a number of pods, 1 or more")
    if kind in ("workload", "autoscaling"):
        wkind, ns, name = workload_key(sim, target, namespace)
        target = f"{wkind.lower()} {ns}/{name}"
    elif kind == "endpoints":
        target = "/".join(endpoints_key(sim, target, namespace)[1:])
    key = ("chart", kind, target, namespace, parse_selector(selector), t0, t1, max_pods if kind == "lifecycle" else 0)
    base = cached(sim, key, lambda: _build(sim, kind, target, t0, t1, namespace, selector, max_pods))
    return with_datasets(base, at=_at(mark, t0, t1))


def _build(sim, kind, target, t0, t1, namespace, selector, max_pods):
    df = chart_data(sim, kind, target, start=t0, end=t1, namespace=namespace, selector=selector)
    data: dict[str, list[dict]] = {"at": []}
    where = " ".join(x for x in (f"namespace {namespace}" if namespace else "",
                                 f"pods {selector}" if isinstance(selector, str) and selector else "") if x)
    # Altair checks every piece against the schema as it is made; the whole spec is checked once, below.
    with debug_mode(False):
        if kind == "workload":
            strips, title = _workload(data, df, t0, t1, target)
            out = top(VConcatChart, data, vconcat=strips, spacing=6, title=title)
        elif kind == "autoscaling":
            strips, title = autoscaling_strips(df, t0, t1, target, _rule)
            out = top(VConcatChart, data, vconcat=strips, spacing=10, title=title)
        else:
            if kind == "phases":
                layers, title = _phases(data, df, t0, t1, where)
            elif kind == "lifecycle":
                layers, title = _lifecycle(data, df, t0, t1, where, max_pods)
            else:
                layers, title = _endpoints(data, df, t0, t1, f"service {target}")
            out = top(LayerChart, data, layer=[*layers, *_rule()], title=title, encoding={"x": time_x(t0, t1)},
                      width=WIDTH)
    return remember(out)


def _ms(td: pd.Timedelta) -> int:
    return int(td // pd.Timedelta(milliseconds=1))


def _seconds(td: pd.Series) -> list[float]:
    return [ms / 1000 for ms in td.astype("int64")]


def _title(text: str, where: str, note: str | None = None) -> alt.Title:
    subtitle = [s for s in (where, note) if s]
    return alt.Title(text, subtitle=subtitle or alt.Undefined)


def _named(data: dict, name: str, records: list[dict]) -> alt.NamedData:
    data[name] = records
    return alt.NamedData(name)


def _at(mark: int | None, t0: int, t1: int) -> list[dict]:
    if mark is None:
        return []
    side = "right" if mark > (t0 + t1) / 2 else "left"  # the label on the side with more room
    return [{"s": mark / 1000, "label": f"at {format_duration(mark)}", "side": side}]


def _rule(label: bool = True) -> list:
    """The moment shown elsewhere (the explorer's slider) as a dashed rule with its time; its data set
    `at` is empty until a moment is asked for."""
    base = alt.Chart(alt.NamedData("at"))
    rule = base.mark_rule(color=MID, strokeDash=[5, 3], strokeWidth=1.5)
    if not label:
        return [rule]
    return [rule] + [base.transform_filter(f"datum.side == '{side}'").mark_text(
        color=MID, align=side, baseline="bottom", dx=-4 if side == "right" else 4, dy=-3, fontSize=12).encode(
        y=alt.value(0), text="label:N") for side in ("left", "right")]


def _moments(df: pd.DataFrame, series: str, value: str) -> list[dict]:
    """One record per step — from one moment to the next — with every series' value: a transparent band
    over each step carries them as a tooltip, so a hover anywhere reads the counts then."""
    times = list(dict.fromkeys(df["TIME"]))
    by_time = {t: dict(zip(g[series], g[value])) for t, g in df.groupby("TIME", sort=False)}
    out = []
    for a, b in zip(times, times[1:]):
        ma, mb = _ms(a), _ms(b)
        rec = {"s": ma / 1000, "s2": mb / 1000, "from": format_duration(ma), "to": format_duration(mb)}
        rec.update({str(k): int(v) for k, v in by_time[a].items()})
        out.append(rec)
    return out


def _hover(data: dict, df: pd.DataFrame, series: str, value: str, names: list[str]) -> alt.Chart:
    tips = [alt.Tooltip("from:N"), alt.Tooltip("to:N")] + [alt.Tooltip(f"{n}:Q") for n in names]
    return alt.Chart(_named(data, "steps", _moments(df, series, value))).mark_rect(opacity=0).encode(
        x2="s2:Q", tooltip=tips)


def _stacked(data: dict, df: pd.DataFrame, series: str, value: str, colours: dict[str, str], y_title: str,
             height: int) -> list:
    """Stacked step areas of a count per series, in the palette's order, with the hover bands."""
    present = [n for n in colours if n in set(df[series])]
    rank = {n: i for i, n in enumerate(present)}
    records = [{"s": s, series: n, value: int(v), "rank": rank[n]}
               for s, n, v in zip(_seconds(df["TIME"]), df[series], df[value])]
    area = alt.Chart(_named(data, "counts", records)).mark_area(interpolate="step-after", line=False).encode(
        y=alt.Y(f"{value}:Q", stack="zero", title=y_title, axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color(f"{series}:N", scale=alt.Scale(domain=present, range=[colours[n] for n in present]),
                        legend=alt.Legend(orient="top", direction="horizontal", title=None)),
        order=alt.Order("rank:Q", sort="ascending"))
    return [area.properties(height=height), _hover(data, df, series, value, present)]


def _phases(data: dict, df: pd.DataFrame, t0: int, t1: int, where: str) -> tuple[list, alt.Title]:
    if df.empty:
        raise ViewError("no pods to chart" + (f" ({where})" if where else ""))
    return _stacked(data, df, "PHASE", "PODS", PHASE_COLOURS, "pods", 300), _title("Pods by phase", where)


def _endpoints(data: dict, df: pd.DataFrame, t0: int, t1: int, name: str) -> tuple[list, alt.Title]:
    layers = _stacked(data, df, "ENDPOINTS", "COUNT", ENDPOINT_COLOURS, "endpoints", 200)
    return layers, _title(f"Endpoints of {name}", "ready and not ready, as its EndpointSlices list them")


def _workload(data: dict, df: pd.DataFrame, t0: int, t1: int, name: str):
    """A strip per count (current, updated, ready, available) over the desired count, dashed, all on one
    time axis: separate strips, since counts that agree would hide each other's lines in one plot."""
    names = list(dict.fromkeys(df["SERIES"]))
    wide = df.pivot(index="TIME", columns="SERIES", values="REPLICAS")
    highest = max(1, int(df["REPLICAS"].max()))
    y_ticks = sorted({0, int(wide["desired"].max()), highest})
    secs = _seconds(pd.Series(wide.index))
    hover = _hover(data, df, "SERIES", "REPLICAS", names)
    strips = []
    shown = [n for n in names if n != "desired"]
    for i, n in enumerate(shown):
        last = i == len(shown) - 1
        records = [{"s": s, "n": int(v), "desired": int(d)} for s, v, d in zip(secs, wide[n], wide["desired"])]
        base = alt.Chart(_named(data, n, records))
        y = alt.Y("n:Q", title=n, scale=alt.Scale(domain=[0, highest]),
                  axis=alt.Axis(format="d", values=y_ticks, titleAngle=0,
                                titleAlign="right", titleBaseline="middle", titleX=-28))
        colour = REPLICA_COLOURS[n]
        layers = [base.mark_area(interpolate="step-after", color=colour, opacity=0.35,
                                 line={"color": colour, "strokeWidth": 2.5}).encode(y=y),
                  base.mark_line(interpolate="step-after", color=MID, strokeDash=[6, 4], strokeWidth=1.5)
                  .encode(y="desired:Q"), hover, *_rule(label=i == 0)]
        x = time_x(t0, t1, title="time from the start of the run" if last else None, labels=last)
        strips.append(alt.LayerChart(layer=layers, encoding={"x": x}, width=WIDTH, height=56))
    return strips, _title(f"Replicas of {name}", "each count against the desired replicas (dashed)")


_STATE_NOTE = "a red diamond marks a restart; hover a bar for its status, node and times"


def _lifecycle(data: dict, df: pd.DataFrame, t0: int, t1: int, where: str, max_pods: int) -> tuple[list, alt.Title]:
    """One row per pod from its creation to its deletion (or the end), a bar per state, restarts marked."""
    if df.empty:
        raise ViewError("no pods to chart" + (f" ({where})" if where else ""))
    several = df["NAMESPACE"].nunique() > 1
    labels = [f"{ns}/{p}" if several else p for ns, p in zip(df["NAMESPACE"], df["POD"])]
    order = list(dict.fromkeys(labels))
    note = None
    if len(order) > max_pods:
        note = (f"showing the first {max_pods} of {len(order):,} pods, in the order they appeared "
                "(max_pods= shows more)")
        order = order[:max_pods]
    keep = set(order)
    starts, ends = _seconds(df["START"]), _seconds(df["END"])
    bars, restarts, before = [], [], {}
    for i, label in enumerate(labels):
        if label not in keep:
            continue
        r = int(df["RESTARTS"].iat[i])
        bars.append({"s": starts[i], "s2": ends[i], "pod": label, "state": df["STATE"].iat[i],
                     "status": df["STATUS"].iat[i], "node": df["NODE"].iat[i], "restarts": r,
                     "from": format_duration(round(starts[i] * 1000)),
                     "to": ("deleted at " if df["DELETED"].iat[i] else "") + format_duration(round(ends[i] * 1000))})
        if r > before.get(label, r):
            restarts.append({"s": starts[i], "pod": label, "restarts": r, "at": format_duration(round(starts[i] * 1000))})
        before[label] = r
    present = [s for s in STATE_COLOURS if s in {b["state"] for b in bars}]
    y = alt.Y("pod:N", sort=order, title=None, axis=alt.Axis(labelFontSize=11, ticks=False, domain=False))
    height = max(60, 18 * len(order))
    gantt = alt.Chart(_named(data, "bars", bars)).mark_bar(height={"band": 0.72}).encode(
        x2="s2:Q", y=y,
        color=alt.Color("state:N", scale=alt.Scale(domain=present, range=[STATE_COLOURS[s] for s in present]),
                        legend=alt.Legend(orient="top", direction="horizontal", title=None, columns=6)),
        tooltip=["pod:N", "state:N", "status:N", "node:N", "from:N", "to:N", "restarts:Q"],
    ).properties(height=height)
    layers = [gantt]
    if restarts:
        layers.append(alt.Chart(_named(data, "restarts", restarts)).mark_point(
            shape="diamond", filled=True, size=70, color="#dc2626", stroke="white", strokeWidth=0.8).encode(
            y=y, tooltip=["pod:N", alt.Tooltip("at:N", title="restarted at"), "restarts:Q"]))
    return layers, _title("Pod lifecycle", where, note or _STATE_NOTE)
