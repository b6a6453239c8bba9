"""What the API server reads: a read-only view of the store, and a small in-memory one for tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from kdsl.engine.objects import ApiObject, Meta
from kdsl.model.base import Object
from kdsl.model.scenario import Scenario


class View(Protocol):
    """The store as the API server sees it (kdsl.engine.store.Store fits): objects by kind name
    (`Pod`, `Namespace`), namespace (None for cluster-scoped kinds) and name; `list` sorted by
    namespace and name, every namespace when `namespace` is None."""

    def get(self, kind: str, namespace: str | None, name: str) -> ApiObject | None: ...

    def list(self, kind: str, namespace: str | None = None) -> Sequence[ApiObject]: ...


def wrap(obj: Object, **meta) -> ApiObject:
    """A model object as the store keeps it, its metadata copied from the model (extra Meta fields
    as keywords: `creation_ms=`, `deletion_ms=`, `finalizers=` ...)."""
    fields = dict(name=obj.name, namespace=getattr(obj, "namespace", None) if obj.namespaced else None,
                  labels=obj.labels, annotations=obj.annotations)
    fields.update(meta)
    return ApiObject(kind=obj.kind, meta=Meta(**fields), spec=obj)


Key = tuple[str, str | None, str]  # (kind, namespace, name), as the store keys objects


class MemoryView:
    """A View over a fixed set of objects: for tests, `kdsl` expectations and notebooks."""

    def __init__(self, objects: Iterable[ApiObject | Object] = ()):
        self._objects: dict[Key, ApiObject] = {}
        for o in objects:
            self.add(o)

    @classmethod
    def from_state(cls, state: Mapping[Key, ApiObject]) -> MemoryView:
        """A view of the store as it stood at some moment (`Store.state_at(t)`, `Simulation.state(t)`),
        so that RBAC questions can be asked of the past."""
        return cls(state.values())

    @classmethod
    def of_scenario(cls, scenario: Scenario) -> MemoryView:
        """A view of what a scenario declares, before anything runs (enough for its RBAC objects)."""
        return cls(scenario.objects)

    def add(self, obj: ApiObject | Object) -> ApiObject:
        """Add or replace an object (a model object is wrapped first)."""
        api = obj if isinstance(obj, ApiObject) else wrap(obj)
        self._objects[api.key] = api
        return api

    def remove(self, kind: str, namespace: str | None, name: str) -> None:
        self._objects.pop((kind, namespace, name), None)

    def get(self, kind: str, namespace: str | None, name: str) -> ApiObject | None:
        return self._objects.get((kind, namespace, name))

    def list(self, kind: str, namespace: str | None = None) -> list[ApiObject]:
        keys = sorted((k for k in self._objects if k[0] == kind and (namespace is None or k[1] == namespace)),
                      key=lambda k: (k[1] or "", k[2]))
        return [self._objects[k] for k in keys]
