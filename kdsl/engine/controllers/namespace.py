"""The namespace controller: a deleted namespace is Terminating until everything in it is gone."""

from __future__ import annotations

import attrs

from kdsl.engine.apiserver.resources import KINDS
from kdsl.engine.controllers.base import Controller, Key
from kdsl.engine.objects import ApiObject, Condition
from kdsl.engine.store_watch import deletions

# Kinds the controller empties a namespace of, in a fixed order (discovery order does not matter:
# the garbage collector and the kubelets finish what each delete starts).
NAMESPACED_KINDS = tuple(sorted(k for k, info in KINDS.items() if info.namespaced and k != "Event"))


@attrs.frozen(kw_only=True)
class NamespaceStatus:
    """core/v1 NamespaceStatus: `Active` or `Terminating`, and the deletion conditions."""

    phase: str = "Active"
    conditions: tuple[Condition, ...] = ()


class NamespaceController(Controller):
    """pkg/controller/namespace: once a namespace has a deletionTimestamp, delete every object in it
    (pods gracefully, owners in Background), wait for them to go, then finalize the namespace, which
    removes it. Kubernetes re-lists on a timer; kdsl wakes the controller when an object of a
    terminating namespace is deleted."""

    name = "namespace-controller"
    kinds = ("Namespace",)

    def setup(self) -> None:
        super().setup()
        self._terminating: dict[str, None] = {}
        for kind in NAMESPACED_KINDS:
            self.store.watch(kind, self.on_content, writes=deletions)

    def on_content(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if new is None and old.namespace in self._terminating:
            self.enqueue(("Namespace", None, old.namespace))

    def reconcile(self, key: Key) -> None:
        ns = self.store.get(*key)
        if ns is None:
            self._terminating.pop(key[2], None)
            return  # removed: nothing left to do
        if not ns.terminating:
            return  # an active namespace needs nothing from this controller
        name = ns.name
        self._terminating[name] = None
        if getattr(ns.status, "phase", None) != "Terminating":
            ns = self.client.update_status(attrs.evolve(ns, status=NamespaceStatus(phase="Terminating"))) or ns
        left = 0
        for kind in NAMESPACED_KINDS:
            for obj in self.store.list(kind, name):
                if not obj.terminating:
                    self.client.delete(kind, name, obj.name, propagation="Background")
            left += self.store.count(kind, name)
        if left:
            return  # woken again as the rest goes (pods after their grace period, owners after the GC)
        self._terminating.pop(name, None)
        # finalize: the `kubernetes` finalizer goes, and with it the namespace.
        self.sim.submit("update", ns, source=self.name, user=self.client.user, subresource="finalize")
