"""The engine's error: a scenario that parses and checks but cannot be played (all located)."""

from kdsl.core.errors import KdslError


class SimulationError(KdslError):
    """The scenario cannot be simulated as written, e.g. more nodes than its pod range has room for."""
