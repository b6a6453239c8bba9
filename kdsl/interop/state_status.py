"""The status of each kind as `kubectl get -o yaml` prints it, for kdsl.interop.state."""

from __future__ import annotations

from kdsl.engine.apiserver.resources import format_quantity
from kdsl.engine.autoscaling.printers import quantity_string
from kdsl.engine.objects import Running, Terminated, Waiting
from kdsl.engine.podview import qos_class
from kdsl.engine.rollouts import rfc3339
from kdsl.interop.pods import quantity


def timestamp(ms: int | None) -> str | None:
    """RFC 3339 at second precision, as metav1.Time serialises (simulated time counts from the epoch)."""
    return None if ms is None else rfc3339(ms)


def _some(**fields) -> dict:
    """The fields that have a value, as Go's `omitempty` writes them."""
    return {k: v for k, v in fields.items() if v is not None and v != "" and v != [] and v != {}}


def _conditions(conditions) -> list[dict]:
    out = []
    for c in conditions:
        d = {"type": c.type, "status": c.status}
        if getattr(c, "last_update_ms", None) is not None:
            d["lastUpdateTime"] = timestamp(c.last_update_ms)
        d["lastTransitionTime"] = timestamp(c.last_transition_ms)
        if c.reason:
            d["reason"] = c.reason
        if c.message:
            d["message"] = c.message
        out.append(d)
    return out


def _state(s) -> dict:
    if isinstance(s, Running):
        return {"running": {"startedAt": timestamp(s.started_ms)}}
    if isinstance(s, Waiting):
        return {"waiting": {"reason": s.reason, **({"message": s.message} if s.message else {})}}
    if isinstance(s, Terminated):
        d = {"exitCode": s.exit_code, "reason": s.reason}
        if s.started_ms is not None:
            d["startedAt"] = timestamp(s.started_ms)
        if s.finished_ms is not None:
            d["finishedAt"] = timestamp(s.finished_ms)
        if s.message:
            d["message"] = s.message
        return {"terminated": d}
    return {}


def _container_statuses(statuses) -> list[dict]:
    return [{"name": c.name, "image": c.image, "imageID": "", "ready": c.ready, "restartCount": c.restart_count,
             "started": c.started, "state": _state(c.state),
             "lastState": _state(c.last_state) if c.last_state is not None else {}} for c in statuses]


def _pod(obj, sim, t) -> dict:
    s = obj.status
    return _some(phase=s.phase, conditions=_conditions(s.conditions), hostIP=s.host_ip,
                 hostIPs=[{"ip": s.host_ip}] if s.host_ip else None, podIP=s.pod_ip,
                 podIPs=[{"ip": s.pod_ip}] if s.pod_ip else None, startTime=timestamp(s.start_ms),
                 initContainerStatuses=_container_statuses(s.init_container_statuses),
                 containerStatuses=_container_statuses(s.container_statuses), reason=s.reason, message=s.message,
                 nominatedNodeName=s.nominated_node, qosClass=qos_class(obj.spec.template))


def _counts(fields: tuple[str, ...], required: tuple[str, ...] = ()):
    """A status of counts: snake_case fields as camelCase, zeros left out as Go's omitempty does (but
    the fields the schema requires)."""

    def status(obj, sim, t) -> dict | None:
        s = obj.status
        if s is None:  # not written yet: Go still writes the fields it may not omit
            return {_camel(f): 0 for f in required} or None
        out: dict = {}
        for f in fields:
            value = getattr(s, f, None)
            if value or f in required:
                out[_camel(f)] = value or 0
        if getattr(s, "conditions", ()):
            out["conditions"] = _conditions(s.conditions)
        return out

    return status


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.capitalize() for w in rest)


def _statefulset(obj, sim, t) -> dict | None:
    out = _counts(("observed_generation", "replicas", "ready_replicas", "available_replicas", "current_replicas",
                   "updated_replicas", "current_revision", "update_revision"),
                  ("replicas", "available_replicas"))(obj, sim, t)
    if obj.status is not None:
        # The controller always writes collisionCount (stateful_set_control.go); kdsl's revision names never
        # collide, so it stays 0.
        out["collisionCount"] = 0
    return out


def _job(obj, sim, t) -> dict | None:
    s = obj.status
    if s is None:
        return None
    # ready and terminating are pointers the job controller always sets (JobReadyPods, JobPodReplacementPolicy),
    # so a zero shows; each condition's lastProbeTime is its transition (job_controller.go newCondition).
    out = _counts(("active", "ready", "terminating", "succeeded", "failed"), ("ready", "terminating"))(obj, sim, t)
    for c in out.get("conditions", ()):
        c["lastProbeTime"] = c["lastTransitionTime"]
    if s.start_ms is not None:
        out["startTime"] = timestamp(s.start_ms)
    if s.completion_ms is not None:
        out["completionTime"] = timestamp(s.completion_ms)
    if s.completed_indexes:  # omitempty
        out["completedIndexes"] = s.completed_indexes
    return out


