"""The PV controller's volume side (syncVolume): a volume's phase, its release, reclaim policy and unbinding."""

from __future__ import annotations

import attrs

from kdsl.engine.controllers.pv_index import (BOUND_BY_CONTROLLER, PROVISIONED_BY, annotation, volume_status,
                                              with_annotations)
from kdsl.engine.objects import ApiObject

PVC, PV = "PersistentVolumeClaim", "PersistentVolume"
# Event texts of pkg/controller/volume/persistentvolume/pv_controller.go (reclaimVolume).
NO_RECYCLER = "No recycler plugin found for the volume!"
NO_DELETER = 'error getting deleter volume plugin for volume "{}": no volume plugin matched'


class VolumeSync:
    """syncVolume, reclaimVolume and unbindVolume of pkg/controller/volume/persistentvolume/pv_controller.go, the
    volume worker's half of PersistentVolumeBinder (pv_binder.py), which has the claim worker's."""

    def sync_volume(self, volume: ApiObject) -> None:
        status = volume_status(volume)
        if volume.spec.claim is None or not status.claim_uid:
            self._volume_phase(volume, "Available")
            if volume.spec.claim is not None:
                ns, _, name = volume.spec.claim.partition("/")
                self.enqueue((PVC, ns, name))
            return  # unused, or pre-bound (by a user or the scheduler) to a claim whose sync binds it
        ns, _, name = volume.spec.claim.partition("/")
        claim = self.store.get(PVC, ns, name)
        if claim is not None and claim.meta.uid != status.claim_uid:
            claim = None  # deleted, and another claim of the same name created since
        if claim is None:
            if status.phase not in ("Released", "Failed"):
                volume = self._volume_phase(volume, "Released")
            if volume is not None:
                self.reclaim(volume)
            return  # released: what happens next is the reclaim policy's
        if not claim.spec.volume_name:
            self.enqueue(claim.key)
            return  # half bound (by the scheduler or the provisioner): the claim's sync finishes it
        if claim.spec.volume_name == volume.name:
            self._volume_phase(volume, "Bound")
            return  # all is bound
        if annotation(volume, PROVISIONED_BY) and volume.spec.reclaim_policy == "Delete":
            if status.phase not in ("Released", "Failed"):
                volume = self._volume_phase(volume, "Released")
            if volume is not None:
                self.reclaim(volume)
            return  # provisioned for a claim that got another volume: not needed
        self.unbind(volume)

    def reclaim(self, volume: ApiObject) -> None:
        """reclaimVolume. Retain keeps the data for the administrator; Delete is the provisioner's for a
        volume it made, and fails for a static one (no plugin can delete it); Recycle has no plugin."""
        policy = volume.spec.reclaim_policy
        if policy == "Retain" or (policy == "Delete" and annotation(volume, PROVISIONED_BY)):
            return
        reason, message = (("VolumeFailedRecycle", NO_RECYCLER) if policy == "Recycle"
                           else ("VolumeFailedDelete", NO_DELETER.format(volume.name)))
        if volume_status(volume).phase != "Failed":
            if self._volume_phase(volume, "Failed", message) is not None:
                self.client.event("Warning", reason, volume, message)

    def unbind(self, volume: ApiObject) -> None:
        """unbindVolume: a claimRef the controller set is cleared; one a user set keeps its name only."""
        if annotation(volume, BOUND_BY_CONTROLLER):
            changed = with_annotations(attrs.evolve(volume, spec=attrs.evolve(volume.spec, claim=None)),
                                       {BOUND_BY_CONTROLLER: None})
            volume = self.client.update(changed)
        if volume is not None:
            status = attrs.evolve(volume_status(volume), phase="Available", message="", claim_uid="")
            self.client.update_status(attrs.evolve(volume, status=status))

    def _volume_phase(self, volume: ApiObject, phase: str, message: str = "") -> ApiObject | None:
        status = volume_status(volume)
        if volume.status is not None and status.phase == phase and status.message == message:
            return volume
        return self.client.update_status(attrs.evolve(volume, status=attrs.evolve(status, phase=phase,
                                                                                   message=message)))
