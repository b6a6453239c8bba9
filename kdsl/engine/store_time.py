"""The store's past: the version of an object, of a kind or of everything that stood at a moment."""

from __future__ import annotations

import bisect

from kdsl.engine.objects import ApiObject
from kdsl.engine.store_watch import Key


class TimeTravel:
    """Store's reads of the past, from the versions each key keeps (`_versions`) and every key a kind and
    namespace had (`_ever`), both kept by its writes."""

    _versions: dict[Key, list[tuple[int, int, Key, str, ApiObject | None]]]  # the history's entries of a key
    _ever: dict[tuple[str, str | None], list[Key]]
    _log: list[tuple]

    def at(self, key: Key, time_ms: int) -> ApiObject | None:
        """The version of one object that stood at the end of `time_ms` (None if it did not exist)."""
        versions = self._versions.get(key)
        if not versions:
            return None
        i = bisect.bisect_right(versions, time_ms, key=lambda v: v[0])
        return versions[i - 1][4] if i else None

    def kind_at(self, kind: str, namespace: str | None, time_ms: int) -> list[ApiObject]:
        """The objects of one kind in one namespace as they stood at the end of `time_ms`, in creation order."""
        out = []
        for key in self._ever.get((kind, namespace), ()):
            obj = self.at(key, time_ms)
            if obj is not None:
                out.append(obj)
        return out

    def lifetimes(self, key: Key) -> list[tuple[int, int | None]]:
        """When one object stood: (created, deleted or None), once per life (a StatefulSet's pod is made
        again under its name); the error for a name asked at the wrong moment says when it exists."""
        out: list[tuple[int, int | None]] = []
        for time_ms, _, _, _, obj in self._versions.get(key, ()):
            if obj is not None and (not out or out[-1][1] is not None):
                out.append((time_ms, None))
            elif obj is None and out and out[-1][1] is None:
                out[-1] = (out[-1][0], time_ms)
        return out

    def namespaces(self) -> list[str]:
        """Every namespace that ever held an object or was one, sorted."""
        names = {ns for _, ns in self._ever if ns}
        names.update(key[2] for key in self._ever.get(("Namespace", None), ()))
        return sorted(names)

    def kinds(self) -> list[str]:
        """Every kind the store has ever held, sorted."""
        return sorted({k[0] for k in self._ever})

    def all_at(self, kind: str, time_ms: int, namespace: str | None = None) -> list[ApiObject]:
        """The objects of one kind, in every namespace (or one), as they stood at the end of `time_ms`."""
        out = []
        for kind_ns in sorted((k for k in self._ever if k[0] == kind and namespace in (None, k[1])),
                              key=lambda k: k[1] or ""):
            out.extend(self.kind_at(kind, kind_ns[1], time_ms))
        return out

    def state_at(self, time_ms: int) -> dict[Key, ApiObject]:
        """Every object as it stood at the end of `time_ms`, by key."""
        out = {}
        for key in self._versions:
            obj = self.at(key, time_ms)
            if obj is not None:
                out[key] = obj
        return dict(sorted(out.items(), key=lambda kv: _sort_key(kv[0])))

    def moments(self) -> list[int]:
        """The distinct times at which something changed, in order."""
        return sorted({entry[0] for entry in self._log})



def _sort_key(key: Key) -> tuple[str, str, str]:
    return (key[0], key[1] or "", key[2])
