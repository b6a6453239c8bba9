"""`kdsl dashboard`: the notebook it writes (cells, path, seed, kernel, no secret), what its cells show, and the
errors it reports before serving anything. The served page itself is tested in Chromium
(test_browser_dashboard.py)."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

import nbformat
import pytest

import kdsl.notebook.dashboard as dashboard
from kdsl.cli import main
from kdsl.notebook.voila import HOST, command, port_in_use

from .conftest import LAB, SECRET

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "examples" / "shop.kdsl"


def test_the_notebook_loads_the_file_by_absolute_path_with_the_seed_and_holds_no_scenario_text(monkeypatch):
    monkeypatch.chdir(LAB.parent)
    nb = dashboard.notebook(LAB.name, seed=7, until_ms=90_000)
    nbformat.validate(nb)
    sources = [c.source for c in nb.cells]
    assert all(c.cell_type == "code" for c in nb.cells)
    assert sources[0] == ("from kdsl.notebook.dashboard import expectations, heading, open_scenario\n"
                          f"sim = open_scenario({str(LAB)!r}, seed=7, until_ms=90000)")
    assert sources[1:] == ["expectations(sim)", 'heading(sim, "Explorer")\nsim.explore() if sim is not None else None',
                           "heading(sim, 'Pods by phase')\nsim.plot_phases() if sim is not None else None",
                           'heading(sim, "Each pod\'s lifecycle")\nsim.plot_lifecycle() if sim is not None else None']
    text = json.dumps(nb)
    assert SECRET not in text and "hunter2" not in text and "cluster lab" not in text
    assert nb.metadata.kernelspec["name"] == dashboard.KERNEL
    assert nb.metadata.title == "kdsl dashboard: lab.kdsl"
    # The same arguments write the same notebook (cell ids included), so nothing in it is random.
    assert json.dumps(dashboard.notebook(LAB, seed=7, until_ms=90_000)) == text


def test_without_until_the_scenario_runs_as_written_and_charts_add_one_section_each():
    nb = dashboard.notebook(SHOP, charts=[("Pods by phase", "sim.plot_phases()")])
    assert "open_scenario(" in nb.cells[0].source and nb.cells[0].source.endswith("seed=0, until_ms=None)")
    assert nb.cells[-1].source == "heading(sim, 'Pods by phase')\nsim.plot_phases() if sim is not None else None"
    assert len(nb.cells) == 4 and len(dashboard.notebook(SHOP, charts=()).cells) == 3
    assert len(dashboard.notebook(SHOP).cells) == 3 + len(dashboard.CHARTS)


def test_the_kernelspec_next_to_the_notebook_is_this_interpreter_and_jupyter_finds_it(tmp_path, monkeypatch):
    from jupyter_client.kernelspec import KernelSpecManager

    path = dashboard.write_notebook(tmp_path, SHOP, seed=3)
    assert path == tmp_path / "shop.ipynb" and nbformat.read(path, as_version=4).cells[0].source.count("seed=3")
    spec = json.loads((tmp_path / "kernels" / dashboard.KERNEL / "kernel.json").read_text())
    assert spec["argv"][:3] == [sys.executable, "-m", "ipykernel_launcher"]
    # What Voilà does with the JUPYTER_PATH kdsl gives it: the kernel is found there, whatever else is installed.
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    assert KernelSpecManager().get_kernel_spec(dashboard.KERNEL).argv[0] == sys.executable


@pytest.fixture
def shown(monkeypatch):
    """What the cells display, as HTML text or DataFrames, in order."""
    import IPython.display

    out: list = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: out.extend(
        o.data if isinstance(o, IPython.display.HTML) else o for o in objs))
    return out


def test_the_cells_show_the_title_the_expectations_and_never_the_secret(shown):
    sim = dashboard.open_scenario(str(LAB), seed=0, until_ms=None)
    assert sim is not None and sim.now == 180_000
    assert shown[0].startswith("<h1>lab</h1><p>lab.kdsl, simulated for 3m with seed 0: ")
    dashboard.expectations(sim)
    assert shown[1:3] == ["<h2>Expectations</h2>", "<p>2 passed, 0 failed</p>"]
    table = shown[3]
    assert list(table.columns) == ["", "EXPECT", "FOUND", "AT"] and list(table[""]) == ["✓", "✓"]
    assert table["EXPECT"][1] == "expect pod demo/huge pending reason=Unschedulable"
    dashboard.heading(sim, "Explorer")
    assert shown[4] == "<h2>Explorer</h2>"
    assert SECRET not in repr(shown)


def test_warnings_are_shown_under_the_title_and_a_scenario_without_expectations_says_so(tmp_path, shown):
    f = tmp_path / "w.kdsl"
    f.write_text("node n1 cpu=2\ndeployment web image=nginx:1.25\nservice api selects app=api ports 80\n")
    sim = dashboard.open_scenario(str(f))
    assert shown[0].startswith("<h1>w</h1><p>w.kdsl, simulated for ")  # no cluster name: the file's
    assert f'<pre class="kdsl-warn">{f}:3:1: warning: service default/api selects app=api, which matches no pod ' \
           'template in namespace default\n    service api selects app=api ports 80\n    ^~~' in shown[0]
    dashboard.expectations(sim)
    assert shown[-1] == "<p>This scenario has no <code>expect</code> lines.</p>"


def test_a_file_broken_while_served_shows_its_located_error_and_no_section(tmp_path, shown):
    f = tmp_path / "broken.kdsl"
    f.write_text("node n1 cpu=zz\n")
    assert dashboard.open_scenario(str(f)) is None
    assert shown == ['<h1>broken.kdsl</h1><pre class="kdsl-err">'
                     f'{f}:1:13: error: `cpu` of node n1: `zz` is not a quantity\n    node n1 cpu=zz\n'
                     '                ^~</pre>']
    dashboard.expectations(None)
    dashboard.heading(None, "Explorer")
    assert len(shown) == 1


def test_voila_listens_on_loopback_at_exactly_the_port_strips_the_code_and_culls_closed_pages_kernels(tmp_path):
    cmd = command(tmp_path / "x.ipynb", 8123, tmp_path)
    assert cmd[:3] == [sys.executable, "-m", "voila"]
    for option in ("--port=8123", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--strip_sources=True",
                   "--no-browser", f"--Voila.root_dir={tmp_path}", "--MappingKernelManager.cull_idle_timeout=120"):
        assert option in cmd


# ---- errors come before anything is served -----------------------------------------------------------


def test_a_bad_file_is_its_located_error_and_exit_1_without_a_traceback(tmp_path, capsys):
    f = tmp_path / "bad.kdsl"
    f.write_text("node n1 cpu=zz\n")
    assert main(["dashboard", str(f), "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{f}:1:13: error: `cpu` of node n1: `zz` is not a quantity") and "Traceback" not in err
    assert main(["dashboard", str(tmp_path / "nope.kdsl")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_a_failure_while_simulating_is_reported_before_serving(tmp_path, capsys, monkeypatch):
    import kdsl

    def refuse(*args, **kwargs):
        raise kdsl.SimulationError([kdsl.Diagnostic("error", "the simulation cannot go on", str(SHOP))])

    monkeypatch.setattr(kdsl, "simulate", refuse)
    assert main(["dashboard", str(SHOP), "--port", "0"]) == 1
    assert "the simulation cannot go on" in capsys.readouterr().err


def test_bad_options_are_one_line_each(capsys):
    assert main(["dashboard", str(SHOP), "--until", "5q"]) == 1
    assert capsys.readouterr().err == ("kdsl dashboard: error: --until 5q: `5q` is not a duration; use ms, s, m, h or "
                                       "d, e.g. `30s` or `1m30s`\n")
    with pytest.raises(SystemExit):
        main(["dashboard", str(SHOP), "--port", "70000"])
    assert "70000 is not a port number" in capsys.readouterr().err


def test_a_port_in_use_says_so(capsys):
    with socket.socket() as busy:
        busy.bind((HOST, 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert port_in_use(port)
        assert main(["dashboard", str(SHOP), "--port", str(port)]) == 1
    assert capsys.readouterr().err == (f"kdsl dashboard: error: port {port} on 127.0.0.1 is in use; choose another "
                                       "with --port N (--port 0: any free port)\n")
    assert not port_in_use(port)


def test_p_reaches_the_notebook_and_a_wrong_name_stops_before_serving(tmp_path, capsys, shown):
    f = tmp_path / "p.kdsl"
    f.write_text("param replicas = 1\nnode n1 cpu=2\ndeployment web replicas=$replicas image=nginx:1.25\n")
    nb = dashboard.notebook(f, params={"replicas": "2"})
    assert nb.cells[0].source.endswith(f"open_scenario({str(f)!r}, seed=0, until_ms=None, params={{'replicas': '2'}})")
    sim = dashboard.open_scenario(str(f), params={"replicas": "2"})
    assert sim.scenario.param_values == {"replicas": "2"} and len(sim.pods()) == 2
    assert main(["dashboard", str(f), "-p", "replica=2"]) == 1
    assert "cannot set param `replica`" in capsys.readouterr().err
