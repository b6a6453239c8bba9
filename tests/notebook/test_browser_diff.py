"""`sim.diff(t1, t2)` in a real JupyterLab (Debian's Chromium, 1,000 px): the table fits, long values wrap whole."""

from __future__ import annotations

import shutil

import nbformat

from tests.notebook.lab_server import run_all_cells
from tests.notebook.test_browser import ARGS, CHROMIUM, NOTEBOOK, OUT, ROOT, SHOTS, lab, pytestmark  # noqa: F401

TABLE = f"{OUT} .kdsl-tables table.kdsl-table"


def _notebook(path) -> None:
    shutil.copy(ROOT / "examples" / "shop.kdsl", path.parent)  # loaded by a relative name, as a reader would
    cells = ['import kdsl\nsim = kdsl.simulate(kdsl.load("shop.kdsl"))',
             'sim.diff("1m", "6m", namespace="shop", kind="EndpointSlice")']
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def test_a_diff_fits_1000_px_and_its_long_values_wrap(lab, tmp_path):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    _notebook(tmp_path / "nb" / "diff.ipynb")
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            run_all_cells(page, lab.replace(NOTEBOOK.name, "diff.ipynb"))
            table = page.locator(TABLE).first
            table.wait_for(state="visible", timeout=120_000)
            heads = [h.strip() for h in table.locator("thead th").all_inner_texts()]
            assert heads == ["CHANGE", "KIND", "NAME", "FIELD", "OLD", "NEW"]
            item = table.locator("td.kdsl-wrap", has_text='"targetRef": {"kind": "Pod"').first
            assert len(item.inner_text()) > 150 and "…" not in item.inner_text()  # an endpoint, whole
            box, table_box = item.bounding_box(), table.bounding_box()
            assert box["x"] + box["width"] <= 1000 and table_box["x"] + table_box["width"] <= 1000
            assert item.evaluate("c => c.scrollWidth <= c.clientWidth")  # nothing hidden inside the cell
            no_news = page.get_by_role("button", name="No", exact=True).first
            try:  # the "official Jupyter news?" toast, which comes late, would cover the screenshot
                no_news.click(timeout=5_000)
            except PlaywrightTimeout:
                pass
            table.scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "diff.png"))  # docs/images/diff.png is a copy
        finally:
            browser.close()
