"""Timeline actions: what happens at a simulated moment, and as which user."""

from __future__ import annotations

import attrs

from kdsl.core.errors import Span
from kdsl.model.autoscaling import Load
from kdsl.model.base import Object, Selector, span_field
from kdsl.model.nodes import Node


@attrs.frozen(kw_only=True)
class TimelineAction:
    at_ms: int
    user: str | None = None  # None: the default user, admin
    span: Span | None = span_field()


@attrs.frozen(kw_only=True)
class NodeAction(TimelineAction):
    verb: str  # fail | recover | cordon | uncordon | drain
    node: str
    force: bool = False  # drain only: `kubectl drain --force` (delete pods no controller owns)
    timeout_ms: int | None = None  # drain only: `--timeout` (None: wait as long as it takes, kubectl's 0s)


@attrs.frozen(kw_only=True)
class AddNode(TimelineAction):
    node: Node


@attrs.frozen(kw_only=True)
class SetImage(TimelineAction):
    kind: str
    namespace: str
    name: str
    images: tuple[tuple[str, str], ...]  # container → image


@attrs.frozen(kw_only=True)
class Scale(TimelineAction):
    kind: str
    namespace: str
    name: str
    replicas: int


@attrs.frozen(kw_only=True)
class Rollback(TimelineAction):
    kind: str
    namespace: str
    name: str
    revision: int | None = None  # None: the previous revision


@attrs.frozen(kw_only=True)
class Rollout(TimelineAction):
    """`rollout restart|pause|resume [KIND] NS/NAME`, as `kubectl rollout` does them."""

    verb: str  # restart | pause | resume
    kind: str
    namespace: str
    name: str


@attrs.frozen(kw_only=True)
class Delete(TimelineAction):
    """Deletes one object by name, or every object of a kind matching a selector."""

    kind: str
    namespace: str | None
    name: str | None = None
    selector: Selector | None = None


@attrs.frozen(kw_only=True)
class Create(TimelineAction):
    object: Object


@attrs.frozen(kw_only=True)
class Apply(TimelineAction):
    """`apply { ... }`: declares (or replaces) every object in the block at that moment."""

    objects: tuple[Object, ...]


@attrs.frozen(kw_only=True)
class SetLoad(TimelineAction):
    """`at T: load KIND NS/NAME cpu= memory=`: the workload's load from that moment (it replaces the last one)."""

    load: Load
