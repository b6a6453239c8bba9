"""The PVC protection controller: a deleted claim goes only once no scheduled pod uses it."""

from __future__ import annotations

import attrs

from kdsl.engine.controllers.base import Controller, Key
from kdsl.engine.objects import ApiObject
from kdsl.engine.store_watch import deletions

PVC = "PersistentVolumeClaim"
# Set on every new claim by the StorageObjectInUseProtection admission plugin.
FINALIZER = "kubernetes.io/pvc-protection"


def claims_of(pod: ApiObject) -> list[str]:
    return [v.ref for v in pod.spec.template.volumes if v.source == "pvc"]


class PVCProtectionController(Controller):
    """Removes the finalizer of a terminating claim once no pod that reached a node mounts it (the
    kubelet never starts a pod with a claim being deleted, so unscheduled pods do not count)."""

    name = "pvc-protection-controller"
    kinds = ()

    def setup(self) -> None:
        self.store.watch(PVC, self.on_claim)
        self.store.watch("Pod", self.on_pod, writes=deletions)

    def on_claim(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if new is not None and new.terminating and FINALIZER in new.meta.finalizers:
            self.enqueue(new.key)

    def on_pod(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if new is not None or not old.spec.template.volumes:
            return  # only a pod going away can free a claim
        for name in claims_of(old):
            claim = self.store.get(PVC, old.namespace, name)
            if claim is not None and claim.terminating:
                self.enqueue(claim.key)

    def reconcile(self, key: Key) -> None:
        claim = self.store.get(*key)
        if claim is None or not claim.terminating or FINALIZER not in claim.meta.finalizers:
            return  # gone, not being deleted, or let go already
        for pod in self.store.list("Pod", claim.namespace):
            if pod.spec.template.node_name and claim.name in claims_of(pod):
                return  # in use: the claim stays Terminating until this pod is gone
        finalizers = tuple(f for f in claim.meta.finalizers if f != FINALIZER)
        self.client.update(attrs.evolve(claim, meta=attrs.evolve(claim.meta, finalizers=finalizers)))
