"""The events table: the stored Events with COUNT (kubectl get events), or every occurrence with all=True."""

from __future__ import annotations

import kdsl
from kdsl.cli import main
from kdsl.views.display import text
from tests.engine.test_event_correlator import CRASH


def test_a_crash_loop_of_six_restarts_is_one_backoff_row_with_count_6():
    sim = kdsl.simulate(kdsl.parse(CRASH))
    lines = text(sim.events(namespace="shop")).splitlines()
    assert lines[0].split() == ["LAST", "SEEN", "TIME", "TYPE", "REASON", "OBJECT", "COUNT", "MESSAGE"]
    backoff = [line.split()[:6] for line in lines if "BackOff" in line]
    # last occurrence at 5m47s of a 10m run: seen 4m13s ago, six times
    assert backoff == [["4m13s", "5m47s", "Warning", "BackOff", "pod/web", "6"]]
    wide = sim.events(namespace="shop", wide=True).query("REASON == 'BackOff'")
    assert wide["FIRST SEEN"].dt.total_seconds().tolist() == [600 - 12]  # the first back-off, at 12s
    assert wide["SOURCE"].tolist() == ["kubelet"]


def test_all_keeps_every_occurrence_as_its_own_row():
    sim = kdsl.simulate(kdsl.parse(CRASH))
    every = sim.events(namespace="shop", all=True)
    assert list(every.columns) == ["LAST SEEN", "TIME", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert len(every.query("REASON == 'BackOff'")) == 6
    assert len(every) == len([e for e in sim.log.events if e.namespace == "shop"])
    counted = sim.events(namespace="shop")
    assert counted["COUNT"].sum() == len(sim.log.occurrences) - 1  # all but the node's RegisteredNode


def test_a_past_moment_counts_only_what_had_happened():
    sim = kdsl.simulate(kdsl.parse(CRASH))
    at_1m = sim.events(namespace="shop", at="1m").query("REASON == 'BackOff'")
    assert at_1m["COUNT"].tolist() == [3]  # 12s, 27s, 52s


def test_kdsl_table_events_all(tmp_path, capsys):
    path = tmp_path / "crash.kdsl"
    path.write_text(CRASH, encoding="utf-8")
    sim = kdsl.simulate(kdsl.load(path))
    assert main(["table", "events", str(path), "-n", "shop"]) == 0
    assert capsys.readouterr().out == text(sim.events(namespace="shop"))
    assert main(["table", "events", str(path), "-n", "shop", "--all"]) == 0
    assert capsys.readouterr().out == text(sim.events(namespace="shop", all=True))
    assert main(["table", "pods", str(path), "--all"]) == 1
    assert "--all is for `events`" in capsys.readouterr().err
