"""In IPython a kdsl error shows as its message: no frame of kdsl's internals, with or without `%load_ext kdsl`."""

from __future__ import annotations

import re

import pytest
from IPython.core.interactiveshell import InteractiveShell

import kdsl
from kdsl import NotFoundError, UsageError

from tests.notebook.conftest import LAB


@pytest.fixture(scope="module")
def shell():
    ip = InteractiveShell.instance()
    ip.run_cell(f"import kdsl\nsim = kdsl.simulate(kdsl.load({str(LAB)!r}))")
    yield ip
    ip.user_ns.pop("sim", None)


def shown(shell, capsys, code: str):
    """What a notebook shows for the cell: its output and the error IPython raised, if any."""
    capsys.readouterr()
    result = shell.run_cell(code)
    out = capsys.readouterr()
    return re.sub(r"\x1b\[[0-9;]*m", "", out.out + out.err), result.error_in_exec  # IPython's colours


@pytest.mark.parametrize(("code", "error", "text"), [
    ('sim.explain("demo/nope")', NotFoundError,
     "NotFoundError: no pod demo/nope at 3m; pods in demo: app, huge, web\n"),
    ('sim.pods(namespace="dmeo")', NotFoundError,
     "NotFoundError: no namespace dmeo in this run; did you mean demo? namespaces: default, demo, tools\n"),
    ('sim.pods(at="later")', UsageError,
     "UsageError: at=`later` is not a duration; use ms, s, m, h or d, e.g. `30s` or `1m30s`\n"),
    ('sim.topology_diff(0, "5m")', UsageError, None),
    ('sim.route(None)', UsageError, None),
    ('kdsl.simulate("lab.kdsl")', UsageError, None),
])
def test_a_kdsl_error_shows_its_message_and_no_traceback(shell, capsys, code, error, text):
    output, raised = shown(shell, capsys, code)
    assert isinstance(raised, error)
    assert output == (text or f"{type(raised).__name__}: {raised}\n")
    for frame in ("Traceback", "File ", "kdsl/", ".py", "----> "):
        assert frame not in output


def test_a_scenario_error_shows_its_located_diagnostics(shell, capsys):
    output, raised = shown(shell, capsys, 'kdsl.parse("pod web image=nginx replica=3\\n", "web.kdsl")')
    assert isinstance(raised, kdsl.ScenarioError)
    assert output.splitlines()[:2] == ["web.kdsl:1:21: error: unknown attribute `replica` for pod default/web",
                                       "    pod web image=nginx replica=3"]
    assert "Traceback" not in output and ".py" not in output


def test_any_other_error_keeps_its_traceback(shell, capsys):
    """Only kdsl's own errors are rendered short: a bug (or the user's own error) still shows where it is."""
    output, raised = shown(shell, capsys, "def f():\n    raise RuntimeError('mine')\nf()")
    assert isinstance(raised, RuntimeError) and "Traceback" in output and "----> 3 f()" in output


def test_the_error_can_still_be_caught_in_a_cell(shell, capsys):
    output, raised = shown(shell, capsys, 'try:\n    sim.explain("x/y")\nexcept KeyError as e:\n    print("caught", type(e).__name__)')
    assert raised is None and output == "caught NotFoundError\n"
