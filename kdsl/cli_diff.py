"""`kdsl diff FILE --from T --to T`: what changed in a simulated scenario between two moments, as a table."""

from __future__ import annotations

import sys
from pathlib import Path

from kdsl.cli_views import _view_command
from kdsl.core.errors import UsageError
from kdsl.core.values import format_duration

FORMATS = ("text", "csv", "json", "markdown")


def cmd_diff(args) -> int:
    """Simulate the file, then print (or write with -o) the objects added, removed and changed from --from to
    --to; a bad moment, kind or namespace is one line on stderr and exit 1, said before the run when it can be."""
    from kdsl.engine import arguments

    try:  # the spelling of the moments and the kind need no run
        for value, name in ((args.start, "--from"), (args.end, "--to")):
            if value is not None:
                arguments.duration(value, name)
        if args.kind is not None:
            arguments.kind(args.kind, "--kind")
    except UsageError as exc:
        print(f"kdsl diff: error: {exc}", file=sys.stderr)
        return 1
    from kdsl.views.display import text
    from kdsl.views.export import write

    def show(sim) -> None:
        t1 = arguments.moment(sim, args.start or 0, "--from")
        t2 = arguments.moment(sim, args.end, "--to")
        df = sim.diff(t1, t2, namespace=args.namespace, kind=args.kind)
        if args.format != "text":
            out = write(df, args.format)
        elif df.empty:  # rather than an empty table's "No resources found."
            out = f"No changes from {format_duration(t1)} to {format_duration(t2)}.\n"
        else:
            out = text(df)
        if args.output:
            Path(args.output).write_text(out, encoding="utf-8")
        else:
            sys.stdout.write(out)

    return _view_command("diff", args, show)


def add_command(sub) -> None:
    d = sub.add_parser("diff", help="show what changed in a simulated scenario between two moments",
                       description="Simulate a scenario and list the objects added, removed and changed between "
                                   "two moments, one row per changed field (spec, metadata and status), old -> new, "
                                   "as `kubectl get -o yaml` shows them. A Secret's values are never shown.")
    d.add_argument("file", metavar="FILE", help="a scenario file (- for standard input)")
    d.add_argument("--from", dest="start", metavar="T", help="the first moment (default 0s)")
    d.add_argument("--to", dest="end", metavar="T", help="the second moment (default: the end of the run)")
    d.add_argument("-n", "--namespace", metavar="NS", help="only this namespace (and no NAMESPACE column)")
    d.add_argument("--kind", metavar="K", help="only this kind: Pod, pods or po, as kubectl names it")
    d.add_argument("--until", metavar="T", help="how long to simulate (default: the scenario's run, or until "
                                                "nothing is pending)")
    d.add_argument("--seed", type=int, default=0, help="the seed of the simulation's random choices (default 0)")
    d.add_argument("--format", default="text", choices=FORMATS,
                   help="text (default, as kubectl prints), csv, json or markdown")
    d.add_argument("-o", "--output", metavar="PATH", help="write to this file (default: standard output)")
    from kdsl.cli_params import add_budget_option, add_param_option

    add_param_option(d)
    add_budget_option(d)
    d.set_defaults(func=cmd_diff)
