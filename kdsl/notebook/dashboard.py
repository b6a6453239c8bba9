"""`kdsl dashboard FILE`: a scenario served as a Voilà app on 127.0.0.1 — expectations, explorer, charts, no code."""

# The scenario is read, checked and simulated here first, so a bad file is kdsl's located error and exit 1
# before anything is served. The notebook is written to a private temporary directory (mkdtemp: mode 0700),
# holds no scenario text (its first cell loads the file by absolute path) and is removed on exit.

from __future__ import annotations

import html
import json
import shutil
import signal
import sys
import tempfile
from pathlib import Path

DEFAULT_PORT = 8866  # Voilà's own default

# The charts the dashboard shows: (heading, an expression on `sim` that returns a displayable chart); the
# notebook gets one section per entry, in this order.
CHARTS: tuple[tuple[str, str], ...] = (("Pods by phase", "sim.plot_phases()"),
                                        ("Each pod's lifecycle", "sim.plot_lifecycle()"))

# A kernelspec of its own, written next to the notebook: the kernel is this very interpreter, so it imports
# the same kdsl, whatever `python3` kernel a user has installed in ~/.local/share/jupyter.
KERNEL = "kdsl-dashboard"


def notebook(path: str | Path, *, seed: int = 0, until_ms: int | None = None, charts=CHARTS, params=None):
    """The dashboard notebook of the scenario file at `path` (made absolute): it loads the file (with `params`,
    overrides of its params, as `-p` gives them) and simulates it with `seed` (to `until_ms`, default the
    scenario's own run) in the kernel (kdsl.notebook.dashboard)."""
    import nbformat.v4 as nbf

    where = str(Path(path).resolve())
    until = "None" if until_ms is None else str(int(until_ms))
    cells = [
        "from kdsl.notebook.dashboard import expectations, heading, open_scenario\n"
        f"sim = open_scenario({where!r}, seed={int(seed)}, until_ms={until}"
        + (f", params={dict(params)!r})" if params else ")"),
        "expectations(sim)",
        'heading(sim, "Explorer")\nsim.explore() if sim is not None else None',
    ]
    cells += [f"heading(sim, {title!r})\n{expression} if sim is not None else None" for title, expression in charts]
    nb = nbf.new_notebook(cells=[nbf.new_code_cell(c, id=f"kdsl-{i}") for i, c in enumerate(cells)])
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "kdsl (Python)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["title"] = f"kdsl dashboard: {Path(where).name}"  # the page's <title>
    return nb


def write_notebook(directory: Path, path: str | Path, **kw) -> Path:
    """The notebook and its kernelspec written into `directory` (a Jupyter data directory: kernels/ in it);
    returns the notebook's path."""
    import nbformat

    spec = directory / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "kdsl (Python)",
                                                  "language": "python"}, indent=1), encoding="utf-8")
    out = directory / f"{Path(path).stem or 'scenario'}.ipynb"
    nbformat.write(notebook(path, **kw), out)
    return out


# ---- what the cells run, in the kernel: every page load runs them again in a new kernel, so a file edited
# while the dashboard runs shows its new state on reload, or its located error instead of a traceback -------


def _show(html_text: str) -> None:
    from IPython.display import HTML, display

    display(HTML(html_text))


def open_scenario(path: str, seed: int = 0, until_ms: int | None = None, params: dict | None = None):
    """Load and simulate the file; show its title, what was simulated and its warnings. A file that no
    longer reads, parses or plays shows kdsl's located message instead, and None is returned."""
    import kdsl
    from kdsl.core.values import format_duration
    from kdsl.model.nodes import Cluster

    try:
        sim = kdsl.simulate(kdsl.load(path, params=params), until=until_ms, seed=seed)
    except kdsl.KdslError as exc:
        _show(f"<h1>{html.escape(Path(path).name)}</h1><pre class=\"kdsl-err\">{html.escape(exc.format())}</pre>")
        return None
    scenario = sim.scenario
    caption = (f"{Path(path).name}, simulated for {format_duration(sim.now)} with seed {seed}: "
               f"{len(sim.log.events):,} events")
    warnings = "".join(f'<pre class="kdsl-warn">{html.escape(w.format())}</pre>' for w in scenario.warnings)
    title = scenario.name if scenario.name != Cluster().name else Path(path).stem  # no `cluster NAME {…}`
    _show(f"<h1>{html.escape(title)}</h1><p>{html.escape(caption)}</p>{warnings}")
    return sim


def heading(sim, text: str) -> None:
    """A section heading, shown only when the scenario was simulated."""
    if sim is not None:
        _show(f"<h2>{html.escape(text)}</h2>")


def expectations(sim) -> None:
    """The expectations as a ✓/✗ table (as `kdsl test` prints them) with how many passed."""
    if sim is None:
        return
    from IPython.display import display

    from kdsl.notebook.magic import results_frame

    heading(sim, "Expectations")
    results = sim.check()
    if not results:
        _show("<p>This scenario has no <code>expect</code> lines.</p>")
        return
    failed = sum(not r.passed for r in results)
    _show(f"<p>{len(results) - failed} passed, {failed} failed</p>")
    display(results_frame(results))


# ---- the command ---------------------------------------------------------------------------------------


def _error(message: str) -> int:
    print(f"kdsl dashboard: error: {message}", file=sys.stderr)
    return 1


def _checked(args) -> tuple[bool, int | None]:
    """(True, until in ms) once the file reads, checks and simulates; (False, None) after printing why not —
    kdsl's located messages. Warnings are printed too (the page shows them as well)."""
    import kdsl
    from kdsl.core.values import BadValue, duration_ms

    try:
        until = None if args.until is None else duration_ms(args.until)
    except BadValue as exc:
        _error(f"--until {args.until}: {exc}")
        return False, None
    try:
        scenario = kdsl.load(args.file, params=dict(args.params))
        for w in scenario.warnings:
            print(w.format(), file=sys.stderr)
        kdsl.simulate(scenario, until=until, seed=args.seed)
    except kdsl.KdslError as exc:
        print(exc.format(), file=sys.stderr)
        return False, None
    return True, until


def cmd_dashboard(args) -> int:
    """Check the scenario, then serve it with Voilà until Ctrl-C or SIGTERM; exit 0 when stopped so."""
    from kdsl.notebook.voila import Voila, VoilaError, free_port, port_in_use

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
    import argparse

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
    from kdsl.cli_params import add_param_option  # -p, as every command that reads a scenario takes it

    add_param_option(d)
    d.set_defaults(func=cmd_dashboard)
