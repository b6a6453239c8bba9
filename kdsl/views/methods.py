"""The views as methods of a Simulation (`sim.pods()`), each loading its view when called; the face registers them."""

from __future__ import annotations


class ViewMethods:
    """Tables, diagrams, charts, exports and explanations as methods, for `sim.pods()` in a notebook. The face
    (kdsl/__init__.py) registers them on every Simulation (kdsl.engine.methods.register), so the engine never
    imports the views. They import their modules only when called: a run in a script loads no pandas. Their
    `at`, `namespace` and `pod` arguments are checked before the call (kdsl.engine.arguments.checked)."""

    # ---- views: tables and diagrams (kdsl.views; loaded only when asked for) -----------------------
    def pods(self, at=None, namespace=None, selector=None, wide: bool = False):
        """kubectl get pods at a moment (default: the end) as a DataFrame; `wide=True` is `-o wide` and more
        (docs/notebooks.md). Every table method takes `wide=`; the display rules are docs/jupyter.md's."""
        from kdsl.views import tables
        return tables.pods(self, at, namespace, selector, wide)

    def containers(self, at=None, namespace=None, selector=None, wide: bool = False):
        from kdsl.views import tables
        return tables.containers(self, at, namespace, selector, wide)

    def conditions(self, at=None, namespace=None, selector=None, wide: bool = False):
        from kdsl.views import tables
        return tables.conditions(self, at, namespace, selector, wide)

    def events(self, at=None, namespace=None, selector=None, wide: bool = False, all: bool = False):
        from kdsl.views import tables
        return tables.events(self, at, namespace, selector, wide, all)

    def nodes(self, at=None, namespace=None, selector=None, wide: bool = False):
        from kdsl.views import tables
        return tables.nodes(self, at, namespace, selector, wide)

    def namespaces(self, at=None, namespace=None, selector=None, wide: bool = False):
        from kdsl.views import tables
        return tables.namespaces(self, at, namespace, selector, wide)

    def storage(self, at=None, namespace=None, selector=None, wide: bool = False):
        from kdsl.views import tables
        return tables.storage(self, at, namespace, selector, wide)

    def services(self, at=None, namespace=None, selector=None, wide: bool = False):
        from kdsl.views import tables
        return tables.services(self, at, namespace, selector, wide)

    def ingresses(self, at=None, namespace=None, selector=None, wide: bool = False):
        from kdsl.views import tables
        return tables.ingresses(self, at, namespace, selector, wide)

    def workloads(self, at=None, namespace=None, selector=None, wide: bool = False):
        from kdsl.views import tables
        return tables.workloads(self, at, namespace, selector, wide)

    def hpa(self, at=None, namespace=None, selector=None, wide: bool = False):
        """HorizontalPodAutoscalers as `kubectl get hpa` prints them (REFERENCE, TARGETS, MINPODS, MAXPODS,
        REPLICAS); `wide=True` adds the desired count, the last scale time and the conditions."""
        from kdsl.views import tables
        return tables.hpas(self, at, namespace, selector, wide)

    def connectivity(self, at=None, namespace=None, selector=None, wide: bool = False):
        """Which pod groups (by owner) may reach which, per destination port, as NetworkPolicies decide
        (kdsl.views.connectivity): ALLOWED is `allowed`, `denied` or `k of n` pod pairs."""
        from kdsl.views import connectivity
        return connectivity.connectivity(self, at, namespace, selector, wide)

    def why_connect(self, src: str, dst: str, port, at=None) -> str:
        """Why a connection is allowed or denied: `src`/`dst` as `pod NS/NAME`, `pods NS k=v`, `service NS/NAME`
        or `cidr X`, `port` as 5432 or "53/UDP"; each policy that isolates either end or allows it."""
        from kdsl.views import connectivity
        return connectivity.why_connect(self, src, dst, port, at)

    def plot_connectivity(self, at=None, namespace=None, selector=None):
        """connectivity() as a heat-map (an Altair chart): a row per source group, a column per destination
        group and port, each cell allowed (blue, ✓), denied (vermillion, ✗) or `k/n` pod pairs (yellow)."""
        from kdsl.views.chart_connectivity import plot_connectivity
        return plot_connectivity(self, at, namespace, selector)

    def top(self, at=None, namespace=None, containers: bool = False, selector=None, wide: bool = False):
        """kubectl top pods (`containers=True`: `--containers`) from metrics-server's last scrape (kdsl.views.top)."""
        from kdsl.views import top
        return top.top(self, at, namespace, selector, wide, containers)

    def top_nodes(self, at=None, selector=None, wide: bool = False):
        """kubectl top nodes: each node's use (its pods' metrics) and its share of allocatable (kdsl.views.top)."""
        from kdsl.views import top
        return top.top_nodes(self, at, None, selector, wide)

    def explain(self, pod: str, at=None, wide: bool = False):
        """The scheduler's verdict for one pod on each node (feasible, the filter that failed, why, the score)
        as a DataFrame; `wide=True` adds every filter's verdict and every plugin's scores."""
        from kdsl.views import tables
        return tables.explain(self, pod, at, wide)

    def timeline(self, namespace=None, selector=None, wide: bool = False):
        """Each pod's phase and readiness over time, one row per change, as a DataFrame."""
        from kdsl.views import tables
        return tables.timeline(self, namespace, selector, wide)

    def topology(self, at=None, view: str = "namespace", namespace=None, max_pods: int = 200, group: int | None = 5,
                 legend: bool = False, policies: bool = False):
        """The cluster at a moment as a graphviz Digraph: more than `group` pods of one controller drawn as one
        group with counts by phase (every controller's beyond `max_pods` pods); `legend=True` adds a key;
        `policies=True` draws each NetworkPolicy, the pods it selects and the peers it allows (docs/networking.md)."""
        from kdsl.views import topology
        return topology.topology(self, at, view, namespace, max_pods, group, legend, policies)

    def topology_diff(self, t1, t2, view: str = "namespace", namespace=None, group: int | None = 5,
                      legend: bool = False, policies: bool = False):
        from kdsl.views import topology
        return topology.topology_diff(self, t1, t2, view, namespace, group=group, legend=legend, policies=policies)

    def export_tables(self, directory, format: str = "csv", at=None):
        from kdsl.views import export
        return export.export_tables(self, directory, format, at)

    # ---- the run's records as tables (kdsl.views.records) -------------------------------------------
    def changes(self, at=None, namespace=None, kind=None, since=None):
        """Every write the store recorded from `since` to `at` (default: the whole run), in order: TIME,
        OP (ADDED, MODIFIED, DELETED), KIND, NAMESPACE, NAME; `kind` takes `Pod`, `pods` or `po`."""
        from kdsl.views import records
        return records.changes(self, at, namespace, kind, since)

    def refusals(self, at=None, namespace=None):
        """The requests the API server refused up to `at` (`rejections` as a table): TIME, NAMESPACE, USER,
        VERB, OBJECT, CODE, REASON, MESSAGE."""
        from kdsl.views import records
        return records.refusals(self, at, namespace)

    def drains(self, wide: bool = False):
        """Each `drain node` of the run: NODE, STARTED, FINISHED, OUTCOME (drained, failed, draining), EVICTED,
        IGNORED (DaemonSet pods), RETRIES (429s retried) and kubectl's ERROR (kdsl.views.records); IGNORED and
        ERROR only when a drain has one, unless `wide=True`."""
        from kdsl.views import records
        return records.drains(self, wide)

    def measures(self):
        """Each `measure` of the scenario read from this run: a DataFrame of NAME, VALUE, KIND, OF, FROM, UNTIL and
        AT (kdsl.views.records; docs/sweeps.md, "Measures")."""
        from kdsl.views.records import measure_table
        return measure_table(self)

    def measure_values(self) -> dict:
        """`{name: value}` of every measure, in the order written (a number, `when` in ms, None when there is none)."""
        from kdsl.views.records import measure_values
        return measure_values(self)

    # ---- charts of the run over time (kdsl.views.charts; Altair loads only when asked for) ------------
    def chart(self, kind: str, target=None, *, at=None, start=None, end=None, namespace=None, selector=None,
              max_pods: int = 50):
        """An Altair chart over time: "phases", "workload" (target `deployment shop/web`), "endpoints"
        (target `shop/web`), "lifecycle" or "autoscaling" (target a workload); `at` draws a rule at a moment,
        `start`/`end` crop the run."""
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

    def plot_autoscaling(self, target, *, at=None, start=None, end=None, namespace=None):
        """A workload's ready and desired replicas, the metric its HPA compares (utilization % of requests, or
        the average use) at each 15 s metrics scrape against the target, and Ready nodes when a pool autoscales."""
        return self.chart("autoscaling", target, at=at, start=start, end=end, namespace=namespace)

    def plot_endpoints(self, service, *, at=None, start=None, end=None, namespace=None):
        """A Service's ready and not-ready endpoints over time, from its EndpointSlices."""
        return self.chart("endpoints", service, at=at, start=start, end=end, namespace=namespace)

    def plot_lifecycle(self, *, at=None, start=None, end=None, namespace=None, selector=None, max_pods: int = 50):
        """Each pod's life as a bar from creation to deletion, coloured by state, restarts marked."""
        return self.chart("lifecycle", at=at, start=start, end=end, namespace=namespace, selector=selector,
                          max_pods=max_pods)

    # ---- why a pod is not running and ready (kdsl.views.why) ------------------------------------------
    def journey(self, name: str, at=None):
        """Every step of pod `name` (`ns/name`) up to `at` (default: the end), from the request that created it
        to Ready or to where it stopped: the API server's authorization and admission, the scheduler, the
        kubelet. `str()` is one line a step; `.frame` the DataFrame (kdsl.views.journey, docs/engine.md)."""
        from kdsl.views.journey import journey
        return journey(self, name, at)

    def why(self, pod: str, at=None):
        """Why a pod is Pending, not Ready, restarting, Terminating or Unknown at `at` (default: the end), in plain
        words with the numbers that decide it and what would change it: a Why (`str()` is the text; `.facts` the
        numbers). A pod that is Running and Ready says so."""
        from kdsl.views.why import why
        return why(self, pod, at)


def results_table(results):
    """`Results.table()`: a DataFrame: ✓ or ✗, EXPECT, FOUND and AT (a Timedelta)."""
    from kdsl.views.records import results as table

    return table(results)
