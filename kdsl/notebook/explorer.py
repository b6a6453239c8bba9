"""The explorer: a time slider over the moments something happened, tables, the topology and a pod inspector."""

# Everything it shows comes from the plain functions here and in inspector.py (moments, where the buttons lead,
# what changed, tab contents, the rows to highlight), so it is tested without a browser; widget.py only wires them
# to ipywidgets.

from __future__ import annotations

import bisect
import html
import itertools
import re

import pandas as pd

from kdsl.core.errors import UsageError
from kdsl.core.values import duration_ms, format_duration

ALL = "all namespaces"
# The tables a tab shows, by the Simulation method that builds them (kdsl.views).
TABLES = ("pods", "workloads", "services", "ingresses", "storage", "nodes", "namespaces", "events")
CHART = "chart"
TOPOLOGY = "topology"
CONNECTIVITY = "connectivity"
INSPECT = "inspect pod"
MAX_ROWS = 200
CHANGED = "kdsl-changed"  # the class of a table row whose object was created or updated at the moment shown


def table_html(df: pd.DataFrame, max_rows: int = MAX_ROWS) -> str:
    """The one place the explorer turns a DataFrame into HTML: kdsl.views.display's block (durations as Kubernetes
    prints them, `<none>`, whole text wrapped, the header kept in view in its own scrolling box), cut to
    `max_rows` with a note."""
    from kdsl.views.display import block as display_block

    return display_block(df, max_rows)


def block(df: pd.DataFrame | None, changed=(), max_rows: int = MAX_ROWS) -> str:
    """A table by the display rules with the `changed` rows marked, or a line saying there is none."""
    if df is None or len(df) == 0:
        return '<p class="kdsl-empty"><i>nothing at this moment</i></p>'
    return mark_rows(table_html(df, max_rows), [i for i in changed if i < max_rows])


_ROW = re.compile(r"<tr\b([^>]*)>")

def mark_rows(table: str, rows) -> str:
    """The table's HTML with the class CHANGED on its body rows numbered `rows` (0-based)."""
    wanted, start = set(rows), table.find("<tbody")
    if not wanted or start < 0:
        return table
    count = itertools.count()

    def mark(m: re.Match) -> str:
        if next(count) not in wanted:
            return m.group(0)
        attrs = m.group(1)
        if 'class="' in attrs:
            return "<tr" + attrs.replace('class="', f'class="{CHANGED} ', 1) + ">"
        return f'<tr class="{CHANGED}"{attrs}>'

    return table[:start] + _ROW.sub(mark, table[start:])


# ---- the moments and where the buttons lead -------------------------------------------------------------


def moments(sim) -> list[int]:
    """The times at which the store changed or an event was recorded, and the end of the run."""
    return sorted({*sim.store.moments(), *(e.time_ms for e in sim.log.events), sim.now})


def moment_options(sim) -> list[tuple[str, int]]:
    """(label, ms) pairs for the slider: `0s`, `1m30s`, ..."""
    return [(format_duration(t), t) for t in moments(sim)]


def opening(sim) -> int:
    """Where the explorer opens: the first moment something happened (the objects being created), not the end."""
    return moments(sim)[0]


def previous_change(sim, t: int) -> int | None:
    """The moment before `t`, None at the first."""
    times = moments(sim)
    i = bisect.bisect_left(times, t)
    return times[i - 1] if i > 0 else None


def next_change(sim, t: int) -> int | None:
    """The moment after `t`, None at the last."""
    times = moments(sim)
    i = bisect.bisect_right(times, t)
    return times[i] if i < len(times) else None


def next_warning(sim, t: int, namespace: str | None = None) -> int | None:
    """The first moment after `t` with a Warning event in the namespace (every one for `all namespaces`)."""
    ns = _ns(namespace)
    return next((e.time_ms for e in sorted(sim.log.events, key=lambda e: e.time_ms)
                 if e.time_ms > t and e.type == "Warning" and (ns is None or e.namespace == ns)), None)


def namespaces(sim) -> list[str]:
    """`all namespaces`, then every namespace that ever held an object or was one, sorted."""
    return [ALL, *sim.store.namespaces()]


def _ns(namespace: str | None) -> str | None:
    return None if namespace in (None, "", ALL) else namespace


# ---- what changed at a moment -------------------------------------------------------------------------


def changes(sim, t: int) -> pd.DataFrame:
    """What the store recorded at exactly `t`, in the order it happened: `sim.changes(at=t, since=t)`
    without its TIME, which is `t` on every row."""
    return sim.changes(at=t, since=t).drop(columns="TIME").fillna({"NAMESPACE": ""})


