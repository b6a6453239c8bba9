"""A topology drawn with graphviz: pod boxes and group labels, namespace clusters, phase colours, diff marks, legend."""

from __future__ import annotations

import html
import re
from pathlib import Path

import attrs
import graphviz

from kdsl.engine import podview
from kdsl.engine.kubelet.status_text import pod_columns
from kdsl.views.common import CONNECTIVITY_COLOURS, NOT_READY_COLOUR, PHASE_COLOURS, ViewError

# One sans-serif family everywhere: fontconfig (Graphviz's Pango) and browsers (the SVG's font-family) pick the
# first one installed, Liberation Sans on Debian.
FONT = "Helvetica,Arial,sans-serif"
# Pastel fills under dark text read the same on a light and a dark page; what is drawn straight on the
# (transparent) page — edges, their labels, namespace frames, the title — is a mid-tone legible on both.
INK = "#1e293b"
MID = "#708090"
FILLS = {"controller": "#e0e7ff", "Service": "#cffafe", "Ingress": "#cffafe", "config": "#f1f5f9",
         "storage": "#ede9fe", "Node": "#f1f5f9", "NotReady": "#fca5a5", "legend": "#f8fafc", "policy": "#fce7f3"}
POLICY_EDGE = CONNECTIVITY_COLOURS["allowed"]  # what a NetworkPolicy allows: the connectivity heat-map's blue
# A pod's fill: its phase, except that a Running pod not Ready (kubectl's READY 0/1) has its own, lighter green.
NOT_READY = "Running, not ready"
POD_COLOURS = {"Pending": PHASE_COLOURS["Pending"], "Running": PHASE_COLOURS["Running"], NOT_READY: NOT_READY_COLOUR,
               **{p: c for p, c in PHASE_COLOURS.items() if p not in ("Pending", "Running")}}
DIFF = {"appeared": ("#16a34a", "bold", "+ "), "vanished": ("#dc2626", "dashed", "- "), "changed": ("#ea580c", "bold", "~ ")}


@attrs.frozen
class Vertex:
    cluster: str | None  # a namespace ("" for cluster-scoped objects)
    label: str
    attrs: tuple[tuple[str, str], ...]


@attrs.frozen
class Model:
    """The diagram as data: vertices by id, edges by (tail, head) with their attributes."""

    vertices: dict[str, Vertex]
    edges: dict[tuple[str, str], tuple[tuple[str, str], ...]]
    collapsed: bool


def phase_fill(counts: dict[str, int]) -> dict[str, str]:
    """Fill attributes for pods counted by phase (NOT_READY apart from Running): one colour, or stripes as wide as
    each one's share."""
    phases = [p for p in sorted(counts, key=lambda p: (-counts[p], list(POD_COLOURS).index(p)))]
    if len(phases) == 1:
        return {"style": "filled", "fillcolor": POD_COLOURS[phases[0]]}
    total = sum(counts.values())
    # Shares are rounded down to what Graphviz reads; the last stripe takes the rest, so they never pass 1.
    parts = [f"{POD_COLOURS[p]};{int(1000 * counts[p] / total) / 1000:.3f}" for p in phases[:-1]]
    return {"style": "striped", "fillcolor": ":".join(parts + [POD_COLOURS[phases[-1]]])}


def render(model: Model, title: str, marks: dict | None = None, legend: bool = False) -> Topology:
    """The model as a Digraph: a cluster per namespace, diff marks when given, the legend on request."""
    marks = marks or {}
    g = Topology("kdsl", graph_attr={"rankdir": "LR", "label": title, "labelloc": "t", "labeljust": "l",
                                     "fontsize": "11", "fontname": FONT, "fontcolor": MID, "bgcolor": "transparent",
                                     "compound": "true", "nodesep": "0.2", "ranksep": "0.6"},
                 node_attr={"fontsize": "10", "fontname": FONT, "fontcolor": INK, "color": MID, "style": "filled",
                            "fillcolor": FILLS["config"]},
                 edge_attr={"fontsize": "9", "fontname": FONT, "fontcolor": MID, "color": MID})
    by_cluster: dict[str, list[str]] = {}
    for id_ in sorted(model.vertices):
        by_cluster.setdefault(model.vertices[id_].cluster or "", []).append(id_)
    for cluster in sorted(by_cluster):
        ids = by_cluster[cluster]
        if cluster:
            with g.subgraph(name=f"cluster_ns_{cluster}") as sub:
                sub.attr(label=f"namespace {cluster}", labeljust="l", style="rounded", color=MID, fontcolor=MID)
                for id_ in ids:
                    _draw(sub, id_, model.vertices[id_], marks.get(id_))
        else:
            for id_ in ids:
                _draw(g, id_, model.vertices[id_], marks.get(id_))
    for (a, c) in sorted(model.edges):
        attrs_ = dict(model.edges[(a, c)])
        mark = marks.get((a, c))
        if mark:
            colour, style, _ = DIFF[mark]
            attrs_.update(color=colour, style=style if mark != "changed" else attrs_.get("style", "solid"))
        g.edge(a, c, **attrs_)
    if legend:
        fills = [dict(v.attrs).get("fillcolor", "") for v in model.vertices.values()]
        _legend(g, bool(marks), any(dict(v.attrs).get("style") == "striped" for v in model.vertices.values()),
                any(id_.startswith("NetworkPolicy/") for id_ in model.vertices),
                any(NOT_READY_COLOUR in f for f in fills))
    return g


