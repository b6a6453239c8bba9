"""The engine's error: a scenario that parses and checks but cannot be played (all located)."""

from kdsl.core.errors import KdslError


class SimulationError(KdslError):
    """The scenario cannot be simulated as written, e.g. more nodes than its pod range has room for."""


class EventBudgetExceeded(SimulationError):
    """A run stopped at its budget of events (`max_events`; a write to the store counts as one): `simulation` is
    the run as far as it went."""

    def __init__(self, simulation, max_events: int, played: int, writes: int):
        from kdsl.core.errors import Diagnostic
        from kdsl.core.values import format_duration

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
