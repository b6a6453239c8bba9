"""One run of a sweep, on a worker: the bundle it is given, its scenario built once per worker process, a seeded run."""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from pathlib import Path

import attrs

from kdsl.core.errors import KdslError, UsageError
from kdsl.model.scenario import Scenario


@attrs.frozen(slots=True)
class Bundle:
    """The first file's name and text and every include read ((including file, target) → (text, name)): a
    worker builds the scenario from it, on this machine or on another that does not share its disk."""

    name: str | None
    text: str = attrs.field(repr=False)
    includes: tuple = attrs.field(repr=False)
    digest: str

    @classmethod
    def of(cls, scenario: Scenario) -> Bundle:
        """The bundle of a scenario kdsl.load or kdsl.parse read (the first of its source files is the text
        it was read from)."""
        if not scenario.source_files:
            raise UsageError("this Scenario was not read from kdsl text (kdsl.load or kdsl.parse): a sweep "
                             "plays a scenario from its text")
        first = scenario.source_files[0]
        h = hashlib.sha256()
        for part in (first.name or "", first.text, *(p for (k, v) in scenario.includes for p in (*k, *v))):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
        return cls(first.name, first.text, scenario.includes, h.hexdigest())

    @property
    def files(self) -> dict:
        return dict(self.includes)

    @property
    def label(self) -> str:
        """The scenario's file name for headings (`shop.kdsl`), or `<text>`."""
        return Path(self.name).name if self.name else "<text>"


_CACHE_SIZE = 16  # scenarios a worker keeps: a sweep's combinations arrive in grid order, a few at a time
_built: OrderedDict = OrderedDict()  # (digest, combination) → Scenario or the KdslError its params give


def scenario(bundle, combo: tuple):
    """The Scenario of a bundle under a combination of params, parsed the first time this process meets it."""
    key = (bundle.digest, combo)
    if key in _built:
        _built.move_to_end(key)
    else:
        _built[key] = _build(bundle, combo)
        if len(_built) > _CACHE_SIZE:
            _built.popitem(last=False)
    return _built[key]


def _build(bundle, combo: tuple):
    from kdsl.engine.precheck import precheck
    from kdsl.lang.parser import parse_document
    from kdsl.model.build import build
    from kdsl.model.build.params import overrides_of

    from kdsl.core.limits import bulk

    try:
        with bulk():
            return build(parse_document(bundle.text, bundle.name), later=precheck,
                         params=overrides_of(dict(combo)), files=bundle.files)
    except KdslError as exc:
        return exc  # every seed of this combination is a row with this error


def play(bundle, combo: tuple, seed: int) -> dict:
    """The row of one run: each expectation's outcome by column, each measure's value, its wall time and error.
    A pure function of its arguments but for `wall_s`: the same on any worker of any cluster."""
    from kdsl.engine.simulation import Simulation

    t0 = time.perf_counter()
    row: dict = {"error": None}
    built = scenario(bundle, combo)
    try:
        if isinstance(built, KdslError):
            raise built
        sim = Simulation(built, seed=seed).run()
        row["expect"] = [r.passed for r in sim.check()]
        row["measure"] = list(sim.measure_values().values())
    except KdslError as exc:
        row["error"] = one_line(exc)
    except Exception as exc:  # a fault of kdsl's own: the row says so, the other runs go on
        row["error"] = f"kdsl failed: {type(exc).__name__}: {exc}"
    row["wall_s"] = round(time.perf_counter() - t0, 3)
    return row


def one_line(exc: KdslError) -> str:
    """The error as a cell shows it: its first error's place and message (`shop.kdsl:3:9: …`)."""
    errors = getattr(exc, "errors", ()) or getattr(exc, "diagnostics", ())
    if errors:
        d = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return f"{d.location}: {d.message}{more}"  # where kdsl's messages say it: `<text>:3:9` for text
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
