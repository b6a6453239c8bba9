"""The metrics pipeline as metrics-server serves it: a scrape every 15 s, CPU as a rate over the last window."""

from __future__ import annotations

import bisect

import attrs

from kdsl.engine.usage import ContainerUse, PodKey, UsageTracker
from kdsl.model.timeline import NodeAction

# metrics-server's --metric-resolution (default 15s): how often it scrapes each kubelet's resource metrics.
RESOLUTION_MS = 15_000


@attrs.frozen
class PodMetrics:
    """metrics.k8s.io/v1beta1 PodMetrics: per container, CPU averaged over [timestamp - window, timestamp]
    (millicores) and the memory working set at the timestamp (bytes)."""

    namespace: str
    name: str
    timestamp_ms: int
    window_ms: int
    containers: tuple[ContainerUse, ...]

    @property
    def cpu(self) -> int:
        return sum(c.cpu for c in self.containers)

    @property
    def memory(self) -> int:
        return sum(c.memory for c in self.containers)


def last_scrape(at_ms: int) -> int:
    """The latest scrape at or before `at_ms` (scrapes fall on multiples of the resolution)."""
    return at_ms // RESOLUTION_MS * RESOLUTION_MS


# The timeline's kubelet stops and starts per node, by the timeline they were read from (id -> (timeline, steps)).
_KUBELETS: dict[int, tuple[object, dict[str, list[tuple[int, bool]]]]] = {}


def _kubelet_steps(sim) -> dict[str, list[tuple[int, bool]]]:
    """node -> [(ms, answers)]: `fail node` stops its kubelet, `recover node` starts it again."""
    timeline = sim.scenario.timeline
    hit = _KUBELETS.get(id(timeline))
    if hit is not None and hit[0] is timeline:
        return hit[1]
    steps: dict[str, list[tuple[int, bool]]] = {}
    for a in sorted((a for a in timeline if isinstance(a, NodeAction) and a.verb in ("fail", "recover")),
                    key=lambda a: a.at_ms):
        steps.setdefault(a.node, []).append((a.at_ms, a.verb == "recover"))
    if len(_KUBELETS) > 64:
        _KUBELETS.clear()
    _KUBELETS[id(timeline)] = (timeline, steps)
    return steps


def kubelet_answers(sim, node: str, t_ms: int) -> bool:
    """Whether the node's kubelet answers a scrape at `t_ms` (a kubelet whose runtime is down, `notready node`,
    still answers, with what its running containers use)."""
    steps = _kubelet_steps(sim).get(node)
    i = bisect.bisect_right(steps, t_ms, key=lambda s: s[0]) if steps else 0
    return i == 0 or steps[i - 1][1]


def node_scraped(sim, node: str, at_ms: int) -> bool:
    """Whether metrics-server holds metrics of the node, and so of its pods, at `at_ms`: the node was registered
    and its kubelet answered at the last two scrapes (a rate needs two)."""
    tick = last_scrape(at_ms)
    before = tick - RESOLUTION_MS
    obj = sim.store.at(("Node", None, node), before) if before >= 0 else None
    return obj is not None and sim.store.at(("Node", None, node), tick) is not None \
        and kubelet_answers(sim, node, before) and kubelet_answers(sim, node, tick)


def pod_metrics(usage: UsageTracker, key: PodKey, at_ms: int) -> PodMetrics | None:
    """What `kubectl top pod` and the HPA read at `at_ms`: the latest scrape. metrics-server computes CPU from
    two consecutive scrapes of a container's cumulative counter, so a pod is reported only once it has run
    through one whole window (pkg/storage/pod.go drops a container seen once); a pod running nothing has no
    metrics either, nor a pod on a node metrics-server could not scrape twice (`node_scraped`). None means the
    pod is missing from the API's answer."""
    tick = last_scrape(at_ms)
    start = tick - RESOLUTION_MS
    if start < 0:
        return None
    last, before = usage.use_at(key, tick), usage.use_at(key, start)
    if not last or not before:
        return None
    seen = {c.name for c in before}
    cpu = usage.cpu_average(key, start, tick)
    containers = tuple(ContainerUse(c.name, cpu.get(c.name, 0), c.memory) for c in last if c.name in seen)
    if not containers:
        return None
    pod = usage.store.at(key, tick)
    if pod is None or not pod.spec.template.node_name or not node_scraped(usage.sim, pod.spec.template.node_name,
                                                                           tick):
        return None
    return PodMetrics(namespace=key[1], name=key[2], timestamp_ms=tick, window_ms=RESOLUTION_MS,
                      containers=containers)
