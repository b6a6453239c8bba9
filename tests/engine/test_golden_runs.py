"""Every example, tutorial and test scenario runs to the same event log, writes and final store as golden files
recorded before the speed work (issue 15): the safety net that makes an optimisation prove it changes nothing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import kdsl
from kdsl.engine.simulation import Simulation
from tests.golden import check_golden

ROOT = Path(__file__).resolve().parents[2]
# Whole scenarios only: tests/lang/samples holds fragments, tests/corpus holds YAML, tests/golden holds outputs.
SCENARIO_DIRS = ["examples", "docs/examples", "tests/scenarios", "tests/engine", "tests/model/language",
                 "tests/notebook", "tests/views", "tests/interop"]


def _files() -> list[tuple[str, str]]:
    found = []
    for folder in SCENARIO_DIRS:
        for path in sorted((ROOT / folder).rglob("*.kdsl")):
            rel = path.relative_to(ROOT).as_posix()
            found.append((rel.removesuffix(".kdsl"), path.read_text(encoding="utf-8")))
    return found


def _stories() -> list[tuple[str, str]]:
    """The `%%kdsl` cells of the tutorials (notebooks/stories), as the magic reads them: the lines after the first."""
    found = []
    for story in sorted((ROOT / "notebooks" / "stories").glob("[0-9]*.py")):
        spec = importlib.util.spec_from_file_location(f"story_{story.stem}", story)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cells = [src.strip() for kind, src in module.CELLS if kind == "code" and src.strip().startswith("%%kdsl")]
        for i, cell in enumerate(cells):
            found.append((f"notebooks/{story.stem}-{i}", cell.split("\n", 1)[1]))
    return found


SCENARIOS = _files() + _stories()


def run_text(scenario: kdsl.Scenario) -> str:
    """A run in a stable text form, one line an entry: the event log, every store write, every final object."""
    sim = Simulation(scenario).run()
    lines = ["# events", *sim.log.text().splitlines(), "# writes"]
    lines += [f"{c.time_ms} {c.resource_version} {c.op} {c.key[0]} {c.key[1] or '-'}/{c.key[2]}"
              for c in sim.store.history]
    lines += ["# store", *(repr(obj) for obj in sim.store)]
    return "\n".join(lines) + "\n"


def test_the_net_holds_every_kind_of_scenario():
    names = [n for n, _ in SCENARIOS]
    assert sum(n.startswith("notebooks/") for n in names) >= 9
    assert {"examples/shop", "examples/pods", "tests/scenarios/test_deployments"} <= set(names)


@pytest.mark.parametrize("text", [t for _, t in SCENARIOS], ids=[n for n, _ in SCENARIOS])
def test_a_run_is_what_it_was_before_the_speed_work(text, request):
    name = request.node.callspec.id
    check_golden(f"engine/runs/{name.replace('/', '--')}.txt", run_text(kdsl.parse(text)))
