"""The DaemonSet's status (DESIRED, CURRENT, READY, UP-TO-DATE, AVAILABLE), its kubectl row and `expect daemonset`."""

from __future__ import annotations

import attrs

from kdsl.engine import expect
from kdsl.engine.controllers.sets import expect_values, ready_since, revision_of, template_hash
from kdsl.engine.kubelet.status_text import human_duration
from kdsl.engine.objects import ApiObject


@attrs.frozen(kw_only=True)
class DaemonSetStatus:
    """apps/v1 DaemonSetStatus: the counts kubectl shows as DESIRED, CURRENT, READY, UP-TO-DATE, AVAILABLE."""

    observed_generation: int = 0
    desired_number_scheduled: int = 0
    current_number_scheduled: int = 0
    number_misscheduled: int = 0
    number_ready: int = 0
    updated_number_scheduled: int = 0
    number_available: int = 0
    number_unavailable: int = 0


def daemon_status(ds: ApiObject, verdicts: list, by_node: dict, hash_: str, now: int) -> DaemonSetStatus:
    """updateDaemonSetStatus: each node's oldest daemon pod speaks for it."""
    spec = ds.spec
    c = dict(desired_number_scheduled=0, current_number_scheduled=0, number_misscheduled=0, number_ready=0,
             updated_number_scheduled=0, number_available=0)
    for node, run, _ in verdicts:
        on = by_node.get(node, [])
        if not run:
            c["number_misscheduled"] += bool(on)
            continue
        c["desired_number_scheduled"] += 1
        if not on:
            continue
        c["current_number_scheduled"] += 1
        pod = on[0]
        since = ready_since(pod)
        c["number_ready"] += since is not None
        c["number_available"] += since is not None and since + spec.min_ready_ms <= now
        c["updated_number_scheduled"] += revision_of(pod) == hash_
    return DaemonSetStatus(observed_generation=ds.meta.generation,
                           number_unavailable=c["desired_number_scheduled"] - c["number_available"], **c)


def row(ds: ApiObject, now: int) -> dict:
    """kubectl get daemonsets."""
    s = ds.status or DaemonSetStatus()
    selector = ",".join(f"{k}={v}" for k, v in ds.spec.template.node_selector) or "<none>"
    return {"NAMESPACE": ds.namespace, "NAME": ds.name, "DESIRED": s.desired_number_scheduled,
            "CURRENT": s.current_number_scheduled, "READY": s.number_ready, "UP-TO-DATE": s.updated_number_scheduled,
            "AVAILABLE": s.number_available, "NODE SELECTOR": selector,
            "AGE": human_duration(now - ds.meta.creation_ms)}


def values(obj: ApiObject, checker, t: int) -> dict:
    """`expect daemonset NS/NAME`: `replicas` is CURRENT (nodes running a daemon pod), `revision` the number
    of the ControllerRevision of the template as it stood at t."""
    s = obj.status or DaemonSetStatus()
    counts = (s.current_number_scheduled, s.number_ready, s.number_available, s.updated_number_scheduled)
    return expect_values(obj, checker, t, counts, f"{obj.name}-{template_hash(obj.spec.template)}")


expect.register("daemonset", "DaemonSet", values)
