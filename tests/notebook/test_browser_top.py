"""A real browser: `sim.top()` and `sim.top_nodes()` in JupyterLab (Debian's Chromium, 1,000 px), light and dark:
kubectl's columns, the quantities right-aligned and sorted by value, `<unknown>` shown as kubectl's; screenshots in
build/."""

from __future__ import annotations

from tests.notebook.lab_server import dismiss_news, lab_page, themed_lab
from tests.notebook.test_browser import OUT, SHOTS, pytestmark  # noqa: F401
from tests.views.test_top import USAGE

CELLS = [f"import kdsl\nsim = kdsl.simulate(kdsl.load({str(USAGE)!r}))", "sim.top(at='4m15s')",
         "sim.top_nodes(at='3m30s')"]
TABLES = f"{OUT} .kdsl-tables table.kdsl-table"

lab = themed_lab(CELLS, "top.ipynb")  # JupyterLab in each theme, serving a notebook of the two tables


def _column(table, name: str) -> list[str]:
    return table.evaluate("""(t, name) => {
        const i = [...t.querySelectorAll("thead th")].findIndex(th => th.innerText.trim() === name);
        return [...t.querySelectorAll("tbody tr")].map(r => r.children[i].innerText.trim());
    }""", name)


def test_top_tables_in_jupyterlab(lab):
    theme, url = lab
    with lab_page(url) as page:
        page.wait_for_function(f"() => document.querySelectorAll('{TABLES}').length >= 2", timeout=120_000)
        pods, nodes = page.locator(TABLES).nth(0), page.locator(TABLES).nth(1)
        assert [h.strip() for h in pods.locator("thead th").all_inner_texts()] == [
            "NAMESPACE", "NAME", "CPU(cores)", "MEMORY(bytes)"]
        assert _column(nodes, "CPU(cores)")[-1] == "<unknown>"
        # quantities are numbers: right-aligned, and a click sorts 60m before 1010m and 1500m
        cell = pods.locator("tbody td", has_text="1500m").first
        assert cell.evaluate("c => getComputedStyle(c).textAlign") == "right"
        pods.locator("thead th", has_text="CPU(cores)").click()
        page.wait_for_function("t => t.querySelector('tbody tr td:nth-child(3)').innerText.trim() === '60m'",
                               arg=pods.element_handle(), timeout=10_000)
        assert _column(pods, "CPU(cores)") == ["60m", "60m", "1010m", "1500m"]
        dismiss_news(page)
        pods.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"top-{theme}.png"))
