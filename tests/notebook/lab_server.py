"""JupyterLab on loopback for browser tests, started in a folder and stopped with its kernels; Chromium's flags."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

TOKEN = "kdsl-browser-test"
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}
CHROMIUM = "/usr/bin/chromium"
# As recipes.md found: without the background-networking flags Chromium keeps dialling out on a closed network.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(root: Path, scratch: Path, *options: str) -> Iterator[str]:
    """Serves `root` and yields the server's base URL; `scratch` holds its settings, workspaces and log."""
    port = free_port()
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.port_retries=0",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={root}",
           "--LabApp.news_url=None", f"--LabApp.workspaces_dir={scratch / 'workspaces'}",
           f"--LabApp.user_settings_dir={scratch / 'settings'}", *options]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(scratch / "runtime")}
    log_path = scratch / "lab.log"
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root)
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("JupyterLab did not start:\n" + log_path.read_text()) from None
                    time.sleep(0.3)
            yield base
        finally:
            server.terminate()  # JupyterLab shuts its kernels down on SIGTERM
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


def run_all_cells(page, url: str) -> None:
    """Opens the notebook at `url` in a Playwright page, waits for its kernel, closes the file browser (so the
    notebook has the window's width) and runs every cell."""
    page.goto(url)
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=90_000)
    page.wait_for_function(
        "() => (document.querySelector('#jp-main-statusbar')?.innerText || '').includes('| Idle')", timeout=90_000)
    page.locator(".jp-NotebookPanel .jp-Notebook").first.click()
    page.keyboard.press("Control+b")
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


@contextlib.contextmanager
def themed_notebook(tmp_path: Path, cells: list[str], name: str, theme: str,
                    files: dict | None = None) -> Iterator[str]:
    """JupyterLab in one theme (set in its user settings before it starts, so outputs are drawn in it) serving a
    notebook of `cells` beside `files` (name -> text); yields the notebook's URL."""
    import json

    import nbformat

    root = tmp_path / "nb"
    root.mkdir()
    for file, text in (files or {}).items():
        (root / file).write_text(text)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}})
    nbformat.write(nb, root / name)
    settings = tmp_path / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "themes.jupyterlab-settings").write_text(json.dumps({"theme": theme}))
    with jupyterlab(root, tmp_path) as base:
        yield f"{base}/lab/tree/{name}?token={TOKEN}"


def themed_lab(cells: list[str], name: str, files: dict | None = None):
    """A pytest fixture, once per theme of THEMES: (theme, URL) of a notebook of `cells` (themed_notebook)."""
    import pytest

    @pytest.fixture(params=list(THEMES))
    def lab(request, tmp_path):
        with themed_notebook(tmp_path, cells, name, THEMES[request.param], files) as url:
            yield request.param, url

    return lab


def dismiss_news(page) -> None:
    """Close JupyterLab's "notified about Jupyter news?" toast if it is up: it would cover a screenshot."""
    no_news = page.get_by_role("button", name="No", exact=True)
    if no_news.count():
        no_news.first.click()
        page.get_by_text("Would you like to get notified").wait_for(state="hidden", timeout=10_000)


@contextlib.contextmanager
def lab_page(url: str, width: int = 1000, height: int = 900) -> Iterator:
    """Debian's Chromium (Playwright) at `width` × `height` px with the notebook at `url` open and every cell run
    (run_all_cells); yields the page, and closes the browser after. Screenshots go to build/ (SHOTS made here)."""
    from playwright.sync_api import sync_playwright

    (Path(__file__).resolve().parents[2] / "build").mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            run_all_cells(page, url)
            yield page
        finally:
            browser.close()
