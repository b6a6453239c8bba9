"""A real browser: the four charts of the shop example rendered by JupyterLab's own Vega renderer (no CDN) in
Debian's Chromium at 1,000 px, in the light and the dark theme; screenshots of each land in build/."""

from __future__ import annotations

import os

import pytest

from tests.notebook.lab_server import THEMES, themed_notebook
from tests.notebook.test_browser import ARGS, CHROMIUM, OUT, ROOT, SHOTS

DOC_SHOTS = {("lifecycle", "light"), ("workload", "dark")}

SHOP = ROOT / "examples" / "shop.kdsl"
CELLS = ["import kdsl\nsim = kdsl.simulate(kdsl.load('shop.kdsl'))",
         "sim.plot_phases()",
         "sim.plot_workload('deployment shop/web', at='3m')",
         "sim.plot_endpoints('shop/web')",
         "sim.plot_lifecycle(at='2m50s')"]
KINDS = ["phases", "workload", "endpoints", "lifecycle"]
# JupyterLab puts its renderer class on the output element itself, as it does for SVG.
VEGA = f"{OUT}.jp-RenderedVegaCommon5"

def wait_for_charts(page, count: int = 1) -> None:
    """Wait until JupyterLab's Vega renderer has drawn `count` charts (as SVG or on a canvas)."""
    drawn = f"{VEGA} svg.marks, {VEGA} canvas"
    page.wait_for_function(f"() => document.querySelectorAll('{drawn}').length >= {count}", timeout=300_000)


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Debian's Chromium is not installed ({CHROMIUM})"),
]


@pytest.fixture(params=list(THEMES))
def lab(request, tmp_path):
    """JupyterLab on 127.0.0.1 in one theme (set in its user settings before it starts, so the charts are
    drawn in it), serving a notebook of the four charts; stopped with its kernels by SIGTERM."""
    files = {"shop.kdsl": SHOP.read_text()}
    with themed_notebook(tmp_path, CELLS, "charts.ipynb", THEMES[request.param], files) as url:
        yield request.param, url


def test_the_four_charts_render_in_jupyterlab(lab):
    from playwright.sync_api import sync_playwright

    theme, url = lab
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(url)
            page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=90_000)
            page.wait_for_function(
                "() => (document.querySelector('#jp-main-statusbar')?.innerText || '').includes('| Idle')",
                timeout=180_000)
            assert page.evaluate("document.body.dataset.jpThemeLight") == ("true" if theme == "light" else "false")
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            # The file browser closed, as a reader at 1,000 px would: the output area is then ~880 px wide.
            page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").first.click()
            # vega-embed draws the Vega spec inside JupyterLab's own Vega output (an SVG, or a canvas).
            charts = page.locator(VEGA)
            wait_for_charts(page, len(KINDS))
            assert charts.count() == len(KINDS)
            no_news = page.get_by_role("button", name="No", exact=True)
            if no_news.count():  # the "notified about Jupyter news?" toast would cover a chart
                no_news.first.click()
            for i, kind in enumerate(KINDS):
                out = charts.nth(i)
                out.scroll_into_view_if_needed()
                box = out.locator("svg.marks, canvas").first.bounding_box()
                assert box is not None and 500 < box["width"] <= 900, (kind, box)
                out.screenshot(path=str(SHOTS / f"chart-{kind}-{theme}.png"))
                if (kind, theme) in DOC_SHOTS:  # docs/jupyter.md shows these, as the browser saw them
                    out.screenshot(path=str(ROOT / "docs" / "images" / f"chart-{kind}-{theme}.png"))
            # The workload chart's rule at 3m carries its label, drawn by Vega from the kept spec.
            page.screenshot(path=str(SHOTS / f"charts-{theme}.png"))
            assert not [u for u in requests if not u.startswith("http://127.0.0.1")], "a request left the machine"
        except Exception:
            page.screenshot(path=str(SHOTS / f"charts-{theme}-failed.png"))
            raise
        finally:
            browser.close()
    assert (SHOTS / f"chart-workload-{theme}.png").stat().st_size > 10_000
