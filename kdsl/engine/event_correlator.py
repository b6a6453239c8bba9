"""The event correlator: the Events the API server holds after client-go's recorder counted and aggregated them."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

# client-go tools/record/events_cache.go: defaultAggregateMaxEvents, defaultAggregateIntervalInSeconds and
# EventAggregatorByReasonMessageFunc's prefix.
MAX_EVENTS = 10
MAX_INTERVAL_MS = 600_000
COMBINED = "(combined from similar events): "


@attrs.frozen(kw_only=True)
class StoredEvent:
    """One Event object as `kubectl get events -o wide` lists it: count, firstTimestamp and lastTimestamp
    (as moments of the run, in ms), and the message of its latest occurrence."""

    first_ms: int
    last_ms: int
    count: int
    type: str
    reason: str
    kind: str
    namespace: str | None
    name: str
    message: str
    source: str

    @property
    def object(self) -> str:
        return f"{self.kind.lower()}/{self.name}"


def filed_namespace(e) -> str:
    """The namespace an Event is stored in: a cluster-scoped object's (a Node's) go to `default`, as client-go's
    tools/record/event.go makeEvent files them."""
    return e.namespace or "default"


def _aggregate_key(e) -> tuple:
    # EventAggregatorByReasonFunc: source, involved object, type and reason, everything but the message
    return (e.source, e.kind, e.namespace, e.name, e.type, e.reason)


def _event_key(e) -> tuple:
    # getEventKey: the same, with the message
    return (*_aggregate_key(e), e.message)


class Correlator:
    """EventCorrelator.EventCorrelate without the spam filter: EventAggregator then eventLogger.eventObserve.
    Fed occurrences in time order, it keeps the stored Events in the order they were created."""

    def __init__(self) -> None:
        self._similar: dict[tuple, tuple[list[str], int]] = {}  # aggregate key -> (messages seen, last ms)
        self._stored: dict[tuple, int] = {}  # cache key -> index in `events`
        self.events: list[StoredEvent] = []

    def observe(self, e) -> StoredEvent:
        key = self._aggregate(e)
        combined = key[0] == "aggregate"
        message = COMBINED + e.message if combined else e.message
        i = self._stored.get(key)
        if i is None:
            self._stored[key] = len(self.events)
            self.events.append(StoredEvent(first_ms=e.time_ms, last_ms=e.time_ms, count=1, type=e.type,
                                           reason=e.reason, kind=e.kind, namespace=e.namespace, name=e.name,
                                           message=message, source=e.source))
        else:  # eventObserve: count + 1, firstTimestamp kept, the new message and lastTimestamp patched in
            old = self.events[i]
            self.events[i] = attrs.evolve(old, count=old.count + 1, last_ms=e.time_ms, message=message)
        return self.events[self._stored[key]]

    def _aggregate(self, e) -> tuple:
        """EventAggregate: the cache key the occurrence is counted under — its own (source, object, type,
        reason, message) until MAX_EVENTS distinct messages of the same (source, object, type, reason) came
        with no gap longer than MAX_INTERVAL_MS, then the one aggregate Event of them all."""
        agg = _aggregate_key(e)
        messages, last = self._similar.get(agg, ([], None))
        if last is None or e.time_ms - last > MAX_INTERVAL_MS:
            messages = []
        if e.message not in messages:
            messages = [*messages, e.message]
        full = len(messages) >= MAX_EVENTS
        if full:
            # Go's PopAny drops an arbitrary message; kdsl drops the oldest, so a run is repeatable
            messages = messages[1:]
        self._similar[agg] = (messages, e.time_ms)
        return ("aggregate", *agg) if full else ("event", *_event_key(e))


def correlate(occurrences: Iterable) -> list[StoredEvent]:
    """The stored Events of a stream of occurrences in time order (each with time_ms, type, reason, kind,
    namespace, name, message, source), in the order the API server created them."""
    c = Correlator()
    for e in occurrences:
        c.observe(e)
    return c.events
