"""An etcd-like store: versioned objects, watch notifications, indexes, and the state at any moment."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterator

import attrs

from kdsl.engine.evolve import copier
from kdsl.engine.objects import ApiObject, Meta

Key = tuple[str, str | None, str]  # (kind, namespace, name)
Watcher = Callable[[str, ApiObject | None, ApiObject | None], None]  # (op, old, new)
_SAME = object()  # put's `status` when the object's own stands
# A write copies the object once and its metadata once (to stamp the resourceVersion): the compiled
# copiers spare evolve's keyword checks on the path every write takes.
_copy_object, _copy_meta = copier(ApiObject), copier(Meta)


@attrs.frozen
class Change:
    """One write, as the history keeps it: `obj` is the new version, None for a deletion."""

    time_ms: int
    resource_version: int
    key: Key
    op: str  # ADDED | MODIFIED | DELETED
    obj: ApiObject | None


class Store:
    """Holds the current objects; every write bumps the resourceVersion, is recorded, and is
    announced to the watchers of its kind. Objects are frozen: a write stores a new version, so
    history shares what did not change and the state at a past moment is rebuilt by lookup."""

    def __init__(self) -> None:
        self.resource_version = 0
        self._objects: dict[Key, ApiObject] = {}
        self._by_kind: dict[str, dict[Key, ApiObject]] = defaultdict(dict)
        self._by_ns: dict[tuple[str, str | None], dict[Key, ApiObject]] = defaultdict(dict)
        self._watchers: dict[str, list[tuple[Watcher, frozenset[str] | None]]] = defaultdict(list)
        # (kind, controller kinds) -> the watchers a write of such an object reaches, in watch order
        self._dispatch: dict[tuple[str, tuple[str, ...]], tuple[Watcher, ...]] = {}
        self.history: list[Change] = []
        self._versions: dict[Key, list[tuple[int, int, ApiObject | None]]] = defaultdict(list)  # (time, rv, obj)
        self._ever: dict[tuple[str, str | None], list[Key]] = defaultdict(list)  # every key a kind/namespace had
        self._by_owner: dict[tuple[str, str], dict[Key, ApiObject]] = defaultdict(dict)  # (kind, owner uid)
        self._unowned: dict[tuple[str, str | None], dict[str, None]] = defaultdict(dict)  # (kind, ns): no controller

    # ---- reads ---------------------------------------------------------------------------------
    def get(self, kind: str, namespace: str | None, name: str) -> ApiObject | None:
        return self._objects.get((kind, namespace, name))

    def list(self, kind: str, namespace: str | None = None, *, by_name: bool = False) -> list[ApiObject]:
        """Objects of a kind (in one namespace if given) in the order they were created — which a
        deterministic run makes the same in every process — or sorted by namespace and name."""
        pool = self._by_kind.get(kind, {}) if namespace is None else self._by_ns.get((kind, namespace), {})
        if by_name:
            return [pool[k] for k in sorted(pool, key=_sort_key)]
        return list(pool.values())

    def owned_by(self, kind: str, uid: str) -> list[ApiObject]:
        """Objects of `kind` whose controller ownerReference has this uid, in creation order."""
        return list(self._by_owner.get((kind, uid), {}).values())

    def unowned(self, kind: str, namespace: str | None) -> list[str]:
        """The names of the objects of `kind` in `namespace` that no controller owns (ClaimPods' orphans), sorted."""
        return sorted(self._unowned.get((kind, namespace), ()))

    def count(self, kind: str, namespace: str | None = None) -> int:
        pool = self._by_kind.get(kind, {}) if namespace is None else self._by_ns.get((kind, namespace), {})
        return len(pool)

    def __iter__(self) -> Iterator[ApiObject]:
        return iter(self._objects[k] for k in sorted(self._objects, key=_sort_key))

    # ---- writes --------------------------------------------------------------------------------
    def put(self, obj: ApiObject, now: int, status=_SAME, spec=_SAME) -> ApiObject:
        """Create or replace an object; returns it with its new resourceVersion. `status` and `spec`, if
        given, replace the object's in the same copy (a binding or a status write need not copy it twice)."""
        self.resource_version += 1
        meta = _copy_meta(obj.meta, {"resource_version": self.resource_version})
        changes = {"meta": meta}
        if status is not _SAME:
            changes["status"] = status
        if spec is not _SAME:
            changes["spec"] = spec
        obj = _copy_object(obj, changes)
        key = (obj.kind, meta.namespace, meta.name)
        old = self._objects.get(key)
        self._objects[key] = obj
        self._by_kind[key[0]][key] = obj
        self._by_ns[(key[0], key[1])][key] = obj
        owners = meta.owners
        if old is not None and old.meta.owners is owners:
            if owners and (uid := _controller_uid(obj)) is not None:
                self._by_owner[(key[0], uid)][key] = obj  # the same owners: only the entry's version moves
        elif owners or (old is not None and old.meta.owners):
            self._index_owners(key, old, obj)
        elif old is None:
            self._unowned[(key[0], key[1])][key[2]] = None
        op = "MODIFIED" if old is not None else "ADDED"
        self._record(now, key, op, obj)
        self._notify(key[0], op, old, obj)
        return obj

    def delete(self, kind: str, namespace: str | None, name: str, now: int) -> ApiObject | None:
        key = (kind, namespace, name)
        old = self._objects.pop(key, None)
        if old is None:
            return None
        self.resource_version += 1
        del self._by_kind[kind][key]
        del self._by_ns[(kind, namespace)][key]
        if old.meta.owners:
            self._index_owners(key, old, None)
        unowned = self._unowned.get((kind, namespace))
        if unowned:
            unowned.pop(name, None)
        self._record(now, key, "DELETED", None)
        self._notify(kind, "DELETED", old, None)
        return old

    def _index_owners(self, key: Key, old: ApiObject | None, new: ApiObject | None) -> None:
        # Only the controller reference indexes: it is the one a controller lists its dependents by.
        before = _controller_uid(old)
        after = _controller_uid(new)
        if before is not None and before != after:
            self._by_owner[(key[0], before)].pop(key, None)
        if after is not None:
            self._by_owner[(key[0], after)][key] = new
            self._unowned[(key[0], key[1])].pop(key[2], None)
        elif new is not None:
            self._unowned[(key[0], key[1])][key[2]] = None

    def watch(self, kind: str, fn: Watcher, owners: tuple[str, ...] | None = None) -> None:
        """Call `fn(op, old, new)` after every write of that kind, in the order of the writes. With
        `owners`, only for objects (before or after the write) whose controller is of one of those
        kinds: a ReplicaSet controller need not hear of the other pods' progress, by far the most writes."""
        self._watchers[kind].append((fn, None if owners is None else frozenset(owners)))
        self._dispatch.clear()

    def _record(self, now: int, key: Key, op: str, obj: ApiObject | None) -> None:
        self.history.append(Change(now, self.resource_version, key, op, obj))
        versions = self._versions[key]
        if not versions:
            self._ever[(key[0], key[1])].append(key)
        versions.append((now, self.resource_version, obj))

    def _notify(self, kind: str, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        # The watchers an object reaches depend only on its kind and its controllers' kinds: chosen
        # once per pair, not asked of every watcher at every write (a pod write has a dozen).
        if old is None or new is None or old.meta.owners is new.meta.owners:
            owners = (old if new is None else new).meta.owners
            controllers = tuple(o.kind for o in owners if o.controller) if owners else ()
        else:
            controllers = tuple(sorted(_controller_kinds(old, new)))
        fns = self._dispatch.get((kind, controllers))
        if fns is None:
            fns = self._dispatch[(kind, controllers)] = tuple(
                fn for fn, kinds in self._watchers.get(kind, ()) if kinds is None or not kinds.isdisjoint(controllers))
        watching = len(self._watchers.get(kind, ()))
        for fn in fns:
            fn(op, old, new)
        if len(self._watchers.get(kind, ())) > watching:
            # a watch begun by a watcher hears this write too, as a watcher appended to the list would
            for fn, kinds in self._watchers[kind][watching:]:
                if kinds is None or not kinds.isdisjoint(controllers):
                    fn(op, old, new)

    # ---- time travel -----------------------------------------------------------------------------
    def at(self, key: Key, time_ms: int) -> ApiObject | None:
        """The version of one object that stood at the end of `time_ms` (None if it did not exist)."""
        versions = self._versions.get(key)
        if not versions:
            return None
        i = bisect.bisect_right(versions, time_ms, key=lambda v: v[0])
        return versions[i - 1][2] if i else None

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
        for time_ms, _, obj in self._versions.get(key, ()):
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
        return sorted({c.time_ms for c in self.history})


def _controller_kinds(old: ApiObject | None, new: ApiObject | None) -> set[str]:
    kinds = set()
    for obj in (old, new):
        if obj is not None:
            kinds.update(o.kind for o in obj.meta.owners if o.controller)
    return kinds


def _controller_uid(obj: ApiObject | None) -> str | None:
    if obj is not None:
        for o in obj.meta.owners:  # a loop, not next(genexpr): asked at every write of an owned object
            if o.controller:
                return o.uid
    return None


def _sort_key(key: Key) -> tuple[str, str, str]:
    return (key[0], key[1] or "", key[2])
