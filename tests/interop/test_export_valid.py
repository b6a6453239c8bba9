"""Every export of every test scenario, example and notebook story passes kubernetes-validate strict."""

from __future__ import annotations

import runpy
from pathlib import Path

import kubernetes_validate as kv
import pytest

import kdsl
from kdsl.interop import to_manifests

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "tests/scenarios").glob("*.kdsl")) + sorted((ROOT / "examples").glob("*.kdsl"))


def stories() -> list:
    """The scenario of each `%%kdsl` cell of the notebooks' stories (notebooks/stories/*.py, CELLS)."""
    out = []
    for path in sorted((ROOT / "notebooks/stories").glob("*.py")):
        cells = runpy.run_path(str(path))["CELLS"]
        for i, (kind, text) in enumerate(cells):
            text = text.strip("\n")
            if kind == "code" and text.startswith("%%kdsl"):
                out.append(pytest.param(text.split("\n", 1)[1], id=f"{path.stem}-cell{i}"))
    return out


def valid(scenario) -> int:
    checked = 0
    for obj, m in zip(tuple(scenario.nodes) + tuple(scenario.objects), to_manifests(scenario)):
        if getattr(obj, "manifest_kind", None) and not obj.served:
            continue  # a CRD or a removed API, exported as written: no schema to check it against
        kv.validate(m, "1.33", strict=True)
        checked += 1
    return checked


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_every_scenario_file_exports_valid_manifests(path):
    assert valid(kdsl.load(path)) > 0


STORIES = stories()


@pytest.mark.parametrize("text", STORIES)
def test_every_notebook_story_exports_valid_manifests(text):
    assert valid(kdsl.parse(text)) > 0


def test_the_stories_have_scenarios():
    assert len(STORIES) >= 7
