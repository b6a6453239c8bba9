"""kdsl: a declarative language and deterministic simulator for Kubernetes cluster scenarios."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from kdsl.lang.errors import Diagnostic, KdslError, KdslSyntaxError
from kdsl._gc import bulk
from kdsl.lang.parser import parse_document
from kdsl.engine.errors import SimulationError
from kdsl.engine.expect_text import ExpectationFailed
from kdsl.model.build import build
from kdsl.model.errors import ScenarioError
from kdsl.model.scenario import Scenario

try:
    __version__ = version("kdsl")
except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
    __version__ = "0.0.0"


def parse(text: str, filename: str | None = None) -> Scenario:
    """Parse kdsl text into a Scenario.

    Raises KdslSyntaxError for text that does not follow the grammar and ScenarioError for text
    whose meaning is wrong; both carry every located diagnostic. Warnings land on
    `Scenario.warnings`.
    """
    with bulk():
        return build(parse_document(text, filename))


def simulate(scenario: Scenario, until: int | None = None, seed: int = 0):
    """Play a scenario on the simulated control plane and return the Simulation.

    `until` (ms) bounds the run; without it the scenario's `run` applies, else the run stops when
    nothing is pending after the last timeline action. The same scenario and seed give the same run.
    """
    from kdsl.engine.simulation import Simulation  # the engine loads only when something is simulated

    return Simulation(scenario, seed=seed).run(until)


def load(path: str | Path) -> Scenario:
    """Read and parse a .kdsl file; `include` paths are relative to it."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise KdslSyntaxError([Diagnostic("error", f"cannot read {p}: {exc.strerror or exc}", str(p))]) from None
    except UnicodeDecodeError as exc:
        raise KdslSyntaxError([Diagnostic("error", f"cannot read {p}: it is not UTF-8 text "
                                                   f"(byte 0x{exc.object[exc.start]:02x} at offset {exc.start})",
                                          str(p))]) from None
    return parse(text, str(p))


def load_ipython_extension(ipython) -> None:
    """`%load_ext kdsl`: the `%%kdsl` cell magic (the notebook code loads only here)."""
    from kdsl.notebook import load_ipython_extension as _load

    _load(ipython)


def from_manifests(*paths, text: str | None = None, namespace: str | None = None, cluster: str | None = None):
    """The Scenario Kubernetes manifests declare (files, folders or `text`), on `cluster` (kdsl text; default
    3 workers of 4 CPU / 16Gi and a default `standard` class). See docs/interop.md."""
    from kdsl.interop import from_manifests as read

    return read(*paths, text=text, namespace=namespace, cluster=cluster)


__all__ = ["Diagnostic", "ExpectationFailed", "KdslError", "KdslSyntaxError", "Scenario", "ScenarioError", "SimulationError", "__version__",
           "from_manifests", "load", "parse", "simulate"]
