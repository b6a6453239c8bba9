"""Storage: StorageClasses, PersistentVolumes and PersistentVolumeClaims."""

from __future__ import annotations

from typing import ClassVar

import attrs

from kdsl.model.base import NamespacedObject, Object

ACCESS_MODES = {"RWO": "ReadWriteOnce", "ROX": "ReadOnlyMany", "RWX": "ReadWriteMany", "RWOP": "ReadWriteOncePod"}
ACCESS_SHORT = {v: k for k, v in ACCESS_MODES.items()}


@attrs.frozen(kw_only=True)
class StorageClass(Object):
    """`provisioner=dynamic` provisions volumes in the simulation; `none` means static PVs only."""

    kind: ClassVar[str] = "StorageClass"
    api_version: ClassVar[str] = "storage.k8s.io/v1"
    plural: ClassVar[str] = "storageclasses"
    provisioner: str = "dynamic"
    binding_mode: str = "Immediate"
    reclaim_policy: str = "Delete"
    default: bool = False
    allow_expansion: bool = False


@attrs.frozen(kw_only=True)
class PersistentVolume(Object):
    """A statically created PV; reclaim policy Retain by default, as for manual PVs."""

    kind: ClassVar[str] = "PersistentVolume"
    plural: ClassVar[str] = "persistentvolumes"
    capacity: int
    storage_class: str = ""
    access_modes: tuple[str, ...] = ("ReadWriteOnce",)
    reclaim_policy: str = "Retain"
    claim: str | None = None  # pre-bound claimRef "ns/name"
    node: str | None = None  # node affinity for a local volume


@attrs.frozen(kw_only=True)
class PersistentVolumeClaim(NamespacedObject):
    """`storage_class` None leaves the DefaultStorageClass admission plugin to fill it in;
    "" asks for no class."""

    kind: ClassVar[str] = "PersistentVolumeClaim"
    plural: ClassVar[str] = "persistentvolumeclaims"
    storage: int
    storage_class: str | None = None
    access_modes: tuple[str, ...] = ("ReadWriteOnce",)
    volume_name: str | None = None
