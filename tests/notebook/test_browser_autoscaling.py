"""A real browser: tutorial 08's autoscaling chart and HPA table in JupyterLab (Debian's Chromium, 1,000 px), light
and dark: the chart's strips drawn by JupyterLab's own Vega renderer, kubectl's HPA columns; screenshots in build/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.notebook.lab_server import dismiss_news, lab_page, themed_notebook
from tests.notebook.test_browser import OUT, SHOTS, pytestmark  # noqa: F401
from tests.notebook.test_browser_charts import THEMES, VEGA, wait_for_charts

STORY = Path(__file__).resolve().parents[2] / "notebooks" / "stories" / "08_autoscaling.py"


def _scenario() -> str:
    """The tutorial's scenario: the text of its %%kdsl cell."""
    namespace: dict = {}
    exec(compile(STORY.read_text(), str(STORY), "exec"), namespace)
    cell = next(src for kind, src in namespace["CELLS"] if kind == "code" and src.strip().startswith("%%kdsl"))
    return cell.strip().split("\n", 1)[1]


CELLS = ["import kdsl\nsim = kdsl.simulate(kdsl.load('autoscaling.kdsl'))",
         "sim.plot_autoscaling('deployment shop/web', at='6m')",
         "sim.hpa(at='3m', wide=True)"]
TABLES = f"{OUT} .kdsl-tables table.kdsl-table"


@pytest.fixture(params=list(THEMES))
def lab(request, tmp_path):
    with themed_notebook(tmp_path, CELLS, "autoscaling.ipynb", THEMES[request.param],
                         {"autoscaling.kdsl": _scenario()}) as url:
        yield request.param, url


def test_autoscaling_chart_and_hpa_table_in_jupyterlab(lab):
    theme, url = lab
    with lab_page(url) as page:
        wait_for_charts(page)
        page.wait_for_function(f"() => document.querySelectorAll('{TABLES}').length >= 1", timeout=120_000)
        dismiss_news(page)
        chart = page.locator(VEGA).first
        chart.scroll_into_view_if_needed()
        box = chart.locator("svg.marks, canvas").first.bounding_box()
        assert box is not None and 500 < box["width"] <= 900, box
        chart.screenshot(path=str(SHOTS / f"chart-autoscaling-{theme}.png"))
        table = page.locator(TABLES).first
        heads = [h.strip() for h in table.locator("thead th").all_inner_texts()]
        assert heads[:7] == ["NAMESPACE", "NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS"]
        assert "cpu: 100%/70%" in table.inner_text()
        table.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"hpa-{theme}.png"))
