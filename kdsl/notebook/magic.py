"""`%load_ext kdsl` and the `%%kdsl [name] [--until T] [--seed N] [--param NAME=VALUE] [--test]` cell magic."""

from __future__ import annotations

import argparse
import shlex

import pandas as pd

from kdsl.core.errors import KdslError
from kdsl.engine.run import parse, simulate
from kdsl.model.build.params import pair

USAGE = "%%kdsl [name] [--until T] [--seed N] [--param NAME=VALUE ...] [--test] [--quiet]"


class CellError(Exception):
    """A mistake in a `%%kdsl` cell. IPython shows `_render_traceback_` instead of a traceback, so the
    cell fails (Run All stops there) with the located message only."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def _render_traceback_(self) -> list[str]:
        return self.message.splitlines()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would exit the kernel's process
        raise CellError(f"%%kdsl: {message}\nusage: {USAGE}")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="%%kdsl", add_help=False)
    p.add_argument("name", nargs="?", default="sim")
    p.add_argument("--until")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--test", action="store_true")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("-p", "--param", dest="params", action="append", type=pair, default=[])
    return p


def parse_line(line: str) -> argparse.Namespace:
    """The magic's options; a bad one is a CellError that names it."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise CellError(f"%%kdsl: {exc}\nusage: {USAGE}") from None
    args = _parser().parse_args(words)
    if not args.name.isidentifier():
        raise CellError(f"%%kdsl: {args.name!r} is not a Python name to bind the simulation to\nusage: {USAGE}")
    if args.until is not None:
        from kdsl.core.values import BadValue, duration_ms

        try:
            args.until = duration_ms(args.until)
        except BadValue as exc:
            raise CellError(f"%%kdsl: --until {args.until}: {exc}") from None
    return args


def results_frame(results) -> pd.DataFrame:
    """Expectation results as a table: ✓/✗, the expectation as written, what was found and when."""
    from kdsl.views.records import results as table

    return table(results)


def run_cell(line: str, cell: str, namespace: dict, display=None):
    """What `%%kdsl` does, without IPython: parse the cell, simulate, bind the simulation to `name` in
    `namespace`, and pass the summary to `display`. Returns the Simulation."""
    args = parse_line(line)
    try:
        scenario = parse(cell, filename=f"<%%kdsl {args.name}>", params=dict(args.params))
        sim = simulate(scenario, until=args.until, seed=args.seed)
    except KdslError as exc:
        raise CellError(exc.format()) from None
    namespace[args.name] = sim
    results = sim.check() if scenario.expectations else []
    if display is not None and not args.quiet:
        for item in summary(sim, args.name, results):
            display(item)
    failed = [r for r in results if not r.passed]
    if args.test and failed:
        lines = [str(r) for r in failed]
        raise CellError("\n".join([*lines, f"{len(results) - len(failed)} passed, {len(failed)} failed"]))
    return sim


def summary(sim, name: str, results) -> list:
    """What the cell shows: a heading, the warnings, the pods table, the topology, the results and the measures."""
    from IPython.display import HTML, Markdown

    out: list = [Markdown(f"**`{name}`** = {repr(sim).replace('<', '&lt;')}")]
    for w in sim.scenario.warnings:
        out.append(HTML(f'<pre class="kdsl-warn">{w.format()}</pre>'))
    out.append(sim.pods())
    troubled = _unhealthy(sim, name)
    if troubled is not None:
        out.append(troubled)
    out.append(sim.topology())
    if results:
        out.append(results)  # Simulation.check()'s Results: a table of ✓/✗
    if sim.scenario.measures:
        out.append(sim.measures())  # never pass or fail: shown beside the results
    return out


SHOWN_WHYS = 5  # the summary explains this many unhealthy pods; sim.why explains any other


class _Bundle:
    def __init__(self, bundle: dict) -> None:
        self.bundle = bundle

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return self.bundle


def _unhealthy(sim, name: str):
    """The why-sentences of the pods that are not running and ready at the end, or None when all are."""
    from kdsl.notebook.answers import unhealthy_bundle
    from kdsl.views.why import count_unhealthy, unhealthy

    total = count_unhealthy(sim, sim.now)
    if not total:
        return None
    return _Bundle(unhealthy_bundle(unhealthy(sim, sim.now, SHOWN_WHYS), total, name))


def load_ipython_extension(ipython) -> None:
    """Register `%%kdsl` in an IPython shell (`%load_ext kdsl`)."""
    from IPython.display import display

    def kdsl_magic(line: str, cell: str):
        run_cell(line, cell, ipython.user_ns, display)

    kdsl_magic.__doc__ = f"""Simulate the kdsl scenario in this cell and bind it to a name.

    {USAGE}

    name     the variable for the Simulation (default: sim)
    --until  how long to simulate (a duration: 90s, 5m); default: the scenario's `run`
    --seed   the simulation's seed (default 0)
    --test   fail the cell when an `expect` does not hold, like `kdsl test`
    --quiet  bind only, show nothing
    """
    ipython.register_magic_function(kdsl_magic, magic_kind="cell", magic_name="kdsl")
