"""The event correlator (client-go tools/record/events_cache.go): repeats counted, similar events aggregated."""

from __future__ import annotations

import kdsl
from kdsl.engine.event_correlator import COMBINED, MAX_EVENTS, correlate
from kdsl.engine.events import Event, EventLog
from kdsl.engine.simulation import Simulation

CRASH = """
node n1
namespace shop {
  pod web {
    container app image=shop/app:1 {
      crash after 5s
    }
  }
}
run 10m
"""


def ev(t, message="Back-off restarting failed container", reason="BackOff", name="web", source="kubelet"):
    return Event(time_ms=t, type="Warning", reason=reason, kind="Pod", namespace="shop", name=name,
                 message=message, source=source)


def test_a_repeat_counts_on_one_event_keeping_its_first_timestamp():
    stored = correlate([ev(10), ev(20, reason="Started", message="Started container app"), ev(40), ev(90)])
    assert [(e.reason, e.count, e.first_ms, e.last_ms) for e in stored] == [
        ("BackOff", 3, 10, 90), ("Started", 1, 20, 20)]


def test_the_key_is_source_object_type_reason_and_message():
    stored = correlate([ev(1), ev(2, name="api"), ev(3, source="other"), ev(4, message="else"), ev(5)])
    assert [(e.name, e.source, e.message, e.count) for e in stored] == [
        ("web", "kubelet", "Back-off restarting failed container", 2), ("api", "kubelet",
         "Back-off restarting failed container", 1), ("web", "other", "Back-off restarting failed container", 1),
        ("web", "kubelet", "else", 1)]


def test_the_tenth_distinct_message_in_ten_minutes_starts_the_combined_event():
    stream = [ev(i * 60_000, message=f"probe failed {i}", reason="Unhealthy") for i in range(12)]
    stored = correlate(stream)
    assert [e.message for e in stored[:MAX_EVENTS - 1]] == [f"probe failed {i}" for i in range(MAX_EVENTS - 1)]
    combined = stored[MAX_EVENTS - 1]
    # the 10th, 11th and 12th go to one Event, with the latest message and upstream's prefix
    assert (combined.count, combined.first_ms, combined.last_ms) == (3, 9 * 60_000, 11 * 60_000)
    assert combined.message == COMBINED + "probe failed 11" == "(combined from similar events): probe failed 11"
    assert len(stored) == MAX_EVENTS


def test_similar_events_more_than_ten_minutes_apart_start_over():
    gap = 600_001  # the aggregate record is fresh again only after more than maxIntervalInSeconds
    stored = correlate([ev(i * gap, message=f"m{i}") for i in range(12)])
    assert len(stored) == 12 and not any(e.message.startswith(COMBINED) for e in stored)
    stored = correlate([ev(i * 600_000, message=f"m{i}") for i in range(12)])
    assert stored[-1].message == COMBINED + "m11"


def test_a_message_already_seen_counts_on_its_own_event_after_aggregation():
    stream = [ev(i, message=f"m{i}") for i in range(MAX_EVENTS)] + [ev(100, message="m5")]
    stored = correlate(stream)
    m5 = [e for e in stored if e.message == "m5"]
    assert [e.count for e in m5] == [2]  # m5 is still among the messages remembered: its own key, as upstream


def test_the_log_keeps_every_occurrence_and_its_text_is_unchanged():
    log = EventLog()
    for t in (10, 20, 40):
        log.record(ev(t))
    assert [(e.time_ms, e.count) for e in log.events] == [(40, 3)]  # the log's own folding, as before
    assert [e.time_ms for e in log.occurrences] == [10, 20, 40]
    assert [(e.count, e.first_ms, e.last_ms) for e in log.correlated()] == [(3, 10, 40)]
    assert [(e.count, e.last_ms) for e in log.correlated(until_ms=20)] == [(2, 20)]


def test_a_crash_loop_of_six_restarts_is_one_backoff_event_counted_six_times():
    sim = Simulation(kdsl.parse(CRASH)).run()
    assert sim.pods()["RESTARTS"].tolist() == [6]
    backoff = [e for e in sim.log.correlated() if e.reason == "BackOff"]
    assert len(backoff) == 1 and backoff[0].count == 6
    assert len([e for e in sim.log.events if e.reason == "BackOff"]) == 6  # the log still lists each one
    # Created/Started: the first start and six restarts
    assert {e.reason: e.count for e in sim.log.correlated()}["Started"] == 7


def test_the_stored_events_are_deterministic():
    a, b = Simulation(kdsl.parse(CRASH), seed=4).run(), Simulation(kdsl.parse(CRASH), seed=4).run()
    assert a.log.correlated() == b.log.correlated() and a.events().equals(b.events())
