"""Orphan adoption: a ReplicaSet claims the active pods its selector matches that no controller owns."""

from __future__ import annotations

import attrs

from kdsl.engine.controllers.deployment_util import is_active
from kdsl.engine.objects import ApiObject


def adopt_orphans(ctrl, owner: ApiObject) -> None:
    """pkg/controller/controller_ref_manager.go ClaimPods, as syncReplicaSet calls it on the active pods of the
    namespace: an orphan (no controller ownerReference) whose labels the selector matches is adopted by a patch
    adding the owner's controller reference, unless the owner is being deleted (canAdopt) — no event is recorded.
    kdsl claims when a sync finds too few pods, not at every sync: an orphan that appears beside a full ReplicaSet
    stays an orphan (Kubernetes adopts it and deletes one). The orphans come from the store's index of objects
    without a controller, so a sync does not read the namespace's other pods."""
    if owner.meta.deletion_ms is not None or owner.spec.selector.empty:
        return
    ref = None
    for name in ctrl.store.unowned("Pod", owner.namespace):
        pod = ctrl.store.get("Pod", owner.namespace, name)
        if pod is None or not is_active(pod) or any(o.controller for o in pod.meta.owners) \
                or not owner.spec.selector.matches(pod.meta.label_dict()):
            continue
        ref = ref or ctrl.owner_ref(owner)
        ctrl.client.patch(attrs.evolve(pod, meta=attrs.evolve(pod.meta, owners=pod.meta.owners + (ref,))))
