"""kubectl rollout undo for StatefulSets and DaemonSets: the template an earlier ControllerRevision holds put back."""

from __future__ import annotations

import attrs

from kdsl.engine.apiserver.request import Request
from kdsl.engine.rollouts import kubectl_error


def rollback(ctrl, action) -> None:
    """StatefulSetRollbacker / DaemonSetRollbacker (staging/src/k8s.io/kubectl/pkg/polymorphichelpers/
    rollback.go): the set's ControllerRevisions by revision number; `to revision N` picks N, no revision
    the one before the newest (findHistory). kubectl patches the revision's stored template into the set;
    the controller then finds that revision equal to the template and renumbers it the newest, so the pods
    are replaced by the set's own update strategy."""
    sim = ctrl.sim
    obj = sim.store.get(action.kind, action.namespace, action.name)
    if obj is None:
        sim._call(Request(verb="get", kind=action.kind, namespace=action.namespace, name=action.name,
                          user=action.user, now_ms=sim.now), "timeline")
        return
    history = sorted(ctrl.owned("ControllerRevision", obj), key=lambda r: r.spec.revision)
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
