"""Restart and image-pull back-off: client-go's flowcontrol.Backoff as the kubelet uses it, in integer ms."""

from __future__ import annotations

import attrs

BASE_MS = 10_000  # kubelet backOffPeriod
MAX_MS = 300_000  # kubelet MaxContainerBackOff (and MaxImageBackOff)


@attrs.frozen
class Entry:
    """One key's back-off: the current wait and when it was last raised (client-go's lastUpdate)."""

    wait_ms: int
    updated_ms: int


@attrs.frozen
class Backoff:
    """Per-key exponential back-off, 10 s doubling to 300 s, forgotten after 600 s without a raise.

    Crash loops use `restart_at` then `next` (kuberuntime `doBackOff`): the first exit of a container
    has no entry yet, so it restarts at once and only then gets a 10 s entry; image pulls use
    `next` at each failure and `retry_at` (images `EnsureImageExists`), so the first retry waits 10 s.
    """

    entries: tuple[tuple[str, Entry], ...] = ()  # kept sorted by key: the same history, the same value
    base_ms: int = BASE_MS
    max_ms: int = MAX_MS

    def get(self, key: str) -> Entry | None:
        return next((e for k, e in self.entries if k == key), None)

    def expired(self, entry: Entry, event_ms: int) -> bool:
        # client-go hasExpired: an entry not raised for twice the maximum is stale
        return event_ms - entry.updated_ms > 2 * self.max_ms

    def in_backoff_since(self, key: str, event_ms: int, now_ms: int) -> bool:
        """client-go IsInBackOffSince: is `now` still within the wait that began at `event_ms`?"""
        entry = self.get(key)
        if entry is None or self.expired(entry, event_ms):
            return False
        return now_ms - event_ms < entry.wait_ms

    def restart_at(self, key: str, exit_ms: int) -> int:
        """When a container that exited at `exit_ms` may be started again."""
        entry = self.get(key)
        if entry is None or self.expired(entry, exit_ms):
            return exit_ms
        return exit_ms + entry.wait_ms

    def retry_at(self, key: str) -> int:
        """When an image pull that last failed may be tried again (IsInBackOffSinceUpdate)."""
        entry = self.get(key)
        return entry.updated_ms + entry.wait_ms if entry is not None else 0

    def next(self, key: str, event_ms: int, now_ms: int | None = None) -> Backoff:
        """client-go Next: start at the base wait (new or stale entry) or double up to the maximum."""
        now_ms = event_ms if now_ms is None else now_ms
        entry = self.get(key)
        if entry is None or self.expired(entry, event_ms):
            wait = self.base_ms
        else:
            wait = min(entry.wait_ms * 2, self.max_ms)
        kept = tuple((k, e) for k, e in self.entries if k != key)
        return attrs.evolve(self, entries=tuple(sorted(kept + ((key, Entry(wait, now_ms)),))))

    def wait_ms(self, key: str) -> int:
        """The current wait (client-go Get), as the CrashLoopBackOff message shows it."""
        entry = self.get(key)
        return entry.wait_ms if entry is not None else 0


def go_duration(ms: int) -> str:
    """A duration as Go's time.Duration.String prints it: 10s, 1m20s, 5m0s, 1h0m0s, 1.5s, 500ms, 0s."""
    if ms == 0:
        return "0s"
    sign, ms = ("-", -ms) if ms < 0 else ("", ms)
    if ms < 1000:
        return f"{sign}{ms}ms"
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, frac = divmod(rest, 1000)
    sec = f"{s}.{frac:03d}".rstrip("0") if frac else str(s)
    if h:
        return f"{sign}{h}h{m}m{sec}s"
    if m:
        return f"{sign}{m}m{sec}s"
    return f"{sign}{sec}s"
