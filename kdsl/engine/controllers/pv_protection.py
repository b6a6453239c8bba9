"""The PV protection controller: a deleted volume goes only once no claim is bound to it."""

from __future__ import annotations

import attrs

from kdsl.engine.controllers.base import Controller, Key
from kdsl.engine.controllers.pv_index import volume_status
from kdsl.engine.objects import ApiObject

PV = "PersistentVolume"
# Set on every new volume by the StorageObjectInUseProtection admission plugin (volumeutil.PVProtectionFinalizer).
FINALIZER = "kubernetes.io/pv-protection"


class PVProtectionController(Controller):
    """pkg/controller/volume/pvprotection/pv_protection_controller.go processPV: a volume being deleted keeps its
    finalizer while its phase is Bound (isBeingUsed) and loses it once it is not; a live volume without the
    finalizer (written past admission) gets it."""

    name = "pv-protection-controller"
    kinds = ()

    def setup(self) -> None:
        self.store.watch(PV, self.on_volume)

    def on_volume(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if new is not None and (new.terminating or FINALIZER not in new.meta.finalizers):
            self.enqueue(new.key)

    def reconcile(self, key: Key) -> None:
        volume = self.store.get(*key)
        if volume is None:
            return
        finalizers = volume.meta.finalizers
        if not volume.terminating:
            if FINALIZER not in finalizers:
                self.client.update(attrs.evolve(volume, meta=attrs.evolve(volume.meta,
                                                                          finalizers=finalizers + (FINALIZER,))))
            return
        if FINALIZER not in finalizers or volume_status(volume).phase == "Bound":
            return  # let go already, or in use: it stays Terminating until its claim lets it go
        kept = tuple(f for f in finalizers if f != FINALIZER)
        self.client.update(attrs.evolve(volume, meta=attrs.evolve(volume.meta, finalizers=kept)))