def _cronjob(obj, sim, t) -> dict | None:
    s = obj.status
    if s is None:
        return None
    return _some(active=[{"kind": "Job", "apiVersion": "batch/v1", "name": j.name, "uid": j.uid,
                          "namespace": obj.namespace} for j in s.active],
                 lastScheduleTime=timestamp(s.last_schedule_ms), lastSuccessfulTime=timestamp(s.last_successful_ms))


def _claim(obj, sim, t) -> dict:
    s = obj.status
    capacity = getattr(s, "capacity", None)
    return _some(phase=getattr(s, "phase", "Pending"), accessModes=list(getattr(s, "access_modes", ())),
                 capacity={"storage": quantity("memory", capacity)} if capacity is not None else None)


def _volume(obj, sim, t) -> dict:
    return _some(phase=getattr(obj.status, "phase", "Pending"), message=getattr(obj.status, "message", ""),
                 lastPhaseTransitionTime=timestamp(getattr(obj.status, "phase_ms", None)))


def _namespace(obj, sim, t) -> dict:
    # The namespace storage's Delete sets the phase with the deletion time (pkg/registry/core/namespace/storage).
    phase = "Terminating" if obj.meta.deletion_ms is not None else getattr(obj.status, "phase", "Active")
    return _some(phase=phase,
                 conditions=_conditions(getattr(obj.status, "conditions", ())))


def _node(obj, sim, t) -> dict:
    s = obj.status
    shape = {"cpu": quantity("cpu", s.cpu), "memory": quantity("memory", s.memory), "pods": str(s.pods)}
    out: dict = {"capacity": dict(shape), "allocatable": dict(shape), "conditions": [
        {**c, "lastHeartbeatTime": timestamp(s.last_heartbeat_ms)} for c in _conditions(s.conditions)]}
    if s.images:
        out["images"] = [{"names": [i]} for i in s.images]
    return out


def _quota(obj, sim, t) -> dict | None:
    """What the quota controller and the ResourceQuota admission plugin stored: none before the controller's
    first sync (a create's answer carries none), then hard and used."""
    s = obj.status
    if s is None:
        return None
    return _some(hard={k: format_quantity(k, v) for k, v in s.hard}, used={k: format_quantity(k, v) for k, v in s.used})


def _service(obj, sim, t) -> dict:
    return {"loadBalancer": {}}  # no cloud provider answers in kdsl: a LoadBalancer stays <pending>


def _pdb(obj, sim, t) -> dict | None:
    s = obj.status
    if s is None:  # the counts are not omitempty
        return {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0}
    conditions = [{**c, "observedGeneration": s.observed_generation} for c in _conditions(s.conditions)]
    return {"conditions": conditions, "currentHealthy": s.current_healthy, "desiredHealthy": s.desired_healthy,
            "disruptionsAllowed": s.disruptions_allowed, "expectedPods": s.expected_pods,
            "observedGeneration": s.observed_generation}


def _hpa(obj, sim, t) -> dict | None:
    """autoscaling/v2 status of an HPA: currentMetrics (an AverageValue as the controller stores it, a
    milli-quantity: memory in bytes x 1000), conditions, counts, lastScaleTime. Before its first sync the status is
    empty, which serialises as `desiredReplicas: 0` (the one field without omitempty, autoscaling/v2 types.go)."""
    s = obj.status
    if s is None:
        return {"desiredReplicas": 0}
    metrics = []
    for m in s.current_metrics:
        if m is None:
            continue
        value = m.average_value if m.resource == "cpu" or m.average_value is None else m.average_value * 1000
        current = _some(averageUtilization=m.average_utilization,
                        averageValue=quantity_string(value) if value is not None else None)
        metrics.append({"type": "Resource", "resource": {"name": m.resource, "current": current}})
    return _some(currentReplicas=s.current_replicas or None, desiredReplicas=s.desired_replicas,
                 lastScaleTime=timestamp(s.last_scale_ms), currentMetrics=metrics, conditions=_conditions(s.conditions))


REPLICAS = ("replicas", "fully_labeled_replicas", "ready_replicas", "available_replicas", "observed_generation")
STATUS = {
    "Pod": _pod, "Deployment": _counts(("observed_generation", "replicas", "updated_replicas", "ready_replicas",
                                        "available_replicas", "unavailable_replicas", "collision_count")),
    "ReplicaSet": _counts(REPLICAS, ("replicas",)), "ReplicationController": _counts(REPLICAS, ("replicas",)),
    "StatefulSet": _statefulset,
    "DaemonSet": _counts(("current_number_scheduled", "number_misscheduled", "desired_number_scheduled",
                          "number_ready", "observed_generation", "updated_number_scheduled", "number_available",
                          "number_unavailable"), ("current_number_scheduled", "number_misscheduled",
                                                  "desired_number_scheduled", "number_ready")),
    "Job": _job, "CronJob": _cronjob, "PersistentVolumeClaim": _claim, "PersistentVolume": _volume,
    "Namespace": _namespace, "Node": _node, "ResourceQuota": _quota, "Service": _service,
    "PodDisruptionBudget": _pdb, "HorizontalPodAutoscaler": _hpa,
}
