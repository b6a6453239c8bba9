"""The requests the API server refused in a run, each with Kubernetes' code, reason and message."""

from __future__ import annotations

import attrs

from kdsl.core.values import format_duration


@attrs.frozen(kw_only=True, repr=False)
class Rejection:
    """A request the API server refused, with Kubernetes' code, reason and message."""

    time_ms: int
    verb: str
    kind: str
    namespace: str | None
    name: str | None
    user: str
    code: int
    reason: str
    message: str
    source: str

    @property
    def object(self) -> str:
        """`pod/web` as kubectl names an object (the kind alone for a request without a name)."""
        return f"{self.kind.lower()}/{self.name}" if self.name else self.kind.lower()

    def __str__(self) -> str:
        """The refusal as kubectl would print it, after who asked for what and when."""
        where = f" in {self.namespace}" if self.namespace else ""
        return (f"at {format_duration(self.time_ms)} {self.user} {self.verb} {self.object}{where}: "
                f"Error from server ({self.reason}): {self.message}")

    def __repr__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return (f"<Rejection at {format_duration(self.time_ms)}: {self.user} {self.verb} {self.kind.lower()} "
                f"{where}{self.name or ''} -> {self.code} {self.reason}>")


class Rejections(list):
    """`Simulation.rejections`: a list, in the order they happened, that a notebook shows as a table
    (`Simulation.refusals()` gives that table with filters)."""

    __slots__ = ()
