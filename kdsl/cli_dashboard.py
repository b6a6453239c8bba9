"""`kdsl dashboard FILE`: a scenario served as a Voilà app on 127.0.0.1 — expectations, explorer, charts, no code."""

# The scenario is read, checked and simulated here first, so a bad file is kdsl's located error and exit 1
# before anything is served. The notebook (kdsl.notebook.dashboard) is written to a private temporary directory
# (mkdtemp: mode 0700), holds no scenario text (its first cell loads the file by absolute path) and is removed
# on exit.

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import kdsl
from kdsl.cli_params import add_budget_option, add_param_option
from kdsl.notebook.dashboard import DEFAULT_PORT, write_notebook


def _error(message: str) -> int:
    print(f"kdsl dashboard: error: {message}", file=sys.stderr)
    return 1


def _checked(args) -> tuple[bool, int | None]:
    """(True, until in ms) once the file reads, checks and simulates; (False, None) after printing why not —
    kdsl's located messages. Warnings are printed too (the page shows them as well)."""
    from kdsl.core.values import BadValue, duration_ms

    try:
        until = None if args.until is None else duration_ms(args.until)
    except BadValue as exc:
        _error(f"--until {args.until}: {exc}")
        return False, None
    try:
        scenario = kdsl.load(args.file, params=dict(args.params), allow_include=tuple(args.allow_include))
        for w in scenario.warnings:
            print(w.format(), file=sys.stderr)
        kdsl.simulate(scenario, until=until, seed=args.seed, max_events=args.max_events)
    except kdsl.KdslError as exc:
        print(exc.format(), file=sys.stderr)
        return False, None
    return True, until


def cmd_dashboard(args) -> int:
    """Check the scenario, then serve it with Voilà until Ctrl-C or SIGTERM; exit 0 when stopped so."""
    from kdsl.notebook.voila import Voila, VoilaError, free_port, port_in_use  # Voilà loads when it is served

    if Path(args.file).suffix in (".yaml", ".yml", ".json"):
        return _error(f"{args.file}: the dashboard shows kdsl scenarios; `kdsl import` turns manifests into one")
    ok, until = _checked(args)
    if not ok:
        return 1
    port = args.port or free_port()
    if port_in_use(port):
        return _error(f"port {port} on 127.0.0.1 is in use; choose another with --port N (--port 0: any free port)")
    root = Path(tempfile.mkdtemp(prefix="kdsl-dashboard-"))
    server = None
    # Ctrl-C and SIGTERM stop it alike, even when started with SIGINT ignored (a shell's background job).
    previous = {sig: signal.signal(sig, signal.default_int_handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        nb = write_notebook(root, args.file, seed=args.seed, until_ms=until, params=dict(args.params))
        server = Voila(nb, port, root, log=None if args.verbose else root / "voila.log")
        server.wait_ready()
        print(f"kdsl dashboard: serving {args.file} at {server.url} (Ctrl-C to stop)", flush=True)
        status = server.process.wait()
        return _failed(server, f"Voilà stopped by itself (exit status {status})")
    except VoilaError as exc:
        return _failed(server, str(exc))
    except KeyboardInterrupt:
        print("kdsl dashboard: stopping Voilà and its kernels", file=sys.stderr, flush=True)
        return 0
    finally:
        for sig in previous:  # a second Ctrl-C must not cut the shutdown short
            signal.signal(sig, signal.SIG_IGN)
        try:
            if server is not None:
                server.stop()
            shutil.rmtree(root, ignore_errors=True)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def _failed(server, message: str) -> int:
    tail = server.log_tail() if server is not None else ""
    if "no available port" in tail:  # taken between kdsl's check and Voilà's bind
        message = f"port {server.port} on 127.0.0.1 is in use; choose another with --port N"
    _error(message)
    if tail:
        print(tail, file=sys.stderr)
    return 1


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0-65535; 0: any free port)")
    return port


def add_command(sub) -> None:
    """The `dashboard` subcommand on kdsl's argparse subparsers."""
    d = sub.add_parser("dashboard", help="serve a scenario as a Voilà dashboard on 127.0.0.1",
                       description="Check a scenario, then serve its expectations, explorer and charts as a "
                                   "Voilà app on 127.0.0.1 (no code shown) until Ctrl-C.")
    d.add_argument("file", metavar="FILE", help="a .kdsl scenario file")
    d.add_argument("--port", type=_port, default=DEFAULT_PORT, metavar="N",
                   help=f"the port on 127.0.0.1 (default {DEFAULT_PORT}; 0: any free port)")
    d.add_argument("--seed", type=int, default=0, help="the seed of the simulation's random choices (default 0)")
    d.add_argument("--until", metavar="T", help="how long to simulate (default: the scenario's run, or until "
                                                "nothing is pending)")
    d.add_argument("-v", "--verbose", action="store_true", help="show Voilà's own log on standard error")
    add_param_option(d)  # -p, as every command that reads a scenario takes it
    add_budget_option(d)
    d.set_defaults(func=cmd_dashboard)
