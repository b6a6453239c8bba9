"""How a kdsl chart shows and saves: Vega for JupyterLab's own renderer, SVG/PNG/HTML/JSON files through vl-convert."""

from __future__ import annotations

from pathlib import Path

import altair as alt

from kdsl.views.common import FONT, ViewError

# JupyterLab 4 renders Vega 5 and Vega-Lite 3 to 5 itself (its vega5 extension, no CDN), not Vega-Lite 6,
# which Altair 6 writes; so the spec is compiled here with vl-convert's Vega-Lite 5 into Vega 5, and files
# are drawn by the same compiler, so that a saved chart is the one the notebook showed.
VL_VERSION = "5.21"
VEGA_MIME = "application/vnd.vega.v5+json"
FORMATS = ("svg", "png", "html", "json")
PNG_SCALE = 2  # a PNG twice the chart's size in pixels: sharp on a high-density screen and in docs


class _Shown:
    """A chart as the notebook shows it: the Vega spec for JupyterLab's renderer (which follows the light
    or dark theme: the background is transparent and the text colours are left to it) and a line of text.
    The spec of a chart kdsl built is kept: Altair rebuilds a compound chart's parts on every to_dict."""

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        spec = self.__dict__.get("_spec") or self.to_dict()
        return {VEGA_MIME: to_vega(spec), "text/plain": f"<kdsl chart: {_title(spec)}>"}

    def __setattr__(self, name, value) -> None:
        self.__dict__.pop("_spec", None)  # changed in place: the kept spec is no longer this chart's
        super().__setattr__(name, value)

    def __setitem__(self, name, value) -> None:
        self.__dict__.pop("_spec", None)
        super().__setitem__(name, value)


class LayerChart(_Shown, alt.LayerChart):
    pass


class VConcatChart(_Shown, alt.VConcatChart):
    pass


def remember(chart):
    """Keep the chart's spec. Unchecked here (the check takes longer than the build); tests/views/test_charts.py
    checks every kind of chart against the Vega-Lite schema."""
    object.__setattr__(chart, "_spec", chart.to_dict(validate=False))
    return chart


def with_datasets(chart, **sets):
    """The chart with some of its named data sets replaced, without Altair's copy (which deep-copies every
    part): the parts are shared, the top level and its data sets are the copy's own."""
    out = object.__new__(type(chart))
    out.__dict__.update(chart.__dict__)
    kwds = dict(chart._kwds)
    kwds["datasets"] = {**kwds["datasets"], **sets}
    object.__setattr__(out, "_kwds", kwds)
    spec = chart.__dict__.get("_spec")
    if spec is not None:
        object.__setattr__(out, "_spec", {**spec, "datasets": {**spec["datasets"], **sets}})
    return out


def _title(spec: dict) -> str:
    title = spec.get("title", "")
    return title.get("text", "") if isinstance(title, dict) else str(title)


def to_vega(spec: dict) -> dict:
    import vl_convert as vlc

    return vlc.vegalite_to_vega(spec, vl_version=VL_VERSION)


