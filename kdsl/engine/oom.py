"""The kernel's OOM killer: a container whose memory use passes its memory limit is killed at that moment."""

from __future__ import annotations

from kdsl.engine import clock


def over_limit(template, uses) -> list[str]:
    """The running containers whose working set passes their memory limit (the cgroup's memory.max; use
    exactly at the limit is allowed). A container without a memory limit is never killed by its cgroup."""
    limits = {c.name: c.limits.memory for c in template.init_containers + template.containers}
    return [u.name for u in uses if limits.get(u.name) is not None and u.memory > limits[u.name]]


class OomKiller:
    """Hears every change of a pod's use (sim.usage) and OOM-kills, through the pod's kubelet, each container
    over its limit. The kill lands at the same moment, after the change that caused it: a container that
    starts over its limit (a restart under the same load) is killed as it starts, so a steady overuse turns
    into a crash loop with the kubelet's back-off, as in Kubernetes. `oom after` is the scripted form."""

    def __init__(self, sim) -> None:
        self.sim = sim
        if sim.usage.active:
            sim.usage.listen(self.on_use)

    def on_use(self, keys) -> None:
        for key in keys:
            pod = self.sim.store.get(*key)
            if pod is None:
                continue
            for name in over_limit(pod.spec.template, self.sim.usage.use(key)):
                self.sim.queue.at(self.sim.now, self.kill, key, name, priority=clock.PRIORITY_KUBELET)

    def kill(self, key: tuple, container: str) -> None:
        pod = self.sim.store.get(*key)
        if pod is not None and container in over_limit(pod.spec.template, self.sim.usage.use(key)):
            self.sim.kubelets.oom_kill(key, container)