def _draw(g, id_: str, v: Vertex, mark: str | None) -> None:
    attrs_ = dict(v.attrs)
    label = v.label
    if mark:
        colour, style, sign = DIFF[mark]
        label = sign + label
        attrs_.update(color=colour, penwidth="2",
                      style=",".join(s for s in (attrs_.get("style"), style) if s and not (s == "bold" and mark == "changed"))
                      or style)
    g.node(id_, label=label, **attrs_)


def _legend(g, diff: bool, grouped: bool, policies: bool = False, not_ready: bool = False) -> None:
    """A small card at the right-hand side: the phase colours in one row, then what lines and borders mean (the
    not-ready fill only when a pod has it)."""
    cells = "".join(f'<td bgcolor="{c}">{p}</td>' for p, c in PHASE_COLOURS.items())
    if not_ready:  # the lighter green and the words a pod's box then carries
        cells += (f'</tr><tr><td></td><td bgcolor="{NOT_READY_COLOUR}">0/1 ready</td>'
                  '<td colspan="3" align="left">Running but not Ready</td>')
    lines = ["solid arrow: owns, or routes to ready endpoints", "dashed arrow: routes to not-ready endpoints only",
             "dotted arrow: uses a ConfigMap, Secret or claim", "dashed border: terminating"]
    if grouped:
        lines.append("stripes: a controller's pods by phase")
    if policies:
        lines += ["octagon: a NetworkPolicy; a plain line to the pods it selects",
                  f'<font color="{POLICY_EDGE}">blue arrow</font>: traffic it allows (into or out of them), its ports']
    rows = "".join(f'<tr><td colspan="5" align="left">{line}</td></tr>' for line in lines)
    if diff:
        rows += "<tr>" + "".join(f'<td colspan="{span}" align="left"><font color="{colour}">{sign}{mark}</font></td>'
                                 for span, (mark, (colour, _, sign)) in zip((2, 2, 1), DIFF.items())) + "</tr>"
    table = (f'<<table border="0" cellborder="0" cellspacing="1" cellpadding="2" bgcolor="{FILLS["legend"]}">'
             f'<tr>{cells}</tr>{rows}</table>>')
    with g.subgraph(name="legend") as sub:
        sub.attr(rank="sink")  # the last rank: at the right of a left-to-right diagram, never above it
        sub.node("legend", label=table, shape="box", style="rounded,filled", fillcolor=FILLS["legend"], fontsize="9",
                 margin="0.05")


