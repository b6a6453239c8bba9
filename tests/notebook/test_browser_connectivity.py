"""A real browser: the connectivity heat-map and the topology with policies in JupyterLab (Debian's Chromium,
1,000 px), light and dark: the heat-map drawn by JupyterLab's own Vega renderer with every label whole and its
legend, the policies' octagons and arrows in the inline SVG, the explorer's connectivity tab; screenshots in build/."""

from __future__ import annotations

from pathlib import Path

from tests.notebook.lab_server import dismiss_news, lab_page, themed_lab
from tests.notebook.test_browser import EXPLORER, OUT, ROOT, SHOTS, pytestmark  # noqa: F401
from tests.notebook.test_browser_charts import VEGA, wait_for_charts

SCENARIO = Path(__file__).resolve().parents[1] / "views" / "netpol.kdsl"
CELLS = ["import kdsl\nsim = kdsl.simulate(kdsl.load('netpol.kdsl'))",
         "sim.plot_connectivity()",
         "sim.topology(policies=True, legend=True)",
         "sim.explore()"]
LABELS = ["deployment monitoring/prometheus", "statefulset shop/db port 5432/TCP", "allowed for every pod pair",
          "denied for every pod pair", "allowed for k of n pod pairs (k/n)"]


lab = themed_lab(CELLS, "connectivity.ipynb", {"netpol.kdsl": SCENARIO.read_text()})


def test_connectivity_heatmap_and_policies_in_jupyterlab(lab):
    theme, url = lab
    with lab_page(url) as page:
        wait_for_charts(page)
        diagram = page.locator(f"{OUT} .kdsl-topology svg").first
        diagram.wait_for(state="visible", timeout=120_000)
        dismiss_news(page)
        chart = page.locator(VEGA).first
        chart.scroll_into_view_if_needed()
        box = chart.locator("svg.marks, canvas").first.bounding_box()
        assert box is not None and 400 < box["width"] <= 900, box  # fits the output area at 1,000 px
        if chart.locator("svg.marks").count():  # the SVG renderer: its words are in the page, whole
            words = chart.locator("svg.marks").first.inner_html()
            assert all(label in words for label in LABELS), words[:2000]
        chart.screenshot(path=str(SHOTS / f"connectivity-{theme}.png"))
        if theme == "light":  # docs/networking.md shows it, as the browser saw it
            chart.screenshot(path=str(ROOT / "docs" / "images" / "connectivity-light.png"))
        page.set_viewport_size({"width": 1000, "height": 1600})  # the whole diagram in view, still 1,000 px wide
        diagram.scroll_into_view_if_needed()
        text = diagram.inner_html()
        assert "NetworkPolicy" in text and "ingress http" in text
        assert diagram.bounding_box()["width"] <= 1000
        drawing = page.locator(f"{OUT} .kdsl-topology").first
        drawing.screenshot(path=str(SHOTS / f"topology-policies-{theme}.png"))
        if theme == "dark":
            drawing.screenshot(path=str(ROOT / "docs" / "images" / "topology-policies-dark.png"))
        # The explorer's connectivity tab: the heat-map at the slider's moment, its words in the theme's colour.
        explorer = page.locator(EXPLORER).first
        explorer.scroll_into_view_if_needed()
        page.locator(f"{EXPLORER} .noUi-handle").first.focus()
        page.keyboard.press("End")
        page.wait_for_function("s => document.querySelector(s)?.innerText.trim() === '1m'",
                               arg=f"{EXPLORER} .widget-readout", timeout=60_000)
        page.locator(f"{EXPLORER} .lm-TabBar-tab", has_text="connectivity").click()
        heat = page.locator(f"{EXPLORER} .kdsl-heatmap svg").first
        heat.wait_for(state="visible", timeout=60_000)
        assert "statefulset shop/db port 5432/TCP" in heat.inner_html()
        assert heat.bounding_box()["width"] <= 1000
        explorer.screenshot(path=str(SHOTS / f"connectivity-explorer-{theme}.png"))
