"""sim.why_connect()'s answer: a str (printed, compared) that a notebook shows as wrapped lines under their indents."""

from __future__ import annotations

import html
import re
from pathlib import Path

import kdsl
from kdsl.views.connectivity import Reasons, reasons_html

NETPOL = Path(__file__).with_name("netpol.kdsl")


def test_the_answer_is_its_text_and_a_notebook_shows_its_lines_not_a_quoted_string():
    sim = kdsl.simulate(kdsl.load(NETPOL))
    answer = sim.why_connect("pods shop app=web", "service shop/db", 5432)
    assert isinstance(answer, Reasons) and isinstance(answer, str)
    lines = answer.splitlines()
    assert lines[0].startswith("pod shop/web-") and lines[1].startswith("  egress: ")
    bundle = answer._repr_mimebundle_()
    assert bundle["text/plain"] == str(answer)  # not repr's quotes and \n
    shown = bundle["text/html"]
    rows = re.findall(r'<div style="([^"]*)">([^<]*)</div>', shown)
    assert [html.unescape(text) for _, text in rows] == [ln.lstrip(" ") for ln in lines]
    # A head line hangs its continuation 4 characters in; an indented line keeps its 2 and hangs 4 more.
    assert rows[0][0].endswith("padding-left:4ch;text-indent:-4ch") and "padding-left:6ch" in rows[1][0]
    assert all("white-space:pre-wrap;overflow-wrap:normal" in style for style, _ in rows)  # breaks at spaces only
    assert "var(--jp-content-font-color1" in shown  # the theme's text colour, light or dark


def test_markup_in_a_name_is_escaped():
    assert "&lt;b&gt;" in reasons_html("pod shop/<b> -> x")
