"""The PersistentVolume controller: binds claims to volumes, asks for provisioning, reclaims released volumes."""

from __future__ import annotations

import attrs

from kdsl.engine.controllers.base import Client, Controller, Key
from kdsl.engine.controllers.pv_index import (BETA_STORAGE_PROVISIONER, BIND_COMPLETED, BOUND_BY_CONTROLLER,
                                              SELECTED_NODE, STORAGE_PROVISIONER, ClaimStatus, annotation, bound_to,
                                              claim_class, claim_key, claim_values, delay_binding,
                                              find_matching_volume, provisioner_of, storage_class, volume_status,
                                              volume_values, with_annotations)
from kdsl.engine.controllers.pv_volumes import PV, PVC, VolumeSync
from kdsl.engine.expect import register
from kdsl.engine.objects import ApiObject

# Event texts of pkg/controller/volume/persistentvolume/pv_controller.go.
NO_CLASS = "no persistent volumes available for this claim and no storage class is set"
FIRST_CONSUMER = "waiting for first consumer to be created before binding"
EXTERNAL = ("Waiting for a volume to be created either by the external provisioner '{}' or manually by the "
            "system administrator. If volume creation is delayed, please verify that the provisioner is running "
            "and correctly registered.")
LOST_REFERENCE = "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!"
LOST_VOLUME = "Bound claim has lost its PersistentVolume. Data on the volume is lost!"
MISBOUND = "Two claims are bound to the same volume, this one is bound incorrectly"


class _OwnWrites(Client):
    """Marks the controller's own writes: the PV controller does not sync again a version it wrote
    itself (storeObjectUpdate)."""

    def __init__(self, sim, name: str, owner: PersistentVolumeBinder) -> None:
        super().__init__(sim, name)
        self.owner = owner

    def _write(self, verb: str, obj: ApiObject, subresource: str | None = None) -> ApiObject | None:
        self.owner.writing += 1
        try:
            return self.sim.submit(verb, obj, source=self.source, user=self.user, subresource=subresource,
                                   on_conflict=self._conflict)
        finally:
            self.owner.writing -= 1

    def update(self, obj: ApiObject) -> ApiObject | None:
        return self._write("update", obj)

    def update_status(self, obj: ApiObject) -> ApiObject | None:
        return self._write("update", obj, "status")


