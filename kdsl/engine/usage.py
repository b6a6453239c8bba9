"""What each pod uses: its running containers' steady use plus its share of its workload's load, as a history."""

from __future__ import annotations

import bisect
from collections.abc import Callable

import attrs

from kdsl.engine import clock
from kdsl.engine.objects import ApiObject, Running
from kdsl.engine.podview import is_ready

PodKey = tuple  # ("Pod", namespace, name)
WorkloadKey = tuple  # (kind, namespace, name): the object a `load` names
# The kinds whose pods share a `load`; a ReplicaSet a Deployment owns hands its pods up to the Deployment. A bare
# Pod carries its own (`load pod NS/NAME`: kdsl/model/build/autoscaling.py LOAD_KINDS names the same kinds).
LOAD_KINDS = ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DaemonSet", "Job")


@attrs.frozen
class ContainerUse:
    """One running container's use at a moment: CPU in millicores (capped at its limit), memory in bytes."""

    name: str
    cpu: int
    memory: int


Use = tuple  # tuple[ContainerUse, ...]: the running containers of a pod; () when nothing runs


def _share(total: int, n: int, i: int) -> int:
    """The i-th of n even shares of `total`; the remainder goes to the first pods (by name), one unit each."""
    return total // n + (1 if i < total % n else 0)


def scenario_uses(scenario) -> bool:
    """Whether anything in the scenario uses resources or reads metrics (an HPA): without it the tracker
    watches nothing (no cost)."""
    if scenario.loads or scenario.autoscalers or any(type(a).__name__ == "SetLoad" for a in scenario.timeline):
        return True
    objects = list(scenario.objects)
    for action in scenario.timeline:
        objects += list(getattr(action, "objects", ()) or ()) + [o for o in (getattr(action, "object", None),) if o]
    for obj in objects:
        tpl = getattr(getattr(obj, "job", obj), "template", None)
        for c in (tpl.init_containers + tpl.containers) if tpl is not None else ():
            if c.uses.cpu or c.uses.memory:
                return True
    return False


