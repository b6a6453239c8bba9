"""The garbage collector: dependents go after their owners (Background, Foreground) or are orphaned."""

from __future__ import annotations

import attrs

from kdsl.engine.apiserver.request_ops import FOREGROUND, ORPHAN
from kdsl.engine.apiserver.resources import KINDS
from kdsl.engine.controllers.base import Controller, Key
from kdsl.engine.objects import ApiObject, OwnerRef
from kdsl.engine.store_watch import owners_or_deletion

# Kinds that never appear as a dependent or an owner in the store (events live in the event log).
UNWATCHED = ("Event",)


class GarbageCollector(Controller):
    """pkg/controller/garbagecollector. The store indexes only controller references, and a GC needs
    every reference, so the collector keeps its own owner uid -> dependents index, fed by watches of
    every kind. It is woken when an owner goes (its dependents are checked), when an owner starts a
    Foreground or Orphan deletion, and when a dependent of an owner waiting in Foreground goes."""

    name = "generic-garbage-collector"

    def setup(self) -> None:
        self._dependents: dict[str, dict[Key, None]] = {}  # owner uid -> dependents, in the order seen
        self._waiting: dict[str, Key] = {}  # uid -> key of owners deleting in Foreground or Orphan
        for kind in KINDS:
            if kind not in UNWATCHED:
                self.store.watch(kind, self.on_change, writes=owners_or_deletion)

    # ---- the graph builder -----------------------------------------------------------------------
    def on_change(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if old is None and new.meta.deletion_ms is None:
            # Created (most of what it hears: every pod): indexed under its owners, and collected if one is not
            # there; the rest below reads what an update or a deletion moves, or a deletion's start.
            meta = new.meta
            if meta.owners:
                # new.key and _owner's dependent.namespace read without their properties: every pod comes here
                key, dependents = (new.kind, meta.namespace, meta.name), self._dependents
                for ref in meta.owners:
                    dependents.setdefault(ref.uid, {})[key] = None
                for ref in meta.owners:
                    if self._owner(new, ref) is None:
                        self.enqueue(key)  # born with an owner that is not there: collect it
                        break
            return
        obj = new or old
        before = old.meta.owners if old is not None else ()
        after = new.meta.owners if new is not None else ()
        if before is not after and before != after:
            self._reindex(obj.key, before, after)
            if after and not all(self._owner(new, ref) is not None for ref in after):
                self.enqueue(obj.key)  # born with (or given) an owner that is not there: collect it
        uid = obj.meta.uid
        if new is None:
            for dependent in self._dependents.get(uid, ()):
                self.enqueue(dependent)  # the owner is gone: its dependents may be garbage
            self._waiting.pop(uid, None)
        elif new.terminating and (FOREGROUND in new.meta.finalizers or ORPHAN in new.meta.finalizers):
            if uid not in self._waiting:
                self._waiting[uid] = new.key
                self.enqueue(new.key)
        if before and (new is None or after != before or new.terminating):
            for ref in before:  # an owner waiting for this dependent looks again
                if ref.uid in self._waiting:
                    self.enqueue(self._waiting[ref.uid])

    def _reindex(self, key: Key, before: tuple[OwnerRef, ...], after: tuple[OwnerRef, ...]) -> None:
        kept = {ref.uid for ref in after}
        for ref in before:
            if ref.uid not in kept:
                deps = self._dependents.get(ref.uid)
                if deps is not None:
                    deps.pop(key, None)
                    if not deps:
                        del self._dependents[ref.uid]
        for ref in after:
            self._dependents.setdefault(ref.uid, {})[key] = None

    def _owner(self, dependent: ApiObject, ref: OwnerRef) -> ApiObject | None:
        """The owner a reference names, if it exists with that uid (a namespaced owner is in the
        dependent's namespace); None when it is absent or another object took the name."""
        info = KINDS.get(ref.kind)
        if info is None:
            return dependent  # a kind the server does not know: never treat the reference as dangling
        owner = self.store.get(ref.kind, dependent.meta.namespace if info.namespaced else None, ref.name)
        return owner if owner is not None and owner.meta.uid == ref.uid else None

    def dependents(self, owner: ApiObject) -> list[ApiObject]:
        """Every object whose ownerReferences name this owner's uid, in the order they were seen."""
        out = []
        for key in self._dependents.get(owner.meta.uid, ()):
            obj = self.store.get(*key)
            if obj is not None and any(ref.uid == owner.meta.uid for ref in obj.meta.owners):
                out.append(obj)
        return out

    # ---- the workers -------------------------------------------------------------------------------
    def reconcile(self, key: Key) -> None:
        obj = self.store.get(*key)
        if obj is None:
            return  # already gone: nothing to collect
        if obj.terminating and ORPHAN in obj.meta.finalizers:
            self._orphan(obj)
            return  # its dependents are free; it goes once its other finalizers are done
        if obj.terminating and FOREGROUND in obj.meta.finalizers:
            self._delete_dependents(obj)
        if obj.meta.owners and not obj.terminating:
            self._attempt_to_delete(obj)
        # Otherwise: a terminating dependent is already on its way (a pod's kubelet finishes it).

    def _attempt_to_delete(self, obj: ApiObject) -> None:
        """attemptToDeleteItem: with no owner left standing, delete the object — in Foreground when an
        owner waits for it and it has dependents of its own, else in Background. With some owner still
        standing, only the dangling references are removed and waiting owners are not blocked."""
        solid, dangling, waiting = [], [], []
        for ref in obj.meta.owners:
            owner = self._owner(obj, ref)
            if owner is None:
                dangling.append(ref)
            elif owner.terminating and FOREGROUND in owner.meta.finalizers:
                waiting.append(ref)
            else:
                solid.append(ref)
        if not dangling and not waiting:
            return
        if solid:
            gone = {r.uid for r in dangling}
            free = {r.uid for r in waiting}
            owners = tuple(attrs.evolve(r, block_owner_deletion=False) if r.uid in free else r
                           for r in obj.meta.owners if r.uid not in gone)
            if owners != obj.meta.owners:
                self.client.update(attrs.evolve(obj, meta=attrs.evolve(obj.meta, owners=owners)))
            return
        foreground = bool(waiting) and bool(self._dependents.get(obj.meta.uid))
        self.client.delete(obj.kind, obj.namespace, obj.name, propagation="Foreground" if foreground else
                           "Background")

    def _delete_dependents(self, owner: ApiObject) -> None:
        """processDeletingDependentsItem: the owner keeps its foregroundDeletion finalizer until every
        dependent with blockOwnerDeletion is gone; each dependent is deleted meanwhile."""
        uid = owner.meta.uid
        blocking = False
        for dep in self.dependents(owner):
            ref = next(r for r in dep.meta.owners if r.uid == uid)
            blocking = blocking or ref.block_owner_deletion
            if not dep.terminating:
                self.enqueue(dep.key)
        if not blocking:
            self._drop_finalizer(owner, FOREGROUND)

    def _orphan(self, owner: ApiObject) -> None:
        """orphanDependents: strip the references to the owner, then let the owner go."""
        uid = owner.meta.uid
        for dep in self.dependents(owner):
            owners = tuple(r for r in dep.meta.owners if r.uid != uid)
            self.client.update(attrs.evolve(dep, meta=attrs.evolve(dep.meta, owners=owners)))
        self._drop_finalizer(owner, ORPHAN)

    def _drop_finalizer(self, owner: ApiObject, finalizer: str) -> None:
        current = self.store.get(*owner.key)
        if current is None or finalizer not in current.meta.finalizers:
            return
        finalizers = tuple(f for f in current.meta.finalizers if f != finalizer)
        self.client.update(attrs.evolve(current, meta=attrs.evolve(current.meta, finalizers=finalizers)))