class PersistentVolumeBinder(VolumeSync, Controller):
    """syncClaim and syncVolume of the PV controller, level-triggered. Kubernetes also resyncs every
    claim each 15 s; kdsl instead wakes the unbound claims when a volume becomes Available or a
    StorageClass appears, which is when a resync could first succeed."""

    name = "persistent-volume-binder"
    kinds = (PVC, PV)

    def __init__(self, sim) -> None:
        super().__init__(sim)
        self.client = _OwnWrites(sim, self.name, self)
        self.client.source = "persistentvolume-controller"  # the component its events name

    def setup(self) -> None:
        self.writing = 0  # > 0 while this controller's own write is being announced
        self.unbound: dict[Key, None] = {}  # claims not yet bound, in arrival order (an ordered set)
        self.store.watch(PVC, self.on_claim)
        self.store.watch(PV, self.on_volume)
        self.store.watch("StorageClass", self.on_class)

    def on_claim(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if new is None:
            self.unbound.pop(old.key, None)
            if old.spec.volume_name:
                self.enqueue((PV, None, old.spec.volume_name))  # its volume is released now
            return
        if annotation(new, BIND_COMPLETED) is None:
            self.unbound[new.key] = None
        else:
            self.unbound.pop(new.key, None)
        if not self.writing:
            self.enqueue(new.key)

    def on_volume(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if new is None:
            if old.spec.claim:
                ns, _, name = old.spec.claim.partition("/")
                self.enqueue((PVC, ns, name))  # its claim has lost its volume
            return
        if not self.writing:
            self.enqueue(new.key)
        if volume_status(new).phase == "Available" and (old is None or volume_status(old).phase != "Available"):
            self._wake_unbound(None)

    def on_class(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if old is None and new is not None:
            self._wake_unbound(new.name)

    def _wake_unbound(self, cls: str | None) -> None:
        for key in self.unbound:
            claim = self.store.get(*key)
            if claim is not None and (cls is None or claim_class(claim) == cls):
                self.enqueue(key)

    def reconcile(self, key: Key) -> None:
        obj = self.store.get(*key)
        if obj is None:
            return  # gone: the other side's watch already woke what its deletion concerns
        if obj.kind == PVC:
            if annotation(obj, BIND_COMPLETED) is None:
                self.sync_unbound_claim(obj)
            else:
                self.sync_bound_claim(obj)
        else:
            self.sync_volume(obj)

    # ---- claims ------------------------------------------------------------------------------------
    def sync_unbound_claim(self, claim: ApiObject) -> None:
        if claim.spec.volume_name is None:
            delayed = delay_binding(self.store, claim) and annotation(claim, SELECTED_NODE) is None
            volume = find_matching_volume(claim, self.store.list(PV), delay=delayed)
            if volume is not None:
                self.bind(volume, claim)
                return  # bound
            if delayed:
                self._wait_for_consumer(claim)
            elif claim_class(claim):
                claim = self._provision(claim)
            else:
                self.client.event("Normal", "FailedBinding", claim, NO_CLASS)
            self._claim_phase(claim, "Pending")
            return  # waits for a volume: a new one, or the provisioner's
        volume = self.store.get(PV, None, claim.spec.volume_name)
        if volume is not None and (volume.spec.claim is None or bound_to(volume, claim)):
            self.bind(volume, claim)
            return  # the volume the user asked for, now bound
        # The volume the user named does not exist yet, or a user bound it to another claim: wait.
        self._claim_phase(claim, "Pending")

    def _wait_for_consumer(self, claim: ApiObject) -> None:
        """emitEventForUnboundDelayBindingClaim: name the pods still waiting for the scheduler, if any."""
        pods = sorted(p.name for p in self.store.list("Pod", claim.namespace)
                      if p.spec.template.node_name is None
                      and any(v.source == "pvc" and v.ref == claim.name for v in p.spec.template.volumes))
        if not pods:
            self.client.event("Normal", "WaitForFirstConsumer", claim, FIRST_CONSUMER)
            return
        what = f"pod {pods[0]}" if len(pods) == 1 else f"pods {','.join(pods)}"
        self.client.event("Normal", "WaitForPodScheduled", claim, f"waiting for {what} to be scheduled")

    def _provision(self, claim: ApiObject) -> ApiObject:
        """provisionClaim for an external provisioner: annotate the claim with the provisioner that is
        to create its volume, and say that the claim waits for it. Returns the claim as now stored."""
        cls = storage_class(self.store, claim)
        if cls is None:
            self.client.event("Warning", "ProvisioningFailed", claim,
                              f'storageclass.storage.k8s.io "{claim_class(claim)}" not found')
            return claim
        provisioner = provisioner_of(cls)
        if annotation(claim, STORAGE_PROVISIONER) != provisioner:
            pairs = {STORAGE_PROVISIONER: provisioner, BETA_STORAGE_PROVISIONER: provisioner}
            written = self.client.update(with_annotations(claim, pairs))
            if written is None:
                return claim
            claim = written
        self.client.event("Normal", "ExternalProvisioning", claim, EXTERNAL.format(provisioner))
        return claim

    def sync_bound_claim(self, claim: ApiObject) -> None:
        if not claim.spec.volume_name:
            self._claim_phase(claim, "Lost", "ClaimLost", LOST_REFERENCE)
            return  # bound once, its volume name since removed
        volume = self.store.get(PV, None, claim.spec.volume_name)
        if volume is None:
            self._claim_phase(claim, "Lost", "ClaimLost", LOST_VOLUME)
            return  # the volume was deleted under it
        if volume.spec.claim is None or (bound_to(volume, claim) and volume_status(volume).claim_uid):
            self.bind(volume, claim)
            return  # all is well (bind() writes only what is missing)
        self._claim_phase(claim, "Lost", "ClaimMisbound", MISBOUND)

    def _claim_phase(self, claim: ApiObject, phase: str, reason: str = "", message: str = "") -> None:
        """updateClaimStatus(WithEvent): capacity and access modes are cleared off a claim not Bound."""
        want = ClaimStatus(phase=phase)
        if claim.status == want:
            return
        if self.client.update_status(attrs.evolve(claim, status=want)) is not None and reason:
            self.client.event("Warning", reason, claim, message)

    # ---- binding -----------------------------------------------------------------------------------
    def bind(self, volume: ApiObject, claim: ApiObject) -> None:
        """The four writes of bind(): the volume's claimRef, its phase, the claim's volumeName and
        annotations, its phase with the volume's capacity and access modes — each only if needed."""
        uid = claim.meta.uid
        status = volume_status(volume)
        if volume.spec.claim != claim_key(claim):
            changed = attrs.evolve(volume, spec=attrs.evolve(volume.spec, claim=claim_key(claim)))
            changed = with_annotations(changed, {BOUND_BY_CONTROLLER: "yes"})
            if (volume := self.client.update(changed)) is None:
                return
        if status.phase != "Bound" or status.claim_uid != uid or status.message:
            bound = attrs.evolve(volume, status=attrs.evolve(status, phase="Bound", message="", claim_uid=uid))
            if (volume := self.client.update_status(bound)) is None:
                return
        if claim.spec.volume_name != volume.name or annotation(claim, BIND_COMPLETED) is None:
            pairs = {BIND_COMPLETED: "yes"}
            if claim.spec.volume_name is None:
                pairs[BOUND_BY_CONTROLLER] = "yes"
            changed = attrs.evolve(claim, spec=attrs.evolve(claim.spec, volume_name=volume.name))
            if (claim := self.client.update(with_annotations(changed, pairs))) is None:
                return
        want = ClaimStatus(phase="Bound", capacity=volume.spec.capacity, access_modes=volume.spec.access_modes)
        if claim.status != want:
            self.client.update_status(attrs.evolve(claim, status=want))


# ---- what `expect pvc ...` and `expect pv ...` read ------------------------------------------------

register("pvc", PVC, claim_values)
register("pv", PV, volume_values)
