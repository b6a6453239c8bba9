"""Kubernetes Events: what each component reports, in the order it happened."""

from __future__ import annotations

import attrs

from kdsl.core.evolve import plain
from kdsl.engine.event_correlator import StoredEvent, correlate
from kdsl.core.values import format_duration


@attrs.frozen(kw_only=True, weakref_slot=False)
class Event:
    """One Event as `kubectl get events` shows it: type Normal or Warning, a reason and a message."""

    time_ms: int
    type: str  # Normal | Warning
    reason: str  # Scheduled, Pulling, Pulled, Created, Started, Killing, FailedScheduling, BackOff, ...
    kind: str  # the involved object's kind
    namespace: str | None
    name: str
    message: str
    source: str  # default-scheduler, kubelet, deployment-controller, apiserver, timeline, ...
    count: int = 1

    @property
    def object(self) -> str:
        return f"{self.kind.lower()}/{self.name}"

    def line(self) -> str:
        """The event as one line of the log: time, namespace, type, reason, object, message (and a count)."""
        times = f" (x{self.count})" if self.count > 1 else ""
        return (f"{format_duration(self.time_ms):>8}  {self.namespace or '-':<12} {self.type:<7} {self.reason:<20} "
                f"{self.object}: {self.message}{times}")


assert plain(Event), "new_event fills an Event's slots: Event must keep no converter, validator or hook"
_new = object.__new__
(_time_ms, _type, _reason, _kind, _namespace, _name, _message, _source, _count) = (
    getattr(Event, a.name).__set__ for a in attrs.fields(Event))


def new_event(time_ms: int, type_: str, reason: str, kind: str, namespace: str | None, name: str, message: str,
              source: str) -> Event:
    """Event(...) with count 1, filled slot by slot: what its frozen __init__ does less the keywords' parsing
    (half its cost), for the events every pod has (SuccessfulCreate, Scheduled, the kubelet's)."""
    e = _new(Event)
    _time_ms(e, time_ms)
    _type(e, type_)
    _reason(e, reason)
    _kind(e, kind)
    _namespace(e, namespace)
    _name(e, name)
    _message(e, message)
    _source(e, source)
    _count(e, 1)
    return e


def retold(events: list[Event], namespace: str | None, name: str) -> list[Event]:
    """`events` told of another object of their kind (attrs.evolve with its namespace and name), filled slot by slot
    in one call: the kubelet retells a ReplicaSet's pods the events of the steps they share with the first
    (kubelet/alike.py), four a pod, where a copier's call and dict of changes cost a third of each copy."""
    out = []
    for e in events:
        n = _new(Event)
        _time_ms(n, e.time_ms)
        _type(n, e.type)
        _reason(n, e.reason)
        _kind(n, e.kind)
        _namespace(n, namespace)
        _name(n, name)
        _message(n, e.message)
        _source(n, e.source)
        _count(n, e.count)
        out.append(n)
    return out


class EventLog:
    """Appends events; a repeat of the last event for the same object and reason raises its count (the log's
    own folding, kept so logs stay as they were). `occurrences` keeps every recorded event unfolded, the stream
    `correlated()` feeds to the event correlator."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.occurrences: list[Event] = []

    def correlated(self, until_ms: int | None = None) -> list[StoredEvent]:
        """The Events the API server would hold at `until_ms` (default: the end): repeats counted, similar
        events aggregated, as client-go's EventCorrelator does (kdsl/engine/event_correlator.py)."""
        return correlate(e for e in self.occurrences if until_ms is None or e.time_ms <= until_ms)

    def record(self, event: Event) -> Event:
        self.occurrences.append(event)
        last = self.events[-1] if self.events else None
        # Only a repeat of the very last event folds: compared with it, no index of every event is kept.
        if last is not None and (last.reason == event.reason and last.name == event.name
                                 and last.message == event.message and last.kind == event.kind
                                 and last.namespace == event.namespace and last.type == event.type):
            event = attrs.evolve(event, count=last.count + 1)
            self.events[-1] = event
            return event
        self.events.append(event)
        return event

    def text(self) -> str:
        """The whole log, one event a line: byte-identical for the same scenario and seed."""
        return "\n".join(e.line() for e in self.events) + ("\n" if self.events else "")
