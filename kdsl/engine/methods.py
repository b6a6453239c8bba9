"""The Simulation's methods beyond the run: its one-line repr and `expect` here, and those the layers above add."""

# The views' tables, diagrams and charts, interop's manifests and diff, the notebook's explorer and rich display
# are methods of every Simulation, but the engine imports none of those layers: each gives a class of methods
# and the public face (kdsl/__init__.py) registers them onto `Methods`, as pandas lets a package register an
# accessor on DataFrame. Importing any kdsl module runs the face first, so every Simulation has them all.

from __future__ import annotations

import inspect

from kdsl.core.values import format_duration
from kdsl.engine.arguments import checked_methods


@checked_methods
class Methods:
    """The base of Simulation, which the layers above the engine give their methods (see `register`)."""

    def __repr__(self) -> str:
        return summary(self)

    def expect(self, *lines: str):
        """Check expectations written after the run (`"pod demo/web phase=Running at 40s"`, `expect` optional):
        their Results (a ✓ table in a notebook); raises ExpectationFailed, saying what was found, when one fails."""
        from kdsl.engine.expect_text import check  # the expectations' checker loads when one is checked

        return check(self, lines)


def register(cls: type) -> type:
    """Make a layer's methods every Simulation's: the public ones `checked` (their `at`, `namespace`, `pod`
    arguments), `_repr_mimebundle_` as written. Returns the class, so a layer may use it as a decorator."""
    for name, value in vars(checked_methods(cls)).items():
        if inspect.isfunction(value) or isinstance(value, property):
            setattr(Methods, name, value)
    return cls


def summary(sim) -> str:
    """One line: the scenario, where the clock stands, and how many pods show which STATUS in the pods table
    (a pod on a lost node is Terminating or Running there though its last reported phase says Running)."""
    from kdsl.engine import podview  # kubectl's STATUS column; loaded when a simulation is shown, not on import

    nodes = {n.name: n for n in sim.store.list("Node")}
    shown: dict[str, int] = {}
    for pod in sim.store.list("Pod"):
        status = podview.status(pod, nodes)
        shown[status] = shown.get(status, 0) + 1
    pods = ", ".join(f"{n} {status}" for status, n in sorted(shown.items())) or "no pods"
    return (f"<Simulation {sim.scenario.name!r} at {format_duration(sim.now)} (seed {sim.seed}): "
            f"{_count(sim.store.count('Node'), 'node')}, {pods}, {_count(len(sim.log.events), 'event')}>")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
