"""`sim.expect(...)`: expectations written after a run, checked against it (a notebook's claims, proven)."""

from __future__ import annotations

from kdsl.core.errors import Diagnostic, KdslError
from kdsl.engine.run import parse


class ExpectationFailed(KdslError):
    """An expectation given to `sim.expect` does not hold for this run; the message says what was found."""

    def format(self) -> str:
        return "\n".join(d.message for d in self.diagnostics)  # the expectation itself says where to look

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return self.format().splitlines()


def expectations(sim, lines: tuple[str, ...]) -> list:
    """The expectations the lines write, read as if they stood in the scenario: `expect` may be left out, and
    the scenario's namespaces are known (a name it never declared is the usual located error)."""
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
    from kdsl.engine.expect import Checker, Results

    checker = Checker(sim)
    results = Results(checker.check(e) for e in expectations(sim, lines))
    failed = [r for r in results if not r.passed]
    if failed:
        raise ExpectationFailed([Diagnostic("error", str(r)) for r in failed])
    return results
