"""The namespace controller, and the base of the controllers that keep an object in every namespace."""

from __future__ import annotations

import random
from typing import ClassVar

import attrs

from kdsl.engine.apiserver.resources import KINDS
from kdsl.engine.controllers.base import Controller, Key
from kdsl.engine.apiserver.defaults import new_uid
from kdsl.engine.objects import ApiObject, Condition, Meta
from kdsl.engine.store_watch import deletions
from kdsl.model.nodes import SYSTEM_NAMESPACES

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


def namespace_phase(store, name: str) -> str | None:
    """`Active` or `Terminating` for a namespace that exists, None for one that does not. kdsl stores no object
    for the four namespaces every cluster has (kdsl.model.nodes.SYSTEM_NAMESPACES): they are Active, as
    NamespaceLifecycle keeps three of them from being deleted."""
    ns = store.get("Namespace", None, name)
    if ns is None:
        return "Active" if name in SYSTEM_NAMESPACES else None
    if ns.terminating or getattr(ns.status, "phase", None) == "Terminating":
        return "Terminating"
    return "Active"


class NamespaceKeeper(Controller):
    """What the controllers that keep one object in every namespace share (the service accounts controller, the
    root CA publisher): keys are namespaces, synced when one is added or updated and when the kept object (`kept`,
    of kind `kept_kind`) changes; kube-controller-manager lists the namespaces when it starts, so the four every
    cluster has are synced at the start of a run."""

    kinds = ()
    kept_kind: ClassVar[str] = ""
    kept: ClassVar[str] = ""

    def setup(self) -> None:
        # Its own stream of uids: the simulation's RNG names pods, and these objects must not move those names.
        self._uids = random.Random(f"{self.sim.seed}/{self.name}")
        self.store.watch("Namespace", self.on_namespace)
        self.store.watch(self.kept_kind, self.on_kept)
        for ns in SYSTEM_NAMESPACES:
            self.enqueue(("Namespace", None, ns))

    def on_namespace(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if new is not None:
            self.enqueue(new.key)

    def on_kept(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if new is None and old.name == self.kept:
            self.enqueue(("Namespace", None, old.namespace))

    def reconcile(self, key: Key) -> None:
        phase = namespace_phase(self.store, key[2])
        if phase is None:
            return  # the namespace is gone: nothing to put in it
        if phase != "Active":
            return  # a namespace being deleted gets nothing new (upstream skips it, or its create is refused)
        self.keep(key[2])

    def keep(self, namespace: str) -> None:  # pragma: no cover - every keeper overrides it
        raise NotImplementedError

    def new_meta(self, namespace: str, annotations: tuple = ()) -> Meta:
        return Meta(name=self.kept, namespace=namespace, uid=new_uid(self._uids), annotations=annotations)
