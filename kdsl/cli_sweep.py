"""`kdsl sweep FILE -p NAME=a,b,c --seeds 0..N`: a scenario played over params and seeds on Dask, summed up."""

from __future__ import annotations

import sys

from kdsl.cli_params import add_param_option
from kdsl.core.errors import UsageError

SHOWN_ERRORS = 5  # distinct errors listed on stderr; the runs table (-o) has every run's


def add_command(sub) -> None:
    s = sub.add_parser("sweep", help="play a scenario over params and seeds, on Dask",
                       description="Play a scenario once per combination of the -p values and seed, on a local "
                                   "Dask cluster or on the one at --scheduler, and print a summary per "
                                   "combination: the share of runs passing each expectation and each measure's "
                                   "min, mean, max and middle 95%%. Exit 0 when every run finished, 1 when some "
                                   "run has an error, 2 when the sweep cannot start.")
    s.add_argument("file", metavar="FILE", help="a scenario file (- for standard input)")
    add_param_option(s, "NAME=VALUES", help="the values of a param the scenario declares: a list (replicas=2,3,4, "
                                            "fail_at=90s,2m) or whole numbers LO..HI (replicas=2..6); one -p a param")
    s.add_argument("--seeds", default="1", metavar="SEEDS",
                   help="each combination's seeds: a count (20 is 0..19), a range (5..9) or a list (1,5,9); "
                        "default 1 (seed 0)")
    where = s.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N", help="worker processes of the local Dask cluster kdsl "
                                                                "starts and closes (default: one per core)")
    where.add_argument("--scheduler", metavar="ADDRESS", help="run on the Dask cluster whose scheduler is at "
                                                              "ADDRESS (tcp://host:8786) instead")
    s.add_argument("-o", "--output", metavar="FILE", help="write the runs, one row each, to FILE.parquet or "
                                                          "FILE.csv")
    s.set_defaults(func=cmd_sweep)


def cmd_sweep(args) -> int:
    """Print the headline and the summary; exit 0, 1 when some run has an error (the first of each error on
    stderr), 2 when the arguments or the scenario are wrong, or the cluster cannot be reached."""
    import kdsl
    from kdsl.cli import _each
    from kdsl.sweeps import sweep
    from kdsl.sweeps.grid import seeds_of
    from kdsl.sweeps.display import TerminalProgress
    from kdsl.sweeps.results import writable

    try:
        grid = _grid(args.params)
        seeds = seeds_of(args.seeds)
        if args.workers is not None and args.workers < 1:
            raise UsageError(f"--workers {args.workers}: give a number of worker processes, 1 or more")
        if args.output:
            writable(args.output)
    except UsageError as exc:
        return _usage(exc)
    # Read with each param's first value: a param the scenario does not declare is the error every command gives.
    firsts = {name: values[0] for name, values in grid.items()}
    failed: list[str] = []
    allow = tuple(args.allow_include or ())
    for _, _, _, scenario in _each([args.file], lambda text, name: kdsl.parse(text, name, params=firsts,
                                                                              allow_include=allow), failed):
        for w in scenario.warnings:
            print(w.format(), file=sys.stderr)
        # A person at a terminal sees the runs go by, as `kdsl run` shows its progress; a pipe or a log does not.
        progress = TerminalProgress() if sys.stderr.isatty() else None
        try:
            result = sweep(scenario, grid, seeds, scheduler=args.scheduler, workers=args.workers, progress=progress)
        except UsageError as exc:  # a measure named like a column, a scheduler that does not answer
            return _usage(exc)
        print(result, end="")  # its summary table ends its last line
        if args.output:
            try:
                result.save(args.output)
            except (OSError, UsageError) as exc:
                return _usage(UsageError(f"cannot write {args.output}: {getattr(exc, 'strerror', None) or exc}"))
        if len(result.failures):
            _errors(result)
            return 1
        return 0
    return 2


def _grid(pairs: list[tuple[str, str]]) -> dict[str, tuple]:
    """-p NAME=VALUES pairs → each param's values, in the order given."""
    from kdsl.sweeps.grid import cli_values, params_of

    values: dict[str, list] = {}
    for name, spec in pairs:
        if name in values:
            raise UsageError(f"-p {name} is given twice; give all its values in one -p ({name}=2,3,4)")
        try:
            values[name] = cli_values(spec)
        except UsageError as exc:
            raise UsageError(f"-p {name}: {exc.message}") from None
    return params_of(values)


def _usage(exc: UsageError) -> int:
    print(f"kdsl sweep: error: {exc.message}", file=sys.stderr)
    return 2


def _errors(result) -> None:
    """`N of M runs failed:` and each distinct error once, with the first run that met it."""
    bad = result.failures
    print(f"kdsl sweep: {len(bad):,} of {len(result.runs):,} runs failed:", file=sys.stderr)
    groups = list(bad.groupby("error", sort=False))
    for error, runs in groups[:SHOWN_ERRORS]:
        first = runs.iloc[0]
        where = " ".join([*(f"{p}={first[p]}" for p in result.params), f"seed={first['seed']}"])
        more = f" (and {len(runs) - 1:,} more run{'s' * (len(runs) != 2)})" if len(runs) > 1 else ""
        print(f"  {where}{more}: {error}", file=sys.stderr)
    if len(groups) > SHOWN_ERRORS:
        print(f"  and {len(groups) - SHOWN_ERRORS:,} other errors (-o writes each run's)", file=sys.stderr)
