"""Timeline actions: what happens at a simulated moment, and as which user; node maintenance as kubectl plays it."""

from __future__ import annotations

from typing import ClassVar

import attrs

from kdsl.core.errors import Span
from kdsl.model.autoscaling import Load
from kdsl.model.base import Object, Pairs, Selector, span_field
from kdsl.model.nodes import Node, Taint


@attrs.frozen(kw_only=True, weakref_slot=False)
class TimelineAction:
    at_ms: int
    user: str | None = None  # None: the default user, admin
    span: Span | None = span_field()


@attrs.frozen(kw_only=True, weakref_slot=False)
class NodeAction(TimelineAction):
    verb: str  # fail | recover | cordon | uncordon | drain
    node: str
    force: bool = False  # drain only: `kubectl drain --force` (delete pods no controller owns)
    timeout_ms: int | None = None  # drain only: `--timeout` (None: wait as long as it takes, kubectl's 0s)


@attrs.frozen(kw_only=True, weakref_slot=False)
class AddNode(TimelineAction):
    node: Node


@attrs.frozen(kw_only=True, weakref_slot=False)
class SetImage(TimelineAction):
    kind: str
    namespace: str
    name: str
    images: tuple[tuple[str, str], ...]  # container → image


@attrs.frozen(kw_only=True, weakref_slot=False)
class Scale(TimelineAction):
    kind: str
    namespace: str
    name: str
    replicas: int


@attrs.frozen(kw_only=True, weakref_slot=False)
class Rollback(TimelineAction):
    kind: str
    namespace: str
    name: str
    revision: int | None = None  # None: the previous revision


@attrs.frozen(kw_only=True, weakref_slot=False)
class Rollout(TimelineAction):
    """`rollout restart|pause|resume [KIND] NS/NAME`, as `kubectl rollout` does them."""

    verb: str  # restart | pause | resume
    kind: str
    namespace: str
    name: str


@attrs.frozen(kw_only=True, weakref_slot=False)
class Delete(TimelineAction):
    """Deletes one object by name, or every object of a kind matching a selector."""

    kind: str
    namespace: str | None
    name: str | None = None
    selector: Selector | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class Create(TimelineAction):
    object: Object


@attrs.frozen(kw_only=True, weakref_slot=False)
class Apply(TimelineAction):
    """`apply { ... }`: declares (or replaces) every object in the block at that moment."""

    objects: tuple[Object, ...]


@attrs.frozen(kw_only=True, weakref_slot=False)
class SetLoad(TimelineAction):
    """`at T: load KIND NS/NAME cpu= memory=`: the workload's load from that moment (it replaces the last one)."""

    load: Load



@attrs.frozen(kw_only=True, weakref_slot=False)
class NodeOp(TimelineAction):
    """An action that changes one node object through the API server (a PATCH of nodes/NAME)."""

    verb: ClassVar[str] = ""
    node: str


@attrs.frozen(kw_only=True, weakref_slot=False)
class LabelNode(NodeOp):
    """`label node NAME k=v k2-`: `kubectl label node NAME k=v k2- --overwrite` (kdsl's action is declarative:
    a label that has another value takes the new one, where kubectl without --overwrite refuses)."""

    verb: ClassVar[str] = "label"
    labels: Pairs = ()  # set, in the order written
    remove: tuple[str, ...] = ()  # keys removed (`k2-`)


@attrs.frozen(kw_only=True, weakref_slot=False)
class TaintNode(NodeOp):
    """`taint node NAME key[=value]:Effect ...`: `kubectl taint node` (--overwrite: a taint of the same key and
    effect takes the new value)."""

    verb: ClassVar[str] = "taint"
    taints: tuple[Taint, ...]


@attrs.frozen(kw_only=True, weakref_slot=False)
class TaintRef:
    """A taint to remove: its key and effect (None: every effect of the key, kubectl's `key-`)."""

    key: str
    effect: str | None = None

    def __str__(self) -> str:
        # Taint.ToString of a taint without value: `key:Effect`, and `key:` when no effect is given.
        return f"{self.key}:{self.effect or ''}"

    def matches(self, taint: Taint) -> bool:
        return taint.key == self.key and (self.effect is None or taint.effect == self.effect)


@attrs.frozen(kw_only=True, weakref_slot=False)
class UntaintNode(NodeOp):
    """`untaint node NAME key[:Effect] ...`: `kubectl taint node NAME key[:Effect]-`."""

    verb: ClassVar[str] = "untaint"
    taints: tuple[TaintRef, ...]


def applied(a: NodeOp, node: Node) -> Node:
    """The node as declared, after the action (labels set and removed; taints added first, as kubectl orders them,
    replacing one of the same key and effect; taints removed): what `kdsl check` reasons about."""
    if isinstance(a, LabelNode):
        labels = {**dict(node.labels), **dict(a.labels)}
        for key in a.remove:
            labels.pop(key, None)
        return attrs.evolve(node, labels=tuple(labels.items()))
    if isinstance(a, TaintNode):
        kept = tuple(t for t in node.taints if not any((t.key, t.effect) == (n.key, n.effect) for n in a.taints))
        return attrs.evolve(node, taints=a.taints + kept)
    return attrs.evolve(node, taints=tuple(t for t in node.taints if not any(r.matches(t) for r in a.taints)))


@attrs.frozen(kw_only=True, weakref_slot=False)
class Evict(TimelineAction):
    """`evict pod NS/NAME`: one Eviction through the API server (pods/eviction), as a client posts it."""

    namespace: str
    name: str
