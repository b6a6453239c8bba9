"""Config and storage: ConfigMaps, Secrets (whose values never appear in a repr or str), StorageClasses, PVs and PVCs."""

from __future__ import annotations

import base64
from typing import ClassVar

import attrs

from kdsl.core.secrets import SECRET_FIELDS, redact_field
from kdsl.model.base import NamespacedObject, Object, Pairs

SECRET_TYPES = {"opaque": "Opaque", "tls": "kubernetes.io/tls", "dockerconfigjson": "kubernetes.io/dockerconfigjson",
                "basic-auth": "kubernetes.io/basic-auth", "ssh-auth": "kubernetes.io/ssh-auth"}


@attrs.frozen(kw_only=True, weakref_slot=False)
class ConfigMap(NamespacedObject):
    kind: ClassVar[str] = "ConfigMap"
    plural: ClassVar[str] = "configmaps"
    data: Pairs = ()
    immutable: bool = False

    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.data)


@attrs.frozen(kw_only=True, weakref_slot=False)
class Secret(NamespacedObject):
    """`data` holds the decoded values (kdsl's entries are plain text, as `kubectl create secret
    --from-literal` takes them); `string_data` is Kubernetes' write-only stringData, merged into `data` by
    the API server (`merged`)."""

    kind: ClassVar[str] = "Secret"
    plural: ClassVar[str] = "secrets"
    data: Pairs = ()
    type: str = "Opaque"
    immutable: bool = False
    string_data: Pairs = ()

    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.data)

    def __repr__(self) -> str:
        """Every field as attrs shows it, the ones that hold values through kdsl.core.secrets.redact_field."""
        shown = ", ".join(f"{f.name}={self._shown(f.name)}" for f in attrs.fields(type(self)) if f.repr)
        return f"Secret({shown})"

    def _shown(self, name: str) -> str:
        value = getattr(self, name)
        if name in ("data", "string_data"):
            return "{" + ", ".join(f"{k!r}: {v}" for k, v in redact_field(name, value)) + "}"
        return repr(redact_field(name, value) if name in SECRET_FIELDS else value)

    def merged(self) -> Secret:
        """As the API server stores it: stringData merged into data, winning on a clash, and never kept."""
        if not self.string_data:
            return self
        data = dict(self.data)
        data.update(self.string_data)
        return attrs.evolve(self, data=tuple(data.items()), string_data=())

    def encoded(self) -> Pairs:
        """`data` as the API serves it (`kubectl get secret -o yaml`): base64. Asked for, like `reveal`."""
        return tuple((k, base64.b64encode(v.encode()).decode()) for k, v in self.data)

    def reveal(self, key: str) -> str:
        """A value, asked for by name: the only way kdsl hands a secret back."""
        return dict(self.data)[key]


ACCESS_MODES = {"RWO": "ReadWriteOnce", "ROX": "ReadOnlyMany", "RWX": "ReadWriteMany", "RWOP": "ReadWriteOncePod"}
ACCESS_SHORT = {v: k for k, v in ACCESS_MODES.items()}


@attrs.frozen(kw_only=True, weakref_slot=False)
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


@attrs.frozen(kw_only=True, weakref_slot=False)
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


@attrs.frozen(kw_only=True, weakref_slot=False)
class PersistentVolumeClaim(NamespacedObject):
    """`storage_class` None leaves the DefaultStorageClass admission plugin to fill it in;
    "" asks for no class."""

    kind: ClassVar[str] = "PersistentVolumeClaim"
    plural: ClassVar[str] = "persistentvolumeclaims"
    storage: int
    storage_class: str | None = None
    access_modes: tuple[str, ...] = ("ReadWriteOnce",)
    volume_name: str | None = None
