"""`kdsl trace FILE pod NS/NAME [--at T]`: a pod's journey, one line a step, from its creating request to Ready."""

from __future__ import annotations

import sys

from kdsl.core.values import format_duration


def add_command(sub) -> None:
    from kdsl.cli_explain import pod_parser

    t = pod_parser(sub, "trace", cmd_trace, help="show every step of a pod from its creating request to Ready",
               description="Simulate a scenario, then print a pod's journey: the request that created it (who "
                           "asked, the RBAC rule that allowed it, what each admission plugin changed, validation, "
                           "the stored resourceVersion), the scheduler's watch, cycles and binding, and the "
                           "kubelet's sandbox, IP, volumes, images, containers, probes and status writes, to Ready "
                           "or to where it stopped (--at T: up to that moment).")
    t.add_argument("-o", "--output", metavar="FILE.svg", help="also draw the journey as a swim-lane picture")


def cmd_trace(args) -> int:
    """Print the pod's journey; exit 0. A file that does not parse, an unknown pod or a bad --at: the located
    message on stderr, exit 1."""
    from kdsl.cli_explain import pod_answer

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
