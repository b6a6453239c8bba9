"""kdsl highlighted while typed: in JupyterLab in Debian's Chromium, a `%%kdsl` cell and a .kdsl file carry the
jupyterlab-kdsl extension's token classes (not Python's), typing `%%kdsl` into a cell switches it to kdsl and
taking it out switches it back; blocks indent as `kdsl fmt` writes them; screenshots in the light and dark themes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest

from tests.notebook.lab_server import ARGS, CHROMIUM, TOKEN, jupyterlab

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = Path(__file__).with_name("highlight.kdsl")
SHOTS = ROOT / "build"
DOC_IMAGES = ROOT / "docs" / "images"
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
PYTHON_CELL = "from kdsl import simulate\nfor pod in sim.pods().itertuples():\n    print(pod.name, 3)"
# The spans a cell's editor shows, each with its classes: [[text, [class, ...]], ...].
SPANS = """([index, scope]) => {
  const root = scope ? document.querySelector(scope)
    : document.querySelectorAll('%s .jp-Notebook .jp-Cell')[index];
  return [...root.querySelectorAll('.cm-content .cm-line span')].map(s => [s.textContent, [...s.classList]]);
}""" % NOTEBOOK
# Marks CodeMirror adds on its own, whatever the language.
EDITOR_MARKS = {"cm-matchingBracket", "cm-nonmatchingBracket", "cm-selectionMatch", "cm-searchMatch",
                "cm-trailingSpace", "cm-highlightSpace"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason=f"Debian's Chromium is not installed ({CHROMIUM}); `apt-get install chromium`"),
]


def by_kind(spans) -> dict[str, list[str]]:
    """kdsl token kind (`keyword`, `attribute`, ...) -> the texts that carry it, in order."""
    kinds: dict[str, list[str]] = {}
    for text, classes in spans:
        for c in classes:
            if c.startswith("cm-kdsl-"):
                kinds.setdefault(c.removeprefix("cm-kdsl-"), []).append(text)
    return kinds


def styled(spans) -> list[tuple[str, list[str]]]:
    return [(text, classes) for text, classes in spans if set(classes) - EDITOR_MARKS]


def assert_kdsl(spans) -> dict[str, list[str]]:
    """Every highlighted token is kdsl's, with the kinds the scenario has."""
    foreign = [(t, c) for t, c in styled(spans) if not any(x.startswith("cm-kdsl-") for x in c)]
    assert not foreign, f"tokens highlighted by another language: {foreign}"
    kinds = by_kind(spans)
    assert {"namespace", "deployment", "container", "configmap", "env", "from", "ingress", "rule", "expect",
            "as", "in", "cannot", "at", "scale", "run"} <= set(kinds["keyword"]), kinds["keyword"]
    # `class=` is an attribute in kdsl, where Python would make it a bold keyword.
    assert "class" in kinds["attribute"] and "class" not in kinds["keyword"]
    assert {"replicas", "image", "cpu", "memory", "delay"} <= set(kinds["attribute"])
    assert {"3", "250m", "128Mi", "5s", "1m30s", "90s"} <= set(kinds["amount"]), kinds["amount"]
    assert '"info"' in kinds["string"] and '"""two' in kinds["string"] and 'lines"""' in kinds["string"]
    assert any(t.startswith("# The highlighting test's scenario") for t in kinds["comment"])
    return kinds


@pytest.fixture
def lab(tmp_path):
    root = tmp_path / "nb"
    root.mkdir()
    shutil.copy(SCENARIO, root / "scenario.kdsl")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("%%kdsl shop --until 3m\n" + SCENARIO.read_text().rstrip()),
                nbformat.v4.new_code_cell(PYTHON_CELL),
                nbformat.v4.new_code_cell("deployment web replicas=3")]
    nbformat.write(nb, root / "highlight.ipynb")
    with jupyterlab(root, tmp_path, "--LabApp.expose_app_in_browser=True") as base:
        yield base


