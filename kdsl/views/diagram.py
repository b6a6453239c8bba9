"""A topology Digraph that a notebook shows fit to the output's width, its strokes in the theme's colours."""

from __future__ import annotations

import html
import re

import graphviz

# Graphviz writes the mid-tone of drawing.MID as given; in JupyterLab it becomes the theme's secondary font
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
