"""`%%kdsl` shows the measures after the results when the cell has any; `sim.measures()` displays as a table."""

from __future__ import annotations

from kdsl.notebook.magic import run_cell
from kdsl.views.display import Table

CELL = """
cluster c { node n1 cpu=2 memory=4Gi }
pod web image=nginx:1.25 cpu=100m
run 30s
expect pod default/web phase=Running by 10s
measure up = when pod default/web ready
measure restarts = max pod default/web restarts
"""


def test_the_summary_ends_with_the_measures():
    ns, shown = {}, []
    sim = run_cell("lab", CELL, ns, shown.append)
    measures = shown[-1]
    assert list(measures.NAME) == ["up", "restarts"] and list(measures.VALUE) == [1000, 0]
    assert measures.equals(sim.measures())
    assert isinstance(measures, Table)  # kdsl's display rules: kubectl's text, an interactive table in a notebook


def test_without_measures_the_summary_is_unchanged():
    ns, shown = {}, []
    run_cell("lab", CELL.split("measure up")[0], ns, shown.append)
    assert "NAME" not in getattr(shown[-1], "columns", [])
