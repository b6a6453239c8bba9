"""`kdsl explain|trace FILE pod NS/NAME [--at T]`: why a pod of a simulated scenario is in its state, and its journey."""

from __future__ import annotations

import shlex
import sys
import textwrap

from kdsl.core.errors import Diagnostic, UsageError
from kdsl.core.values import format_duration

WIDTH = 100  # the paragraph is wrapped as a terminal shows it; the words are sim.why's


def add_commands(sub) -> None:
    """`kdsl explain` (why a pod is in its state) and `kdsl trace` (its journey, one line a step)."""
    pod_parser(sub, "explain", cmd_explain, help="say why a pod is not running and ready",
               description="Simulate a scenario, then say in plain words why a pod is in its state at a moment, "
                           "with the numbers that decide it and what would change it.")
    t = pod_parser(sub, "trace", cmd_trace, help="show every step of a pod from its creating request to Ready",
                   description="Simulate a scenario, then print a pod's journey: the request that created it (who "
                               "asked, the RBAC rule that allowed it, what each admission plugin changed, validation, "
                               "the stored resourceVersion), the scheduler's watch, cycles and binding, and the "
                               "kubelet's sandbox, IP, volumes, images, containers, probes and status writes, to Ready "
                               "or to where it stopped (--at T: up to that moment).")
    t.add_argument("-o", "--output", metavar="FILE.svg", help="also draw the journey as a swim-lane picture")


def pod_parser(sub, command: str, func, help: str, description: str):
    """`kdsl COMMAND FILE pod NS/NAME [--at T] [--until T] [--seed N]` and the params and budget options: the
    shape of the commands about one pod of a simulated scenario (explain, trace)."""
    e = sub.add_parser(command, help=help, description=description)
    e.add_argument("file", metavar="FILE", help="a scenario file (- for standard input)")
    e.add_argument("kind", choices=["pod"], metavar="pod", help=f"what to {command}: `pod`")
    e.add_argument("name", metavar="NS/NAME", help="the pod (NAME alone is in namespace default)")
    e.add_argument("--at", metavar="T", help="the moment (default: the end)")
    e.add_argument("--until", metavar="T", help="how long to simulate (default: the scenario's run)")
    e.add_argument("--seed", type=int, default=0, help="the seed of the simulation's random choices (default 0)")
    from kdsl.cli_params import add_budget_option, add_param_option

    add_param_option(e)
    add_budget_option(e)
    e.set_defaults(func=func)
    return e


def cmd_explain(args) -> int:
    """Print the pod's explanation, wrapped; exit 0. A file that does not parse, an unknown pod or a bad --at:
    the located message on stderr, exit 1."""
    why = pod_answer(args, lambda sim, at: sim.why(args.name, at=at))
    if why is None:
        return 1
    print(f"# {args.file} at {format_duration(why.at_ms)} (seed {args.seed}): {why.pod} is {why.state}")
    print(textwrap.fill(why.text(), WIDTH, break_long_words=False, break_on_hyphens=False))
    return 0


def pod_answer(args, ask, command: str = "explain"):
    """`ask(sim, at)` on the simulated file at --at, for `kdsl explain|trace FILE pod NS/NAME`; None once a file
    that does not parse, an unknown pod or a bad --at has been told on stderr (located on the command line)."""
    from kdsl.cli_views import _simulated
    from kdsl.engine.arguments import moment

    sim = _simulated(args)
    if sim is None:
        return None
    try:
        return ask(sim, moment(sim, args.at, "--at"))
    except UsageError as exc:
        print(located(args, exc.message, command), file=sys.stderr)
        return None


def located(args, message: str, command: str = "explain") -> str:
    """The message under the command line, the argument it is about marked as a compiler marks a token."""
    words = ["kdsl", command, args.file, "pod", args.name] + (["--at", args.at] if args.at is not None else [])
    wrong = 6 if message.startswith("--at") else 4
    line = " ".join(shlex.quote(w) for w in words)
    column = len(" ".join(shlex.quote(w) for w in words[:wrong])) + 2
    return Diagnostic("error", message, f"kdsl {command}", None, column, len(shlex.quote(words[wrong])), line).format()


def cmd_trace(args) -> int:
    """Print the pod's journey; exit 0. A file that does not parse, an unknown pod or a bad --at: the located
    message on stderr, exit 1."""
    if args.output and not args.output.endswith(".svg"):  # said before the run, not after it
        print(f"kdsl trace: error: -o {args.output}: the picture is an SVG; give a FILE.svg", file=sys.stderr)
        return 1
    journey = pod_answer(args, lambda sim, at: sim.journey(args.name, at=at), "trace")
    if journey is None:
        return 1
    print(f"# {args.file} to {format_duration(journey.journey.at_ms)} (seed {args.seed}): pod {journey.pod}, "
          f"{journey.outcome}")
    print(journey)
    if args.output:
        try:
            journey.chart().save(args.output)
        except OSError as exc:
            print(f"kdsl trace: error: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
            return 1
    return 0
