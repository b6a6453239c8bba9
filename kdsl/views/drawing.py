"""Drawing a topology model with graphviz: clusters per namespace, phase colours, diff marks and the legend."""

from __future__ import annotations

from pathlib import Path

import attrs
import graphviz

from kdsl.views.common import ViewError

PHASE_COLOURS = {"Pending": "#fde68a", "Running": "#86efac", "Succeeded": "#93c5fd", "Failed": "#fca5a5",
                 "Unknown": "#d1d5db"}
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


def render(model: Model, title: str, marks: dict | None = None) -> graphviz.Digraph:
    """The model as a Digraph: a cluster per namespace, the legend, and diff marks when given."""
    marks = marks or {}
    g = graphviz.Digraph("kdsl", graph_attr={"rankdir": "LR", "label": title, "labelloc": "t", "fontsize": "12",
                                             "compound": "true"},
                         node_attr={"fontsize": "10", "fontname": "Helvetica"}, edge_attr={"fontsize": "9"})
    by_cluster: dict[str, list[str]] = {}
    for id_ in sorted(model.vertices):
        by_cluster.setdefault(model.vertices[id_].cluster or "", []).append(id_)
    for cluster in sorted(by_cluster):
        ids = by_cluster[cluster]
        if cluster:
            with g.subgraph(name=f"cluster_ns_{cluster}") as sub:
                sub.attr(label=f"namespace {cluster}", style="rounded", color="#64748b")
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
    _legend(g, bool(marks))
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


def _legend(g, diff: bool) -> None:
    with g.subgraph(name="cluster_legend") as sub:
        sub.attr(label="legend", style="dashed", color="#94a3b8", fontsize="10")
        for phase, colour in PHASE_COLOURS.items():
            sub.node(f"legend/{phase}", label=phase, shape="box", style="filled", fillcolor=colour)
        sub.node("legend/service", label="Service", shape="ellipse")
        sub.node("legend/ready", label="ready endpoint", shape="plaintext")
        sub.node("legend/notready", label="not-ready endpoint", shape="plaintext")
        sub.edge("legend/service", "legend/ready")
        sub.edge("legend/service", "legend/notready", style="dashed")
        if diff:
            for mark, (colour, style, sign) in DIFF.items():
                sub.node(f"legend/{mark}", label=f"{sign}{mark}", shape="box", color=colour, style=style)


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
