"""A scenario's params: each declared name, its default as written and the value a run uses."""

from __future__ import annotations

import attrs

from kdsl.core.errors import Span


@attrs.frozen(slots=True)
class Param:
    """`param NAME = VALUE`: `default` is the value as written (a string's text, unquoted); `value` is what
    this scenario's `$NAME` uses, the default unless an override gave another."""

    name: str
    default: str
    value: str
    overridden: bool = False
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