class UsageTracker:
    """Keeps every pod's use as a step function of time. A pod's use changes only when one of its containers
    starts or stops running, when it joins or leaves its workload's Ready pods (the load's share of every
    member changes), or when the load changes: only then is anything recomputed and recorded. Listeners
    (`listen`) hear, in name order at the end of each moment, the pods whose use was recomputed then (written at
    that moment, or sharing a load that changed): every pod whose use changed is among them."""

    def __init__(self, sim) -> None:
        self.sim = sim
        self.store = sim.store
        self.loads: dict[WorkloadKey, tuple[int, int]] = {
            (ld.kind, ld.namespace, ld.name): (ld.cpu, ld.memory) for ld in sim.scenario.loads}
        self.current: dict[PodKey, Use] = {}
        self.history: dict[PodKey, list[tuple[int, Use]]] = {}
        self.members: dict[WorkloadKey, set[PodKey]] = {}  # the Ready pods that share a workload's load
        self._workload: dict[PodKey, WorkloadKey | None] = {}
        self.pods_of: dict[WorkloadKey, dict[PodKey, None]] = {}  # every pod a workload ever had, in order seen
        self._listeners: list[Callable[[list[PodKey]], None]] = []
        self._pending: set[PodKey] = set()  # pods to recompute at the end of this moment
        self.active = scenario_uses(sim.scenario)
        if self.active:
            self.store.watch("Pod", self.on_pod)

    def listen(self, fn: Callable[[list[PodKey]], None]) -> None:
        self._listeners.append(fn)

    # ---- reads ------------------------------------------------------------------------------------
    def use(self, key: PodKey) -> Use:
        """The pod's use now."""
        return self.current.get(key, ())

    def use_at(self, key: PodKey, time_ms: int) -> Use:
        """The pod's use as it stood at `time_ms` (after every change of that moment)."""
        steps = self.history.get(key)
        if not steps:
            return ()
        i = bisect.bisect_right(steps, time_ms, key=lambda s: s[0])
        return steps[i - 1][1] if i else ()

    def cpu_average(self, key: PodKey, start_ms: int, end_ms: int) -> dict[str, int]:
        """Each container's CPU use averaged over [start, end) in millicores, as a rate over a scrape window
        is (the cumulative usage counter's difference over the window's length)."""
        steps = self.history.get(key, [])
        total: dict[str, int] = {}
        marks = [start_ms] + [t for t, _ in steps if start_ms < t < end_ms] + [end_ms]
        for a, b in zip(marks, marks[1:]):
            for c in self.use_at(key, a):
                total[c.name] = total.get(c.name, 0) + c.cpu * (b - a)
        return {name: v // (end_ms - start_ms) for name, v in total.items()}

    def load(self, kind: str, namespace: str, name: str) -> tuple[int, int]:
        """The workload's load now: (cpu millicores, memory bytes)."""
        return self.loads.get((kind, namespace, name), (0, 0))

    # ---- changes ----------------------------------------------------------------------------------
    def set_load(self, kind: str, namespace: str, name: str, cpu: int, memory: int) -> None:
        """`at T: load ...`: the workload's load from now; its Ready pods' shares change at once."""
        wk = (kind, namespace, name)
        self.loads[wk] = (cpu, memory)
        self._later(self.members.get(wk, ()))

    def on_pod(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        key = (new or old).key
        wk = self._workload_of(key, new or old)
        members = self.members.setdefault(wk, set()) if wk is not None else None
        member = new is not None and new.meta.deletion_ms is None and is_ready(new)
        affected = [key]
        if members is not None and member != (key in members):
            (members.add if member else members.discard)(key)
            if wk in self.loads:
                affected = sorted(members | {key})
        if new is None:
            self._workload.pop(key, None)
        self._later(affected)

    def _later(self, keys) -> None:
        """Recompute these pods once, after every write of this moment: when a Deployment's pods turn Ready
        together, each member's share is computed once, not once per pod that joined."""
        if not self._pending:
            self.sim.queue.at(self.sim.now, self._flush, priority=clock.PRIORITY_KUBELET + 2)
        self._pending.update(keys)

    def _flush(self) -> None:
        keys, self._pending = sorted(self._pending), set()
        self._recompute(keys)
        # Every pod recomputed is heard, not only those whose use differs from the moment before: a container
        # OOM-killed and restarted within one moment has the same use after as before, and must be heard again.
        self._notify(keys)

    def _workload_of(self, key: PodKey, pod: ApiObject) -> WorkloadKey | None:
        """The workload whose load a pod shares: its controller, or the Deployment above its ReplicaSet."""
        if key in self._workload:
            return self._workload[key]
        ref = next((o for o in pod.meta.owners if o.controller), None)
        wk = ("Pod", pod.namespace, pod.name) if ref is None else None
        if ref is not None and ref.kind in LOAD_KINDS:
            wk = (ref.kind, pod.namespace, ref.name)
            rs = self.store.get("ReplicaSet", pod.namespace, ref.name) if ref.kind == "ReplicaSet" else None
            up = next((o for o in rs.meta.owners if o.controller), None) if rs is not None else None
            if up is not None and up.kind == "Deployment":
                wk = ("Deployment", pod.namespace, up.name)
        self._workload[key] = wk
        if wk is not None:
            self.pods_of.setdefault(wk, {})[key] = None
        return wk

    def _recompute(self, keys: list[PodKey]) -> list[PodKey]:
        changed = []
        shares: dict = {}
        for key in keys:
            pod = self.store.get(*key)
            use = self._use(pod, shares) if pod is not None else ()
            if use != self.current.get(key, ()):
                changed.append(key)
                if use:
                    self.current[key] = use
                else:
                    self.current.pop(key, None)
                steps = self.history.setdefault(key, [])
                if steps and steps[-1][0] == self.sim.now:
                    steps[-1] = (self.sim.now, use)
                else:
                    steps.append((self.sim.now, use))
        return changed

    def _use(self, pod: ApiObject, shares: dict) -> Use:
        tpl = pod.spec.template
        if pod.status is None or pod.status.phase in ("Succeeded", "Failed"):
            return ()
        running = {s.name for s in pod.status.container_statuses + pod.status.init_container_statuses
                   if isinstance(s.state, Running)}
        if not running:
            return ()
        cpu_extra = mem_extra = 0
        wk = self._workload.get(pod.key)
        if wk in self.loads and pod.key in self.members.get(wk, ()):
            if wk not in shares:
                ranked = sorted(self.members[wk], key=lambda k: k[2])
                shares[wk] = {k: i for i, k in enumerate(ranked)}
            n, i = len(shares[wk]), shares[wk][pod.key]
            cpu, mem = self.loads[wk]
            cpu_extra, mem_extra = _share(cpu, n, i), _share(mem, n, i)
        out = []
        first = tpl.containers[0].name if tpl.containers else None
        for c in tpl.init_containers + tpl.containers:
            if c.name not in running:
                continue
            cpu = (c.uses.cpu or 0) + (cpu_extra if c.name == first else 0)
            mem = (c.uses.memory or 0) + (mem_extra if c.name == first else 0)
            if c.limits.cpu is not None:
                cpu = min(cpu, c.limits.cpu)  # CFS quota: a container is throttled at its CPU limit
            out.append(ContainerUse(c.name, cpu, mem))
        return tuple(out)

    def _notify(self, changed: list[PodKey]) -> None:
        if changed:
            for fn in self._listeners:
                fn(changed)
