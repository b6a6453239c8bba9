"""Measures: one number per run, read from what an `expect` reads (`measure floor = min deployment shop/web available`)."""

from __future__ import annotations

import attrs

from kdsl.core.errors import Span
from kdsl.model.base import span_field
from kdsl.model.expectations import Expectation

KINDS = ("min", "max", "mean", "when", "at")


@attrs.frozen(kw_only=True)
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
