"""The notebook-facing methods of a Simulation, each loading kdsl.views, kdsl.notebook or kdsl.interop when called."""

from __future__ import annotations


class ViewMethods:
    """Tables, diagrams, exports, the explorer and rich display as methods, for `sim.pods()` in a notebook.
    They import their modules only when called: the engine itself never depends on the views (text ->
    model -> engine -> views), and a run in a script loads neither pandas nor ipywidgets."""

    def explore(self):
        """An ipywidgets explorer: a time slider over the moments something changed, tables, the
        topology and a pod inspector (kdsl.notebook.explorer)."""
        from kdsl.notebook.explorer import explore  # ipywidgets load only in a notebook

        return explore(self)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        from kdsl.notebook.reprs import bundle  # notebook displays load only in a notebook

        return bundle(self)

    # ---- views: tables and diagrams (kdsl.views; loaded only when asked for) -----------------------
    def pods(self, at=None, namespace=None, selector=None):
        """kubectl get pods -o wide at a moment (default: the end) as a DataFrame; see docs/notebooks.md."""
        from kdsl.views import tables
        return tables.pods(self, at, namespace, selector)

    def containers(self, at=None, namespace=None, selector=None):
        from kdsl.views import tables
        return tables.containers(self, at, namespace, selector)

    def conditions(self, at=None, namespace=None, selector=None):
        from kdsl.views import tables
        return tables.conditions(self, at, namespace, selector)

    def events(self, at=None, namespace=None, selector=None):
        from kdsl.views import tables
        return tables.events(self, at, namespace, selector)

    def nodes(self, at=None, namespace=None, selector=None):
        from kdsl.views import tables
        return tables.nodes(self, at, namespace, selector)

    def namespaces(self, at=None, namespace=None, selector=None):
        from kdsl.views import tables
        return tables.namespaces(self, at, namespace, selector)

    def storage(self, at=None, namespace=None, selector=None):
        from kdsl.views import tables
        return tables.storage(self, at, namespace, selector)

    def services(self, at=None, namespace=None, selector=None):
        from kdsl.views import tables
        return tables.services(self, at, namespace, selector)

    def ingresses(self, at=None, namespace=None, selector=None):
        from kdsl.views import tables
        return tables.ingresses(self, at, namespace, selector)

    def workloads(self, at=None, namespace=None, selector=None):
        from kdsl.views import tables
        return tables.workloads(self, at, namespace, selector)

    def explain(self, pod: str, at=None):
        """The scheduler's verdicts and scores for one pod, node × plugin, as a DataFrame."""
        from kdsl.views import tables
        return tables.explain(self, pod, at)

    def timeline(self, namespace=None, selector=None):
        """Each pod's phase and readiness over time, one row per change, as a DataFrame."""
        from kdsl.views import tables
        return tables.timeline(self, namespace, selector)

    def topology(self, at=None, view: str = "namespace", namespace=None, max_pods: int = 200):
        """The cluster at a moment as a graphviz Digraph; beyond `max_pods` pods, counts per controller."""
        from kdsl.views import topology
        return topology.topology(self, at, view, namespace, max_pods)

    def topology_diff(self, t1, t2, view: str = "namespace", namespace=None):
        from kdsl.views import topology
        return topology.topology_diff(self, t1, t2, view, namespace)

    def export_tables(self, directory, format: str = "csv", at=None):
        from kdsl.views import export
        return export.export_tables(self, directory, format, at)

    def manifests(self, at=None) -> dict:
        """The simulated state at `at` (default: now) as `kubectl get -o yaml` prints it: a v1 List of every
        stored object with its metadata and status (kdsl.interop.state)."""
        from kdsl.interop.state import state_manifests
        return state_manifests(self, at)

    # ---- charts of the run over time (kdsl.views.charts; Altair loads only when asked for) ------------
    def chart(self, kind: str, target=None, *, at=None, start=None, end=None, namespace=None, selector=None,
              max_pods: int = 50):
        """An Altair chart over time: "phases", "workload" (target `deployment shop/web`), "endpoints"
        (target `shop/web`) or "lifecycle"; `at` draws a rule at a moment, `start`/`end` crop the run."""
        from kdsl.views.charts import chart
        return chart(self, kind, target, at=at, start=start, end=end, namespace=namespace, selector=selector,
                     max_pods=max_pods)

    def chart_data(self, kind: str, target=None, *, start=None, end=None, namespace=None, selector=None):
        """The tidy DataFrame a chart draws (time as Timedelta); see docs/jupyter.md, "Charts"."""
        from kdsl.views.chart_data import chart_data
        return chart_data(self, kind, target, start=start, end=end, namespace=namespace, selector=selector)

    def plot_phases(self, *, at=None, start=None, end=None, namespace=None, selector=None):
        """Pods by phase over time, stacked (the phase as the pods table shows it: Unknown on a lost node)."""
        return self.chart("phases", at=at, start=start, end=end, namespace=namespace, selector=selector)

    def plot_workload(self, target, name=None, *, at=None, start=None, end=None, namespace=None):
        """A workload's desired, current, updated, ready and available replicas over time:
        `plot_workload("deployment shop/web")` or `plot_workload("deployment", "web", namespace="shop")`."""
        if name is not None:
            target = f"{target} {name}"
        return self.chart("workload", target, at=at, start=start, end=end, namespace=namespace)

    def plot_endpoints(self, service, *, at=None, start=None, end=None, namespace=None):
        """A Service's ready and not-ready endpoints over time, from its EndpointSlices."""
        return self.chart("endpoints", service, at=at, start=start, end=end, namespace=namespace)

    def plot_lifecycle(self, *, at=None, start=None, end=None, namespace=None, selector=None, max_pods: int = 50):
        """Each pod's life as a bar from creation to deletion, coloured by state, restarts marked."""
        return self.chart("lifecycle", at=at, start=start, end=end, namespace=namespace, selector=selector,
                          max_pods=max_pods)