def test_kdsl_cells_and_files_are_highlighted_by_the_extension(lab):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.goto(f"{lab}/lab/tree/highlight.ipynb?token={TOKEN}")
            page.wait_for_selector(f"{NOTEBOOK} .jp-Notebook .jp-Cell", timeout=90_000)
            # Language info arrives with the kernel and resets every code cell to Python: wait for it, so what
            # is checked is the state after that reset.
            page.wait_for_function(
                "() => (document.querySelector('#jp-main-statusbar')?.innerText || '').includes('| Idle')",
                timeout=90_000)
            page.wait_for_function(f"""() => {{
                const model = window.jupyterapp.shell.currentWidget.content.model;
                return model.getMetadata('language_info')?.name === 'python'
                  && model.cells.get(0).mimeType === 'text/x-kdsl'
                  && document.querySelector('{NOTEBOOK} .jp-Cell .cm-kdsl-keyword') !== null;
            }}""", timeout=30_000)

            spans = page.evaluate(SPANS, [0, None])
            kinds = assert_kdsl(spans)
            assert spans[0][0] == "%%kdsl" and "cm-kdsl-magic" in spans[0][1]
            assert kinds["option"] == ["--until"] and kinds["amount"][0] == "3m"

            python = styled(page.evaluate(SPANS, [1, None]))
            assert python and not by_kind(python), python
            assert {"from", "for", "in", "3"} <= {t for t, _ in python}

            # Typing the magic into a Python cell makes it kdsl; taking it out makes it Python again.
            editor = page.locator(f"{NOTEBOOK} .jp-Cell >> nth=2 >> .cm-content")
            assert "keyword" not in by_kind(page.evaluate(SPANS, [2, None]))
            editor.click()
            page.keyboard.press("Control+Home")
            page.keyboard.type("%%kdsl\n")
            page.wait_for_function(f"""() => [...document.querySelectorAll('{NOTEBOOK} .jp-Cell')[2]
                .querySelectorAll('.cm-kdsl-keyword')].some(s => s.textContent === 'deployment')""",
                                   timeout=15_000)
            typed = by_kind(page.evaluate(SPANS, [2, None]))
            assert typed["attribute"] == ["replicas"] and typed["amount"] == ["3"], typed
            # A block indents its body by two spaces, as `kdsl fmt` does, and typing `}` takes it back out.
            page.keyboard.press("Control+End")
            page.keyboard.type(" {\ncontainer app image=shop/app:1\n}")
            source = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.cells.get(2)"
                                   ".sharedModel.getSource()")
            assert source == "%%kdsl\ndeployment web replicas=3 {\n  container app image=shop/app:1\n}", source
            page.keyboard.press("Control+Home")
            page.keyboard.press("Shift+ArrowDown")
            page.keyboard.press("Delete")
            page.wait_for_function(f"""() => !document.querySelectorAll('{NOTEBOOK} .jp-Cell')[2]
                .querySelector('[class*="cm-kdsl-"]')""", timeout=15_000)
            assert not by_kind(page.evaluate(SPANS, [2, None]))

            no_news = page.get_by_role("button", name="No", exact=True)
            if no_news.count():  # the "notified about Jupyter news?" toast would cover the screenshot
                no_news.first.click()
                page.get_by_text("Would you like to get notified").wait_for(state="hidden", timeout=10_000)
            page.locator(f"{NOTEBOOK} .jp-Cell >> nth=0").click()
            page.keyboard.press("Escape")
            page.evaluate("() => window.jupyterapp.commands.execute('application:toggle-left-area')")
            panel = page.locator(NOTEBOOK)
            panel.screenshot(path=str(SHOTS / "highlight-light.png"))
            page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme', "
                          "{theme: 'JupyterLab Dark'})")
            page.wait_for_function("() => document.body.dataset.jpThemeName === 'JupyterLab Dark' "
                                   "&& document.body.dataset.jpThemeLight === 'false'", timeout=30_000)
            page.wait_for_timeout(500)  # the theme's stylesheet is applied after the attribute changes
            panel.screenshot(path=str(SHOTS / "highlight-dark.png"))

            page.goto(f"{lab}/lab/tree/scenario.kdsl?token={TOKEN}")
            page.wait_for_selector(".jp-FileEditor .cm-kdsl-keyword", timeout=90_000)
            assert_kdsl(page.evaluate(SPANS, [0, ".jp-FileEditor"]))
            page.screenshot(path=str(SHOTS / "highlight-file.png"))
        finally:
            browser.close()
    DOC_IMAGES.mkdir(exist_ok=True)
    for name in ("highlight-light.png", "highlight-dark.png"):
        shutil.copy(SHOTS / name, DOC_IMAGES / name)
