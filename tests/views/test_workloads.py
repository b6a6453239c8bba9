"""The workloads table's Jobs: an Indexed Job's completed indexes in the wide table, as kubectl describe shows them."""

from __future__ import annotations

import pandas as pd

import kdsl
from kdsl.engine.simulation import Simulation

JOBS = """node n1 cpu=4 memory=8Gi
job indexed completions=3 parallelism=2 mode=Indexed { container app image=busybox { exit 0 after 5s } }
job plain completions=2 { container app image=busybox { exit 0 after 5s } }
"""


def row(table, name: str) -> dict:
    return table[table["NAME"] == name].iloc[0].to_dict()


def test_an_indexed_job_shows_the_indexes_that_succeeded_in_the_wide_table():
    sim = Simulation(kdsl.parse(JOBS)).run(until=8_000)
    wide = sim.workloads(wide=True)
    assert (row(wide, "indexed")["COMPLETED INDEXES"], row(wide, "indexed")["COMPLETIONS"]) == ("0,1", "2/3")
    assert pd.isna(row(wide, "plain")["COMPLETED INDEXES"])
    sim.run()
    assert row(sim.workloads(wide=True), "indexed")["COMPLETED INDEXES"] == "0-2"
    assert "COMPLETED INDEXES" not in sim.workloads().columns  # kubectl get jobs has no such column
