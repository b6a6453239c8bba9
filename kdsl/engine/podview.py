"""What a pod shows: kubectl's columns and the attributes `expect pod` reads, from its stored object."""

from __future__ import annotations

from kdsl.engine.kubelet.status_text import human_duration, pod_columns, restart_count, status_column
from kdsl.engine.objects import ApiObject, Running, Terminated, Waiting


def node_lost(pod: ApiObject, nodes: dict[str, ApiObject]) -> bool:
    """The pod's node cannot be reached (its Ready condition is Unknown)."""
    node = nodes.get(pod.spec.template.node_name or "")
    ready = node.status.condition("Ready") if node is not None else None
    return ready is not None and ready.status == "Unknown"


def phase(pod: ApiObject, nodes: dict[str, ApiObject]) -> str:
    """The phase kdsl shows: Unknown for a pod whose node cannot be reached (the seed's definition;
    Kubernetes itself leaves `.status.phase` as last reported — see `reported_phase`)."""
    if node_lost(pod, nodes) and pod.status.phase not in ("Succeeded", "Failed"):
        return "Unknown"
    return pod.status.phase


def status(pod: ApiObject, nodes: dict[str, ApiObject]) -> str:
    if pod.terminating and node_lost(pod, nodes):
        return "Terminating"
    return status_column(pod.spec.template, pod.status, deleting=pod.terminating)


def reason_and_message(pod: ApiObject) -> tuple[str | None, str | None]:
    """The reason kubectl would show (a container's waiting or terminated reason, or Unschedulable; the pod's
    own when the kubelet failed it, as Evicted), and the matching message (the scheduler's, else the
    container's waiting message)."""
    if pod.status.phase == "Failed" and pod.status.reason:
        return pod.status.reason, pod.status.message  # the kubelet failed the whole pod (Evicted): describe's Reason
    scheduled = pod.status.condition("PodScheduled")
    if pod.spec.template.node_name is None and scheduled is not None and scheduled.status == "False":
        return scheduled.reason, scheduled.message
    for cs in pod.status.init_container_statuses + pod.status.container_statuses:
        state = cs.state
        if isinstance(state, Waiting) and state.reason not in ("", None):
            return state.reason, state.message
        if isinstance(state, Terminated) and state.reason:
            return state.reason, state.message
    return pod.status.reason, pod.status.message


def ready_since(pod: ApiObject) -> int | None:
    """When the pod's Ready condition last became True; None if it is not Ready (podutil.IsPodReady)."""
    # Read at every write of a controller's pod (replica_counts.py): a loop, not the generator `condition` builds.
    if pod.status is not None:
        for cond in pod.status.conditions:
            if cond.type == "Ready":
                return cond.last_transition_ms if cond.status == "True" else None
    return None


def is_ready(pod: ApiObject) -> bool:
    return ready_since(pod) is not None


def ready(pod: ApiObject, nodes: dict[str, ApiObject]) -> bool:
    """Ready, as kdsl shows it: a pod on a node that cannot be reached is not."""
    return is_ready(pod) and not node_lost(pod, nodes)


def values(pod: ApiObject, nodes: dict[str, ApiObject]) -> dict:
    """The attributes of `expect pod` (LANGUAGE.md's table)."""
    reason, message = reason_and_message(pod)
    ph = phase(pod, nodes)
    containers = pod.spec.template.containers
    return {
        "phase": ph, "status": status(pod, nodes), "reason": reason, "message": message,
        "restarts": restart_count(pod.spec.template, pod.status), "node": pod.spec.template.node_name,
        "image": containers[0].image if containers else None, "ip": pod.status.pod_ip,
        "ready": ready(pod, nodes), "pending": ph == "Pending", "running": ph == "Running",
    }


def row(pod: ApiObject, nodes: dict[str, ApiObject], now: int) -> dict:
    """kubectl get pods -o wide, plus the phase kdsl shows and the one it was last reported as."""
    lost = node_lost(pod, nodes)
    status_text, ready_text, restarts = pod_columns(pod.spec.template, pod.status, deleting=pod.terminating)
    if pod.terminating and lost:
        status_text = "Terminating"
    reported = pod.status.phase
    return {
        "NAMESPACE": pod.namespace, "NAME": pod.name, "READY": ready_text, "STATUS": status_text,
        "RESTARTS": restarts, "AGE": human_duration(now - pod.meta.creation_ms), "IP": pod.status.pod_ip or "<none>",
        "NODE": pod.spec.template.node_name or "<none>",
        "PHASE": "Unknown" if lost and reported not in ("Succeeded", "Failed") else reported, "REPORTED": reported,
    }


def running_since(pod: ApiObject) -> int | None:
    starts = [cs.state.started_ms for cs in pod.status.container_statuses if isinstance(cs.state, Running)]
    return min(starts) if starts else None


# QoS depends only on the template, which every version of a pod (and often every pod of a controller)
# shares, so it is worked out once per template object.
_QOS: dict[int, tuple[object, str]] = {}


def qos_class(template) -> str:
    """GetPodQOS: Guaranteed when every container limits cpu and memory and requests equal limits,
    BestEffort when nothing requests or limits cpu or memory, else Burstable."""
    hit = _QOS.get(id(template))
    if hit is not None and hit[0] is template:
        return hit[1]
    requests: dict[str, int] = {}
    limits: dict[str, int] = {}
    guaranteed = True
    for c in template.init_containers + template.containers:
        for k in ("cpu", "memory"):
            r, lim = getattr(c.requests, k), getattr(c.limits, k)
            if r:
                requests[k] = requests.get(k, 0) + r
            if lim:
                limits[k] = limits.get(k, 0) + lim
            else:
                guaranteed = False
    if not requests and not limits:
        qos = "BestEffort"
    elif guaranteed and requests == limits:
        qos = "Guaranteed"
    else:
        qos = "Burstable"
    if len(_QOS) > 1 << 16:
        _QOS.clear()
    _QOS[id(template)] = (template, qos)
    return qos