def changed(sim, t: int, namespace: str | None = None) -> dict[str, list[tuple]]:
    """The objects (kind, namespace, name) `deleted`, `created` and `updated` since the moment before `t`:
    each once, by comparing what stood before `t` with what stands after it. Cluster-scoped objects count
    in every namespace."""
    ns, out = _ns(namespace), {"deleted": [], "created": [], "updated": []}
    seen = set()
    for r in changes(sim, t).itertuples(index=False):
        key = (r.KIND, r.NAMESPACE or None, r.NAME)
        if key in seen or (ns is not None and key[1] not in (None, ns)):
            continue
        seen.add(key)
        before, after = sim.store.at(key, t - 1) if t > 0 else None, sim.store.at(key, t)
        if after is None:
            out["deleted"].append(key)
        else:
            out["created" if before is None else "updated"].append(key)
    return out


def _name(key: tuple) -> str:
    return f"{key[0]} {key[1] + '/' if key[1] else ''}{key[2]}"


def changes_html(sim, t: int, namespace: str | None = None, limit: int = 40) -> str:
    """One line for the moment, the whole of it in its title: `at 1m50s — updated 3: Node worker-2, ...`.
    The deleted objects come first: no table row can show them."""
    parts = [f"{op} {len(keys)}: " + ", ".join(_name(k) for k in keys[:limit]) + (" …" if len(keys) > limit else "")
             for op, keys in changed(sim, t, namespace).items() if keys]
    text = " · ".join(parts) or "no change in the store"
    full = html.escape(f"at {format_duration(t)} — {text}", quote=True)
    return f'<div class="kdsl-caption" title="{full}"><b>at {format_duration(t)}</b> — {html.escape(text)}</div>'


# The object(s) a row of each table stands for: (kind or `@column` holding it, namespace column, name column).
ROW_OBJECTS = {
    "pods": [("Pod", "NAMESPACE", "NAME")],
    "workloads": [("@KIND", "NAMESPACE", "NAME")],
    "services": [("Service", "NAMESPACE", "NAME")],
    "ingresses": [("Ingress", "NAMESPACE", "NAME")],
    "storage": [("PersistentVolumeClaim", "NAMESPACE", "CLAIM"), ("PersistentVolume", None, "VOLUME")],
    "nodes": [("Node", None, "NAME")],
    "namespaces": [("Namespace", None, "NAME")],
}


def changed_rows(sim, tab: str, df: pd.DataFrame, t: int) -> list[int]:
    """The rows of a tab's table whose object was created or updated at `t`; for the events, the events
    recorded at `t`. A Service's row also counts its EndpointSlices, which carry its READY and ENDPOINTS."""
    if tab == "events":
        return [i for i, v in enumerate(df.get("TIME", [])) if _ms(v) == t]
    c = changed(sim, t)
    keys = set(c["created"]) | set(c["updated"])
    keys |= {("Service", k[1], o.name) for k in keys if k[0] == "EndpointSlice"
             for o in sim.store.at(k, t).meta.owners if o.kind == "Service"}
    specs, rows = ROW_OBJECTS.get(tab, []), []
    for i, r in enumerate(df.to_dict("records")):
        for kind, ns, name in specs:
            key = (r.get(kind[1:]) if kind[0] == "@" else kind, _text(r.get(ns)) if ns else None, r.get(name))
            if key in keys:
                rows.append(i)
                break
    return rows


def _text(value) -> str | None:
    return value if isinstance(value, str) and value not in ("", "<none>") else None


def _ms(value) -> int | None:
    """A table's time cell as ms, whether a duration, the text kdsl prints (`1m50s`) or ms."""
    if isinstance(value, pd.Timedelta):
        return int(value / pd.Timedelta(1, "ms"))
    if isinstance(value, str):
        try:
            return duration_ms(value)
        except ValueError:
            return None
    return value if isinstance(value, int) else None


# ---- tab contents ----------------------------------------------------------------------------------


def table(sim, name: str, t: int, namespace: str | None = None) -> pd.DataFrame:
    """One of TABLES at `t`, filtered to a namespace (`all namespaces` or None for every one)."""
    return getattr(sim, name)(at=t, namespace=_ns(namespace))


def topology_svg(sim, t: int, namespace: str | None = None) -> str:
    """The topology diagram at `t` in its notebook form: inline SVG fitted to the width, its strokes following
    JupyterLab's theme (kdsl.views.drawing), so the tab reads on the dark theme as a cell's diagram does."""
    return sim.topology(at=t, namespace=_ns(namespace))._repr_html_()


def pods(sim, t: int, namespace: str | None = None) -> list[str]:
    """`namespace/name` of every pod that stood at `t`, sorted (the inspector's choices)."""
    ns = _ns(namespace)
    spaces = [ns] if ns else namespaces(sim)[1:]
    return sorted(f"{p.namespace}/{p.name}" for n in spaces for p in sim.store.kind_at("Pod", n, t))


