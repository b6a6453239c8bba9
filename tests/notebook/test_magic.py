"""`%load_ext kdsl` and `%%kdsl`: options, binding, the summary shown, located errors without a traceback."""

from __future__ import annotations

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from kdsl.notebook.magic import CellError, parse_line, results_frame, run_cell

from tests.notebook.conftest import LAB

GOOD = """
cluster c {
  node n1 cpu=2 memory=4Gi
}
pod web image=nginx:1.25 cpu=100m
run 30s
expect pod default/web phase=Running by 10s
"""


def test_options_default_and_given():
    a = parse_line("")
    assert (a.name, a.until, a.seed, a.test, a.quiet) == ("sim", None, 0, False, False)
    a = parse_line("lab --until 1m30s --seed 7 --test")
    assert (a.name, a.until, a.seed, a.test) == ("lab", 90000, 7, True)


@pytest.mark.parametrize("line, message", [
    ("--until soon", "%%kdsl: --until soon: `soon` is not a duration; use ms, s, m, h or d, e.g. `30s` or `1m30s`"),
    ("--until 90", "`90` is not a duration; use ms, s, m, h or d, e.g. `30s` or `1m30s` (write `90s` for seconds)"),
    ("9lives", "%%kdsl: '9lives' is not a Python name to bind the simulation to"),
    ("--speed", "%%kdsl: unrecognized arguments: --speed\n"),
    ("a b", "%%kdsl: unrecognized arguments: b"),
    ('"open', "%%kdsl: No closing quotation"),
])
def test_bad_options_are_one_clear_message(line, message):
    with pytest.raises(CellError) as info:
        parse_line(line)
    assert message in info.value.message
    assert info.value._render_traceback_()[0].startswith("%%kdsl: ")


def test_cell_binds_the_simulation_and_shows_a_summary():
    ns, shown = {}, []
    sim = run_cell("web", GOOD, ns, shown.append)
    assert ns["web"] is sim and sim.now == 30000
    heading, pods, graph, results = shown
    assert "`web`" in heading.data and "1 Running" in heading.data
    assert isinstance(pods, pd.DataFrame) and list(pods.NAME) == ["web"]
    assert "image/svg+xml" in graph._repr_mimebundle_()
    assert results == sim.check() and [str(r) for r in results] == [
        "✓ expect pod default/web phase=Running by 10s  (phase=Running at 1s)"]


def test_until_bounds_the_run_and_quiet_shows_nothing():
    ns, shown = {}, []
    run_cell("--until 5s --quiet", GOOD, ns, shown.append)
    assert ns["sim"].now == 5000 and shown == []


def test_a_mistake_is_the_located_message_not_a_traceback():
    with pytest.raises(CellError) as info:
        run_cell("bad", "pod web image=nginx replica=3\n", {}, None)
    lines = info.value._render_traceback_()
    assert lines[0] == "<%%kdsl bad>:1:21: error: unknown attribute `replica` for pod default/web"
    assert lines[1] == "    pod web image=nginx replica=3"
    assert lines[2] == "                        ^~~~~~~"
    assert not any("Traceback" in line for line in lines)


def test_test_option_fails_the_cell_on_an_expectation_that_does_not_hold():
    text = GOOD.replace("phase=Running by 10s", "phase=Succeeded by 10s")
    ns = {}
    run_cell("", text, ns, None)  # without --test: bound, shown, not an error
    with pytest.raises(CellError) as info:
        run_cell("--test", text, ns, None)
    assert info.value.message.splitlines() == [
        "✗ expect pod default/web phase=Succeeded by 10s  (phase=Running at 10s)", "0 passed, 1 failed"]


def test_results_frame_columns():
    ns = {}
    sim = run_cell("--quiet", LAB.read_text(), ns, None)
    df = results_frame(sim.check())
    assert list(df.columns) == ["", "EXPECT", "FOUND", "AT"] and list(df[""]) == ["✓", "✓"]


def test_load_ext_registers_the_cell_magic_in_ipython():
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "kdsl")
    assert "kdsl" in shell.magics_manager.magics["cell"]
    shell.run_cell_magic("kdsl", "lab --quiet", GOOD)
    assert shell.user_ns["lab"].scenario.name == "c"
    result = shell.run_cell("%%kdsl broken\npod web image=nginx replica=3\n")
    assert isinstance(result.error_in_exec, CellError)
    assert "broken" not in shell.user_ns


def test_the_summary_says_why_each_unhealthy_pod_is_so():
    cell = GOOD.replace("pod web image=nginx:1.25 cpu=100m", "pod web image=nginx:1.25 cpu=100m\n"
                        + "".join(f"pod big-{i} image=nginx cpu=3\n" for i in range(7)))
    ns, shown = {}, []
    run_cell("lab", cell, ns, shown.append)
    heading, pods, troubled, graph, results = shown
    bundle = troubled._repr_mimebundle_()
    html = bundle["text/html"]
    assert "not running and ready: 7 pods" in html and html.count('class="kdsl-why kdsl-why-warn"') == 5
    assert 'and 2 more: <code>lab.why("NS/NAME")</code>' in html
    assert bundle["text/plain"].splitlines()[0] == ns["lab"].why("big-0").text()
    assert "big-0 is Pending since 0s: 0 of 1 nodes fit. n1 lacks CPU (the pod requests 3; free is 1.9 on n1)." in html


def test_a_summary_of_healthy_pods_has_no_why():
    ns, shown = {}, []
    run_cell("web", GOOD, ns, shown.append)
    assert not any("kdsl-why" in str(getattr(x, "_repr_mimebundle_", lambda: "")()) for x in shown)


PARAMS = """
param replicas = 1
param image = nginx:1.25
cluster c { node n1 cpu=2 memory=4Gi }
deployment web replicas=$replicas image=$image
run 30s
"""


def test_param_sets_the_cell_params():
    ns = {}
    sim = run_cell("--param replicas=2 --param image=nginx:1.27 --quiet", PARAMS, ns)
    assert sim.scenario.param_values == {"replicas": "2", "image": "nginx:1.27"}
    assert len(sim.pods()) == 2 and sim.scenario.objects[-1].template.containers[0].image == "nginx:1.27"
    assert run_cell("--quiet", PARAMS, {}).scenario.param_values == {"replicas": "1", "image": "nginx:1.25"}


@pytest.mark.parametrize("line, message", [
    ("--param replicas", "%%kdsl: argument -p/--param: 'replicas' is not NAME=VALUE"),
    ("--param replica=2", "<%%kdsl sim>: error: cannot set param `replica`: the scenario declares no param "
                          "`replica` (its params: image, replicas)\n  did you mean `replicas`?"),
    ("--param replicas=two", "<%%kdsl sim>:5:25: error: `replicas` of deployment default/web: `two` is not a whole "
                             "number (`$replicas` is two, given from outside (-p, params=))"),
])
def test_a_bad_param_is_one_clear_message(line, message):
    with pytest.raises(CellError) as info:
        run_cell(line, PARAMS, {})
    assert message in info.value.message
