"""Each aggregate of `measure` on a known timeline, with exact values; the step-function mean's arithmetic."""

from __future__ import annotations

from pathlib import Path

import pytest

import kdsl
from kdsl.engine.expect import Checker
from kdsl.engine.measure import measure, time_weighted_mean

BASE = (Path(__file__).parent / "measures.kdsl").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sim():
    lines = "\n".join(f"measure m{i} = {text}" for i, (text, _, _) in enumerate(CASES))
    return kdsl.simulate(kdsl.parse(BASE + lines, "measures.kdsl"))


# (what follows `measure NAME =`, the value, the moment it speaks of)
CASES = [
    ("min deployment shop/web available", 0, 0),  # nothing is available while the pods start
    ("min deployment shop/web available from 30s", 2, 110_000),  # worker-1 NotReady at 1m50s
    ("max deployment shop/web available from 2m", 3, 411_000),  # the replacement Ready at 6m51s
    ("max pods shop phase=Pending count from 1m", 1, 410_000),  # the replacement, for one second
    ("min pods shop ready count from 30s until 1m", 3, 30_000),
    ("when deployment shop/web available=3 from 2m", 411_000, 411_000),
    ("when deployment shop/web available=3", 1_000, 1_000),
    ("when deployment shop/web available>3", None, None),  # never: none
    ("when pods shop phase=Pending count>=1 from 1s", 410_000, 410_000),
    ("when node worker-1 ready=false", 110_000, 110_000),
    # 0 endpoints for 1 s, 3 until 1m50s, 2 until 6m51s, 3 to the end: (0·1000 + 3·109000 + 2·301000 + 3·189000) / 600000
    ("mean service shop/web endpoints", 1_496_000 / 600_000, None),
    ("mean service shop/web endpoints from 1m until 5m", (3 * 50_000 + 2 * 190_000) / 240_000, None),
    ("mean node worker-1 ready", 110_000 / 600_000, None),  # a flag is 0 or 1: the share of the time it held
    ("mean deployment shop/web available from 2m until 2m", 2.0, None),  # one moment: its value
    ("at 2m deployment shop/web available", 2, 120_000),
    ("at 10m deployment shop/web replicas", 3, 600_000),
    ("at 5m pods shop count", 3, 300_000),  # the lost pod stays, Ready=false, until its eviction
    ("at 1m deployment shop/other available", None, 60_000),  # no such object: none
    ("max events shop reason=Scheduled count", 4, 410_000),  # events count every occurrence up to the moment
    ("at 5m events shop reason=Scheduled count", 3, 300_000),
    ("min node worker-2 pods", 1, 0),
]


@pytest.mark.parametrize("i", range(len(CASES)), ids=[c[0] for c in CASES])
def test_each_aggregate_on_the_timeline(sim, i):
    text, value, at = CASES[i]
    m = sim.scenario.measures[i]
    got = measure(Checker(sim), m)
    assert (got.value, got.at_ms) == (value, at), text
    assert type(got.value) is (float if "mean" in text else type(value))


def test_the_timeline_is_the_one_described(sim):
    assert Checker(sim).moments == [0, 1_000, 110_000, 410_000, 411_000] and sim.now == 600_000


def test_values_table_and_block_agree(sim):
    values = sim.measure_values()
    assert list(values) == [f"m{i}" for i in range(len(CASES))]
    assert [values[f"m{i}"] for i in range(len(CASES))] == [c[1] for c in CASES]
    table = sim.measures()
    assert list(table.columns) == ["NAME", "VALUE", "KIND", "OF", "FROM", "UNTIL", "AT"]
    assert table.VALUE.dtype == object and table.VALUE[0] == 0 and type(table.VALUE[0]) is int
    row = table[table.NAME == "m1"].iloc[0]
    assert (row.KIND, row.OF, row.FROM.total_seconds(), row.UNTIL.total_seconds(), row.AT.total_seconds()) == \
        ("min", "deployment shop/web available from 30s", 30, 600, 110)


@pytest.mark.parametrize("points, until, mean", [
    ([(0, 2), (10, 4)], 20, 3.0),  # each value holds to the next moment
    ([(0, 2), (10, 4)], 10, 2.0),  # the value at `until` itself weighs nothing
    ([(0, None), (10, 4)], 20, 4.0),  # while the object does not exist it is left out
    ([(5, 7)], 5, 7.0),  # a window of one moment: that moment's value
    ([(0, None)], 10, None),  # never there: none
    ([(0, 1), (3, 0), (4, 1)], 10, 9 / 10),
])
def test_time_weighted_mean(points, until, mean):
    assert time_weighted_mean(points, until) == mean
