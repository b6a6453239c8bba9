"""The engine's errors (a scenario that cannot be played, a run past its budget) and the requests the API server refused."""

from __future__ import annotations

import attrs

from kdsl.core.errors import Diagnostic, KdslError
from kdsl.core.values import format_duration


class SimulationError(KdslError):
    """The scenario cannot be simulated as written, e.g. more nodes than its pod range has room for."""


class EventBudgetExceeded(SimulationError):
    """A run stopped at its budget of events (`max_events`; a write to the store counts as one): `simulation` is
    the run as far as it went."""

    def __init__(self, simulation, max_events: int, played: int, writes: int):
        self.simulation = simulation
        self.max_events = max_events
        self.events = played + writes  # what the budget counted: the events played and the writes they made
        self.writes = writes
        super().__init__([Diagnostic(
            "error", f"the run stopped after {self.events:,} events ({writes:,} of them writes to the API server), "
                     f"at {format_duration(simulation.now)} of simulated time: its budget of {max_events:,} keeps a "
                     "run from going on without end (a crash loop over a long `run`) or growing past what it can "
                     "finish (tens of thousands of replicas on a few nodes); if the scenario is meant to be this "
                     "large, raise it: `--max-events N` on the command line, `kdsl.simulate(scenario, max_events=N)` "
                     "in Python",
            simulation.scenario.files[0] if simulation.scenario.files else None)])


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
