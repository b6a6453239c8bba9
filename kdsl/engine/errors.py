"""The engine's error: a scenario that parses and checks but cannot be played (all located)."""

from kdsl.core.errors import KdslError


class SimulationError(KdslError):
    """The scenario cannot be simulated as written, e.g. more nodes than its pod range has room for."""


class EventBudgetExceeded(SimulationError):
    """A run stopped at its budget of events (`max_events`): `simulation` is the run as far as it went."""

    def __init__(self, simulation, max_events: int):
        from kdsl.core.errors import Diagnostic
        from kdsl.core.values import format_duration

        self.simulation = simulation
        self.max_events = max_events
        super().__init__([Diagnostic(
            "error", f"the run stopped after {max_events:,} events, at {format_duration(simulation.now)} of "
                     "simulated time: a budget that keeps a run from going on without end (a crash loop over a "
                     "long `run`, say); if the scenario is meant to be this large, raise it: `--max-events N` on "
                     "the command line, `kdsl.simulate(scenario, max_events=N)` in Python",
            simulation.scenario.files[0] if simulation.scenario.files else None)])
