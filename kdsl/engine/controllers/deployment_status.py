"""The Deployment's status: counts over its ReplicaSets, Available, and progress against the deadline."""

from __future__ import annotations

from kdsl.engine.controllers.deployment_util import (DeploymentCondition, DeploymentStatus, max_unavailable,
                                                     new_condition, remove_deployment_condition,
                                                     set_deployment_condition)
from kdsl.engine.objects import ApiObject

TIMED_OUT = "ProgressDeadlineExceeded"
COMPLETE = "NewReplicaSetAvailable"


def spec_replicas(rss) -> int:
    return sum(rs.spec.replicas for rs in rss if rs is not None)


def status_count(rss, field: str) -> int:
    return sum(getattr(rs.status, field) for rs in rss if rs is not None and rs.status is not None)


def calculate_status(old: list[ApiObject], new_rs: ApiObject | None, d: ApiObject, now: int) -> DeploymentStatus:
    """calculateStatus: counts summed over the ReplicaSets; Available when at least replicas -
    maxUnavailable pods are available."""
    all_rss = old + ([new_rs] if new_rs is not None else [])
    available = status_count(all_rss, "available_replicas")
    base = d.status or DeploymentStatus()
    status = DeploymentStatus(
        observed_generation=d.meta.generation, replicas=status_count(all_rss, "replicas"),
        updated_replicas=status_count([new_rs], "replicas"), ready_replicas=status_count(all_rss, "ready_replicas"),
        available_replicas=available, unavailable_replicas=max(0, spec_replicas(all_rss) - available),
        conditions=base.conditions, collision_count=base.collision_count)
    if available >= d.spec.replicas - max_unavailable(d.spec):
        cond = new_condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.",
                             now)
    else:
        cond = new_condition("Available", "False", "MinimumReplicasUnavailable",
                             "Deployment does not have minimum availability.", now)
    return set_deployment_condition(status, cond)


def deployment_complete(d: ApiObject, status: DeploymentStatus) -> bool:
    n = d.spec.replicas
    return (status.updated_replicas == n and status.replicas == n and status.available_replicas == n
            and status.observed_generation >= d.meta.generation)


def _progressing(d: ApiObject, new: DeploymentStatus) -> bool:
    old = d.status or DeploymentStatus()
    return (new.updated_replicas > old.updated_replicas
            or new.replicas - new.updated_replicas < old.replicas - old.updated_replicas
            or new.ready_replicas > old.ready_replicas or new.available_replicas > old.available_replicas)


def _timed_out(d: ApiObject, status: DeploymentStatus, now: int) -> bool:
    cond = status.condition("Progressing")
    if d.spec.progress_deadline_ms is None or cond is None or cond.reason == COMPLETE:
        return False
    return cond.reason == TIMED_OUT or cond.last_update_ms + d.spec.progress_deadline_ms < now


def sync_rollout_status(ctrl, d: ApiObject, new_rs: ApiObject | None, old: list[ApiObject]) -> ApiObject:
    """syncRolloutStatus: the counts, and the Progressing condition judged against the deadline."""
    now = ctrl.sim.now
    d = ctrl.store.get(*d.key) or d
    new_rs = ctrl.fresh([new_rs])[0] if new_rs is not None else None
    status = calculate_status(ctrl.fresh(old), new_rs, d, now)
    current = (d.status or DeploymentStatus()).condition("Progressing")
    deadline = d.spec.progress_deadline_ms
    if deadline is None:
        status = remove_deployment_condition(status, "Progressing")
    complete = status.replicas == status.updated_replicas and current is not None and current.reason == COMPLETE
    subject = f'ReplicaSet "{new_rs.name}"' if new_rs is not None else f'Deployment "{d.name}"'
    if deadline is not None and not complete:
        if deployment_complete(d, status):
            status = set_deployment_condition(status, new_condition(
                "Progressing", "True", COMPLETE, f"{subject} has successfully progressed.", now))
        elif _progressing(d, status):
            # Progress moves lastUpdateTime even when the reason stays (which setting the condition
            # would not), so the old condition is taken out first; a True one keeps its transition time.
            since = current.last_transition_ms if current is not None and current.status == "True" else now
            cond = DeploymentCondition(type="Progressing", status="True", reason="ReplicaSetUpdated",
                                       message=f"{subject} is progressing.", last_update_ms=now,
                                       last_transition_ms=since)
            status = set_deployment_condition(remove_deployment_condition(status, "Progressing"), cond)
        elif _timed_out(d, status, now):
            status = set_deployment_condition(status, new_condition(
                "Progressing", "False", TIMED_OUT, f"{subject} has timed out progressing.", now))
    # getReplicaFailures: the new ReplicaSet's failure first, else an old one's.
    failure = next((rs.status.condition("ReplicaFailure") for rs in ctrl.fresh([new_rs] + old)
                    if rs.status is not None and rs.status.condition("ReplicaFailure") is not None), None)
    if failure is not None:
        status = set_deployment_condition(status, DeploymentCondition(
            type="ReplicaFailure", status=failure.status, reason=failure.reason, message=failure.message,
            last_update_ms=failure.last_transition_ms, last_transition_ms=failure.last_transition_ms))
    else:
        status = remove_deployment_condition(status, "ReplicaFailure")
    if status != d.status:
        # In Kubernetes this write wakes the controller once more, to find the status unchanged and
        # only requeue; kdsl does that here and is not woken by its own status writes.
        d = ctrl.save(d, None, status)
    requeue_stuck(ctrl, d, status)
    return d


def requeue_stuck(ctrl, d: ApiObject, status: DeploymentStatus) -> None:
    """requeueStuckDeployment: without progress, look again when the deadline would pass (plus
    the second Kubernetes adds against skew), instead of polling."""
    current = (d.status or DeploymentStatus()).condition("Progressing")
    if d.spec.progress_deadline_ms is None or current is None:
        return
    if deployment_complete(d, status) or current.reason == TIMED_OUT:
        return
    if current.reason == COMPLETE:
        # A Deployment that was complete and lost availability since (a crash loop, an OOM, an eviction) cannot
        # time out: DeploymentTimedOut is false for NewReplicaSetAvailable. Upstream still requeues it at its rate
        # limiter's pace, forever, and each sync changes nothing; kdsl's watches wake it on every change that could.
        return
    after = current.last_update_ms + d.spec.progress_deadline_ms - ctrl.sim.now
    ctrl.enqueue(d.key, after + 1000 if after >= 1000 else max(after + 1, 5))
