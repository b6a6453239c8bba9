"""`kubectl top pods` and `kubectl top nodes`: what metrics-server reports at a moment, printed as kubectl prints it."""

# kubectl prints metrics as staging/src/k8s.io/kubectl/pkg/metricsutil/metrics_printer.go (kubernetes/kubernetes
# at 008b3652) does: CPU as `%vm` of the quantity's MilliValue, memory as `%vMi` of Value()/(1024*1024) (integer
# division: 300.9 MiB prints 300Mi), a node's percentage as int64(float64(use milli) / float64(allocatable milli)
# * 100) (truncated), and a node without metrics as `<unknown>` in every column. Rows are in name order (its
# sorters' default), a pod's containers too.

from __future__ import annotations

import pandas as pd

from kdsl.engine.apiserver.resources import format_quantity, pod_requests
from kdsl.engine.metrics import PodMetrics, last_scrape, node_scraped, pod_metrics
from kdsl.views.common import duration, frame, moment, objects, select, shown
from kdsl.views.display import UNKNOWN  # printMissingMetricsNodeLine's

TOP_COLUMNS = ("NAMESPACE", "NAME", "CPU(cores)", "MEMORY(bytes)", "NODE", "CPU REQUEST", "MEMORY REQUEST",
               "SCRAPED")
TOP_DEFAULT = ("NAMESPACE", "NAME", "CPU(cores)", "MEMORY(bytes)")  # kubectl top pods (-A)
CONTAINER_COLUMNS = ("NAMESPACE", "POD", "NAME", "CPU(cores)", "MEMORY(bytes)", "CPU REQUEST", "MEMORY REQUEST",
                     "SCRAPED")
CONTAINER_DEFAULT = ("NAMESPACE", "POD", "NAME", "CPU(cores)", "MEMORY(bytes)")  # kubectl top pods --containers
NODE_COLUMNS = ("NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)", "ALLOCATABLE CPU",
                "ALLOCATABLE MEMORY", "PODS", "SCRAPED")
NODE_DEFAULT = ("NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)")  # kubectl top nodes


def cpu_text(millicores: int) -> str:
    """printSingleResourceUsage for cpu: millicores and `m`, also for whole cores (`2000m`)."""
    return f"{millicores}m"


def memory_text(nbytes: int) -> str:
    """printSingleResourceUsage for memory: whole MiB, rounded down, and `Mi`, also for GiB (`2048Mi`)."""
    return f"{nbytes // (1024 * 1024)}Mi"


def percent_text(use_milli: int, allocatable_milli: int) -> str:
    """printAllResourceUsages: the use as a percentage of allocatable, as Go computes it in float64 and truncates;
    0% of a zero allocatable."""
    fraction = 0.0 if allocatable_milli == 0 else float(use_milli) / float(allocatable_milli) * 100
    return f"{int(fraction)}%"


def reported(sim, t: int, namespace=None, selector=None) -> list[tuple[object, PodMetrics]]:
    """The pods standing at `t` that metrics-server reports then, with their metrics, in namespace and name order:
    a pod running for less than a scrape window, or on a node it cannot scrape (kdsl.engine.metrics.node_scraped),
    is missing, as from `kubectl top pods`."""
    out: list[tuple[object, PodMetrics]] = []
    pods = select(objects(sim, "Pod", t, namespace), None, selector)  # a bad selector is said even with no use
    if not sim.usage.active:
        return out
    for p in pods:
        m = pod_metrics(sim.usage, p.key, t)
        if m is not None:
            out.append((p, m))
    return out


def _quantity(resource: str, value: int | None) -> str | None:
    return format_quantity(resource, value) if value is not None else None


def _requests(pod) -> tuple[str, str]:
    r = pod_requests(pod.spec.template)
    return format_quantity("cpu", r.get("cpu", 0)), format_quantity("memory", r.get("memory", 0))


def top(sim, at=None, namespace=None, selector=None, wide: bool = False, containers: bool = False) -> pd.DataFrame:
    """kubectl top pods at `at` (default: the end): each pod's CPU (averaged over metrics-server's last 15 s window)
    and memory; `containers=True` is `--containers`, a row per container. `wide=True` adds NODE, the requests
    (beside the use, as the HPA divides them) and SCRAPED, the moment of the scrape the values come from."""
    t = moment(sim, at)
    rows = []
    for p, m in reported(sim, t, namespace, selector):
        if containers:
            specs = {c.name: c for c in p.spec.template.init_containers + p.spec.template.containers}
            for c in sorted(m.containers, key=lambda c: c.name):
                req = specs[c.name].requests
                rows.append((p.namespace, p.name, c.name, cpu_text(c.cpu), memory_text(c.memory),
                             _quantity("cpu", req.cpu), _quantity("memory", req.memory), duration(m.timestamp_ms)))
        else:
            rows.append((p.namespace, p.name, cpu_text(m.cpu), memory_text(m.memory), p.spec.template.node_name,
                         *_requests(p), duration(m.timestamp_ms)))
    if containers:
        return shown(frame(CONTAINER_COLUMNS, rows), CONTAINER_DEFAULT, namespace, wide)
    return shown(frame(TOP_COLUMNS, rows), TOP_DEFAULT, namespace, wide)


def top_nodes(sim, at=None, namespace=None, selector=None, wide: bool = False) -> pd.DataFrame:
    """kubectl top nodes at `at`: each node's CPU and memory and their share of its allocatable. kdsl's node use is
    the sum of its pods' metrics (no system daemons, kubelet or runtime overhead); a node metrics-server cannot
    report (its kubelet stopped, or registered less than two scrapes ago) is `<unknown>`, listed after the others as
    kubectl lists it. `selector=` selects nodes by their labels; `namespace` is ignored (a node's use is the node's).
    `wide=True` adds ALLOCATABLE CPU and MEMORY, the PODS reported there and SCRAPED."""
    t = moment(sim, at)
    cpu: dict[str, int] = {}
    mem: dict[str, int] = {}
    count: dict[str, int] = {}
    for p, m in reported(sim, t):
        node = p.spec.template.node_name
        cpu[node] = cpu.get(node, 0) + m.cpu
        mem[node] = mem.get(node, 0) + m.memory
        count[node] = count.get(node, 0) + 1
    rows, missing = [], []
    when = duration(last_scrape(t))
    for n in select(objects(sim, "Node", t), None, selector):
        alloc = (format_quantity("cpu", n.status.cpu), format_quantity("memory", n.status.memory))
        if not node_scraped(sim, n.name, t):
            missing.append((n.name, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, *alloc, None, None))
            continue
        c, b = cpu.get(n.name, 0), mem.get(n.name, 0)
        rows.append((n.name, cpu_text(c), percent_text(c, n.status.cpu), memory_text(b),
                     percent_text(b * 1000, n.status.memory * 1000), *alloc, count.get(n.name, 0), when))
    return shown(frame(NODE_COLUMNS, rows + missing), NODE_DEFAULT, wide=wide)
