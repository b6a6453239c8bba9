"""The metrics pipeline as metrics-server serves it: a scrape every 15 s, CPU as a rate over the last window."""

from __future__ import annotations

import attrs

from kdsl.engine.usage import ContainerUse, PodKey, UsageTracker

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


def pod_metrics(usage: UsageTracker, key: PodKey, at_ms: int) -> PodMetrics | None:
    """What `kubectl top pod` and the HPA read at `at_ms`: the latest scrape. metrics-server computes CPU from
    two consecutive scrapes of a container's cumulative counter, so a pod is reported only once it has run
    through one whole window (pkg/storage/pod.go drops a container seen once); a pod running nothing has no
    metrics either. None means the pod is missing from the API's answer."""
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
    return PodMetrics(namespace=key[1], name=key[2], timestamp_ms=tick, window_ms=RESOLUTION_MS,
                      containers=containers)
