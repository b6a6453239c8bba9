"""The JupyterLab extension is built from the grammar's keywords, and the build in the tree is the current one."""

import importlib.util
import json
import os
from pathlib import Path

import pytest

from kdsl.lang.highlight import keywords

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "labextension"
BUILT = ROOT / "kdsl" / "labextension"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"kdsl_labextension_{name}", SOURCE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def built() -> Path:
    if not (BUILT / "package.json").is_file():
        message = f"the JupyterLab extension is not built ({BUILT}); `make setup` builds it"
        if os.environ.get("CI"):  # CI builds it in `make setup`, so there its absence is a failure
            pytest.fail(message)
        pytest.skip(message)
    return BUILT


def test_generated_module_lists_every_keyword_of_the_grammar():
    text = load("gen_keywords").render()
    listed = [line.strip().strip('",') for line in text.split("KEYWORDS: readonly string[] = [")[1]
              .split("];")[0].splitlines() if line.strip()]
    assert listed == list(keywords())
    assert {"deployment", "namespace", "container", "expect", "anti-affinity"} <= set(listed)
    assert "class" not in listed  # `class=` is an attribute, which Python's highlighting makes a keyword


def test_built_extension_is_current_and_carries_the_grammars_keywords(built):
    assert not load("build").stale(), "the built extension is older than its sources: run `make setup`"
    assert (SOURCE / "src" / "grammar.ts").read_text(encoding="utf-8") == load("gen_keywords").render()
    array = json.dumps(list(keywords()), separators=(",", ":"))
    assert any(array in p.read_text(encoding="utf-8") for p in (built / "static").glob("*.js"))


def test_one_name_for_the_extension(built):
    package = json.loads((SOURCE / "package.json").read_text(encoding="utf-8"))
    assert package["name"] == load("build").NAME == json.loads((built / "package.json").read_text())["name"]
    assert (SOURCE / package["jupyterlab"]["outputDir"]).resolve() == BUILT
    assert f'NAME = "{package["name"]}"' in (ROOT / "hatch_build.py").read_text(encoding="utf-8")
    install = json.loads((built / "install.json").read_text(encoding="utf-8"))
    assert install["packageName"] == "kdsl" and install["packageManager"] == "python"
