"""`kdsl dashboard` for real: the shop served by Voilà, opened in Debian's Chromium through Playwright. The title,
the expectations table and the explorer render with no code shown; the explorer's slider (a widget, so this also
proves the pinned ipywidgets render under Voilà) moves its table; Ctrl-C stops Voilà and its kernels and removes
the temporary directory. SIGTERM does the same without a browser."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from kdsl.notebook.voila import children, free_port

ROOT = Path(__file__).resolve().parents[2]
SHOP = "examples/shop.kdsl"
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "build"
DOC_SHOT = ROOT / "docs" / "images" / "dashboard.png"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.slow


class Dashboard:
    """`kdsl dashboard` as a person starts it, in the repository, with its standard output read line by line."""

    def __init__(self, tmp_path: Path, port: int):
        self.port = port
        self.err = tmp_path / "dashboard.err"
        with open(self.err, "wb") as err:
            self.process = subprocess.Popen([sys.executable, "-m", "kdsl.cli", "dashboard", SHOP, "--port", str(port)],
                                            cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(ln) for ln in self.process.stdout], daemon=True).start()

    def first_line(self, timeout: float = 300) -> str:
        try:
            return self.lines.get(timeout=timeout).rstrip("\n")
        except queue.Empty:
            raise AssertionError(f"no address printed in {timeout}s:\n{self.err.read_text()}") from None

    @property
    def voila(self) -> int:
        (pid,) = children(self.process.pid)
        return pid

    def stop(self, sig: int) -> int:
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=120)
        finally:
            if self.process.poll() is None:
                self.process.kill()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def notebook_dir(voila: int) -> Path:
    args = Path(f"/proc/{voila}/cmdline").read_bytes().split(b"\0")
    return Path(next(a.decode() for a in args if a.endswith(b".ipynb"))).parent


@pytest.fixture
def dashboard(tmp_path):
    d = Dashboard(tmp_path, free_port())
    yield d
    if d.process.poll() is None:
        d.process.kill()
        d.process.wait()


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Debian's Chromium is not installed ({CHROMIUM})")
def test_the_dashboard_in_chromium_shows_expectations_and_a_working_explorer_and_no_code(dashboard):
    from playwright.sync_api import sync_playwright

    url = f"http://127.0.0.1:{dashboard.port}/"
    assert dashboard.first_line() == f"kdsl dashboard: serving {SHOP} at {url} (Ctrl-C to stop)"
    voila = dashboard.voila
    served = notebook_dir(voila)
    assert served.is_dir() and (served.stat().st_mode & 0o777) == 0o700
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.goto(url, timeout=300_000)
            slider = page.locator(".widget-slider").first
            slider.wait_for(state="visible", timeout=300_000)
            kernels = children(voila)
            assert kernels, "a page being shown has a kernel"
            for pid in kernels:  # this interpreter, so the same kdsl
                assert Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode() == sys.executable

            assert page.locator("h1").first.inner_text().strip() == "shop-demo"
            expectations = page.locator("table", has_text="EXPECT").first
            expectations.wait_for(state="visible", timeout=60_000)
            assert "expect deployment shop/web available=3 by 90s" in expectations.inner_text()
            assert page.get_by_text("9 passed, 0 failed").is_visible()
            # No code: Voilà strips the sources, so no input area and no line of the cells reaches the page.
            assert page.locator(".jp-InputArea, .jp-InputPrompt, .cm-editor, .CodeMirror").count() == 0
            html = page.content()
            for code in ("open_scenario", "sim.explore()", "import kdsl", str(ROOT / SHOP)):
                assert code not in html
            assert "s3cr3t" not in html  # the shop's secret

            # The explorer's table is the one inside the widget; move the slider with the keyboard.
            table = page.locator(".jupyter-widgets table").first
            table.wait_for(state="visible", timeout=60_000)
            page.set_viewport_size({"width": 1000, "height": 2400})  # Voilà scrolls inside the page: no full_page
            page.screenshot(path=str(SHOTS / "dashboard.png"))
            page.set_viewport_size({"width": 1000, "height": 900})
            before, readout = table.inner_text(), page.locator(".widget-readout").first.inner_text()
            handle = page.locator(".noUi-handle").first
            at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
            handle.focus()
            page.keyboard.press("Home" if at_end else "End")
            page.wait_for_function(
                "old => document.querySelector('.jupyter-widgets table')?.innerText !== old",
                arg=before, timeout=60_000)
            assert page.locator(".widget-readout").first.inner_text() != readout
            assert table.inner_text() != before
            if at_end:  # the documented picture shows the end of the run
                moved = table.inner_text()
                handle.focus()
                page.keyboard.press("End")
                page.wait_for_function(
                    "old => document.querySelector('.jupyter-widgets table')?.innerText !== old", arg=moved,
                    timeout=60_000)
            page.evaluate("window.scrollTo(0, 0)")
            DOC_SHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(DOC_SHOT))
            # Ctrl-C while the page is open: its kernel is connected, so only the shutdown can stop it.
            assert dashboard.stop(signal.SIGINT) == 0
        finally:
            browser.close()
    assert not alive(voila) and not [pid for pid in kernels if alive(pid)]
    assert not served.exists()
    assert "stopping Voilà and its kernels" in dashboard.err.read_text()


def test_sigterm_stops_voila_and_the_kernel_of_an_open_page(dashboard):
    url = f"http://127.0.0.1:{dashboard.port}/"
    assert dashboard.first_line().endswith(f"at {url} (Ctrl-C to stop)")
    voila = dashboard.voila
    served = notebook_dir(voila)
    # A page being read holds a kernel; a GET runs the notebook in one (the response ends when the cells ran).
    with urllib.request.urlopen(url, timeout=300) as response:
        page = response.read().decode()
    assert "shop-demo" in page and "Expectations" in page and "open_scenario" not in page
    deadline = time.monotonic() + 60
    while not children(voila) and time.monotonic() < deadline:
        time.sleep(0.5)
    kernels = children(voila)
    assert kernels
    assert dashboard.stop(signal.SIGTERM) == 0
    assert not alive(voila) and not [pid for pid in kernels if alive(pid)]
    assert not served.exists()
