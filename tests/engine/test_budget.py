"""The budgets that keep any input finite: a run stops at `max_events` with a clear error, the same event on
every machine; `run` and --until past the longest run are refused before anything plays."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.cli import main
from kdsl.core.errors import UsageError
from kdsl.core.limits import MAX_EVENTS, MAX_RUN_MS
from kdsl.engine.errors import EventBudgetExceeded

LOOP = "node n1\npod p { container c image=busybox { crash after 1s } }\nrun 100h\n"


def test_a_crash_loop_over_a_long_run_stops_at_its_budget_with_the_run_so_far():
    with pytest.raises(EventBudgetExceeded) as info:
        kdsl.simulate(kdsl.parse(LOOP, "loop.kdsl"), max_events=300)
    exc = info.value
    assert exc.simulation.now > 0 and exc.max_events == 300 and exc.events == 300 and 0 < exc.writes < 300
    (d,) = exc.diagnostics
    assert d.file == "loop.kdsl"
    assert d.message.startswith(f"the run stopped after 300 events ({exc.writes} of them writes to the API server), at ")
    assert "its budget of 300 keeps a run from going on without end" in d.message
    assert "`--max-events N` on the command line, `kdsl.simulate(scenario, max_events=N)` in Python" in d.message


def test_the_budget_stops_every_run_of_the_same_input_at_the_same_moment():
    stops = set()
    for _ in range(2):
        with pytest.raises(EventBudgetExceeded) as info:
            kdsl.simulate(kdsl.parse(LOOP), max_events=250, seed=3)
        stops.add((info.value.simulation.now, len(info.value.simulation.log.events)))
    assert len(stops) == 1


def test_a_run_within_its_budget_is_the_same_run_as_without_one():
    scenario = kdsl.parse(LOOP.replace("run 100h", "run 10m"))
    full = kdsl.simulate(scenario)
    events = len(full.log.events)
    assert [e.line() for e in kdsl.simulate(scenario, max_events=events * 10).log.events] == \
        [e.line() for e in full.log.events]
    assert MAX_EVENTS == 10_000_000


SCALE = "nodes pool count=2 cpu=2 memory=4Gi\ndeployment web replicas=1 image=nginx:1.25\n" \
        "at 1m: scale deployment web replicas=65535\n"


def test_writes_count_so_a_scale_to_many_replicas_stops_soon_after_the_budget():
    """One ReplicaSet sync creates up to 500 pods, and a scheduling pass tries every pending one: the events of the
    queue alone let 180,000 pods through a budget of 5,000 (the fuzz run's 190 s hang). Every write counts."""
    with pytest.raises(EventBudgetExceeded) as info:
        kdsl.simulate(kdsl.parse(SCALE), max_events=2000)
    exc = info.value
    pods = exc.simulation.store.count("Pod")
    assert exc.events >= 2000 and exc.writes > pods > 500
    assert exc.events - 2000 < 1600  # past the budget by at most what one event writes: a sync's 500 pods, 3 writes each
    assert exc.simulation.now == 60_000


@pytest.mark.parametrize("bad", [0, -5, 1.5, True, "many"])
def test_max_events_must_be_a_positive_integer(bad):
    with pytest.raises(UsageError, match="is not a number of events"):
        kdsl.simulate(kdsl.parse(LOOP), max_events=bad)


def test_run_past_the_longest_run_is_an_error_of_kdsl_check():
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse(LOOP.replace("run 100h", "run 999999h"), "long.kdsl")
    (d,) = info.value.errors
    assert (d.line, d.column) == (3, 5)
    assert d.message == "run 999999h: longer than kdsl simulates: at most 8784h (366 days)"


def test_until_past_the_longest_run_is_refused_in_python_and_on_the_command_line(tmp_path, capsys):
    with pytest.raises(UsageError, match=r"until=.* is longer than kdsl simulates: at most 8784h"):
        kdsl.simulate(kdsl.parse(LOOP), until=MAX_RUN_MS + 1)
    f = tmp_path / "loop.kdsl"
    f.write_text(LOOP, encoding="utf-8")
    with pytest.raises(SystemExit, match="--until 9000h: longer than kdsl simulates"):
        main(["run", str(f), "--until", "9000h"])


def test_kdsl_run_and_test_take_max_events_and_exit_1_with_the_message(tmp_path, capsys):
    f = tmp_path / "loop.kdsl"
    f.write_text(LOOP, encoding="utf-8")
    for command in ("run", "test"):
        assert main([command, str(f), "--max-events", "200"]) == 1
        err = capsys.readouterr().err
        assert f"{f}: error: the run stopped after 200 events (" in err