# One font, sizes readable at 1,000 px, a transparent background; colours of text and axes are left to the
# renderer (JupyterLab's dark theme makes them light), so the same spec reads on both themes.
_TEXT = {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": "normal"}
CONFIG = {"font": FONT, "background": "transparent", "padding": 8,
          "axis": {**_TEXT, "labelLimit": 260, "gridOpacity": 0.5},
          "legend": {**_TEXT, "symbolSize": 120},
          "title": {"font": FONT, "subtitleFont": FONT, "fontSize": 15, "subtitleFontSize": 12, "anchor": "start",
                    "offset": 10, "subtitlePadding": 4},
          "view": {"stroke": None}}


def top(cls, datasets: dict[str, list[dict]], **kw):
    """The top-level chart: its data sets named once at the top (the parts refer to them by name, so
    Altair does not copy the rows each time it combines the parts) and the shared configuration."""
    return cls(datasets=datasets, config=CONFIG, **kw)


def save(chart, path: str | Path) -> None:
    """Write the chart to .svg, .png (white background), .html (one file, the JavaScript inlined: no CDN)
    or .json (the Vega-Lite spec, data inline), chosen by the file's suffix."""
    import vl_convert as vlc

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ViewError(f"`{path.name}`: write .svg, .png, .html or .json")
    if fmt == "json":
        path.write_text(chart.to_json(indent=2) + "\n", encoding="utf-8")
        return
    spec = chart.to_dict()
    if fmt == "html":
        path.write_text(vlc.vegalite_to_html(spec, vl_version=VL_VERSION, bundle=True), encoding="utf-8")
        return
    # A file is seen outside JupyterLab, on any background: it gets a white one and the default dark text.
    spec["config"] = {**spec.get("config", {}), "background": "white"}
    if fmt == "svg":
        path.write_text(vlc.vegalite_to_svg(spec, vl_version=VL_VERSION), encoding="utf-8")
    else:
        path.write_bytes(vlc.vegalite_to_png(spec, vl_version=VL_VERSION, scale=PNG_SCALE))


def inline_svg(chart) -> str:
    """The chart as inline SVG for an HTML page of kdsl's own (the explorer's chart tab): transparent, so the
    page's CSS may colour its text and axes by the theme (CSS outranks the SVG's presentation attributes)."""
    import vl_convert as vlc

    spec = chart.to_dict()
    spec["config"] = {**spec.get("config", {}), "background": None}
    return vlc.vegalite_to_svg(spec, vl_version=VL_VERSION)


# ---- the time axis: seconds from the start, labelled as kdsl spells durations ----------------------------

_STEPS_S = (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)


def ticks(t0: int, t1: int, most: int = 10) -> list[float]:
    """Tick values in seconds at a round step (1s, 5s, 1m, 10m, 1h, ...) with at most `most` steps."""
    s0, s1 = t0 / 1000, t1 / 1000
    span = s1 - s0
    step = next((s for s in _STEPS_S if span / s <= most), _STEPS_S[-1] * max(1, round(span / 86400 / most)))
    first = -(-round(s0 * 1000) // round(step * 1000)) * step  # the first multiple of step at or after s0
    n = int((s1 - first) / step + 1e-9)
    return [round(first + i * step, 3) for i in range(n + 1)]


def _part(expr: str, size: int, mod: int | None, unit: str) -> str:
    value = f"floor(({expr}) % {mod} / {size})" if mod else f"floor(({expr}) / {size})"
    return f"({value} ? {value} + '{unit}' : '')"


# A Vega expression for format_duration: 90 -> `1m30s`, 0.5 -> `500ms`, 0 -> `0s`.
_MS = "round(datum.value * 1000)"
DURATION_LABEL = " + ".join([f"({_MS} == 0 ? '0s' : '')", _part(_MS, 3_600_000, None, "h"),
                             _part(_MS, 60_000, 3_600_000, "m"), _part(_MS, 1000, 60_000, "s"),
                             _part(_MS, 1, 1000, "ms")])


def time_x(t0: int, t1: int, field: str = "s", title: str | None = "time from the start of the run",
           labels: bool = True) -> alt.X:
    """The x encoding of every chart: seconds over exactly the window, ticks at round durations."""
    axis = alt.Axis(values=ticks(t0, t1), labelExpr=DURATION_LABEL, title=title, labels=labels,
                    ticks=labels, labelFlush=True)
    return alt.X(f"{field}:Q", scale=alt.Scale(domain=[t0 / 1000, t1 / 1000], nice=False, zero=False), axis=axis)


def cli(sim, args) -> None:
    """`kdsl chart KIND FILE [TARGET] -o PATH`: the chart of a simulated scenario, written by -o's suffix."""
    from kdsl.views.charts import chart

    if args.kind == "connectivity":  # at a moment, not over time: sim.plot_connectivity
        from kdsl.views.chart_connectivity import plot_connectivity

        save(plot_connectivity(sim, args.at, args.namespace, args.selector), args.output)
        return
    save(chart(sim, args.kind, args.target, at=args.at, start=args.start, end=args.end, namespace=args.namespace,
               selector=args.selector, max_pods=args.max_pods), args.output)
