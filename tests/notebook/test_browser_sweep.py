"""A real browser: a sweep of tutorial 10's scenario in JupyterLab (Debian's Chromium, 1,000 px), light and dark: the
finished progress bar and its dashboard link, the headline, the summary table with every column in view, the chart;
then `sim.measures()` and the `%%kdsl` summary with its measures; screenshots in build/."""

from __future__ import annotations

import importlib.util

from tests.notebook.lab_server import dismiss_news, lab_page, themed_lab
from tests.notebook.test_browser import OUT, ROOT, SHOTS, pytestmark  # noqa: F401
from tests.notebook.test_browser_charts import VEGA, wait_for_charts


def _story_scenario() -> str:
    """Tutorial 10's scenario, as its `%%kdsl` cell writes it."""
    path = ROOT / "notebooks" / "stories" / "10_what_if.py"
    spec = importlib.util.spec_from_file_location("story_10", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cell = next(src for kind, src in module.CELLS if kind == "code" and src.lstrip().startswith("%%kdsl"))
    return cell.strip().split("\n", 1)[1]


SCENARIO = _story_scenario()
CELLS = ["%load_ext kdsl\nimport kdsl\nscenario = kdsl.load('whatif.kdsl')",
         'sw = kdsl.sweep(scenario, params={"nodes": [3, 4], "fail_at": "1m"}, seeds=6, workers=2)\nsw',
         'sw.plot("web_floor", by="nodes")',
         "kdsl.simulate(scenario, seed=0).measures()",
         "%%kdsl one --seed 0\n" + SCENARIO]
EXPECTS = ["always deployment shop/web available>=1 from $fail_at", "always deployment shop/api available>=1 from $fail_at"]

lab = themed_lab(CELLS, "sweep.ipynb", {"whatif.kdsl": SCENARIO})


def test_a_sweep_its_bar_table_and_chart_and_the_measures_in_jupyterlab(lab):
    theme, url = lab
    with lab_page(url, height=1400) as page:
        wait_for_charts(page)
        page.wait_for_selector(f"{OUT} .kdsl-sweep", timeout=240_000)
        dismiss_news(page)
        cells = page.locator(".jp-Notebook .jp-Cell")
        # The bar, finished: full, green, and the line below it says so, with the dashboard's link.
        # The bar, finished: full and green; its line counts the runs and has lost the link to the dashboard of
        # the cluster kdsl closed (a dead link would be the last thing a reader clicks).
        bar = page.locator(f"{OUT} .widget-hprogress").first
        assert bar.locator(".progress-bar-success").count() == 1, bar.evaluate("b => b.outerHTML")
        label = page.locator(f"{OUT} .kdsl-sweep-progress").first
        assert label.inner_text().strip() == "12 of 12 runs"
        sweep = page.locator(f"{OUT} .kdsl-sweep").first
        assert "12 runs (2 combinations of nodes, fail_at × 6 seeds) on 2 workers" in sweep.inner_text()
        assert "Dask dashboard" not in sweep.inner_text()
        table = sweep.locator("table").first
        heads = [" ".join(h.split()) for h in table.locator("thead th").all_inner_texts()]
        assert heads == ["nodes", "fail_at", "runs", "failed", "expect 1", "expect 2",
                         "on_worker_1 mean", "on_worker_1 middle 95%", "web_floor mean", "web_floor middle 95%"], heads
        legend = sweep.locator("ul.kdsl-sweep-legend").inner_text()
        assert all(f"expect {i}: {e}" in legend for i, e in enumerate(EXPECTS, 1)), legend
        assert [" ".join(c.split()) for c in table.locator("tbody tr").first.locator("td").all_inner_texts()][:6] == [
            "3", "1m", "6", "0", "50%", "100%"]
        cells.nth(1).screenshot(path=str(SHOTS / f"sweep-{theme}.png"))
        # The whole table in its box at 1,000 px.
        assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth + 1"), \
            table.evaluate("t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]")
        chart = page.locator(VEGA).first
        chart.scroll_into_view_if_needed()
        assert chart.locator("svg.marks, canvas").count() >= 1
        box = chart.locator("svg.marks, canvas").first.bounding_box()
        assert box is not None and 300 < box["width"] <= 900, box
        cells.nth(2).screenshot(path=str(SHOTS / f"sweep-chart-{theme}.png"))
        # One run's measures: a table, and again in the %%kdsl summary.
        measures = cells.nth(3).locator("table").first
        measures.scroll_into_view_if_needed()
        assert "web_floor" in measures.inner_text() and "on_worker_1" in measures.inner_text()
        cells.nth(3).screenshot(path=str(SHOTS / f"measures-{theme}.png"))
        summary = cells.nth(4).locator(".jp-OutputArea")
        results = summary.locator(".jp-OutputArea-output", has_text="expectations: 1 passed, 1 failed").first
        shown = summary.locator(".jp-OutputArea-output", has_text="web_floor").last
        shown.wait_for(state="visible", timeout=60_000)
        assert "3m50s" in shown.inner_text() and "on_worker_1" in shown.inner_text()
        results.scroll_into_view_if_needed()
        page.set_viewport_size({"width": 1000, "height": 2400})  # the summary's results and measures in one view
        results.evaluate("e => e.scrollIntoView()")
        box_r, box_m = results.bounding_box(), shown.bounding_box()
        page.screenshot(path=str(SHOTS / f"magic-measures-{theme}.png"),
                        clip={"x": 0, "y": box_r["y"] - 8, "width": 1000,
                              "height": box_m["y"] + box_m["height"] - box_r["y"] + 16})
