"""`kdsl table`, `kdsl graph` and `kdsl chart`: a simulated scenario's views, written or printed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import kdsl
from kdsl.cli import _duration, _each
from kdsl.cli_params import add_budget_option, add_param_option, reader
from kdsl.core.errors import KdslError, UsageError


def _simulated(args):
    """The file simulated to its end (or --until), or None when it cannot be read, parsed or played
    (the messages are printed)."""
    failed: list[str] = []
    for _, name, _, scenario in _each([args.file], reader(args), failed):
        for w in scenario.warnings:
            print(w.format(), file=sys.stderr)
        try:
            return kdsl.simulate(scenario, until=_duration(args.until), seed=args.seed, max_events=args.max_events)
        except KdslError as exc:
            print(exc.format(), file=sys.stderr)
    return None


def _view_command(name: str, args, show) -> int:
    """Simulate the file, then `show(sim)`; a bad value or an unwritable file is one clear line, exit 1."""
    sim = _simulated(args)
    if sim is None:
        return 1
    try:
        show(sim)
    except UsageError as exc:
        print(f"kdsl {name}: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"kdsl {name}: error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


def cmd_table(args) -> int:
    """One table of a simulated scenario at a moment, as text (default), CSV, JSON, Markdown or Parquet; the
    text and Markdown show the default columns (all with --wide), the data formats every column."""
    from kdsl.views import RUN_TABLE_NAMES, tables
    from kdsl.views.display import text
    from kdsl.views.export import write

    def show(sim) -> None:
        wide = args.wide or args.format in ("csv", "json", "parquet")
        extra = {"containers": True} if args.containers else {}  # `top --containers`: refused for other kinds
        if args.all:
            extra["all"] = True  # `events --all`: every occurrence, as the event log has it
        if args.kind in tables.RUN_TABLES:
            df = tables.RUN_TABLES[args.kind](sim, wide=wide)
        else:
            df = tables.TABLES[args.kind](sim, at=args.at, namespace=args.namespace, selector=args.selector,
                                          wide=wide, **extra)
        out = text(df) if args.format == "text" else write(df, args.format, args.output)
        if args.format == "text" and args.output:
            Path(args.output).write_text(out, encoding="utf-8")
        elif out is not None:
            sys.stdout.write(out)

    if args.containers and args.kind != "top":  # said before the run, not after it
        print(f"kdsl table: error: --containers is for `top` (kubectl top pods --containers), not {args.kind}",
              file=sys.stderr)
        return 1
    given = [flag for flag, value in (("--at", args.at), ("-n", args.namespace), ("-l", args.selector)) if value]
    if args.kind in RUN_TABLE_NAMES and given:
        print(f"kdsl table: error: `{args.kind}` is a record of the whole run, one row a {args.kind[:-1]}: it takes "
              f"no {' or '.join(given)} (--until ends the run sooner)", file=sys.stderr)
        return 1
    if args.all and args.kind != "events":
        print(f"kdsl table: error: --all is for `events` (every occurrence, uncounted), not {args.kind}",
              file=sys.stderr)
        return 1
    return _view_command("table", args, show)


def cmd_graph(args) -> int:
    """The topology of a simulated scenario at a moment, as DOT source, SVG or PNG (by -o's suffix)."""
    from kdsl.views import topology

    def show(sim) -> None:
        graph = topology.topology(sim, at=args.at, view=args.view, namespace=args.namespace, group=args.group,
                                  legend=args.legend, policies=args.policies)
        topology.save(graph, args.output)

    return _view_command("graph", args, show)


def cmd_chart(args) -> int:
    """A chart of a simulated scenario over time, as SVG, PNG, HTML or the Vega-Lite JSON (by -o's suffix)."""
    from kdsl.views.chart_output import FORMATS, cli

    if Path(args.output).suffix.lower().lstrip(".") not in FORMATS:  # said before the run, not after it
        print(f"kdsl chart: error: `{args.output}`: write .svg, .png, .html or .json", file=sys.stderr)
        return 1
    return _view_command("chart", args, lambda sim: cli(sim, args))


def _view_parser(sub, name: str, **kw) -> argparse.ArgumentParser:
    v = sub.add_parser(name, **kw)
    v.add_argument("--at", metavar="T", help="the moment to show (default: the end of the run)")
    v.add_argument("--until", metavar="T", help="how long to simulate (default: the scenario's run, or until "
                                                "nothing is pending)")
    v.add_argument("-n", "--namespace", metavar="NS", help="only this namespace")
    v.add_argument("--seed", type=int, default=0, help="the seed of the simulation's random choices (default 0)")
    add_param_option(v)
    add_budget_option(v)
    return v


def add_commands(sub) -> None:
    """The view commands' parsers (their modules load only when a command runs)."""
    from kdsl.views import RUN_TABLE_NAMES, TABLE_NAMES  # not kdsl.views.tables: pandas loads only when a table is made

    tb = _view_parser(sub, "table", help="print one table of a simulated scenario",
                      description="Simulate a scenario and print one table at a moment, or write it to a file.")
    names = TABLE_NAMES + RUN_TABLE_NAMES
    tb.add_argument("kind", metavar="KIND", choices=names, help=f"one of: {', '.join(names)}")
    tb.add_argument("file", metavar="FILE", help="a scenario file (- for standard input)")
    tb.add_argument("-l", "--selector", metavar="SEL", help="labels to select, as kubectl -l (app=web,tier in (a,b))")
    tb.add_argument("--format", default="text", choices=["text", "csv", "json", "markdown", "parquet"],
                    help="text (default, as kubectl prints), csv, json, markdown or parquet; csv, json and "
                         "parquet carry every column")
    tb.add_argument("--wide", action="store_true", help="every column in text and markdown, as kubectl's -o wide "
                                                        "and more")
    tb.add_argument("-o", "--output", metavar="PATH", help="write to this file (default: standard output)")
    tb.add_argument("--containers", action="store_true", help="top: a row per container, as kubectl top pods "
                                                              "--containers")
    tb.add_argument("--all", action="store_true", help="events: a row per occurrence, as the event log has it, "
                                                       "instead of the stored Events with their COUNT")
    tb.set_defaults(func=cmd_table)
    gr = _view_parser(sub, "graph", help="draw the topology of a simulated scenario",
                      description="Simulate a scenario and draw its topology at a moment.")
    gr.add_argument("file", metavar="FILE", help="a scenario file (- for standard input)")
    gr.add_argument("--view", default="namespace", choices=["namespace", "node"],
                    help="group by namespace (default) or draw pods on their nodes")
    gr.add_argument("--group", type=int, default=5, metavar="N",
                    help="draw more than N pods of one controller as one box with counts by phase (default 5)")
    gr.add_argument("--legend", action="store_true", help="add a key to the colours and lines, at the side")
    gr.add_argument("--policies", action="store_true", help="draw each NetworkPolicy, the pods it selects and the "
                                                            "peers it allows")
    gr.add_argument("-o", "--output", metavar="PATH", required=True,
                    help="the file to write: .svg, .png or .dot (DOT source)")
    gr.set_defaults(func=cmd_graph)
    ch = _view_parser(sub, "chart", help="chart a simulated scenario over time",
                      description="Simulate a scenario and chart it over time: pods by phase, a workload's "
                                  "replicas, a service's endpoints, each pod's lifecycle, or a workload's autoscaling.")
    ch.add_argument("kind", metavar="KIND", choices=["phases", "workload", "endpoints", "lifecycle", "autoscaling",
                                                     "connectivity"],
                    help="phases, workload, endpoints, lifecycle, autoscaling or connectivity (at --at)")
    ch.add_argument("file", metavar="FILE", help="a scenario file (- for standard input)")
    ch.add_argument("target", metavar="TARGET", nargs="?", help="for workload and autoscaling: `deployment shop/web` (or "
                    "deployment/web with -n); for endpoints: a service, `shop/web`")
    ch.add_argument("--from", dest="start", metavar="T", help="start the chart here (default 0s)")
    ch.add_argument("--to", dest="end", metavar="T", help="end the chart here (default: the end of the run)")
    ch.add_argument("-l", "--selector", metavar="SEL", help="for phases and lifecycle: the pods' labels, as kubectl -l")
    ch.add_argument("--max-pods", type=int, default=50, metavar="N", help="lifecycle: draw at most N pods (default 50)")
    ch.add_argument("-o", "--output", metavar="PATH", required=True,
                    help="the file to write: .svg, .png, .html (self-contained) or .json (Vega-Lite)")
    next(a for a in ch._actions if a.dest == "at").help = "draw a dashed rule at this moment"
    ch.set_defaults(func=cmd_chart)
