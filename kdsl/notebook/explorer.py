"""The explorer: a time slider over the moments something changed, tables, the topology and a pod inspector."""

# Everything it shows comes from the plain functions here (moments, namespaces, changes, tab contents, the pod
# inspector), so it is tested without a browser; `Explorer` only wires them to ipywidgets.

from __future__ import annotations

import bisect
import html

import pandas as pd

from kdsl.lang.values import format_duration
from kdsl.views.common import ViewError

ALL = "all namespaces"
# The tables a tab shows, by the Simulation method that builds them (kdsl.views).
TABLES = ("pods", "workloads", "services", "ingresses", "storage", "nodes", "namespaces", "events")
TOPOLOGY = "topology"
INSPECT = "inspect pod"
MAX_ROWS = 200


def frame(rows) -> pd.DataFrame:
    """A view's result as a DataFrame (the views return one; rows of dicts are accepted as well)."""
    return rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))


def table_html(df: pd.DataFrame, max_rows: int = MAX_ROWS) -> str:
    """A DataFrame by kdsl's display rules (kdsl.views.display.block: class `dataframe`, whole cells, `<none>`,
    the header kept in view), cut to `max_rows` with a note."""
    if df is None or len(df) == 0:
        return '<p class="kdsl-empty"><i>nothing at this moment</i></p>'
    from kdsl.views.display import block

    return block(df, max_rows)


# ---- what the slider and the filter offer ------------------------------------------------------


def moments(sim) -> list[int]:
    """The times at which something changed, and the end of the run (where the slider starts)."""
    times = sim.store.moments()
    if not times or times[-1] < sim.now:
        times = [*times, sim.now]
    return times


def moment_options(sim) -> list[tuple[str, int]]:
    """(label, ms) pairs for the slider: `0s`, `1m30s`, ..."""
    return [(format_duration(t), t) for t in moments(sim)]


def namespaces(sim) -> list[str]:
    """`all namespaces`, then every namespace that ever held an object or was one, sorted."""
    names = {c.key[1] for c in sim.store.history if c.key[1]}
    names |= {c.key[2] for c in sim.store.history if c.key[0] == "Namespace"}
    return [ALL, *sorted(names)]


def _ns(namespace: str | None) -> str | None:
    return None if namespace in (None, "", ALL) else namespace


def changes(sim, t: int) -> pd.DataFrame:
    """What the store recorded at exactly `t`: the operation and the object, in the order it happened."""
    history = sim.store.history
    lo = bisect.bisect_left(history, t, key=lambda c: c.time_ms)
    hi = bisect.bisect_right(history, t, key=lambda c: c.time_ms)
    rows = [{"OP": c.op, "KIND": c.key[0], "NAMESPACE": c.key[1] or "", "NAME": c.key[2]}
            for c in history[lo:hi]]
    return pd.DataFrame(rows, columns=["OP", "KIND", "NAMESPACE", "NAME"])


def changes_html(sim, t: int, limit: int = 12) -> str:
    """One line for the moment: `at 2m: 3 changes — updated Node worker-2, ...`."""
    df = changes(sim, t)
    items = [f"{r.OP} {r.KIND} {r.NAMESPACE + '/' if r.NAMESPACE else ''}{r.NAME}" for r in df.itertuples()]
    more = f", … {len(items) - limit} more" if len(items) > limit else ""
    if not items:
        return f"<b>at {format_duration(t)}</b>: no change"
    listed = html.escape(", ".join(items[:limit]) + more)
    return f"<b>at {format_duration(t)}</b>: {len(items)} change{'s' if len(items) != 1 else ''} — {listed}"


# ---- tab contents ----------------------------------------------------------------------------------


def table(sim, name: str, t: int, namespace: str | None = None) -> pd.DataFrame:
    """One of TABLES at `t`, filtered to a namespace (`all namespaces` or None for every one)."""
    return frame(getattr(sim, name)(at=t, namespace=_ns(namespace)))


def topology_svg(sim, t: int, namespace: str | None = None) -> str:
    """The topology diagram at `t` as inline SVG (Graphviz renders it)."""
    graph = sim.topology(at=t, namespace=_ns(namespace))
    return graph.pipe(format="svg").decode("utf-8")


def pods(sim, t: int, namespace: str | None = None) -> list[str]:
    """`namespace/name` of every pod that stood at `t`, sorted (the inspector's choices)."""
    ns = _ns(namespace)
    spaces = [ns] if ns else namespaces(sim)[1:]
    return sorted(f"{p.namespace}/{p.name}" for n in spaces for p in sim.store.kind_at("Pod", n, t))


