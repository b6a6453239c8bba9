"""kdsl: a declarative language and deterministic simulator for Kubernetes cluster scenarios."""

from __future__ import annotations

import numbers
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from kdsl.lang.errors import Diagnostic, KdslError, KdslSyntaxError, NotFoundError, UsageError
from kdsl import _parse_cache
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


def parse(text: str, filename: str | None = None, params: dict | None = None) -> Scenario:
    """Parse kdsl text into a Scenario.

    `params` overrides the defaults of the scenario's `param`s: `{"replicas": 5, "fail_at": "90s"}` (an int
    or float is a number, a bool true/false, a str the value as kdsl writes it; see docs/sweeps.md).

    The last few scenarios parsed are kept: the same text, included files and params return the same
    Scenario without parsing again.

    Raises KdslSyntaxError for text that does not follow the grammar and ScenarioError for text
    whose meaning is wrong, or that the API server would refuse whatever the run (kdsl/engine/precheck.py);
    both carry every located diagnostic. Warnings land on `Scenario.warnings`.
    """
    if not isinstance(text, str):
        hint = ("; to read a file use kdsl.load(path)" if isinstance(text, Path)
                else "; decode it first (text.decode())" if isinstance(text, bytes) else "")
        raise UsageError(f"kdsl.parse() takes kdsl text (a str), not {type(text).__name__}{hint}")
    from kdsl.engine.precheck import precheck  # the API server's checks load on the first parse, not on import
    from kdsl.model.build.params import overrides_of

    overrides = overrides_of(params)
    key = _parse_cache.key(text, filename, overrides)
    scenario = _parse_cache.get(key)
    if scenario is None:  # a Scenario is frozen: the same text, includes and params may share one
        with bulk():
            scenario = build(parse_document(text, filename), later=precheck, params=overrides)
        _parse_cache.put(key, scenario)
    return scenario


def simulate(scenario: Scenario, until: int | None = None, seed: int = 0):
    """Play a scenario on the simulated control plane and return the Simulation.

    `until` (ms, or a duration such as `"5m"`) bounds the run; without it the scenario's `run` applies, else the run stops when
    nothing is pending after the last timeline action. The same scenario and seed give the same run.
    """
    from kdsl.engine.arguments import duration
    from kdsl.engine.simulation import Simulation  # the engine loads only when something is simulated

    if not isinstance(scenario, Scenario):
        hint = f"; to simulate a file: kdsl.simulate(kdsl.load({str(scenario)!r}))" if isinstance(scenario, (str, Path)) else ""
        raise UsageError(f"kdsl.simulate() takes a Scenario (from kdsl.load or kdsl.parse), not "
                         f"{type(scenario).__name__}{hint}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise UsageError(f"seed={seed!r} is not a seed; give an integer (the same seed gives the same run)")
    return Simulation(scenario, seed=int(seed)).run(None if until is None else duration(until, "until"))


def load(path: str | Path, params: dict | None = None) -> Scenario:
    """Read and parse a .kdsl file; `include` paths are relative to it; `params` as for kdsl.parse."""
    if not isinstance(path, (str, Path)):
        raise UsageError(f"kdsl.load() takes the path of a .kdsl file, not {type(path).__name__}")
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise KdslSyntaxError([Diagnostic("error", f"cannot read {p}: {exc.strerror or exc}", str(p),
                                          suggestion=_nearby(p))]) from None
    except UnicodeDecodeError as exc:
        raise KdslSyntaxError([Diagnostic("error", f"cannot read {p}: it is not UTF-8 text "
                                                   f"(byte 0x{exc.object[exc.start]:02x} at offset {exc.start})",
                                          str(p))]) from None
    return parse(text, str(p), params)


def _nearby(path: Path) -> str | None:
    """The .kdsl file next to a missing one whose name is closest (`shp.kdsl` -> `shop.kdsl`)."""
    import difflib

    try:
        names = sorted(f.name for f in path.parent.glob("*.kdsl"))
    except OSError:
        return None
    hit = difflib.get_close_matches(path.name, names, n=1, cutoff=0.6)
    return str(path.with_name(hit[0])) if hit else None


def load_ipython_extension(ipython) -> None:
    """`%load_ext kdsl`: the `%%kdsl` cell magic (the notebook code loads only here)."""
    from kdsl.notebook import load_ipython_extension as _load

    _load(ipython)


def from_manifests(*paths, text: str | None = None, namespace: str | None = None, cluster: str | None = None,
                   kube_version: str | None = None):
    """The Scenario Kubernetes manifests declare (files, folders or `text`), on `cluster` (kdsl text; default
    3 workers of 4 CPU / 16Gi and a default `standard` class), each document checked against the OpenAPI
    schema of Kubernetes `kube_version` (default 1.33) as the API server would. See docs/interop.md."""
    from kdsl.interop import from_manifests as read

    return read(*paths, text=text, namespace=namespace, cluster=cluster, kube_version=kube_version)


__all__ = ["Diagnostic", "ExpectationFailed", "KdslError", "KdslSyntaxError", "NotFoundError", "Scenario", "ScenarioError",
           "SimulationError", "UsageError", "__version__", "from_manifests", "load", "parse", "simulate"]
