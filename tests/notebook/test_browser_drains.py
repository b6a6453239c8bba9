"""A real browser: `sim.drains()` and `sim.events()` of tutorial 09's scenario in JupyterLab (Debian's Chromium,
1,000 px), light and dark: the drains table fits the output area (no sideways scroll to reach ERROR) and no line
breaks inside `--force` or a pod's name; screenshots in build/."""

from __future__ import annotations

from pathlib import Path

from tests.notebook.lab_server import dismiss_news, lab_page, themed_lab
from tests.notebook.test_browser import OUT, SHOTS, pytestmark  # noqa: F401

SCENARIO = Path(__file__).with_name("maintenance.kdsl")  # tutorial 09's cluster, policies and drains
CELLS = ["import kdsl\nsim = kdsl.simulate(kdsl.load('maintenance.kdsl'))", "sim.drains()",
         "sim.events(namespace='shop').tail(12)"]
TABLES = f"{OUT} .kdsl-interactive table.kdsl-table"


lab = themed_lab(CELLS, "drains.ipynb", {"maintenance.kdsl": SCENARIO.read_text()})


def test_drains_fit_and_no_word_breaks_at_a_hyphen(lab):
    theme, url = lab
    with lab_page(url) as page:
        page.wait_for_function(f"() => document.querySelectorAll('{TABLES}').length >= 2", timeout=120_000)
        drains, events = page.locator(TABLES).nth(0), page.locator(TABLES).nth(1)
        assert [h.strip() for h in drains.locator("thead th").all_inner_texts()] == [
            "NODE", "STARTED", "FINISHED", "OUTCOME", "EVICTED", "RETRIES", "ERROR"]  # no empty IGNORED
        # The whole table in its box at 1,000 px: ERROR is read without scrolling sideways.
        assert drains.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth"), \
            drains.evaluate("t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]")
        # A word with a hyphen is one box on one line, where its cell wraps round it.
        flag = drains.locator(".kdsl-word", has_text="--force")
        assert flag.evaluate("w => w.getClientRects().length") == 1
        assert flag.evaluate("w => w.closest('td').getClientRects()[0].height > 2 * w.getClientRects()[0].height")
        words = events.locator("td.kdsl-wrap .kdsl-word")
        rects = words.evaluate_all("ws => ws.map(w => w.getClientRects().length)")
        assert rects and set(rects) == {1}
        dismiss_news(page)
        drains.scroll_into_view_if_needed()
        page.locator(".jp-Notebook .jp-Cell").nth(1).screenshot(path=str(SHOTS / f"drains-{theme}.png"))
