"""kubectl rollout undo for Deployments: the template of an earlier revision's ReplicaSet put back."""

from __future__ import annotations

import attrs

from kdsl.engine.apiserver.request import Request
from kdsl.engine.controllers.deployment_util import (SKIPPED_ANNOTATIONS, equal_ignore_hash, revision,
                                                     set_annotations, without_hash)
from kdsl.engine.controllers.set_rollback import skipped
from kdsl.engine.objects import ApiObject
from kdsl.engine.rollouts import kubectl_error


def rollback(ctrl, action) -> None:
    """kubectl rollout undo (client-side in apps/v1): the Deployment's template is replaced by
    the template of the ReplicaSet of that revision (the previous one by default); the
    controller then finds that ReplicaSet as the new one and gives it the next revision."""
    sim = ctrl.sim
    d = sim.store.get("Deployment", action.namespace, action.name)
    if d is None:
        sim._call(Request(verb="get", kind="Deployment", namespace=action.namespace, name=action.name,
                          user=action.user, now_ms=sim.now), "timeline")
        return
    target, error = rollback_target(d, ctrl.owned("ReplicaSet", d), action.revision or 0)
    if target is None:
        return kubectl_error(sim, d, "FailedRollback", error)
    if d.spec.paused:  # asked after the revision is found, as kubectl does
        return kubectl_error(sim, d, "FailedRollback", "you cannot rollback a paused deployment; resume it first with "
                             f"'kubectl rollout resume deployment/{d.name}' and try again")
    if equal_ignore_hash(target.spec.template, d.spec.template):
        return skipped(sim, d, action.revision or 0)
    keep = {k: v for k, v in d.meta.annotations if k in SKIPPED_ANNOTATIONS}
    keep.update({k: v for k, v in target.meta.annotations if k not in SKIPPED_ANNOTATIONS})
    meta = attrs.evolve(d.meta, annotations=set_annotations(d.meta.annotations, keep))
    spec = attrs.evolve(d.spec, template=without_hash(target.spec.template))
    sim.submit("update", attrs.evolve(d, meta=meta, spec=spec), source="timeline", user=action.user)


def rollback_target(d: ApiObject, rs_list: list[ApiObject], to_revision: int) -> tuple[ApiObject | None, str]:
    """kubectl's deploymentRevision: the ReplicaSet of `to_revision`, or (0) the second newest."""
    latest, latest_rev, previous, previous_rev = None, -1, None, -1
    for rs in rs_list:
        v = revision(rs)
        if to_revision == 0:
            if latest_rev < v:
                previous, previous_rev, latest, latest_rev = latest, latest_rev, rs, v
            elif previous_rev < v:
                previous, previous_rev = rs, v
        elif v == to_revision:
            return rs, ""
    if to_revision > 0:
        return None, f"unable to find specified revision {to_revision} in history"
    if previous is None:
        return None, f'no rollout history found for deployment "{d.name}"'
    return previous, ""

