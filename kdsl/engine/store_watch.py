"""The store's watches: the shape of a write, which watchers a shape reaches, and the history as recorded."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import attrs

from kdsl.engine.objects import ApiObject

Key = tuple[str, str | None, str]  # (kind, namespace, name)
Watcher = Callable[[str, ApiObject | None, ApiObject | None], None]  # (op, old, new)


@attrs.frozen
class Write:
    """What a watch's `writes` filter may ask of a write: its shape, not its object, so that the answer is
    asked once per shape and kept for every later write of that shape (a pod write has a dozen watchers)."""

    controllers: tuple[str, ...]  # the kinds of the object's controllers, before and after the write, sorted
    op: str  # ADDED | MODIFIED | DELETED
    owners_moved: bool  # an update that replaces its ownerReferences (sets, changes or clears them)
    terminating: bool = False  # the version written has a deletionTimestamp
    # A pod's spec.nodeName is set before / after the write: the field the kubelet's watch selects on
    # (pkg/registry/core/pod/strategy.go PodToSelectableFields: spec.nodeName); (False, False) for other kinds.
    bound: tuple[bool, bool] = (False, False)
    spec_kept: bool = False  # a pod's update that keeps its spec object: a status (or metadata) write
    namespace: str | None = None  # the object's: a `beside` watch hears the namespaces that hold its other kind
    # a pod's update that keeps its Meta object (labels, owners, deletion state): a binding or a status write
    meta_kept: bool = False
    owned: bool = False  # the version written has ownerReferences
    # an update that keeps the Meta (a status write, a binding) of an object not being deleted, by the writer put
    # named: that writer's own doing, which its watch (Store.watch `writer`) need not hear back; None for any other
    writer: str | None = None


# Filters that watches share. Each is exactly where its watcher would do nothing: a write it filters out
# changes nothing, so the watchers that do hear it hear it in the same order as before.
def deletions(w: Write) -> bool:
    return w.op == "DELETED"


def not_added(w: Write) -> bool:
    return w.op != "ADDED"


def bound_or_deleted(w: Write) -> bool:
    """A deletion, or a write of a pod bound to a node: what a kubelet hears, whose watch selects its pods by
    spec.nodeName (pkg/kubelet/config/apiserver.go NewSourceApiserver); a pod not yet bound is no node's."""
    return w.op == "DELETED" or w.bound[1]


def the_binding(w: Write) -> bool:
    """The write that binds a pod: spec.nodeName set where it was not."""
    return w.op == "MODIFIED" and w.bound == (False, True)


def owners_or_deletion(w: Write) -> bool:
    """What the garbage collector's graph builder reads: a deletion, the creation of an object with owners,
    an update that moves the ownerReferences, or one of an object being deleted (an object created with none
    adds nothing to its graph: it is an owner only once a dependent names its uid)."""
    return w.op == "DELETED" or w.owners_moved or w.terminating or (w.op == "ADDED" and w.owned)


@attrs.frozen
class Watch:
    fn: Watcher
    owners: frozenset[str] | None  # only objects some controller of these kinds controls, before or after
    writes: Callable[[Write], bool] | None  # only writes of the shapes it accepts
    beside: str | None = None  # only writes in a namespace holding an object of this kind when the write is announced
    labels: Callable[[str | None, tuple], bool] | None = None  # only objects whose labels it selects: selected
    writer: str | None = None  # not its own updates: Write.writer

    def hears(self, shape: Write, count: Callable[[str, str | None], int]) -> bool:
        return (self.owners is None or not self.owners.isdisjoint(shape.controllers)) and \
            (self.writes is None or self.writes(shape)) and \
            (self.beside is None or count(self.beside, shape.namespace)) and \
            (self.writer is None or self.writer != shape.writer)


def reached(watches: list[Watch], shape: Write, count: Callable[[str, str | None], int]) -> tuple[Watcher, ...]:
    """The watchers a write of this shape reaches, in the order they began to watch (`count`: Store.count)."""
    return tuple(w.fn for w in watches if w.hears(shape, count))


