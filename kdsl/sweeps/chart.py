"""`Sweep.plot`: a measure (each run a dot, the mean and the middle 95% of runs) or an expectation's share passing,
against a param."""

from __future__ import annotations

import altair as alt
import pandas as pd

from kdsl.views.chart_output import LayerChart, remember, top
from kdsl.views.common import MID

# Okabe and Ito's colour-blind-safe qualitative set (their black left out: it vanishes on the dark theme).
# Dots are drawn at 0.6 opacity: overlapping runs still darken, and one run's dot still reads on the dark theme.
SERIES = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")


def plot(sweep, column: str, by: str | None, color: str | None):
    runs = sweep.runs[sweep.runs["error"].isna()]
    x = by or "all runs"
    order = [str(v) for v in dict.fromkeys(sweep.runs[by])] if by else ["all"]
    hues = [str(v) for v in dict.fromkeys(sweep.runs[color])] if color else []
    data = pd.DataFrame({x: runs[by].astype(str) if by else "all", "seed": runs["seed"]})
    if color:
        data[color] = runs[color].astype(str)
    x_enc = alt.X(f"{x}:N", sort=order, title=by or None, axis=alt.Axis(labelAngle=0))
    colour = (alt.Color(f"{color}:N", sort=hues, scale=alt.Scale(domain=hues, range=list(SERIES)[:len(hues)] or [MID]),
                        legend=alt.Legend(title=color)) if color else alt.value(SERIES[0]))
    offset = {"xOffset": alt.XOffset(f"{color}:N", sort=hues)} if color else {}
    keys = [x, color] if color else [x]
    key_tips = [alt.Tooltip(f"{k}:N") for k in keys]
    if column in sweep.expectations:
        data["passed"] = runs[column].astype(bool).astype(float).to_numpy()
        share = data.groupby(keys, sort=False)["passed"].agg(["mean", "size"]).reset_index()
        share.columns = [*keys, "share", "runs"]
        layers = [alt.Chart(alt.NamedData("share")).mark_bar().encode(
            x=x_enc, y=alt.Y("share:Q", title="share of runs passing", scale=alt.Scale(domain=[0, 1]),
                              axis=alt.Axis(format="%")),
            color=colour, tooltip=[*key_tips, alt.Tooltip("share:Q", format=".0%"), "runs:Q"], **offset)]
        sets = {"share": share.to_dict("records")}
        title = alt.Title(column, subtitle=f"{sweep.scenario} · the share of finished runs passing ({len(runs):,} in all)")
    else:
        data["value"] = runs[column].to_numpy()
        data = data.dropna(subset=["value"])
        stats = data.groupby(keys, sort=False)["value"].agg(
            mean="mean", low=lambda v: v.quantile(0.025), high=lambda v: v.quantile(0.975), runs="size").reset_index()
        y = alt.Y("value:Q", title=column)
        layers = [
            alt.Chart(alt.NamedData("runs")).mark_circle(size=40, opacity=0.6).encode(
                x=x_enc, y=y, color=colour, tooltip=[*key_tips, "seed:Q", "value:Q"], **offset),
            alt.Chart(alt.NamedData("stats")).mark_rule(strokeWidth=2).encode(
                x=x_enc, y=alt.Y("low:Q", title=column), y2="high:Q", color=colour, **offset),
            alt.Chart(alt.NamedData("stats")).mark_point(filled=True, size=110, shape="diamond").encode(
                x=x_enc, y=alt.Y("mean:Q", title=column), color=colour,
                tooltip=[*key_tips, alt.Tooltip("mean:Q", format=".4~g"), alt.Tooltip("low:Q", title="p2.5"),
                         alt.Tooltip("high:Q", title="p97.5"), "runs:Q"], **offset)]
        sets = {"runs": data.to_dict("records"), "stats": stats.to_dict("records")}
        title = alt.Title(f"{column} by {by}" if by else column,
                          subtitle=f"{sweep.scenario} · each run a dot, the diamond the mean, the bar the middle 95% of runs")
    chart = top(LayerChart, sets, layer=layers, title=title, width=max(320, 90 * len(order)), height=300)
    return remember(chart)
