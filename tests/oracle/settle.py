"""A settle step on kdsl's clock: play the simulation until no write for QUIET_MS (or the timeout), as the harness
lets the real control plane act, and record the writes, events and scheduling decisions it made."""

from __future__ import annotations

from kdsl.engine.event_correlator import Correlator
from kdsl.interop.state import object_manifest

QUIET_MS = 2000
# Writes that do not end the quiet: the harness renews its nodes' Leases and statuses on a clock of its own.
BACKGROUND = ("Node", "Lease")


class Settler:
    """Watches the scheduler of one simulation (the feasible nodes each cycle saw, the victims it chose)."""

    def __init__(self, sim):
        self.sim = sim
        self.decisions: dict[str, dict] = {}
        sched = sim.scheduler
        bind, fail, preempt = sched.bind, sched.fail, sched.preempt

        def feasible(pod) -> list[str]:
            return sorted(n.node for n in sched.explain(pod).nodes if n.feasible)

        def on_bind(pod, node, info=None):  # before bind assumes the pod in the snapshot
            self._decision(pod)["feasible"] = feasible(pod)
            return bind(pod, node, info)

        def on_fail(pod, message):
            self._decision(pod)["feasible"] = feasible(pod)
            return fail(pod, message)

        def on_preempt(pod, node, victims):
            self._decision(pod)["victims"] = sorted(f"{v.namespace}/{v.name}" for v in victims)
            return preempt(pod, node, victims)

        sched.bind, sched.fail, sched.preempt = on_bind, on_fail, on_preempt
        self.history_at = len(sim.store.history)
        self.events_at = len(sim.log.occurrences)
        # The harness records Event writes, which client-go's recorder made of the occurrences (counted, and past ten
        # similar ones aggregated: `(combined from similar events): `): kdsl's correlator makes the same of its own.
        self.correlator = Correlator()
        for e in sim.log.occurrences[:self.events_at]:
            self.correlator.observe(e)

    def _decision(self, pod) -> dict:
        return self.decisions.setdefault(f"{pod.namespace}/{pod.name}", {})

    def settle(self, timeout_ms: int) -> dict:
        sim = self.sim
        # What the settle records starts where the last one ended, as the harness's watch does
        # (oracle/record/run.go: the cursor is the last settle's revision): the writes of the steps since (a
        # create, a patch, a delete) are in it too.
        start = sim.now
        deadline = start + timeout_ms
        quiet_from = start
        seen = len(sim.store.history)
        told = len(sim.log.occurrences)
        while sim.queue:
            t = sim.queue.peek_time()
            if t > deadline or t > quiet_from + QUIET_MS:
                break
            _, fn, args = sim.queue.pop()
            fn(*args)
            history = sim.store.history
            # an Event is a write to etcd too, and the harness's quiet restarts at it (oracle/record/settle.go)
            if any(c.key[0] not in BACKGROUND for c in history[seen:]) or len(sim.log.occurrences) > told:
                quiet_from = sim.now
            seen, told = len(history), len(sim.log.occurrences)
        sim.queue.now = max(sim.now, min(deadline, quiet_from + QUIET_MS))
        return self.record()

    def record(self) -> dict:
        """What happened since the last settle (or the setup): writes in resourceVersion order, events, and the
        scheduling decision of every pod the scheduler looked at."""
        sim = self.sim
        writes = []
        for c in sim.store.history[self.history_at:]:
            kind, ns, name = c.key
            w = {"rv": c.resource_version, "type": c.op, "kind": kind, "namespace": ns or "", "name": name}
            if c.obj is not None:
                w["object"] = object_manifest(c.obj, sim, c.time_ms)
            writes.append(w)
        events = [{"reason": e.reason, "message": self.correlator.observe(e).message, "type": e.type, "kind": e.kind,
                   "name": e.name, "namespace": e.namespace or "", "source": e.source}
                  for e in sim.log.occurrences[self.events_at:]]
        # As the harness (oracle/record/run.go scheduling): a pod written PodScheduled=False in the window counts
        # as looked at too, though no scheduling cycle ran for it (a gated pod, pkg/registry/core/pod/strategy.go).
        for c in sim.store.history[self.history_at:]:
            if c.key[0] == "Pod" and c.obj is not None and c.op != "DELETED" and _unschedulable(c.obj):
                self.decisions.setdefault(f"{c.key[1]}/{c.key[2]}", {})
        scheduling = {}
        for key, d in sorted(self.decisions.items()):
            ns, name = key.split("/", 1)
            pod = sim.store.get("Pod", ns, name)
            status = pod.status if pod is not None else None
            cond = next((c for c in status.conditions if c.type == "PodScheduled"), None) if status else None
            scheduling[key] = {
                "feasible": d.get("feasible", []),
                "node": pod.spec.template.node_name if pod is not None else None,
                "message": cond.message if cond is not None and cond.status == "False" else "",
                "nominated": (status.nominated_node or "") if status else "",
                "victims": d.get("victims", []),
            }
        self.history_at = len(sim.store.history)
        self.events_at = len(sim.log.occurrences)
        self.decisions = {}
        return {"writes": writes, "events": events, "scheduling": scheduling}


def _unschedulable(pod) -> bool:
    cond = next((c for c in pod.status.conditions if c.type == "PodScheduled"), None)
    return cond is not None and cond.status == "False"
