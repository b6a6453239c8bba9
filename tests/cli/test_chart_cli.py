"""`kdsl chart KIND FILE [TARGET] -o PATH` writes real SVG, PNG, HTML and JSON; bad input is one line, exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kdsl.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PODS = str(EXAMPLES / "pods.kdsl")


def test_chart_writes_svg_png_html_and_json(tmp_path, capsys):
    assert main(["chart", "lifecycle", PODS, "--at", "1m", "-o", str(tmp_path / "l.svg")]) == 0
    svg = (tmp_path / "l.svg").read_text()
    assert svg.startswith("<svg") and ">flaky</text>" in svg and ">at 1m</text>" in svg
    assert main(["chart", "phases", PODS, "-n", "demo", "-o", str(tmp_path / "p.png")]) == 0
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["chart", "lifecycle", PODS, "-l", "app notin (web)", "--from", "30s", "--to", "2m", "-o",
                 str(tmp_path / "l.html")]) == 0
    page = (tmp_path / "l.html").read_text()
    assert "<script" in page and "<script src" not in page  # Vega inlined: the page needs no CDN
    assert main(["chart", "phases", PODS, "--max-pods", "2", "-o", str(tmp_path / "p.json")]) == 0
    spec = json.loads((tmp_path / "p.json").read_text())
    assert "vega-lite" in spec["$schema"] and spec["title"]["text"] == "Pods by phase"
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("args, message", [
    (["chart", "phases", PODS, "-o", "x.pdf"], "kdsl chart: error: `x.pdf`: write .svg, .png, .html or .json"),
    (["chart", "workload", PODS, "deployment demo/web", "-o", "x.svg"],
     "kdsl chart: error: no deployment demo/web; the run has no deployments"),
    (["chart", "endpoints", PODS, "-o", "x.svg"], "kdsl chart: error: say what to chart: a service such as `shop/web`"),
    (["chart", "phases", PODS, "--to", "9m", "-o", "x.svg"], "kdsl chart: error: end=9m is after the end of the run (5m)"),
])
def test_chart_errors_are_one_line_and_exit_1(tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.strip() == message and "Traceback" not in err
    assert not list(tmp_path.iterdir())