def dispatched(watches: list[Watch], shape: Write, count: Callable[[str, str | None], int]) -> tuple:
    """What the store keeps for a shape: the watchers it reaches, how many watches the kind had, and, when one
    of them selects by labels, that watch's selector and the watchers less it (heard when it selects neither
    the labels before nor after)."""
    heard = [w for w in watches if w.hears(shape, count)]
    fns = tuple(w.fn for w in heard)
    gate = next((w for w in heard if w.labels is not None), None)
    if gate is None:
        return fns, len(watches), None, fns
    return fns, len(watches), gate.labels, tuple(w.fn for w in heard if w is not gate)


_CHANGED = (None, None, True)  # the answer for an update that replaces the labels: heard, the watcher compares them


def selected(answers: dict, select: Callable[[str | None, tuple], bool], ns: str | None, old: ApiObject | None,
             new: ApiObject | None) -> tuple[tuple, str | None, bool]:
    """A label-selecting watch's answer (Store.watch's `labels`) for a write the store's kept answers (`answers`:
    id(labels) -> (labels, namespace, answer)) do not hold: kept per labels tuple by identity (the pods of a
    template share theirs, and a status write keeps it), so that most writes ask a dict, not the watcher,
    whose handler is spared the objects its selector drops, as an informer's label selector spares it. An
    update that replaces the labels is always heard: the watcher compares the two."""
    labels = (old or new).meta.labels
    if old is not None and new is not None and new.meta.labels is not labels:
        return _CHANGED
    if len(answers) >= 4096:
        answers.clear()
    answer = answers[id(labels)] = (labels, ns, bool(select(ns, labels)))
    return answer


def shape_of(kind: str, controllers: tuple[str, ...], op: str, old: ApiObject | None, new: ApiObject | None,
             moved: bool, ns: str | None, writer: str | None = None) -> tuple:
    """A write's shape, as the store's dispatch keys it: its kind, then Write's fields, flat (a pod's binding before
    and after: a nested tuple is built and hashed at every write); `writer`, put's, stays in it only for an
    update that keeps the Meta of an object not being deleted."""
    if new is None:
        before = kind == "Pod" and old.spec.template.node_name is not None
        return kind, controllers, op, moved, False, before, False, False, ns, False, False, None
    meta = new.meta
    terminating, owned = meta.deletion_ms is not None, bool(meta.owners)
    if old is None:
        bound = kind == "Pod" and new.spec.template.node_name is not None
        return kind, controllers, op, moved, terminating, False, bound, False, ns, False, owned, None
    if meta is not old.meta or terminating:
        writer = None
    if kind != "Pod":
        return kind, controllers, op, moved, terminating, False, False, False, ns, False, owned, writer
    kept = meta is old.meta
    if new.spec is old.spec:  # a status write: the spec, and its nodeName, stands
        before = old.spec.template.node_name is not None
        return kind, controllers, op, moved, terminating, before, before, True, ns, kept, owned, writer
    return kind, controllers, op, moved, terminating, old.spec.template.node_name is not None, \
        new.spec.template.node_name is not None, False, ns, kept, owned, writer


def write_of(shape: tuple, op: str, moved: bool) -> Write:
    """The Write of a shape: a kind's shape without op and moved when none of its watches asks them."""
    if len(shape) == 2:
        return Write(shape[1], op, moved)
    return Write(*shape[1:5], shape[5:7], *shape[7:])


def controller_of(owners: tuple) -> tuple[str | None, tuple[str, ...]]:
    """The uid of the controller among `owners` (None if none) and the kinds of the controllers, sorted."""
    uid, kinds = None, ()
    for o in owners:
        if o.controller:
            if uid is None:
                uid = o.uid
            kinds += (o.kind,)
    return uid, (tuple(sorted(set(kinds))) if len(kinds) > 1 else kinds)



