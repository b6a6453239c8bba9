"""A run's measures: each `measure` of the scenario read over the moments where anything changed."""

from __future__ import annotations

import attrs

from kdsl.engine.expect import Checker, compare
from kdsl.core.values import format_bytes, format_duration
from kdsl.model.build.expect import ATTRIBUTES, SINGULAR
from kdsl.model.expectations import Measure


@attrs.frozen(kw_only=True, repr=False)
class Measured:
    """A measure's value for one run (int, float for `mean`, int ms for `when`; None when there is none) and the
    moment it speaks of: where a min or max was first reached, the moment of `when` and `at`; None for `mean`."""

    measure: Measure
    value: int | float | None
    at_ms: int | None
    start_ms: int  # the window read, clipped to the run
    until_ms: int

    @property
    def name(self) -> str:
        return self.measure.name

    def shown(self) -> str:
        """The value as `kdsl run` prints it: a moment as a duration, a size as a quantity, `<none>` for none."""
        value, m = self.value, self.measure
        if value is None:
            return "<none>"
        if m.kind == "when":
            return format_duration(value)
        if isinstance(value, float):
            return f"{value:.3f}".rstrip("0").rstrip(".")
        if ATTRIBUTES.get(SINGULAR.get(m.expectation.target, m.expectation.target), {}).get(m.attr) == "bytes":
            return format_bytes(value)
        return str(value)

    def __repr__(self) -> str:
        return f"<Measured {self.name}={self.shown()}>"


def reading(checker: Checker, m: Measure, t: int) -> int | None:
    """The measured attribute at `t` as a number (a flag as 0 or 1), None when the object does not exist then."""
    exp = m.expectation
    if exp.target == "events":
        return checker.event_count(exp, t)
    if exp.name is None:
        return checker.count(exp, t)
    values = checker.values(exp, t)
    value = None if values is None else values.get(m.attr)
    return None if value is None else int(value)  # a job's `failed` is its count; True and False are 1 and 0


def holds(checker: Checker, m: Measure, t: int) -> bool:
    """Whether the condition of `when` holds at `t`, as `expect` judges it."""
    exp = m.expectation
    if exp.target != "events":
        return checker.holds(exp, t)[0]
    counts = [c for c in exp.conditions if c.attr == "count"]
    n = checker.event_count(exp, t)
    return all(compare(c, n) for c in counts) if counts else n > 0


def moments(checker: Checker, m: Measure, start: int, until: int) -> list[int]:
    """The moments of the window where the measure may change: every change of the store, and for events
    every moment one was recorded (an event is no stored object)."""
    window = checker._window(start, until)
    if m.expectation.target == "events":
        times = {e.time_ms for e in checker.sim.log.occurrences if start < e.time_ms <= until}
        window = sorted(set(window) | times)
    return window


def measure(checker: Checker, m: Measure) -> Measured:
    end = checker.end
    start = min(m.start_ms or 0, end)
    until = end if m.until_ms is None else min(m.until_ms, end)
    if m.kind == "at":
        return Measured(measure=m, value=reading(checker, m, m.at_ms), at_ms=m.at_ms, start_ms=m.at_ms,
                        until_ms=m.at_ms)
    times = moments(checker, m, start, until)
    if m.kind == "when":
        hit = next((t for t in times if holds(checker, m, t)), None)
        return Measured(measure=m, value=hit, at_ms=hit, start_ms=start, until_ms=until)
    points = [(t, reading(checker, m, t)) for t in times]
    if m.kind == "mean":
        return Measured(measure=m, value=time_weighted_mean(points, until), at_ms=None, start_ms=start,
                        until_ms=until)
    known = [(value, t) for t, value in points if value is not None]
    if not known:
        return Measured(measure=m, value=None, at_ms=None, start_ms=start, until_ms=until)
    best = min(v for v, _ in known) if m.kind == "min" else max(v for v, _ in known)
    first = next(t for v, t in known if v == best)
    return Measured(measure=m, value=best, at_ms=first, start_ms=start, until_ms=until)


def time_weighted_mean(points: list[tuple[int, int | None]], until: int) -> float | None:
    """The state is a step function: each value holds from its moment to the next one (the last to `until`),
    so the value at `until` itself weighs nothing. Moments where the object did not exist are left out. A
    window of one moment (no time to weigh) has that moment's value as its mean."""
    total = weight = 0
    for (t, value), nxt in zip(points, [p[0] for p in points[1:]] + [until]):
        if value is not None and nxt > t:
            total += value * (nxt - t)
            weight += nxt - t
    if weight:
        return total / weight
    if points and points[0][0] == until and points[0][1] is not None:  # the window is one moment
        return float(points[0][1])
    return None


def measures(sim) -> list[Measured]:
    """Every measure of the scenario, in the order written."""
    if not sim.scenario.measures:
        return []
    checker = Checker(sim)
    return [measure(checker, m) for m in sim.scenario.measures]
