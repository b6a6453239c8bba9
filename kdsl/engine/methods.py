"""The Simulation's methods beyond the run: its one-line repr and `expect` here, and those the layers above add."""

# The views' tables, diagrams and charts, interop's manifests and diff, the notebook's explorer and rich display
# are methods of every Simulation, but the engine imports none of those layers: each gives a class of methods
# and the public face (kdsl/__init__.py) registers them onto `Methods`, as pandas lets a package register an
# accessor on DataFrame. Importing any kdsl module runs the face first, so every Simulation has them all.

from __future__ import annotations

import inspect

from kdsl.core.errors import Diagnostic, KdslError
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


class ExpectationFailed(KdslError):
    """An expectation given to `sim.expect` does not hold for this run; the message says what was found."""

    def format(self) -> str:
        return "\n".join(d.message for d in self.diagnostics)  # the expectation itself says where to look

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return self.format().splitlines()


def expectations(sim, lines: tuple[str, ...]) -> list:
    """The expectations the lines write, read as if they stood in the scenario: `expect` may be left out, and
    the scenario's namespaces are known (a name it never declared is the usual located error)."""
    from kdsl.engine.run import parse  # run imports the Simulation, whose base this module holds

    if not lines:
        raise ExpectationFailed([Diagnostic("error", "sim.expect() needs at least one expectation, such as "
                                                     "\"deployment shop/web available=3 by 1m\"")])
    texts = []
    for line in lines:
        if not isinstance(line, str):
            raise ExpectationFailed([Diagnostic("error", f"sim.expect({line!r}): give the expectation as text, "
                                                         "such as \"pod demo/web phase=Running at 40s\"")])
        text = line.strip()
        texts.append(text if text.startswith("expect ") else f"expect {text}")
    # The expectations come first so that an error's line number is the argument's position (1, 2, ...).
    known = [f"namespace {ns} {{}}" for ns in sim.scenario.namespaces]
    scenario = parse("\n".join(texts + known), filename="<sim.expect>")
    return list(scenario.expectations)


def check(sim, lines: tuple[str, ...]):
    """Every expectation checked, as Results; ExpectationFailed lists those that do not hold, with what was found."""
    from kdsl.engine.expect import Checker, Results  # the expectations' checker loads when one is checked

    checker = Checker(sim)
    results = Results(checker.check(e) for e in expectations(sim, lines))
    failed = [r for r in results if not r.passed]
    if failed:
        raise ExpectationFailed([Diagnostic("error", str(r)) for r in failed])
    return results
