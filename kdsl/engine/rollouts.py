"""kubectl rollout restart, pause, resume and undo: the patch kubectl sends, or the error it prints instead."""

from __future__ import annotations

import datetime as dt

import attrs

from kdsl.engine.apiserver.errors import go_quote, qualified
from kdsl.engine.apiserver.resources import resource_info
from kdsl.engine.controllers.deployment_util import (SKIPPED_ANNOTATIONS, equal_ignore_hash, revision,
                                                     set_annotations, without_hash)
from kdsl.engine.objects import ApiObject

# kubectl's objectrestarter writes this pod template annotation; a changed template is a new revision.
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)  # simulated time 0, as export and the CronJob count


def rfc3339(ms: int) -> str:
    """time.Format(time.RFC3339) of a simulated moment, in UTC, as metav1.Time serialises it."""
    return (EPOCH + dt.timedelta(milliseconds=ms)).strftime("%Y-%m-%dT%H:%M:%SZ")


def kubectl_error(sim, obj: ApiObject, reason: str, message: str) -> None:
    """kubectl refuses before (or instead of) asking the API server; kdsl logs what it prints as a Warning
    on the object, as it logs every refusal a run records."""
    sim.event("Warning", reason, obj, f"error: {message}", source="kubectl")


def named(obj: ApiObject) -> str:
    """`deployments.apps "web"`: how kubectl's rollout commands name an object in an error."""
    info = resource_info(obj.kind)
    return f"{qualified(info.plural, info.group)} {go_quote(obj.name)}"


def rollout(sim, action, obj: ApiObject) -> None:
    """`rollout restart|pause|resume`: the polymorphic helpers of staging/src/k8s.io/kubectl/pkg/
    polymorphichelpers (objectrestarter.go, objectpauser.go, objectresumer.go) and the commands'
    `error: <resource> "<name>" <why>` (pkg/cmd/rollout/rollout_*.go)."""
    spec = obj.spec
    verb = action.verb
    reason = f"Failed{verb.title()}"
    if verb == "restart":
        if obj.kind == "Deployment" and spec.paused:
            return kubectl_error(sim, obj, reason, f"{named(obj)} can't restart paused deployment "
                                                   "(run rollout resume first)")
        template = spec.template
        annotations = dict(template.annotations)
        annotations[RESTARTED_AT] = rfc3339(sim.now)
        spec = attrs.evolve(spec, template=attrs.evolve(template, annotations=tuple(annotations.items())))
    else:
        pause = verb == "pause"
        if obj.kind != "Deployment":  # only Deployments have spec.paused
            return kubectl_error(sim, obj, reason, f"{named(obj)} {'pausing' if pause else 'resuming'} "
                                                   "is not supported")
        if spec.paused == pause:
            return kubectl_error(sim, obj, reason, f"{named(obj)} {'is already paused' if pause else 'is not paused'}")
        spec = attrs.evolve(spec, paused=pause)
    sim.submit("update", attrs.evolve(obj, spec=spec), source="timeline", user=action.user)


# ---- rollout undo ------------------------------------------------------------------------------


def rollback_deployment(sim, action, d: ApiObject) -> None:
    """kubectl rollout undo (client-side in apps/v1, DeploymentRollbacker): the Deployment's template is
    replaced by the template of the ReplicaSet of that revision (the previous one by default); the
    controller then finds that ReplicaSet as the new one and gives it the next revision."""
    target, error = rollback_target(d, sim.store.owned_by("ReplicaSet", d.meta.uid), action.revision or 0)
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


def rollback_set(sim, action, obj: ApiObject) -> None:
    """StatefulSetRollbacker / DaemonSetRollbacker: the set's ControllerRevisions by revision number; `to
    revision N` picks N, no revision the one before the newest (findHistory). kubectl patches the revision's
    stored template into the set; the controller then finds that revision equal to the template and renumbers
    it the newest, so the pods are replaced by the set's own update strategy."""
    history = sorted(sim.store.owned_by("ControllerRevision", obj.meta.uid), key=lambda r: r.spec.revision)
    to = action.revision or 0
    if to == 0 and len(history) <= 1:
        return kubectl_error(sim, obj, "FailedRollback", "no last revision to roll back to")
    target = history[-2] if to == 0 else next((r for r in history if r.spec.revision == to), None)
    if target is None:
        return kubectl_error(sim, obj, "FailedRollback", f"unable to find specified revision {to} in history")
    if target.spec.data == obj.spec.template:
        return skipped(sim, obj, to)
    spec = attrs.evolve(obj.spec, template=target.spec.data)
    sim.submit("update", attrs.evolve(obj, spec=spec), source="timeline", user=action.user)


def skipped(sim, obj, to: int) -> None:
    """What kubectl prints, exit 0, when the template already is that revision's (the number as asked: 0 for
    the previous one)."""
    sim.event("Normal", "RollbackSkipped", obj, f"{obj.kind.lower()}.apps/{obj.name} skipped rollback "
              f"(current template already matches revision {to})", source="kubectl")


# RollbackerFor (staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollback.go): the rollbacker of each kind
# kubectl can undo; any other kind is refused with `no rollbacker has been implemented for "<kind>"`.
ROLLBACKERS = {"Deployment": rollback_deployment, "StatefulSet": rollback_set, "DaemonSet": rollback_set}
