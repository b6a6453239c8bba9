"""The StatefulSet's helpers (stateful_set_utils.go): its pods' identity and health, its status, its expect values."""

from __future__ import annotations

import attrs

from kdsl.core.values import digits
from kdsl.engine import expect
from kdsl.engine.controllers.sets import available, expect_values, revision_of, running_and_ready
from kdsl.engine.objects import ApiObject

POD_NAME = "statefulset.kubernetes.io/pod-name"
POD_INDEX = "apps.kubernetes.io/pod-index"
CLUSTER_DOMAIN = "cluster.local"


@attrs.frozen(kw_only=True)
class StatefulSetStatus:
    """apps/v1 StatefulSetStatus; the revisions are ControllerRevision names (`web-7c6b9d8f5`)."""

    observed_generation: int = 0
    replicas: int = 0
    ready_replicas: int = 0
    available_replicas: int = 0
    current_replicas: int = 0
    updated_replicas: int = 0
    current_revision: str | None = None
    update_revision: str | None = None


def pod_dns_name(pod: ApiObject) -> str | None:
    """The stable DNS name `<hostname>.<subdomain>.<namespace>.svc.cluster.local` of a pod that has both
    a hostname and a subdomain (every StatefulSet pod: its own name and the set's serviceName). It
    resolves once a headless Service of the subdomain's name selects the pod."""
    t = pod.spec.template
    if not t.hostname or not t.subdomain:
        return None
    return f"{t.hostname}.{t.subdomain}.{pod.namespace}.svc.{CLUSTER_DOMAIN}"


def ordinal(set_name: str, pod: ApiObject) -> int | None:
    """getOrdinal: the number after `<set>-`; None for a name that is not one of the set's."""
    prefix, _, number = pod.name.rpartition("-")
    if prefix != set_name or not digits(number):
        return None
    return int(number)


def healthy(pod: ApiObject, min_ready_ms: int, now: int) -> bool:
    """isHealthy: Running, Ready for minReadySeconds, and not being deleted."""
    return running_and_ready(pod) and available(pod, min_ready_ms, now) and not pod.terminating



def replica_status(set_: ApiObject, pods: list[ApiObject], current: str, update: str, now: int) -> StatefulSetStatus:
    """The status the controller writes: computeReplicaStatus over the set's pods (stateful_set_control.go), then
    completeRollingUpdate (stateful_set_utils.go)."""
    spec = set_.spec
    s = StatefulSetStatus(observed_generation=set_.meta.generation, current_revision=current, update_revision=update)
    counts = dict(replicas=len(pods), ready_replicas=0, available_replicas=0, current_replicas=0, updated_replicas=0)
    for pod in pods:
        if running_and_ready(pod):
            counts["ready_replicas"] += 1
            counts["available_replicas"] += available(pod, spec.min_ready_ms, now)
        if not pod.terminating:
            revision = revision_of(pod)
            counts["current_replicas"] += revision == current
            counts["updated_replicas"] += revision == update
    s = attrs.evolve(s, **counts)
    # completeRollingUpdate: once every pod is updated and ready, the update revision is the current one.
    if spec.strategy.type == "RollingUpdate" and s.updated_replicas == s.replicas == s.ready_replicas:
        s = attrs.evolve(s, current_revision=update, current_replicas=s.updated_replicas)
    return s


def values(obj: ApiObject, checker, t: int) -> dict:
    """`expect statefulset NS/NAME`: the status counts and the update revision's number."""
    s = obj.status or StatefulSetStatus()
    return expect_values(obj, checker, t, (s.replicas, s.ready_replicas, s.available_replicas, s.updated_replicas),
                         s.update_revision)


expect.register("statefulset", "StatefulSet", values)