def table_tab(sim, name: str, t: int, namespace: str | None = None) -> str:
    df = table(sim, name, t, namespace)
    return block(df, changed_rows(sim, name, df, t))


def topology_tab(sim, t: int, namespace: str | None = None, **_) -> str:
    return f'<div class="kdsl-scroll">{topology_svg(sim, t, namespace)}</div>'


# The inspector's own tabs: the pod's state at the moment, and its journey up to it (sim.journey(pod, at=moment)).
STATE, JOURNEY = "state", "journey"
INSPECTOR = (STATE, JOURNEY)


def inspect_tab(sim, t: int, namespace: str | None = None, pod: str | None = None, full: bool = False,
                view: str = STATE, **_) -> str:
    from kdsl.notebook.inspector import inspect_html, journey_html

    return journey_html(sim, pod, t) if view == JOURNEY else inspect_html(sim, pod, t, full=full)


# The tabs after the tables, each drawn by a function of (sim, t, namespace, **the widget's controls: pod, full,
# view), so a new tab is one line here.
# The chart's words and axes follow JupyterLab's theme: CSS outranks the fills and strokes Vega writes in the SVG.
_CHART_STYLE = ("<style>.kdsl-chart svg{max-width:100%;height:auto}"
                ".kdsl-chart text{fill:var(--jp-ui-font-color1,#333)}"
                ".kdsl-chart .role-axis-domain path,.kdsl-chart .role-axis-tick path{stroke:var(--jp-ui-font-color2,#888)}"
                ".kdsl-chart .role-axis-grid path{stroke:var(--jp-border-color2,#ddd)}</style>")


def chart_tab(sim, t: int, namespace: str | None = None, **_) -> str:
    """Pods by phase over the whole run (in the namespace chosen), the slider's moment marked by a rule."""
    from kdsl.views.chart_output import inline_svg

    try:
        chart = sim.chart("phases", at=t, namespace=_ns(namespace))
    except UsageError as exc:  # a namespace with no pod has nothing to chart
        return f'<p class="kdsl-empty"><i>{html.escape(str(exc))}</i></p>'
    return f'{_CHART_STYLE}<div class="kdsl-chart kdsl-scroll">{inline_svg(chart)}</div>'


# The heat-map's cells carry their own mark colours (white on blue and vermillion): only its words around them
# take the theme's colour.
_HEATMAP_STYLE = ("<style>.kdsl-heatmap svg{max-width:100%;height:auto}"
                  ".kdsl-heatmap .role-axis-label text,.kdsl-heatmap .role-legend-label text,"
                  ".kdsl-heatmap .role-title-text text,.kdsl-heatmap .role-title-subtitle text"
                  "{fill:var(--jp-ui-font-color1,#333)}</style>")


def connectivity_tab(sim, t: int, namespace: str | None = None, **_) -> str:
    """Which pod groups may reach which destinations and ports at `t`, as the NetworkPolicies decide (the heat-map
    of sim.plot_connectivity, kdsl.views.chart_connectivity)."""
    from kdsl.views.chart_output import inline_svg

    try:
        chart = sim.plot_connectivity(at=t, namespace=_ns(namespace))
    except UsageError as exc:  # no pod with an IP and a port yet, or a namespace without one
        return f'<p class="kdsl-empty"><i>{html.escape(str(exc))}</i></p>'
    return f'{_HEATMAP_STYLE}<div class="kdsl-heatmap kdsl-scroll">{inline_svg(chart)}</div>'


VIEWS = {CHART: chart_tab, TOPOLOGY: topology_tab, CONNECTIVITY: connectivity_tab, INSPECT: inspect_tab}


def tab_html(sim, tab: str, t: int, namespace: str | None = None, **controls) -> str:
    """The HTML of one tab of the explorer at `t`; `controls` are the inspector's `pod`, `full` and `view` (one of
    INSPECTOR: the pod's state or its journey)."""
    if tab in VIEWS:
        return VIEWS[tab](sim, t, namespace, **controls)
    return table_tab(sim, tab, t, namespace)


def explore(sim, tables: tuple[str, ...] = TABLES):
    """The explorer for a finished simulation, as an ipywidgets box to show in a notebook."""
    from kdsl.notebook.widget import Explorer  # ipywidgets load only when a notebook asks for the widget

    return Explorer(sim, tables).box


def __getattr__(name: str):
    # `Explorer` lived here before the widgets moved to widget.py; importing it from here still works.
    if name == "Explorer":
        from kdsl.notebook.widget import Explorer

        return Explorer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