def inspect_pod(sim, pod: str, t: int) -> dict[str, pd.DataFrame]:
    """One pod at `t`: its conditions, its containers, its events so far, and the scheduler's verdicts
    node by node, recomputed on the nodes and bound pods as they stood at `t` (`sim.explain(pod, at=t)`)."""
    ns, _, name = pod.rpartition("/")
    obj = sim.store.at(("Pod", ns or "default", name), t)
    if obj is None:
        return {}
    status = obj.status
    conditions = pd.DataFrame(
        [{"TYPE": c.type, "STATUS": c.status, "REASON": c.reason, "MESSAGE": c.message,
          "LAST TRANSITION": format_duration(c.last_transition_ms)} for c in status.conditions],
        columns=["TYPE", "STATUS", "REASON", "MESSAGE", "LAST TRANSITION"])
    statuses = [(True, cs) for cs in status.init_container_statuses] + [(False, cs) for cs in status.container_statuses]
    containers = pd.DataFrame(
        [{"CONTAINER": cs.name, "INIT": init, "IMAGE": cs.image, "STATE": type(cs.state).__name__,
          "REASON": getattr(cs.state, "reason", "") or "", "READY": cs.ready, "RESTARTS": cs.restart_count}
         for init, cs in statuses],
        columns=["CONTAINER", "INIT", "IMAGE", "STATE", "REASON", "READY", "RESTARTS"])
    events = pd.DataFrame(
        [{"TIME": format_duration(e.time_ms), "TYPE": e.type, "REASON": e.reason, "FROM": e.source,
          "MESSAGE": e.message, "COUNT": e.count}
         for e in sim.log.events
         if e.time_ms <= t and e.kind == "Pod" and e.namespace == obj.namespace and e.name == name],
        columns=["TIME", "TYPE", "REASON", "FROM", "MESSAGE", "COUNT"])
    out = {"conditions": conditions, "containers": containers, "events": events}
    try:
        out["scheduling"] = explanation(sim.explain(f"{obj.namespace}/{name}", at=t))
    except (KeyError, ViewError):
        pass  # nothing to recompute on: the pod is not there at that moment
    return out


def explanation(result) -> pd.DataFrame:
    """`sim.explain`'s node × plugin verdicts as a DataFrame, whichever form it returns."""
    if isinstance(result, pd.DataFrame):
        return result
    return frame(result.rows() if hasattr(result, "rows") else result)


def inspect_html(sim, pod: str | None, t: int) -> str:
    if not pod:
        return "<p><i>no pod at this moment</i></p>"
    parts = inspect_pod(sim, pod, t)
    if not parts:
        return f"<p><i>pod {html.escape(pod)} does not exist at {format_duration(t)}</i></p>"
    return "".join(f"<h4>{html.escape(title)}</h4>{table_html(df)}" for title, df in parts.items())


def tab_html(sim, tab: str, t: int, namespace: str | None = None, pod: str | None = None) -> str:
    """The HTML of one tab of the explorer at `t`."""
    if tab == TOPOLOGY:
        return f'<div class="kdsl-topology">{topology_svg(sim, t, namespace)}</div>'
    if tab == INSPECT:
        return inspect_html(sim, pod, t)
    return table_html(table(sim, tab, t, namespace))


# ---- the widget ----------------------------------------------------------------------------------


class Explorer:
    """The widgets and their wiring; `box` is what a notebook shows. Only the visible tab is drawn."""

    def __init__(self, sim, tables: tuple[str, ...] = TABLES, interval_ms: int = 800):
        import ipywidgets as w

        self.sim = sim
        self._quiet = False
        self.tabs_names = (*tables, TOPOLOGY, INSPECT)
        options = moment_options(sim)
        self.slider = w.SelectionSlider(options=options, value=options[-1][1], description="time",
                                        continuous_update=False, layout=w.Layout(width="60%"))
        self.play = w.Play(min=0, max=len(options) - 1, value=len(options) - 1, interval=interval_ms,
                           description="play")
        w.jslink((self.play, "value"), (self.slider, "index"))
        self.namespace = w.Dropdown(options=namespaces(sim), value=ALL, description="namespace")
        self.caption = w.HTML()
        self.pages = [w.HTML() for _ in self.tabs_names]
        for page in self.pages:
            page.add_class("jp-RenderedHTMLCommon")  # JupyterLab's own table style, as for a DataFrame
            page.layout.overflow = "auto"  # a wide table scrolls inside its tab
        self.pod = w.Dropdown(options=[], description="pod")
        inspect_page = w.VBox([self.pod, self.pages[-1]])
        self.tabs = w.Tab(children=[*self.pages[:-1], inspect_page], titles=self.tabs_names)
        self.box = w.VBox([w.HBox([self.play, self.slider, self.namespace]), self.caption, self.tabs])
        self.box.add_class("kdsl-explorer")
        self.box.explorer = self  # so a notebook (and a test) can reach the state behind the widget
        self.slider.observe(lambda _: self.refresh(), names="value")
        self.namespace.observe(lambda _: self.refresh(), names="value")
        self.tabs.observe(lambda _: self.draw(), names="selected_index")
        self.pod.observe(lambda _: self.draw(), names="value")
        self.refresh()

    @property
    def at(self) -> int:
        return self.slider.value

    @property
    def tab(self) -> str:
        return self.tabs_names[self.tabs.selected_index or 0]

    def refresh(self) -> None:
        """The moment or the namespace moved: new caption, new pod choices, redraw the visible tab."""
        self.caption.value = changes_html(self.sim, self.at)
        choices = pods(self.sim, self.at, self.namespace.value)
        keep = self.pod.value if self.pod.value in choices else (choices[0] if choices else None)
        self._quiet = True  # new options move the value; draw once, below, not on each step
        try:
            self.pod.options = choices
            self.pod.value = keep
        finally:
            self._quiet = False
        self.draw()

    def draw(self) -> None:
        if self._quiet:
            return
        i = self.tabs_names.index(self.tab)
        self.pages[i].value = tab_html(self.sim, self.tab, self.at, self.namespace.value, self.pod.value)


def explore(sim, tables: tuple[str, ...] = TABLES):
    """The explorer for a finished simulation, as an ipywidgets box to show in a notebook."""
    return Explorer(sim, tables).box
