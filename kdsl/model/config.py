"""ConfigMaps and Secrets. A Secret's values never appear in its repr or str."""

from __future__ import annotations

from typing import ClassVar

import attrs

from kdsl.model.base import NamespacedObject, Pairs

SECRET_TYPES = {"opaque": "Opaque", "tls": "kubernetes.io/tls", "dockerconfigjson": "kubernetes.io/dockerconfigjson",
                "basic-auth": "kubernetes.io/basic-auth", "ssh-auth": "kubernetes.io/ssh-auth"}


@attrs.frozen(kw_only=True)
class ConfigMap(NamespacedObject):
    kind: ClassVar[str] = "ConfigMap"
    plural: ClassVar[str] = "configmaps"
    data: Pairs = ()
    immutable: bool = False

    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.data)


def _redacted(data: Pairs) -> str:
    return "{" + ", ".join(f"{k!r}: <redacted>" for k, _ in data) + "}"


@attrs.frozen(kw_only=True)
class Secret(NamespacedObject):
    kind: ClassVar[str] = "Secret"
    plural: ClassVar[str] = "secrets"
    data: Pairs = attrs.field(default=(), repr=_redacted)
    type: str = "Opaque"
    immutable: bool = False

    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.data)

    def reveal(self, key: str) -> str:
        """A value, asked for by name: the only way kdsl hands a secret back."""
        return dict(self.data)[key]
