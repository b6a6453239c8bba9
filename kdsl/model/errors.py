"""The model layer's error: a scenario whose meaning is wrong, with every problem found."""

from kdsl.core.errors import KdslError


class ScenarioError(KdslError):
    """The text parsed, but what it says is not a valid scenario (all errors, located)."""
