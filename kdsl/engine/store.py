"""An etcd-like store: versioned objects, watch notifications, indexes, and the state at any moment."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from operator import itemgetter

from kdsl.core.evolve import plain, twin
from kdsl.engine.objects import ApiObject
from kdsl.engine.store_time import TimeTravel, _sort_key
from kdsl.engine.store_watch import (Change, Dispatch, History, Key, Watch, Watcher, Write, controller_of,
                                     selected, shape_of)

__all__ = ["KEEP", "Change", "Key", "Store", "Watcher", "Write"]

KEEP = object()  # put's `status` or `spec` when the object's own stands
_UNOWNED = ((), None, ())  # (owners, controller uid, controller kinds) of one no one owns
_CURRENT = itemgetter(4)  # a key's slot -> the object it holds now (None once deleted)
# A write copies the object once, to stamp its resourceVersion (with the status or spec given with it), and
# shares its Meta: put fills the copy's slots as ApiObject's writable twin (core.evolve.twin), then makes it the
# ApiObject it is (the same layout), in half the time of five slot descriptors' `__set__` calls.
_new = object.__new__
_Stamp = twin(ApiObject)  # None if the layouts differ (a `__weakref__` slot, a base class, ...)
assert plain(ApiObject) and _Stamp, "Store.put fills an ApiObject's twin: no converter, validator, hook, __weakref__"


class Store(TimeTravel, Dispatch):
    """Holds the current objects; every write bumps the resourceVersion, is recorded, and is
    announced to the watchers of its kind. Objects are frozen: a write stores a new version, so
    history shares what did not change and the state at a past moment is rebuilt by lookup."""

    def __init__(self) -> None:
        self.resource_version = 0
        # The pools (a kind's, a kind and namespace's, a controller's) hold a key's slot, which holds the object
        # that stands now: an update replaces it there and touches no pool (one dict lookup a write, not five).
        self._by_kind: dict[str, dict[Key, list]] = defaultdict(dict)
        self._by_ns: dict[tuple[str, str | None], dict[Key, list]] = defaultdict(dict)
        self._watches: dict[str, list[Watch]] = defaultdict(list)
        self._shaped: set[str] = set()  # kinds some watch of which filters by the shape of a write (or `beside`)
        self._besides: set[str] = set()  # `beside` kinds: the first of one in a namespace, or the last, re-chooses
        # a write's shape (kind, controllers, and for a shaped kind the rest of Write: shape_of) -> the watchers
        # it reaches, as store_watch.dispatched keeps them
        self._dispatch: dict[tuple, tuple] = {}
        self._answers: dict[int, tuple] = {}  # a label-selecting watch's answers: store_watch.selected
        self._begun = 0  # watches begun so far: a write's watchers compare it to see whether one began a watch
        self._log: list[tuple] = []
        self.history = History(self._log)
        # key -> its entries of the history, (time, rv, key, op, obj): the same tuples as the history's
        self._versions: dict[Key, list[tuple[int, int, Key, str, ApiObject | None]]] = {}
        # key -> [its kind's pool, its kind and namespace's pool, its versions, its owners' entry, its object now
        # (None while it does not exist)], made at its first write; the owners' entry is (its owners tuple, its
        # controller's uid, its controllers' kinds), read again only when the owners tuple changes (_UNOWNED: none)
        self._slots: dict[Key, list] = {}
        self._ever: dict[tuple[str, str | None], list[Key]] = defaultdict(list)  # every key a kind/namespace had
        self._by_owner: dict[tuple[str, str], dict[Key, list]] = defaultdict(dict)  # (kind, owner uid) -> slots
        self._unowned: dict[tuple[str, str | None], dict[str, None]] = defaultdict(dict)  # (kind, ns): no controller
        self._place: tuple = (None, None)  # _slot's last (kind, ns, kind's pool, its pool, keys ever, unowned)
        self._owned: tuple = (None, None)  # _created's last (owners, kind, owners' entry, its pool)

    # ---- reads ---------------------------------------------------------------------------------
    def get(self, kind: str, namespace: str | None, name: str) -> ApiObject | None:
        slot = self._slots.get((kind, namespace, name))
        return None if slot is None else slot[4]

    def list(self, kind: str, namespace: str | None = None, *, by_name: bool = False) -> list[ApiObject]:
        """Objects of a kind (in one namespace if given) in the order they were created — which a
        deterministic run makes the same in every process — or sorted by namespace and name."""
        pool = self._by_kind.get(kind, {}) if namespace is None else self._by_ns.get((kind, namespace), {})
        if by_name:
            return [pool[k][4] for k in sorted(pool, key=_sort_key)]
        return list(map(_CURRENT, pool.values()))

    def owned_by(self, kind: str, uid: str) -> list[ApiObject]:
        """Objects of `kind` whose controller ownerReference has this uid, in creation order."""
        return list(map(_CURRENT, self._by_owner.get((kind, uid), {}).values()))

    def unowned(self, kind: str, namespace: str | None) -> list[str]:
        """The names of the objects of `kind` in `namespace` that no controller owns (ClaimPods' orphans), sorted."""
        return sorted(self._unowned.get((kind, namespace), ()))

    def count(self, kind: str, namespace: str | None = None) -> int:
        pool = self._by_kind.get(kind, {}) if namespace is None else self._by_ns.get((kind, namespace), {})
        return len(pool)

    def __iter__(self) -> Iterator[ApiObject]:
        slots = self._slots
        return iter(slots[k][4] for k in sorted((k for k, s in slots.items() if s[4] is not None), key=_sort_key))

    # ---- writes --------------------------------------------------------------------------------
    def put(self, obj: ApiObject, now: int, status=KEEP, spec=KEEP, writer: str | None = None) -> ApiObject:
        """Create or replace an object; returns it with its new resourceVersion. `status` and `spec`, if
        given, replace the object's in the same copy (a binding or a status write need not copy it twice).
        `writer` names the component whose own doing an update is: its watch (watch's `writer`) is spared it."""
        rv = self.resource_version = self.resource_version + 1
        new = _new(_Stamp)
        new.kind = kind = obj.kind
        new.meta = meta = obj.meta
        new.spec = obj.spec if spec is KEEP else spec
        new.status = obj.status if status is KEEP else status
        new.resource_version = rv
        new.__class__ = ApiObject
        key = (kind, meta.namespace, meta.name)
        slot = self._slots.get(key) or self._slot(key)
        old, slot[4] = slot[4], new  # every pool that holds the key holds its slot: an update touches none
        owners = meta.owners
        if old is None:
            slot[0][key] = slot[1][key] = slot
            if kind in self._besides and len(slot[1]) == 1:
                self._dispatch.clear()  # the first of its kind in its namespace: the watches beside it hear from now
            controllers, moved = self._created(slot, key, owners), False
        elif (was := slot[3])[0] is owners:  # the owners it had: its controller's pool holds its slot already
            controllers, moved = was[2], False
        else:
            controllers, moved = self._index_owners(slot, key, was, new), True
        op = "MODIFIED" if old is not None else "ADDED"
        entry = (now, rv, key, op, new)  # the history's and the key's versions' one tuple
        self._log.append(entry)
        slot[2].append(entry)
        # _notify's, on the path every write takes (a call less): the watchers of the write's shape, heard in turn
        shape = shape_of(kind, controllers, op, old, new, moved, key[1], writer) if kind in self._shaped else \
            (kind, controllers)
        chosen = self._dispatch.get(shape) or self._choose(shape, kind, op, moved)
        begun = self._begun
        fns = chosen[0]
        if chosen[2] is not None:  # _gated's: the answer kept for the labels (a pod's status write keeps them)
            answer = self._answers.get(id(labels := meta.labels))
            if answer is None or answer[0] is not labels or answer[1] != key[1] or \
                    (old is not None and old.meta.labels is not labels):
                answer = selected(self._answers, chosen[2], key[1], old, new)
            if not answer[2]:
                fns = chosen[3]
        for fn in fns:
            fn(op, old, new)
        if self._begun != begun:
            self._late(chosen, shape, kind, op, old, new, controllers, moved, key[1], writer)
        return new

    def delete(self, kind: str, namespace: str | None, name: str, now: int) -> ApiObject | None:
        key = (kind, namespace, name)
        slot = self._slots.get(key)
        if slot is None or (old := slot[4]) is None:
            return None
        slot[4] = None
        self.resource_version += 1
        del slot[0][key]
        del slot[1][key]
        if kind in self._besides and not slot[1]:
            self._dispatch.clear()  # the last of its kind in its namespace: the watches beside it hear no more
        was, slot[3] = slot[3], _UNOWNED
        controllers = self._index_owners(slot, key, was, None) if old.meta.owners else was[2]
        unowned = self._unowned.get((kind, namespace))
        if unowned:
            unowned.pop(name, None)
        entry = (now, self.resource_version, key, "DELETED", None)
        self._log.append(entry)
        slot[2].append(entry)
        self._notify(kind, "DELETED", old, None, controllers, False, namespace, None)
        return old

    def _index_owners(self, slot: list, key: Key, was: tuple | None, new: ApiObject | None) -> tuple[str, ...]:
        """Index an object whose owners are new (or that is new, or gone); the kinds of its controllers
        before and after. Only the controller reference indexes: a controller lists its dependents by it."""
        before = None if was is None else was[1]
        if new is None:
            after, kinds = None, ()
        else:
            owners = new.meta.owners
            after, kinds = controller_of(owners)
            if owners or was is not None:
                slot[3] = (owners, after, kinds)
        if before is not None and before != after:
            self._by_owner[(key[0], before)].pop(key, None)
        if after is not None:
            self._by_owner[(key[0], after)][key] = slot  # its controller's pool holds the slot: a no-op if it had
            self._unowned[(key[0], key[1])].pop(key[2], None)
        elif new is not None:
            self._unowned[(key[0], key[1])][key[2]] = None
        if was is not None and was[2] != kinds:
            return tuple(sorted(set(was[2]).union(kinds)))
        return kinds

    def watch(self, kind: str, fn: Watcher, owners: tuple[str, ...] | None = None,
              writes: Callable[[Write], bool] | None = None, beside: str | None = None,
              labels: Callable[[str | None, tuple], bool] | None = None, writer: str | None = None) -> None:
        """Call `fn(op, old, new)` after every write of that kind, in the order of the writes. With
        `owners`, only for objects (before or after the write) whose controller is of one of those
        kinds: a ReplicaSet controller need not hear of the other pods' progress, by far the most writes.
        With `writes`, only for the writes whose shape (store_watch.Write) it accepts — as an informer's
        field selector or event filter spares its handler the writes it would drop. With `beside`, only in
        the namespaces that hold an object of that kind: a quota's controller need not hear of pods where none is.
        With `labels(namespace, labels)`, only for objects whose labels it selects before or after the write (its
        answer is kept per labels tuple until `reselect`; one such watch a kind is spared writes, any other hears).
        With `writer`, not for the updates that writer makes (put's `writer`) keeping the Meta of an object not being
        deleted: what it wrote is its own view already, as the kubelet's pod config ignores a status-only change of
        its pod (pkg/kubelet/config/config.go checkAndUpdatePod: a reconcile, not an update) and the scheduler's
        cache only confirms the binding of a pod it assumed (pkg/scheduler/backend/cache/cache.go AddPod)."""
        self._watches[kind].append(Watch(fn, None if owners is None else frozenset(owners), writes, beside, labels,
                                         writer))
        if writes is not None or beside is not None or writer is not None:
            self._shaped.add(kind)
        if beside is not None:
            self._besides.add(beside)
        self._dispatch.clear()
        self._begun += 1

    def reselect(self) -> None:
        """A label-selecting watch's answers changed (a Service's selector came, went or changed): ask it again."""
        self._answers.clear()

    def _slot(self, key: Key) -> list:
        """The indexes of a key written for the first time (its slot outlives a deletion, as its versions do)."""
        place = self._place  # new keys come in runs of a kind and namespace
        if place[0] is not key[0] or place[1] is not key[1]:
            kind_ns = (key[0], key[1])
            place = self._place = (key[0], key[1], self._by_kind[key[0]], self._by_ns[kind_ns], self._ever[kind_ns],
                                   self._unowned[kind_ns])
        place[4].append(key)
        versions = self._versions[key] = []
        slot = self._slots[key] = [place[2], place[3], versions, _UNOWNED, None]
        return slot

    def _created(self, slot: list, key: Key, owners: tuple) -> tuple[str, ...]:
        """_index_owners' of a creation, kept for the last owners tuple (a batch of pods shares one) and kind."""
        entry = self._owned  # `owners` kept alive in it: never a reused id
        if entry[0] is not owners or entry[1] is not key[0]:
            after, kinds = controller_of(owners)
            entry = self._owned = (owners, key[0], (owners, after, kinds),
                                   None if after is None else self._by_owner[(key[0], after)])
        if entry[3] is not None:
            entry[3][key] = slot  # a creation is in no `_unowned` (delete took it out)
        elif (place := self._place)[0] is key[0] and place[1] is key[1]:  # a new key's (a re-created one's may not be)
            place[5][key[2]] = None
        else:
            self._unowned[(key[0], key[1])][key[2]] = None
        if owners:
            slot[3] = entry[2]  # one tuple for its owners' slots: read, never written
        return entry[2][2]
