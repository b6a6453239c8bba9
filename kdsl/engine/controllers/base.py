"""The shape every controller shares: watches enqueue keys, a work queue runs each key's reconcile once."""

from __future__ import annotations

from typing import ClassVar

from kdsl.engine import clock
from kdsl.engine.apiserver.authn import SA_PREFIX
from kdsl.engine.apiserver.errors import ApiError
from kdsl.engine.apiserver.request import Request, handle
from kdsl.engine.objects import ApiObject, OwnerRef

Key = tuple  # (kind, namespace, name)
# client-go's default rate limiter retries a failed key after 5 ms, doubling per failure (kdsl: 5 ms
# each time; a conflict resolves on the first re-read, as nothing else writes between two moments).
CONFLICT_RETRY_MS = 5


class Client:
    """What a controller may do to the cluster: every write goes through the API server as the
    controller's own service account (kube-system/<name>), so RBAC, admission and quota apply and a
    refusal becomes a Warning event. A write that loses a race (409 Conflict: the object changed since
    it was read) is no event: it marks `conflicted`, and the controller retries the key."""

    def __init__(self, sim, controller: str) -> None:
        self.sim = sim
        self.store = sim.store
        self.user = f"{SA_PREFIX}kube-system:{controller}"
        self.source = controller
        self.conflicted = False

    def _conflict(self) -> None:
        self.conflicted = True

    def create(self, obj: ApiObject, generate_name: str | None = None) -> ApiObject | None:
        """POST `obj`; `generate_name` is the prefix its name was made from (controllers name pods so)."""
        return self.sim.submit("create", obj, source=self.source, user=self.user, on_conflict=self._conflict,
                               generate_name=generate_name)

    def update(self, obj: ApiObject) -> ApiObject | None:
        return self.sim.submit("update", obj, source=self.source, user=self.user, on_conflict=self._conflict)

    def patch(self, obj: ApiObject) -> ApiObject | None:
        """A PATCH that leaves `obj` as written (kdsl sends the patched object: RBAC asks for `patch`)."""
        return self.sim.submit("patch", obj, source=self.source, user=self.user, on_conflict=self._conflict)

    def update_status(self, obj: ApiObject) -> ApiObject | None:
        return self.sim.submit("update", obj, source=self.source, user=self.user, subresource="status",
                               on_conflict=self._conflict)

    def patch_status(self, obj: ApiObject) -> ApiObject | None:
        """A PATCH of the status subresource that leaves `obj`'s status as written (utilpod.PatchPodStatus)."""
        return self.sim.submit("patch", obj, source=self.source, user=self.user, subresource="status",
                               on_conflict=self._conflict)

    def get(self, kind: str, namespace: str | None, name: str, subresource: str | None = None):
        """A live GET through the API server (RBAC applies), as a client that does not read its informer
        cache does: the object, or the ApiError the caller reports in its own words (no event here)."""
        result = handle(Request(verb="get", kind=kind, namespace=namespace, name=name, user=self.user,
                                subresource=subresource, now_ms=self.sim.now), self.store, self.sim.scenario.users)
        return result if isinstance(result, ApiError) else result.object

    def update_scale(self, obj: ApiObject) -> ApiObject | None:
        """PUT .../scale with `obj` (the target's metadata and a Scale): the target as written, or None when
        refused (a 409 included: the HPA controller does not retry before its next period)."""
        return self.sim.submit("update", obj, source=self.source, user=self.user, subresource="scale")

    def delete(self, kind: str, namespace: str | None, name: str, *, propagation: str | None = None,
               grace_ms: int | None = None) -> None:
        self.sim.delete(kind, namespace, name, source=self.source, user=self.user, propagation=propagation,
                        grace_ms=grace_ms)

    def event(self, type_: str, reason: str, obj: ApiObject, message: str) -> None:
        self.sim.event(type_, reason, obj, message, source=self.source)


class Controller:
    """A level-triggered controller. Subclasses name themselves (`name`, the kube-system service
    account whose bootstrap role they hold), list the kinds they make real (`kinds`), say in `setup`
    what wakes them, and implement `reconcile(key)`. Keys are deduplicated like client-go's work
    queue: a key waiting to run is not queued twice, and an earlier request supersedes a later one."""

    name: ClassVar[str] = ""
    kinds: ClassVar[tuple[str, ...]] = ()
    priority: ClassVar[int] = clock.PRIORITY_CONTROLLER  # when, within a moment, its reconciles run

    def __init__(self, sim) -> None:
        self.sim = sim
        self.store = sim.store
        self.client = Client(sim, self.name)
        self._due: dict[Key, tuple[int, int]] = {}  # key -> (when, queue ticket)
        self.setup()

    def setup(self) -> None:
        """By default a controller watches its own kinds and reconciles the object that changed."""
        for kind in self.kinds:
            self.store.watch(kind, self.on_own)

    def on_own(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        self.enqueue((new or old).key)

    def on_owned(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        """A dependent changed: reconcile its controlling owner(s) of this controller's kinds."""
        if old is None or new is None or old.meta.owners is new.meta.owners:
            # a creation, a removal, and most updates (they keep the owners tuple): one object's owners (a key named
            # twice is queued once: enqueue keeps the earlier)
            obj = new or old
            for ref in obj.meta.owners:
                if ref.controller and ref.kind in self.kinds:
                    self.enqueue((ref.kind, obj.meta.namespace, ref.name))
            return
        seen = set()
        for obj in (old, new):
            for ref in obj.meta.owners:
                if ref.controller and ref.kind in self.kinds and ref.name not in seen:
                    seen.add(ref.name)
                    self.enqueue((ref.kind, obj.meta.namespace, ref.name))

    def enqueue(self, key: Key, after_ms: int = 0) -> None:
        """Reconcile `key` `after_ms` from now (AddAfter), unless it is already due no later."""
        at = self.sim.queue.now  # Simulation.now's, read without the property: every pod write of a sync wakes it
        if after_ms > 0:
            at += after_ms
        due = self._due.get(key)
        if due is not None:
            if due[0] <= at:
                return
            self.sim.queue.cancel(due[1])  # the earlier run supersedes it: the key is synced then
        self._due[key] = (at, self.sim.queue.at(at, self._run, key, priority=self.priority))

    def _run(self, key: Key) -> None:
        del self._due[key]
        self.client.conflicted = False
        self.reconcile(key)
        if self.client.conflicted:
            self.enqueue(key, CONFLICT_RETRY_MS)  # read the object again and redo what was refused

    def reconcile(self, key: Key) -> None:  # pragma: no cover - every controller overrides it
        raise NotImplementedError

    # ---- helpers the controllers share ------------------------------------------------------------
    def owned(self, kind: str, owner: ApiObject) -> list[ApiObject]:
        """The objects of `kind` whose controlling owner is `owner` (by uid), in creation order."""
        return self.store.owned_by(kind, owner.meta.uid)

    @staticmethod
    def owner_ref(owner: ApiObject) -> OwnerRef:
        return OwnerRef(kind=owner.kind, name=owner.name, uid=owner.meta.uid)
