"""Expectations: what must hold, of which objects, and when it is checked."""

from __future__ import annotations

import attrs

from kdsl.core.errors import Span
from kdsl.model.base import Selector, span_field


@attrs.frozen
class Timing:
    """When: `end` (default), `at` a moment, `by` a deadline, or `always` within [start, until]."""

    mode: str = "end"  # end | at | by | always
    at_ms: int | None = None  # the moment for `at`, the deadline for `by`
    start_ms: int | None = None  # `from` of an `always` window
    until_ms: int | None = None  # `until` of an `always` window (None: the end of the run)


@attrs.frozen
class Condition:
    """`attr op value`; a flag such as `ready` is `ready = True`."""

    attr: str
    op: str  # = != >= <= > < ~
    value: str | int | bool
    span: Span | None = span_field()

    def __str__(self) -> str:
        if isinstance(self.value, bool) and self.op == "=":
            return self.attr if self.value else f"{self.attr}=false"
        return f"{self.attr}{self.op}{self.value}"


@attrs.frozen(kw_only=True)
class Expectation:
    """A state expectation on one object (`name`) or on the objects a selector picks."""

    target: str  # pod | pods | deployment | ... | node | events
    namespace: str | None
    name: str | None = None
    selector: Selector | None = None
    conditions: tuple[Condition, ...] = ()
    timing: Timing = Timing()
    text: str = ""  # the expectation as written, for reports
    span: Span | None = span_field()


@attrs.frozen(kw_only=True)
class RouteExpectation:
    """`expect route HOST/PATH -> NS/SERVICE` (service None: nothing serves it)."""

    host: str
    path: str
    namespace: str | None
    service: str | None
    timing: Timing = Timing()
    text: str = ""
    span: Span | None = span_field()


@attrs.frozen(kw_only=True)
class AccessExpectation:
    """`expect as USER: can|cannot VERB RESOURCE [in NS]` — RBAC's answer."""

    user: str
    allowed: bool
    verb: str
    resource: str
    namespace: str | None = None
    text: str = ""
    span: Span | None = span_field()
