"""The external provisioner kdsl runs for each StorageClass provisioner: it creates and deletes volumes."""

from __future__ import annotations

from kdsl.engine.controllers.base import Client, Controller, Key
from kdsl.engine.controllers.pv_index import (NO_PROVISIONER, PROVISIONED_BY, SELECTED_NODE, STORAGE_PROVISIONER,
                                              VolumeStatus, annotation, claim_key, delay_binding, provisioner_of,
                                              storage_class, volume_status)
from kdsl.engine.objects import ApiObject, Meta
from kdsl.model.config import PersistentVolume

PVC, PV = "PersistentVolumeClaim", "PersistentVolume"
# How long creating a volume takes in kdsl: a cloud disk or a local-path directory takes a few seconds.
PROVISION_MS = 2_000


class VolumeProvisioner(Controller):
    """sig-storage-lib-external-provisioner's loop for every provisioner installed: kdsl's `dynamic` and
    those of the storage classes the `cluster` block declares (a class declared elsewhere brings no
    provisioner, so its claims wait, as on a cluster without it). A claim the PV controller annotated with the provisioner gets a
    volume `pvc-<claim uid>` PROVISION_MS later, pre-bound to it; a Released volume it made whose
    policy is Delete is deleted. With WaitForFirstConsumer it waits for the scheduler's node and
    makes the volume local to that node."""

    name = "volume-provisioner"
    kinds = ()

    def __init__(self, sim) -> None:
        super().__init__(sim)
        # An external provisioner runs under its own account, which no bootstrap policy has; kdsl lends
        # it the PV controller's, whose role grants the same (create and delete volumes, read claims).
        self.client = Client(sim, "persistent-volume-binder")
        self.client.source = "external-provisioner"
        self.started: dict[str, int] = {}  # claim uid -> the moment its provisioning began
        self.installed = frozenset(("dynamic",) + sim.scenario.cluster.provisioners) - {NO_PROVISIONER, "none"}

    def setup(self) -> None:
        self.store.watch(PVC, self.on_claim)
        self.store.watch(PV, self.on_volume)

    def on_claim(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if new is None:
            self.started.pop(old.meta.uid, None)
        elif annotation(new, STORAGE_PROVISIONER) and not new.spec.volume_name:
            self.enqueue(new.key)

    def on_volume(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if new is not None and annotation(new, PROVISIONED_BY) and volume_status(new).phase == "Released":
            self.enqueue(new.key)

    def reconcile(self, key: Key) -> None:
        obj = self.store.get(*key)
        if obj is None:
            return  # deleted meanwhile: nothing to create or delete
        if obj.kind == PV:
            self.delete(obj)
        else:
            self.provision(obj)

    def provision(self, claim: ApiObject) -> None:
        provisioner = annotation(claim, STORAGE_PROVISIONER)
        if provisioner in (None, NO_PROVISIONER) or claim.spec.volume_name or claim.terminating:
            return  # not a claim for a provisioner, bound already, or going away
        if provisioner not in self.installed:
            return  # no such provisioner runs in this cluster: the claim waits, as the PV controller's event says
        cls = storage_class(self.store, claim)
        if cls is None or provisioner_of(cls) != provisioner:
            return  # its class is gone or names another provisioner now
        node = annotation(claim, SELECTED_NODE)
        if node is None and delay_binding(self.store, claim):
            return  # WaitForFirstConsumer: the scheduler has not chosen a node yet
        name = f"pvc-{claim.meta.uid}"
        if self.store.get(PV, None, name) is not None:
            return  # made already; the PV controller binds the claim to it
        uid, now = claim.meta.uid, self.sim.now
        if uid not in self.started:
            self.started[uid] = now
            self.client.event("Normal", "Provisioning", claim,
                              f'External provisioner is provisioning volume for claim "{claim_key(claim)}"')
        began = self.started[uid]
        if now < began + PROVISION_MS:
            self.enqueue(claim.key, began + PROVISION_MS - now)
            return  # the volume is being created
        spec = PersistentVolume(name=name, capacity=claim.spec.storage, storage_class=cls.name,
                                access_modes=claim.spec.access_modes, reclaim_policy=cls.spec.reclaim_policy,
                                claim=claim_key(claim), node=node)
        volume = ApiObject(kind=PV, meta=Meta(name=name, annotations=((PROVISIONED_BY, provisioner),)),
                           spec=spec, status=VolumeStatus(claim_uid=uid))
        if self.client.create(volume) is not None:
            del self.started[uid]
            self.client.event("Normal", "ProvisioningSucceeded", claim, f"Successfully provisioned volume {name}")

    def delete(self, volume: ApiObject) -> None:
        if volume.spec.reclaim_policy != "Delete" or volume_status(volume).phase != "Released":
            return  # kept (Retain), or bound again
        if volume.terminating:
            return  # deleted already, held by a finalizer
        self.client.delete(PV, None, volume.name)
