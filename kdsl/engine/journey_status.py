"""A pod's journey after it is stored: the scheduler's watch, cycles and binding, the kubelet's work and status."""

from __future__ import annotations

import attrs

from kdsl.engine.kubelet.backoff import go_duration

SCHEDULER = "kube-scheduler"
# Who writes which condition (a write's author is not stored: each condition has one writer in Kubernetes).
WRITERS = {"PodScheduled": SCHEDULER, "DisruptionTarget": "kube-controller-manager"}
# The events the scheduling steps already say in their own words.
SAID = frozenset({"Scheduled", "FailedScheduling"})
_SOURCES = {"pvc": "persistentVolumeClaim", "configmap": "configMap", "secret": "secret", "emptydir": "emptyDir",
            "hostpath": "hostPath"}
RANK = {"request": 0, "schedule": 1, "bind": 2, "volumes": 3, "sandbox": 4, "event": 5, "status": 6, "end": 9}


@attrs.frozen
class Step:
    """One step: when (ms), which component took it, what kind of step (`stage`), and what it did in words."""

    time_ms: int
    component: str
    stage: str
    text: str
    resource_version: int | None = None

    @property
    def rank(self) -> int:
        return RANK.get(self.stage, RANK["event"])


def status_steps(versions, cycles, events, since: int) -> list:
    """Steps from the pod's stored versions (`versions`: its store history), the scheduler's cycles for it
    and its events."""
    steps: list[Step] = []
    failed = {e.time_ms: e.message for e in events if e.reason == "FailedScheduling"}
    first = versions[0] if versions else None
    if first is not None and first.obj is not None and first.obj.spec.template.node_name is None:
        gates = first.obj.spec.template.scheduling_gates
        seen = (f"holds the pod: scheduling gates {', '.join(gates)}" if gates else
                "sees the unbound pod through its watch and queues it")
        steps.append(Step(first.time_ms, SCHEDULER, "schedule", seen))
    for cycle in cycles:
        if cycle.time_ms < since:
            continue
        steps.append(Step(cycle.time_ms, SCHEDULER, "schedule", _cycle(cycle, failed)))
    prev = None
    for change in versions:
        pod = change.obj
        if pod is None:
            break
        steps += _changes(prev, pod, change.time_ms, change.resource_version)
        prev = pod
    for e in events:
        if e.reason in SAID:
            continue
        node = prev.spec.template.node_name if prev is not None else None
        source = f"kubelet/{node}" if e.source == "kubelet" and node else e.source
        count = f" (x{e.count})" if e.count > 1 else ""
        stage = "volumes" if e.reason == "FailedMount" else "event"
        steps.append(Step(e.time_ms, source, stage, f"{e.reason}: {e.message}{count}"))
    return steps


def _changes(prev, pod, t: int, rv: int) -> list:
    """What one write changed: the binding, the sandbox and IP, the phase, each condition's transition."""
    steps = []
    tpl, status = pod.spec.template, pod.status
    node = tpl.node_name
    kubelet = f"kubelet/{node}" if node else "kubelet"
    bound = prev is not None and prev.spec.template.node_name is None and node is not None
    if bound:
        steps.append(Step(t, SCHEDULER, "bind", f"binds the pod to {node} (create pods/binding), resourceVersion "
                                                f"{rv}", rv))
    if prev is not None and prev.meta.deletion_ms is None and pod.meta.deletion_ms is not None:
        grace = pod.meta.deletion_grace_ms
        steps.append(Step(t, "kube-apiserver", "status", "marks the pod for deletion" +
                          (f", grace period {go_duration(grace)}" if grace else ""), rv))
    if status is None:
        return steps + ([Step(t, kubelet, "bind", "sees the pod bound to its node through its watch")] if bound else [])
    old = prev.status if prev is not None and prev.status is not None else None
    was = {c.type: c for c in old.conditions} if old is not None else {}
    ready = status.condition("ContainersReady")
    if ready is not None and ready.status == "True" and getattr(was.get("ContainersReady"), "status", "") != "True":
        probes = [f"{p.handler} probe of container {ctr.name}" for ctr in tpl.containers for p in ctr.probes
                  if p.kind == "readiness"]
        if probes:
            steps.append(Step(t, kubelet, "status", f"readiness: {', '.join(probes)} succeeded"))
    for c in status.conditions:
        before = was.get(c.type)
        if before is not None and before.status == c.status:
            continue
        if c.type == "PodReadyToStartContainers" and c.status == "True":
            vols = tpl.volumes
            if vols:
                mounted = ", ".join(f"{v.name} ({_SOURCES.get(v.source, v.source)}"
                                    f"{' ' + v.ref if v.ref and v.source != 'emptydir' else ''})" for v in vols)
                steps.append(Step(t, kubelet, "volumes", f"volumes mounted: {mounted}"))
            steps.append(Step(t, kubelet, "sandbox", "creates the pod sandbox (RunPodSandbox)"))
        was_status = before.status if before is not None else "unset"
        why = f" ({c.reason}{': ' + c.message if c.message else ''})" if c.reason else ""
        stage = "bind" if c.type == "PodScheduled" and c.status == "True" else "status"
        steps.append(Step(t, WRITERS.get(c.type, kubelet), stage, f"condition {c.type}: {was_status} → "
                                                                    f"{c.status}{why}, resourceVersion {rv}", rv))
    if status.pod_ip and (old is None or old.pod_ip != status.pod_ip):
        steps.append(Step(t, kubelet, "sandbox", f"the CNI plugin gives the pod IP {status.pod_ip}"))
    if old is not None and old.phase != status.phase:
        steps.append(Step(t, kubelet, "status", f"phase {old.phase} → {status.phase}, resourceVersion {rv}", rv))
    if bound:
        steps.append(Step(t, kubelet, "bind", "sees the pod bound to its node through its watch"))
    return steps


def _cycle(cycle, failed: dict) -> str:
    """A scheduling cycle in words: how many nodes fit, and the scores that chose (schedule_one.go's schedulePod:
    one feasible node is taken without scoring; else selectHost reports the three highest totals)."""
    if cycle.node is None:
        return f"scheduling cycle: no node fits ({failed.get(cycle.time_ms, 'unschedulable')})"
    fit = f"scheduling cycle: {cycle.feasible} of {cycle.evaluated} nodes fit after filtering"
    if not cycle.scores:
        return f"{fit}; {cycle.node}, the only one, is chosen without scoring"
    (node, total), *rest = cycle.scores
    then = ", ".join(f"{n} {score}" for n, score in rest)
    return f"{fit}; scoring chose {node} (total score {total}; next highest: {then})" if rest else \
        f"{fit}; scoring chose {node} (total score {total})"
