"""ConfigMaps and Secrets. A Secret's values never appear in its repr or str."""

from __future__ import annotations

import base64
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
    """`data` holds the decoded values (kdsl's entries are plain text, as `kubectl create secret
    --from-literal` takes them); `string_data` is Kubernetes' write-only stringData, merged into `data` by
    the API server (`merged`)."""

    kind: ClassVar[str] = "Secret"
    plural: ClassVar[str] = "secrets"
    data: Pairs = attrs.field(default=(), repr=_redacted)
    type: str = "Opaque"
    immutable: bool = False
    string_data: Pairs = attrs.field(default=(), repr=_redacted)

    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.data)

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
