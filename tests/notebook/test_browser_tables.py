"""Interactive tables in a real JupyterLab (Debian's Chromium, 1,000 px): a click on a header sorts by duration,
and a message longer than 200 characters is shown whole."""

from __future__ import annotations

import nbformat
import pytest

from tests.notebook.lab_server import run_all_cells
from tests.notebook.test_browser import ARGS, CHROMIUM, NOTEBOOK, OUT, SHOTS, lab, pytestmark  # noqa: F401
from tests.views.conftest import LAB

TABLES = f"{OUT} .kdsl-tables"


def _notebook(path) -> None:
    cells = [f"import kdsl\nsim = kdsl.simulate(kdsl.load({str(LAB)!r}))", "sim.events()",
             'sim.conditions(namespace="default")']
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def _column(table, name: str) -> list[str]:
    """The shown cells of one column, in the order the page shows them."""
    return table.evaluate("""(t, name) => {
        const i = [...t.querySelectorAll("thead th")].findIndex(th => th.innerText.trim().replace(/\\s+/g, " ") === name);
        return [...t.querySelectorAll("tbody tr")].map(r => r.children[i].innerText.trim());
    }""", name)


def test_a_click_sorts_by_duration_and_long_messages_are_whole(lab, tmp_path):
    from playwright.sync_api import sync_playwright

    _notebook(tmp_path / "nb" / "tables.ipynb")
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            run_all_cells(page, lab.replace(NOTEBOOK.name, "tables.ipynb"))
            page.locator(f"{TABLES}.kdsl-interactive").nth(1).wait_for(state="attached", timeout=120_000)

            events = page.locator(f"{TABLES} table.kdsl-table").first
            assert _column(events, "TIME")[0] == "0s"
            # LAST SEEN ascending: by duration 70s comes first (as text, "2m53s" would)
            events.locator("thead th", has_text="LAST SEEN").click()
            page.wait_for_function("t => t.querySelector('tbody td:nth-child(2)').innerText.trim() === '70s'",
                                   arg=events.element_handle(), timeout=10_000)
            assert _column(events, "TIME")[:2] == ["1m50s", "1m50s"]  # the latest events are the youngest
            events.locator("thead th", has_text="TIME").click()
            events.locator("thead th", has_text="TIME").click()  # the second click sorts descending
            page.wait_for_function("t => t.querySelector('tbody td:nth-child(3)').innerText.trim() === '1m50s'",
                                   arg=events.element_handle(), timeout=10_000)

            conditions = page.locator(f"{TABLES} table.kdsl-table").nth(1)
            conditions.scroll_into_view_if_needed()
            message = max(_column(conditions, "MESSAGE"), key=len)
            assert len(message) > 200 and "…" not in message and message.endswith("scheduling.")
            cell = conditions.locator("td.kdsl-wrap", has_text="preemption").first
            box, table_box = cell.bounding_box(), conditions.bounding_box()
            assert box["x"] + box["width"] <= 1000 and table_box["width"] <= 1000  # wrapped, not off-screen
            assert cell.evaluate("c => c.scrollWidth <= c.clientWidth")  # nothing hidden inside the cell
            no_news = page.get_by_role("button", name="No", exact=True)
            if no_news.count():  # the "notified about Jupyter news?" toast would cover the screenshot
                no_news.first.click()
            events.scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "tables-sorted.png"))
        finally:
            browser.close()
