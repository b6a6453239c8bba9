"""The notebook form of a topology: fit to the output's width, themed strokes, the SVG kept, deterministic."""

from __future__ import annotations

import subprocess
import sys

import graphviz

from kdsl.views.drawing import STYLE, Topology, fit_html

SCRIPT = """
import kdsl
from tests.views.conftest import LAB
g = kdsl.simulate(kdsl.load(LAB)).topology(legend=True)
print(g.source)
print(g.pipe(format="svg", encoding="utf-8"))
"""


def test_a_notebook_shows_the_svg_inline_scaled_down_to_fit_and_keeps_image_svg(sim):
    g = sim.topology()
    assert isinstance(g, graphviz.Digraph) and isinstance(g, Topology)  # .source, .pipe(), .render() as before
    bundle = g._repr_mimebundle_()
    svg = g.pipe(format="svg", encoding="utf-8")
    assert bundle == {"text/html": fit_html(svg), "image/svg+xml": svg}
    html = bundle["text/html"]
    assert html.startswith('<div class="kdsl-topology" role="img" aria-label="kdsl topology at 3m (namespace view)">')
    assert ".kdsl-topology svg { max-width: 100%; height: auto; }" in html  # never wider than the output area
    assert "<?xml" not in html and "<!DOCTYPE" not in html and html.count("<svg") == 1
    # The drawing keeps its natural size (pt) when it fits: a small diagram is not blown up to the full width.
    assert '<svg width="' in html and 'pt" height="' in html
    assert g._repr_html_() == html
    assert list(g._repr_mimebundle_(include=["image/svg+xml"])) == ["image/svg+xml"]
    assert list(g._repr_mimebundle_(exclude=["image/svg+xml"])) == ["text/html"]


def test_strokes_and_text_on_the_page_follow_the_jupyterlab_theme(sim):
    html = sim.topology_diff("30s", "3m")._repr_html_()
    assert '[stroke="#708090"] { stroke: var(--jp-content-font-color2, #708090); }' in STYLE
    assert 'stroke="#708090"' in html and 'fill="#708090"' in html  # edges, arrowheads, labels: the themed mid-tone
    assert 'stroke="#ea580c"' in html  # a diff mark keeps its own colour


def test_the_dot_and_the_svg_are_the_same_in_every_process():
    runs = {subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}).stdout for seed in ("1", "2")}
    assert len(runs) == 1 and "digraph kdsl {" in runs.pop()
