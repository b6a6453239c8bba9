"""A real browser: the explorer's pod inspector and its journey tab in JupyterLab (Debian's Chromium, 1,000 px),
light and dark: the steps up to the slider's moment fit the output area, the swim lanes beneath; screenshots in
build/."""

from __future__ import annotations

from tests.notebook.lab_server import dismiss_news, lab_page, themed_lab
from tests.notebook.test_browser import EXPLORER, ROOT, SHOTS, pytestmark  # noqa: F401

CELLS = ["import kdsl\nsim = kdsl.simulate(kdsl.load('lab.kdsl'))", "sim.explore()"]
JOURNEY = f"{EXPLORER} .kdsl-page:has(h4.kdsl-outcome)"

lab = themed_lab(CELLS, "explorer-journey.ipynb", {"lab.kdsl": (ROOT / "tests" / "notebook" / "lab.kdsl").read_text()})


def test_the_inspector_journey_tab_shows_in_jupyterlab(lab):
    theme, url = lab
    with lab_page(url, height=1600) as page:
        page.locator(f"{EXPLORER} .noUi-handle").first.wait_for(state="visible", timeout=120_000)
        page.locator(f"{EXPLORER} .lm-TabBar-tab", has_text="inspect pod").click()
        page.locator(f"{EXPLORER} select").last.select_option("demo/web")
        page.locator(f"{EXPLORER} .lm-TabBar-tab", has_text="journey").click()
        outcome = page.locator(f"{JOURNEY} h4.kdsl-outcome")
        outcome.filter(has_text="journey of pod demo/web to 0s: Pending").wait_for(state="visible", timeout=30_000)
        page.locator(f"{EXPLORER} .noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")  # the next moment, 1s: the kubelet starts web and it is Ready
        outcome.filter(has_text="journey of pod demo/web to 1s: Ready").wait_for(state="visible", timeout=30_000)
        table = page.locator(f"{JOURNEY} .kdsl-tables table").first
        text = table.inner_text()
        assert "creates the pod sandbox (RunPodSandbox)" in text and "NodeNotReady" not in text  # not yet at 1s
        assert [h.strip() for h in table.locator("thead th").all_inner_texts()] == ["TIME", "COMPONENT", "STAGE",
                                                                                     "STEP"]
        # the whole table in its box at 1,000 px: nothing read by scrolling sideways
        assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth"), \
            table.evaluate("t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]")
        # the whole table, not cut by a box of its own height: the steps at the moment come last
        assert table.evaluate("t => t.parentElement.scrollHeight <= t.parentElement.clientHeight")
        toggle = page.locator(f"{EXPLORER} button", has_text="every filter and score")  # by role: hidden ones go
        assert toggle.count() == 1 and not toggle.is_visible()  # the verdicts' toggle: hidden on the journey
        assert page.get_by_role("button", name="next change ▶").is_visible()  # and only it
        # the swim lanes beneath, inside the window's width
        chart = page.locator(f"{JOURNEY} .kdsl-journey-chart svg").first
        chart.wait_for(state="visible", timeout=30_000)
        box = chart.bounding_box()
        assert box["y"] > table.bounding_box()["y"] and box["x"] + box["width"] <= 1000, box
        dismiss_news(page)
        explorer = page.locator(EXPLORER).first
        explorer.scroll_into_view_if_needed()
        explorer.screenshot(path=str(SHOTS / f"explorer-journey-{theme}.png"))
    assert (SHOTS / f"explorer-journey-{theme}.png").stat().st_size > 10_000
