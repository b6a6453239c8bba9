"""A real browser: JupyterLab on loopback, a tutorial run in Debian's Chromium through Playwright; the table,
the topology image and the explorer's slider render, and moving the slider changes the explorer's table."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.notebook.lab_server import TOKEN, serve

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
NOTEBOOK = ROOT / "notebooks" / "01-pods.ipynb"
SHOTS = ROOT / "build"
# As recipes.md found: without the background-networking flags Chromium keeps dialling out on a closed network.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
OUT = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output"
EXPLORER = f"{OUT} .kdsl-explorer"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason=f"Debian's Chromium is not installed ({CHROMIUM}); `apt-get install chromium` "
                              "(.ci/run installs it, so CI runs this test)"),
]


@pytest.fixture
def lab(tmp_path):
    """JupyterLab on 127.0.0.1 serving a copy of the tutorial; stopped (with its kernels) by SIGTERM."""
    root = tmp_path / "nb"
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    with serve(root, tmp_path) as base:
        yield f"{base}/lab/tree/{NOTEBOOK.name}?token={TOKEN}"


def test_tutorial_in_jupyterlab_renders_and_the_explorer_slider_moves(lab):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(lab)
            page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=90_000)
            # Run All is silently ignored until the kernel is connected and idle (recipes.md, pitfall 2).
            page.wait_for_function(
                "() => (document.querySelector('#jp-main-statusbar')?.innerText || '').includes('| Idle')",
                timeout=90_000)
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()

            page.locator(f"{OUT} table.dataframe").first.wait_for(state="visible", timeout=120_000)
            # JupyterLab shows image/svg+xml as an <img> inside the output element itself.
            page.locator(f"{OUT}.jp-RenderedSVG img").first.wait_for(state="visible", timeout=120_000)
            slider = page.locator(f"{EXPLORER} .widget-slider").first
            slider.wait_for(state="visible", timeout=120_000)
            table = page.locator(f"{EXPLORER} table.dataframe").first
            table.wait_for(state="visible", timeout=60_000)
            readout = page.locator(f"{EXPLORER} .widget-readout").first
            assert readout.inner_text().strip() == "5m"
            before = table.inner_text()
            assert "huge" in before and "Unschedulable" not in readout.inner_text()
            no_news = page.get_by_role("button", name="No", exact=True)
            if no_news.count():  # the "notified about Jupyter news?" toast would cover the screenshot
                no_news.first.click()
                page.get_by_text("Would you like to get notified").wait_for(state="hidden", timeout=10_000)
            page.screenshot(path=str(SHOTS / "explorer-end.png"))

            page.locator(f"{EXPLORER} .noUi-handle").first.focus()
            page.keyboard.press("Home")  # the first moment: the pods were just created
            page.wait_for_function(
                "([sel, old]) => { const t = document.querySelector(sel); return t && t.innerText !== old; }",
                arg=[f"{EXPLORER} table.dataframe", before], timeout=30_000)
            assert readout.inner_text().strip() == "0s"
            after = table.inner_text()
            assert after != before and "Pending" in after
            page.screenshot(path=str(SHOTS / "explorer-start.png"))
            page.screenshot(path=str(SHOTS / "jupyterlab-tutorial.png"), full_page=True)
        finally:
            browser.close()
    assert (SHOTS / "explorer-start.png").stat().st_size > 10_000