class Dispatch:
    """Store's announcement of a write to its watchers, by the write's shape (Store.put does it inline, on the path
    every write takes; `_notify` is delete's): the watchers a shape reaches are chosen once and kept in `_dispatch`
    until the watches change."""

    _dispatch: dict[tuple, tuple]
    _watches: dict[str, list[Watch]]
    _answers: dict[int, tuple]
    _shaped: set[str]
    _begun: int
    count: Callable[[str, str | None], int]

    def _notify(self, kind: str, op: str, old: ApiObject | None, new: ApiObject | None,
                controllers: tuple[str, ...], moved: bool, ns: str | None, writer: str | None) -> None:
        # The watchers a write reaches depend only on its shape: chosen once per shape, not asked of every
        # watcher at every write. A kind none of whose watches filters by shape has the shape of its controllers.
        shape = shape_of(kind, controllers, op, old, new, moved, ns, writer) if kind in self._shaped else \
            (kind, controllers)
        chosen = self._dispatch.get(shape) or self._choose(shape, kind, op, moved)
        begun = self._begun
        for fn in chosen[0] if chosen[2] is None else self._gated(chosen, ns, old, new):
            fn(op, old, new)
        if self._begun != begun:
            self._late(chosen, shape, kind, op, old, new, controllers, moved, ns, writer)

    def _choose(self, shape: tuple, kind: str, op: str, moved: bool) -> tuple:
        """The watchers of a shape not yet dispatched (store_watch.dispatched), kept for its next writes."""
        chosen = self._dispatch[shape] = dispatched(self._watches.get(kind, ()), write_of(shape, op, moved),
                                                    self.count)
        return chosen

    def _gated(self, chosen: tuple, ns: str | None, old: ApiObject | None, new: ApiObject | None) -> tuple:
        """The watchers of a shape one of which selects by labels: it hears the objects it selects, before or after."""
        labels = (old or new).meta.labels  # the answer kept for these labels, asked here: every such write asks
        answer = self._answers.get(id(labels))
        if answer is None or answer[0] is not labels or answer[1] != ns or \
                (old is not None and new is not None and new.meta.labels is not labels):
            answer = selected(self._answers, chosen[2], ns, old, new)
        return chosen[0] if answer[2] else chosen[3]

    def _late(self, chosen: tuple, shape: tuple, kind: str, op: str, old: ApiObject | None, new: ApiObject | None,
              controllers: tuple[str, ...], moved: bool, ns: str | None, writer: str | None) -> None:
        """A watch begun by a watcher of this write hears it too, as a watcher appended to the list would."""
        watches = self._watches.get(kind, ())
        if len(watches) > chosen[1]:
            if kind in self._shaped:
                shape = shape_of(kind, controllers, op, old, new, moved, ns, writer)
            for fn in reached(watches[chosen[1]:], write_of(shape, op, moved), self.count):
                fn(op, old, new)


@attrs.frozen
class Change:
    """One write, as the history keeps it: `obj` is the new version, None for a deletion."""

    time_ms: int
    resource_version: int
    key: Key
    op: str  # ADDED | MODIFIED | DELETED
    obj: ApiObject | None


class History(Sequence):
    """Every write in order, as Changes. A write records a plain tuple (every write pays for it, a reader
    few); a Change is made when first read, then kept, so a view that reads the history again does not
    make it again."""

    def __init__(self, log: list[tuple]) -> None:
        self._log = log  # (time_ms, resource_version, key, op, obj), appended by the store
        self._made: list[Change] = []

    def __len__(self) -> int:
        return len(self._log)

    def _upto(self, n: int) -> list[Change]:
        made = self._made
        if len(made) < n:
            made.extend(Change(*entry) for entry in self._log[len(made):n])
        return made

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self._upto(len(self._log))[i]
        if i < 0:
            i += len(self._log)
        if not 0 <= i < len(self._log):
            raise IndexError("history index out of range")
        return self._upto(i + 1)[i]

    def __iter__(self) -> Iterator[Change]:
        return iter(self._upto(len(self._log)))
