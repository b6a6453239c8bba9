"""The connectivity heat-map: pod groups (by owner) down the side, destinations and ports across, allowed or denied."""

from __future__ import annotations

import altair as alt
from altair.utils.schemapi import debug_mode

from kdsl.views.chart_output import LayerChart, remember, top
from kdsl.views.common import CONNECTIVITY_COLOURS, CONNECTIVITY_TEXT, ViewError, moment, when
from kdsl.views.connectivity import connectivity

# A cell's size: wide enough for its mark (✓, ✗ or `12/40`) in 12 px type; with more destinations than fit
# WIDE (the width of kdsl's other charts), the cells narrow down to NARROW and lose their mark (the tooltip
# keeps it), and past that the chart grows wider and the output scrolls.
CELL_W, CELL_H, NARROW, WIDE = 44, 28, 20, 600
MARKS = {"allowed": "✓", "denied": "✗"}
LEGEND = {"allowed": "allowed for every pod pair", "partly allowed": "allowed for k of n pod pairs (k/n)",
          "denied": "denied for every pod pair"}


def cells(sim, at=None, namespace=None, selector=None) -> list[dict]:
    """One record per (source group, destination group, port) of `sim.connectivity(wide=True)`, as the chart
    draws it: `to` is the column's label (`deployment shop/db port 5432/TCP`), `state` the legend's entry."""
    df = connectivity(sim, at, namespace, selector, wide=True)
    out = []
    for src, dst, port, allowed, pairs, policies in zip(df["SOURCE"], df["DESTINATION"], df["PORT"], df["ALLOWED"],
                                                         df["PAIRS"], df["POLICIES"]):
        state = allowed if allowed in MARKS else "partly allowed"
        mark = MARKS.get(allowed) or allowed.replace(" of ", "/")
        out.append({"from": src, "to": f"{dst} port {port}", "state": state, "mark": mark, "allowed": allowed,
                    "pairs": int(pairs), "policies": policies})
    return out


def plot_connectivity(sim, at=None, namespace=None, selector=None):
    """The heat-map of `sim.connectivity(at, namespace, selector)`: a row per source group, a column per
    destination group and port, each cell allowed (blue, ✓), denied (vermillion, ✗) or allowed for some pod
    pairs only (yellow, `k/n`); hover a cell for its pairs and the policies that isolate either end."""
    t = moment(sim, at)
    records = cells(sim, t, namespace, selector)
    where = " ".join(x for x in (f"namespace {namespace}" if namespace else "",
                                 f"pods {selector}" if isinstance(selector, str) and selector else "") if x)
    if not records:
        raise ViewError("no connection to chart at " + when(t) + (f" ({where})" if where else "")
                        + ": no pod with an IP and a declared container port")
    sources = list(dict.fromkeys(r["from"] for r in records))
    targets = list(dict.fromkeys(r["to"] for r in records))
    width = max(NARROW, min(CELL_W, WIDE // len(targets)))
    states = [s for s in CONNECTIVITY_COLOURS if s != "partly allowed" or any(r["state"] == s for r in records)]
    with debug_mode(False):  # the whole spec is checked once, in tests/views/test_chart_connectivity.py
        x = alt.X("to:N", sort=targets, title=None, scale=alt.Scale(paddingInner=0.06),
                  axis=alt.Axis(orient="top", labelAngle=-40, labelAlign="left", labelLimit=0, ticks=False,
                                domain=False))
        y = alt.Y("from:N", sort=sources, title=None, scale=alt.Scale(paddingInner=0.06),
                  axis=alt.Axis(labelLimit=0, ticks=False, domain=False))
        colour = alt.Color("state:N", scale=alt.Scale(domain=states, range=[CONNECTIVITY_COLOURS[s] for s in states]),
                           legend=alt.Legend(orient="bottom", direction="horizontal", title=None,
                                             labelExpr=_legend_expr(), labelLimit=0))
        tips = [alt.Tooltip("from:N"), alt.Tooltip("to:N"), alt.Tooltip("allowed:N", title="allowed"),
                alt.Tooltip("pairs:Q", title="pod pairs"), alt.Tooltip("policies:N", title="isolating policies")]
        base = alt.Chart(alt.NamedData("cells"))
        layers = [base.mark_rect().encode(x=x, y=y, color=colour, tooltip=tips)]
        if width >= 30:
            layers.append(base.mark_text(fontSize=12, fontWeight="bold").encode(
                x=x, y=y, text="mark:N", tooltip=tips,
                color=alt.Color("state:N", legend=None, scale=alt.Scale(
                    domain=states, range=[CONNECTIVITY_TEXT[s] for s in states]))))
        subtitle = [s for s in (where, "from each row's pods (grouped by owner) to each column's pods on that port",
                                "as a network plugin that enforces NetworkPolicy decides; hover a cell for the "
                                "pod pairs and the policies") if s]
        chart = top(LayerChart, {"cells": records}, layer=layers,
                    title=alt.Title(f"Connectivity at {when(t)}", subtitle=subtitle),
                    width=alt.Step(width), height=alt.Step(CELL_H))
        chart = chart.resolve_scale(color="independent")
    return remember(chart)


def _legend_expr() -> str:
    """The legend's labels (a Vega expression): each state with its mark."""
    return " : ".join(f"datum.label == '{s}' ? '{text}'" for s, text in LEGEND.items()) + " : datum.label"
