"""A real browser: `sim.journey(pod)` and its swim-lane chart in JupyterLab (Debian's Chromium, 1,000 px), light
and dark: the steps table fits the output area with its messages whole; screenshots in build/."""

from __future__ import annotations

from tests.notebook.lab_server import dismiss_news, lab_page, themed_lab
from tests.notebook.test_browser import OUT, ROOT, SHOTS, pytestmark  # noqa: F401

CELLS = ["import kdsl\nsim = kdsl.simulate(kdsl.load('shop.kdsl'))", "sim.journey('shop/db-0')",
         "sim.journey('shop/db-0').chart()"]
TABLE = f"{OUT} table"

lab = themed_lab(CELLS, "journey.ipynb", {"shop.kdsl": (ROOT / "examples" / "shop.kdsl").read_text()})


def test_a_journey_and_its_lanes_show_in_jupyterlab(lab):
    theme, url = lab
    with lab_page(url) as page:
        page.wait_for_function(f"() => document.querySelectorAll('{TABLE}').length >= 1", timeout=120_000)
        table = page.locator(TABLE).first
        heads = [h.strip() for h in table.locator("thead th").all_inner_texts()]
        assert heads[-4:] == ["TIME", "COMPONENT", "STAGE", "STEP"]
        text = table.inner_text()
        assert "stores the pod as resourceVersion" in text and "…" not in text
        # the whole table in its box at 1,000 px: nothing read by scrolling sideways
        assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth"), \
            table.evaluate("t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]")
        # JupyterLab shows an SVG output as an image of it (RenderedSVG), not as inline markup
        chart = page.locator(f"{OUT} img[src^='data:image/svg+xml']").first
        chart.wait_for(state="visible", timeout=60_000)
        assert chart.evaluate("i => i.naturalWidth > 0 && i.getBoundingClientRect().right <= 1000"), \
            chart.bounding_box()
        dismiss_news(page)
        cells = page.locator(".jp-Notebook .jp-Cell")
        cells.nth(1).scroll_into_view_if_needed()
        cells.nth(1).screenshot(path=str(SHOTS / f"journey-{theme}.png"))
        cells.nth(2).scroll_into_view_if_needed()
        cells.nth(2).screenshot(path=str(SHOTS / f"journey-chart-{theme}.png"))
