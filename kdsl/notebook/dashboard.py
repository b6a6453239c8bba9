"""The notebook `kdsl dashboard FILE` serves with Voilà (kdsl/cli_dashboard.py): expectations, explorer, charts, no code."""

# The notebook holds no scenario text: its first cell loads the file by absolute path and shows kdsl's located
# message if the file no longer reads.

from __future__ import annotations

import html
import json
import sys
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
    from kdsl.core.errors import KdslError
    from kdsl.core.values import format_duration
    from kdsl.engine.run import load, simulate
    from kdsl.model.nodes import Cluster

    try:
        sim = simulate(load(path, params=params), until=until_ms, seed=seed)
    except KdslError as exc:
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
