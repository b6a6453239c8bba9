"""kdsl: a declarative language and deterministic simulator for Kubernetes cluster scenarios."""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from kdsl.core.errors import Diagnostic, KdslError, KdslSyntaxError, NotFoundError, UsageError
from kdsl.engine.errors import SimulationError
from kdsl.engine.methods import ExpectationFailed
from kdsl.engine.run import load, parse, simulate
from kdsl.model.scenario import Scenario, ScenarioError

try:
    __version__ = version("kdsl")
except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
    __version__ = "0.0.0"


class _InteropMethods:
    """The simulation's state as manifests, and what changed between two moments (kdsl.interop, loaded when
    one is called: its Kubernetes schemas take seconds to load, and a run in a script needs none of it)."""

    def manifests(self, at=None) -> dict:
        """The simulated state at `at` (default: now) as `kubectl get -o yaml` prints it: a v1 List of every
        stored object with its metadata and status (kdsl.interop.state). Not for `kubectl apply`: that is
        `kdsl export` (kdsl.interop.for_cluster)."""
        from kdsl.interop.state import state_manifests
        return state_manifests(self, at)

    def diff(self, t1, t2=None, namespace=None, kind=None):
        """What changed from `t1` to `t2` (default: the end), as `kubectl get -o yaml` would show it at each: a
        row per object added or removed and per field changed (FIELD as `status.conditions[type=Ready].status`,
        OLD, NEW); a Secret's values stay `<redacted>` (kdsl.interop.diff)."""
        from kdsl.interop.diff import diff
        return diff(self, t1, t2, namespace, kind)


def _compose() -> None:
    """The public Simulation and the displays, composed here, where every layer is known, so that none imports
    one above it (docs/architecture.md): the views', interop's and the notebook's methods on every Simulation
    (the engine's class itself, as any `import kdsl.…` runs this module first), the notebook's displays on the
    model's and the engine's objects, and `Results.table()` from the views."""
    from kdsl.engine.expect import Results
    from kdsl.engine.methods import register
    from kdsl.notebook.reprs import NotebookMethods, attach_displays
    from kdsl.views.methods import ViewMethods, results_table

    register(ViewMethods)
    register(_InteropMethods)
    register(NotebookMethods)
    attach_displays()
    Results.table = results_table


_compose()


def sweep(source, params: dict | None = None, seeds=1, *, client=None, scheduler: str | None = None,
          workers: int | None = None, progress=True):
    """Play a scenario once per combination of `params` and seed, on Dask, and return a Sweep: `runs` (one row a
    run: params, seed, each expectation passed, each measure, wall_s, error), `summary()`, `plot()`, `save()`.

    `source` is a .kdsl path, kdsl text or a Scenario from kdsl.load/parse. `params` maps a declared param to one
    value or a list of values (`{"replicas": [2, 3, 4], "fail_at": ["1m", "2m"]}`); `seeds` is a count (`20`:
    0..19), a range, a list or `"0..19"`. The runs go to `client` (a dask.distributed.Client), or to the
    scheduler at `scheduler` (`tcp://host:8786`), or else to a local cluster of `workers` processes (default:
    one per core) that kdsl starts and closes. `progress` (True) shows a bar in a notebook and a line on a
    terminal, or is called as `progress(done, total, failed)`. In a script, call it under `if __name__ == "__main__":` (Dask's worker
    processes import the script). See docs/sweeps.md.
    """
    from kdsl.sweeps import sweep as play
    from kdsl.sweeps.display import NotebookProgress, TerminalProgress, in_notebook

    if isinstance(source, Scenario):
        scenario = source
    elif isinstance(source, Path) or (isinstance(source, str) and "\n" not in source
                                      and source.strip().endswith(".kdsl")):
        scenario = load(source)
    elif isinstance(source, str):
        scenario = parse(source)
    else:
        raise UsageError(f"kdsl.sweep() takes a .kdsl path, kdsl text or a Scenario, not {type(source).__name__}")
    if progress is True:  # a bar in a notebook, a line on a terminal, nothing in a log file
        progress = (NotebookProgress() if in_notebook() else TerminalProgress() if sys.stderr.isatty() else None)
    return play(scenario, params, seeds, client=client, scheduler=scheduler, workers=workers,
                progress=progress or None)


def load_ipython_extension(ipython) -> None:
    """`%load_ext kdsl`: the `%%kdsl` cell magic (the notebook code loads only here)."""
    from kdsl.notebook import load_ipython_extension as _load

    _load(ipython)


def from_manifests(*paths, text: str | None = None, namespace: str | None = None, cluster: str | None = None,
                   kube_version: str | None = None, field_validation: str = "Strict"):
    """The Scenario Kubernetes manifests declare (files, folders or `text`), on `cluster` (kdsl text; default
    3 workers of 4 CPU / 16Gi and a default `standard` class), each document checked against the OpenAPI
    schema of Kubernetes `kube_version` (default 1.33) as the API server would; an unknown field refused
    (`field_validation="Strict"`, kubectl's) or dropped with a warning ("Warn") or silently ("Ignore").
    See docs/interop.md."""
    from kdsl.interop import from_manifests as read

    return read(*paths, text=text, namespace=namespace, cluster=cluster, kube_version=kube_version,
                field_validation=field_validation)


__all__ = ["Diagnostic", "ExpectationFailed", "KdslError", "KdslSyntaxError", "NotFoundError", "Scenario", "ScenarioError",
           "SimulationError", "UsageError", "__version__", "from_manifests", "load", "parse", "simulate", "sweep"]
