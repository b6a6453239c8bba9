"""The kernel's OOM killer: a container whose memory use passes its memory limit is killed at that moment."""

from __future__ import annotations

from kdsl.engine import clock


# A template's memory limits, worked out once per template object (a controller's pods share theirs).
_LIMITS: dict[int, tuple[object, dict[str, int]]] = {}


def _limits(template) -> dict[str, int]:
    hit = _LIMITS.get(id(template))
    if hit is not None and hit[0] is template:
        return hit[1]
    limits = {c.name: c.limits.memory for c in template.init_containers + template.containers
              if c.limits.memory is not None}
    if len(_LIMITS) > 1 << 16:
        _LIMITS.clear()
    _LIMITS[id(template)] = (template, limits)
    return limits


def over_limit(template, uses) -> list[str]:
    """The running containers whose working set passes their memory limit (the cgroup's memory.max; use
    exactly at the limit is allowed). A container without a memory limit is never killed by its cgroup."""
    limits = _limits(template)
    return [u.name for u in uses if u.name in limits and u.memory > limits[u.name]] if limits else []


class OomKiller:
    """Hears every change of a pod's use (sim.usage) and OOM-kills, through the pod's kubelet, each container
    over its limit. The kill lands at the same moment, after the change that caused it: a container that
    starts over its limit (a restart under the same load) is killed as it starts, so a steady overuse turns
    into a crash loop with the kubelet's back-off, as in Kubernetes. `oom after` is the scripted form."""

    def __init__(self, sim) -> None:
        self.sim = sim
        self.pending: set[tuple[tuple, str]] = set()  # kills planned for this moment
        if sim.usage.active:
            sim.usage.listen(self.on_use)

    def on_use(self, keys) -> None:
        for key in keys:
            pod = self.sim.store.get(*key)
            if pod is None:
                continue
            for name in over_limit(pod.spec.template, self.sim.usage.use(key)):
                if (key, name) not in self.pending:
                    self.pending.add((key, name))
                    self.sim.queue.at(self.sim.now, self.kill, key, name, priority=clock.PRIORITY_KUBELET)

    def kill(self, key: tuple, container: str) -> None:
        self.pending.discard((key, container))
        pod = self.sim.store.get(*key)
        if pod is not None and container in over_limit(pod.spec.template, self.sim.usage.use(key)):
            self.sim.kubelets.oom_kill(key, container)
