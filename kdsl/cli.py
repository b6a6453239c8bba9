"""The `kdsl` command: check, format, run and test scenarios; the other commands register from their modules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import kdsl
from kdsl.cli_params import add_budget_option, add_param_option, reader
from kdsl.core import limits
from kdsl.core.errors import KdslError, UsageError
from kdsl.core.limits import run_too_long
from kdsl.lang.fmt import format_document
from kdsl.lang.parser import parse_document
from kdsl.core.values import BadValue, duration_ms, format_duration


def _read(path: str) -> str:
    if path == "-":
        return limits.read_stream(sys.stdin)
    try:
        return limits.read_text(path)
    except UnicodeDecodeError as exc:  # reported like a file that cannot be read, not as a traceback
        raise OSError(f"it is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})") from None


def _each(paths: list[str], parse, failed: list[str]):
    """(path, name, text, parsed) for each file that reads and parses; the others are reported on
    stderr, with their located messages, and listed in `failed`."""
    for path in paths:
        name = path if path != "-" else "<stdin>"
        try:
            text = _read(path)
            parsed = parse(text, name)
        except OSError as exc:
            print(f"{path}: error: cannot read: {exc.strerror or exc}", file=sys.stderr)
            failed.append(path)
            continue
        except KdslError as exc:
            print(exc.format(), file=sys.stderr)
            n = len(exc.errors)
            print(f"{name}: {n} error{'s' if n != 1 else ''}", file=sys.stderr)
            failed.append(path)
            continue
        yield path, name, text, parsed


def _manifest_reader(args, command: str):
    """The parse function of `check` and `run`: kdsl text, or manifests (.yaml/.json) imported onto the
    --cluster file's nodes as --kube-version checks them; an exit status when an option is unusable."""
    from kdsl.cli_interop import known_version, scenario_reader

    if not known_version(command, args.kube_version):
        return 1
    try:
        return reader(args, scenario_reader(args.cluster, args.kube_version))
    except OSError as exc:  # an option's file: a usage error, as argparse's own
        print(f"kdsl {command}: error: --cluster {args.cluster}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return 2


def cmd_check(args) -> int:
    """Parse and check each file; errors and warnings go to stderr, a summary to stdout. Manifests
    (.yaml/.yml/.json) are checked as `kdsl run` imports them, before anything runs."""
    failed: list[str] = []
    parse = _manifest_reader(args, "check")
    if isinstance(parse, int):
        return parse
    for _, name, _, scenario in _each(args.files, parse, failed):
        for w in scenario.warnings:
            print(w.format(), file=sys.stderr)
        if not args.quiet:
            print(f"{name}: ok — {scenario.describe(warnings=False) if args.verbose else repr(scenario)}")
    return 1 if failed else 0


def cmd_fmt(args) -> int:
    """Print the canonical form; --check reports files that differ, --write rewrites them."""
    failed: list[str] = []
    status = 0
    for path, _, text, doc in _each(args.files, parse_document, failed):
        out = format_document(doc)
        if args.check:
            if out != text:
                print(f"{path}: would reformat", file=sys.stderr)
                status = 1
        elif args.write and path != "-":
            if out != text:
                Path(path).write_text(out, encoding="utf-8")
                print(f"{path}: reformatted", file=sys.stderr)
        else:
            sys.stdout.write(out)
    return 1 if failed else status


def _duration(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        ms = duration_ms(text)
    except BadValue as exc:
        raise SystemExit(f"kdsl: error: {exc}") from None
    why = run_too_long(ms)
    if why:
        raise SystemExit(f"kdsl: error: --until {text}: {why}")
    return ms


def _progress():
    """A progress line on stderr for long runs, only when a person watches a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(now: int, until: int | None, events: int) -> None:
        total = f" of {format_duration(until)}" if until else ""
        print(f"\rsimulated {format_duration(now)}{total}, {events:,} events", end="", file=sys.stderr, flush=True)

    return show


def cmd_run(args) -> int:
    """Simulate a scenario and print its pods, nodes and events at a moment (default: the end)."""
    failed: list[str] = []
    parse = _manifest_reader(args, "run")
    if isinstance(parse, int):
        return parse
    for _, name, _, scenario in _each([args.file], parse, failed):
        for w in scenario.warnings:
            print(w.format(), file=sys.stderr)
        from kdsl.engine.simulation import Simulation  # the engine loads only when something is simulated

        progress = _progress()
        try:
            sim = Simulation(scenario, seed=args.seed).run(_duration(args.until), progress=progress,
                                                           max_events=args.max_events)
        except KdslError as exc:
            print(exc.format(), file=sys.stderr)
            failed.append(name)
            continue
        if progress is not None:
            print("\r\033[K", end="", file=sys.stderr, flush=True)  # clear the progress line
        _note_not_simulated(sim)
        from kdsl.engine.arguments import moment

        try:
            t = moment(sim, args.at, "--at")
        except UsageError as exc:
            print(f"kdsl run: error: {exc}", file=sys.stderr)
            failed.append(name)
            continue
        print(f"# {name} at {format_duration(t)} (seed {args.seed})")
        from kdsl.views.display import text
        from kdsl.views.records import refused_block

        print(refused_block([r for r in sim.rejections if r.time_ms <= t]), end="")

        print(text(sim.pods(at=t, wide=True)), end="")  # where each pod runs, as `kubectl get pods -o wide`
        print()
        print(text(sim.nodes(at=t, wide=args.wide)), end="")
        print()
        services = sim.services(at=t, wide=args.wide)
        if not services.empty:
            print(text(services), end="")
            print()
        if sim.store.count("HorizontalPodAutoscaler"):  # as services: shown when the scenario has them
            print(text(sim.hpa(at=t, wide=args.wide)), end="")
            print()
        for url in args.route or ():
            print(sim.route(url, at=t).text())
            print()
        print("".join(e.line() + "\n" for e in sim.log.events if e.time_ms <= t), end="")
        _print_measures(sim, blank=True)
    return 1 if failed else 0


def _print_measures(sim, blank: bool = False) -> None:
    """The scenario's measures, one aligned line each (nothing when it has none): they never pass or fail."""
    if sim.scenario.measures:
        from kdsl.engine.measure import measures
        from kdsl.views.records import measure_block

        print(("\n" if blank else "") + measure_block(measures(sim)), end="")


def _note_not_simulated(sim) -> None:
    waiting = sim.not_simulated
    if waiting:
        kinds = ", ".join(f"{n} {kind}" for kind, n in waiting.items())
        print(f"note: stored but not simulated yet (their controllers are not in the engine): {kinds}",
              file=sys.stderr)


def cmd_test(args) -> int:
    """Check each scenario's expectations; ✓ or ✗ with what was found and when. Exit 1 on a failure."""
    failed: list[str] = []
    bad = 0
    for _, name, _, scenario in _each(args.files, reader(args), failed):
        try:
            sim = kdsl.simulate(scenario, seed=args.seed, max_events=args.max_events)
        except KdslError as exc:
            print(exc.format(), file=sys.stderr)
            failed.append(name)
            continue
        _note_not_simulated(sim)
        from kdsl.views.records import refused_block

        print(refused_block(sim.rejections), end="")
        results = sim.check()
        for r in results:
            print(r)
            bad += not r.passed
        _print_measures(sim)
        print(f"{name}: {sum(r.passed for r in results)} passed, {sum(not r.passed for r in results)} failed")
    return 1 if failed or bad else 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kdsl", description="Kubernetes cluster scenarios: check, format and simulate.")
    p.add_argument("--version", action="version", version=f"kdsl {kdsl.__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    c = sub.add_parser("check", help="parse and check scenario files",
                       description="Parse and check .kdsl files, and manifests (.yaml/.json) as `kdsl run` imports "
                                   "them. Exit 0 when clean (warnings allowed), 1 on errors.")
    c.add_argument("files", nargs="+", metavar="FILE", help="scenario files (- for standard input)")
    c.add_argument("-q", "--quiet", action="store_true", help="print nothing for files without errors")
    c.add_argument("-v", "--verbose", action="store_true", help="list what each file declares")
    c.add_argument("--cluster", metavar="FILE", help="for manifests: a kdsl file with the nodes and storage classes "
                                                     "(default: 3 workers, class standard), as for run")
    c.add_argument("--kube-version", metavar="1.3x", help="for manifests: the Kubernetes version whose API server "
                                                          "checks each document (default: 1.33), as for run")
    add_param_option(c)
    c.set_defaults(func=cmd_check)
    f = sub.add_parser("fmt", help="print scenario files in canonical form",
                       description="Print the canonical form of .kdsl files (comments are kept).")
    f.add_argument("files", nargs="+", metavar="FILE", help="scenario files (- for standard input)")
    g = f.add_mutually_exclusive_group()
    g.add_argument("--check", action="store_true", help="exit 1 if any file is not in canonical form")
    g.add_argument("--write", action="store_true", help="rewrite files in place")
    f.set_defaults(func=cmd_fmt)
    r = sub.add_parser("run", help="simulate a scenario and print pods, nodes and events",
                       description="Simulate a scenario and print kubectl-like tables and the event log.")
    r.add_argument("file", metavar="FILE", help="a scenario file (- for standard input)")
    r.add_argument("--until", metavar="T", help="how long to simulate (default: the scenario's run, or until "
                                                "nothing is pending)")
    r.add_argument("--at", metavar="T", help="the moment to show (default: the end)")
    r.add_argument("--seed", type=int, default=0, help="the seed of the simulation's random choices (default 0)")
    r.add_argument("--wide", action="store_true", help="every column of the node and service tables too (the pods "
                                                       "table is always wide)")
    r.add_argument("--route", action="append", metavar="URL", help="show where a request for HOST/PATH goes "
                                                                    "(repeatable)")
    r.add_argument("--cluster", metavar="FILE", help="for manifests (.yaml/.json): a kdsl file with the nodes and "
                                                     "storage classes (default: 3 workers, class standard)")
    r.add_argument("--kube-version", metavar="1.3x", help="for manifests: the Kubernetes version whose API server "
                                                          "checks each document (default: 1.33), as for import")
    add_param_option(r)
    add_budget_option(r)
    r.set_defaults(func=cmd_run)
    t = sub.add_parser("test", help="check the expectations of scenario files",
                       description="Simulate each file and check its expectations. Exit 1 on any failure.")
    t.add_argument("files", nargs="+", metavar="FILE", help="scenario files")
    t.add_argument("--seed", type=int, default=0, help="the seed of the simulation's random choices (default 0)")
    add_param_option(t)
    add_budget_option(t)
    t.set_defaults(func=cmd_test)
    from kdsl.cli_views import add_commands as add_views  # table, graph, chart

    add_views(sub)
    from kdsl.cli_interop import add_commands  # import and export

    add_commands(sub)
    from kdsl.cli_diff import add_command as add_diff  # kdsl diff

    add_diff(sub)
    from kdsl.cli_explain import add_commands as add_pod_commands  # why a pod is in its state, its journey

    add_pod_commands(sub)
    from kdsl.cli_sweep import add_command as add_sweep  # kdsl sweep (Dask loads only when it runs)

    add_sweep(sub)
    from kdsl.cli_dashboard import add_command as add_dashboard  # the logic loads only when it runs

    add_dashboard(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return 130
    except BrokenPipeError:  # pragma: no cover - `kdsl fmt x | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
