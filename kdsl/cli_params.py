"""`-p NAME=VALUE` on the commands that read a scenario: overrides of its `param` defaults."""

from __future__ import annotations

import argparse

from kdsl.model.build.params import pair


def add_param_option(parser: argparse.ArgumentParser, metavar: str = "NAME=VALUE",
                     help: str = "set a param the scenario declares (repeatable); the value reads as if written "
                                 "in the file") -> None:
    parser.add_argument("-p", "--param", dest="params", action="append", type=pair, default=[],
                        metavar=metavar, help=help)
    parser.add_argument("--allow-include", dest="allow_include", action="append", default=[], metavar="DIR",
                        help="let `include` read files inside DIR too (repeatable); by default includes stay "
                             "inside the folder of the scenario")


def given(args) -> dict[str, str]:
    """The -p values by name (the last wins when one is given twice, as for any repeated option)."""
    return dict(getattr(args, "params", None) or ())


def reader(args, parse=None):
    """kdsl.parse with the -p overrides: the `parse` of cli._each."""
    import kdsl

    parse = parse or kdsl.parse
    params = given(args)
    allow = tuple(getattr(args, "allow_include", None) or ())
    return lambda text, name: parse(text, name, params=params, allow_include=allow)


def add_budget_option(parser: argparse.ArgumentParser) -> None:
    """`--max-events N` on the commands that simulate: the budget that stops a run going on without end."""
    from kdsl.core.limits import MAX_EVENTS

    parser.add_argument("--max-events", dest="max_events", type=_count, default=MAX_EVENTS, metavar="N",
                        help=f"stop a run after N events (default {MAX_EVENTS:,}; docs/security.md)")


def _count(text: str) -> int:
    try:
        n = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of events") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a number of events (1 or more)")
    return n
