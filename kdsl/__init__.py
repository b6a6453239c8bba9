"""kdsl: a declarative language and deterministic simulator for Kubernetes cluster scenarios."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from kdsl.core.errors import Diagnostic, KdslError, KdslSyntaxError, NotFoundError, UsageError
from kdsl.engine.errors import SimulationError
from kdsl.engine.expect_text import ExpectationFailed
from kdsl.engine.run import load, parse, simulate
from kdsl.model.errors import ScenarioError
from kdsl.model.scenario import Scenario

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
