"""Expectations (what must hold, of which objects, and when it is checked) and measures (one number a run, read as an expect reads)."""

from __future__ import annotations

import attrs

from kdsl.core.errors import Span
from kdsl.model.base import Selector, span_field


@attrs.frozen(weakref_slot=False)
class Timing:
    """When: `end` (default), `at` a moment, `by` a deadline, or `always` within [start, until]."""

    mode: str = "end"  # end | at | by | always
    at_ms: int | None = None  # the moment for `at`, the deadline for `by`
    start_ms: int | None = None  # `from` of an `always` window
    until_ms: int | None = None  # `until` of an `always` window (None: the end of the run)


@attrs.frozen(weakref_slot=False)
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


@attrs.frozen(kw_only=True, weakref_slot=False)
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


@attrs.frozen(kw_only=True, weakref_slot=False)
class RouteExpectation:
    """`expect route HOST/PATH -> NS/SERVICE` (service None: nothing serves it)."""

    host: str
    path: str
    namespace: str | None
    service: str | None
    timing: Timing = Timing()
    text: str = ""
    span: Span | None = span_field()


@attrs.frozen(kw_only=True, weakref_slot=False)
class AccessExpectation:
    """`expect as USER: can|cannot VERB RESOURCE [in NS]` — RBAC's answer."""

    user: str
    allowed: bool
    verb: str
    resource: str
    namespace: str | None = None
    text: str = ""
    span: Span | None = span_field()


MEASURE_KINDS = ("min", "max", "mean", "when", "at")


@attrs.frozen(kw_only=True, weakref_slot=False)
class Measure:
    """`measure NAME = KIND TARGET ...`: `expectation` names the target (and, for `when`, the condition;
    for a selection, its filters); `attr` is the attribute read (`count` for a selection), None for `when`."""

    name: str
    kind: str  # min | max | mean | when | at
    expectation: Expectation
    attr: str | None = None
    at_ms: int | None = None  # the moment of `at T`
    start_ms: int | None = None  # `from` (None: the start of the run)
    until_ms: int | None = None  # `until` (None: the end of the run)
    reads: str = ""  # what is read, as written after the kind: `deployment shop/web available from 2m`
    text: str = ""  # the measure as written, for reports
    span: Span | None = span_field()
    name_span: Span | None = span_field()
    time_spans: dict = attrs.field(factory=dict, eq=False, repr=False)  # `at`/`from`/`until` → where its time is