def save(graph: graphviz.Digraph, path: str | Path) -> None:
    """Write DOT source (.dot, .gv) or a drawing (.svg, .png, .pdf) chosen by the file's suffix."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt in ("dot", "gv"):
        path.write_text(graph.source, encoding="utf-8")
        return
    if fmt not in ("svg", "png", "pdf"):
        raise ViewError(f"`{path.name}`: write .svg, .png, .pdf or .dot")
    try:
        data = graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise ViewError("Graphviz's `dot` program is not installed (apt-get install graphviz); "
                        "write .dot to get the source") from None
    path.write_bytes(data)


# Graphviz writes the mid-tone MID as given; in JupyterLab it becomes the theme's secondary font
# colour, elsewhere (nbconvert, Voila without the variables) it stays the mid-tone.
STYLE = """<style>
.kdsl-topology svg { max-width: 100%; height: auto; }
.kdsl-topology svg [stroke="#708090"] { stroke: var(--jp-content-font-color2, #708090); }
.kdsl-topology svg [fill="#708090"] { fill: var(--jp-content-font-color2, #708090); }
</style>"""
_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.S)


class Topology(graphviz.Digraph):
    """graphviz.Digraph (`.source`, `.pipe()`, `.render()`) whose notebook display is HTML: the SVG inline, scaled
    down to the output's width; image/svg+xml stays in the bundle for exports and tools that read it."""

    def _repr_mimebundle_(self, include=None, exclude=None, **_) -> dict:
        try:
            svg = self.pipe(format="svg", encoding="utf-8")
        except graphviz.ExecutableNotFound:
            return {"text/plain": "Graphviz's `dot` program is not installed (apt-get install graphviz); "
                                  "`.source` holds the diagram as DOT"}
        bundle = {"text/html": fit_html(svg), "image/svg+xml": svg}
        return {k: v for k, v in bundle.items() if (include is None or k in include) and k not in (exclude or ())}

    def _repr_html_(self) -> str:
        return fit_html(self.pipe(format="svg", encoding="utf-8"))


def fit_html(svg: str) -> str:
    """SVG from Graphviz as an HTML fragment: no larger than drawn, never wider than its container."""
    body = _PROLOGUE.sub("", svg, count=1)
    return f'<div class="kdsl-topology" role="img" aria-label="{html.escape(_title(body))}">{STYLE}{body}</div>'


def _title(svg: str) -> str:
    """The diagram's title (the graph label), for screen readers."""
    m = re.search(r'<g id="graph0" class="graph"[^>]*>\s*<title>[^<]*</title>\s*<text[^>]*>([^<]*)</text>', svg, re.S)
    return html.unescape(m.group(1)) if m else "kdsl topology"


def pod_box(pod, nodes) -> tuple[str, str]:
    """The label (name over status) and fill of one pod's box. A Running pod that is not Ready also says kubectl's
    READY (`Running, 0/1 ready`): its lighter fill alone is no cue to a colour-blind eye or in greyscale."""
    state = _state(pod, nodes)
    ready = f", {_ready_column(pod)} ready" if state == NOT_READY else ""
    return f"{pod.name}\n{podview.status(pod, nodes)}{ready}", POD_COLOURS.get(state, "white")


def _state(pod, nodes) -> str:
    """The pod's phase as kdsl shows it, or NOT_READY for a Running pod that is not Ready (kubectl's READY 0/1)."""
    ph = podview.phase(pod, nodes)
    return NOT_READY if ph == "Running" and not podview.ready(pod, nodes) else ph


def _ready_column(pod) -> str:
    """kubectl's READY (`0/1`): the pod's ready containers of all of them."""
    return pod_columns(pod.spec.template, pod.status, deleting=pod.terminating)[1]


def phases(pods, nodes) -> dict[str, int]:
    """The pods counted by phase, NOT_READY apart: what the group's stripes show."""
    counts: dict[str, int] = {}
    for p in pods:
        state = _state(p, nodes)
        counts[state] = counts.get(state, 0) + 1
    return counts


def group_label(ctl: tuple[str, str] | None, pods, states: dict[str, int]) -> str:
    """`web-7d4f9-… ×37` over `34 Running (2 not ready), 3 Pending`: the pods' common name, their count by phase
    (most first), how many of the Running ones are not Ready."""
    counts = {k: n for k, n in states.items() if k != NOT_READY}
    if NOT_READY in states:
        counts["Running"] = counts.get("Running", 0) + states[NOT_READY]
    order = sorted(counts, key=lambda k: (-counts[k], list(PHASE_COLOURS).index(k)))
    unready = f" ({states[NOT_READY]} not ready)" if NOT_READY in states else ""
    detail = ", ".join(f"{counts[k]} {k}" + (unready if k == "Running" else "") for k in order)
    ending = sum(1 for p in pods if p.terminating)
    if ending:
        detail += f" ({ending} Terminating)"
    # Kubernetes names a controller's pods after it: `<name>-<suffix>` (a ReplicaSet, DaemonSet or Job) or
    # `<name>-<ordinal>` (a StatefulSet).
    head = f"{ctl[1]}-… ×{len(pods)}" if ctl else f"pods without a controller ×{len(pods)}"
    return f"{head}\n{detail}"
