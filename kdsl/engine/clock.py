"""Simulated time: integer milliseconds and an event queue ordered by (time, priority, sequence)."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any

# Lower runs first at the same moment: timeline actions land before the components react to them,
# and controllers see a moment's writes before the kubelets report on them.
PRIORITY_TIMELINE = 0
PRIORITY_API = 10
PRIORITY_CONTROLLER = 20
PRIORITY_SCHEDULER = 30
PRIORITY_KUBELET = 40
PRIORITY_EXPECT = 90


class EventQueue:
    """A heap of pending callbacks; equal (time, priority) pairs run in the order they were added."""

    __slots__ = ("_heap", "_seq", "_cancelled", "now")

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, int, Callable[..., Any], tuple]] = []
        self._seq = 0
        self._cancelled: set[int] = set()
        self.now = 0

    def at(self, time_ms: int, fn: Callable[..., Any], *args: Any, priority: int = PRIORITY_API) -> int:
        """Run `fn(*args)` at `time_ms` (never in the past: a late request runs now); returns a ticket
        for `cancel`."""
        self._seq += 1
        heapq.heappush(self._heap, (max(int(time_ms), self.now), priority, self._seq, fn, args))
        return self._seq

    def after(self, delay_ms: int, fn: Callable[..., Any], *args: Any, priority: int = PRIORITY_API) -> int:
        return self.at(self.now + delay_ms, fn, *args, priority=priority)

    def cancel(self, ticket: int) -> None:
        """Drop a pending callback: a wake-up that something earlier made pointless no longer keeps a
        run going (a run without a horizon ends when nothing is pending)."""
        self._cancelled.add(ticket)

    def _drop_cancelled(self) -> None:
        heap, cancelled = self._heap, self._cancelled
        while heap and heap[0][2] in cancelled:
            cancelled.discard(heapq.heappop(heap)[2])

    def peek_time(self) -> int | None:
        if self._cancelled:
            self._drop_cancelled()
        return self._heap[0][0] if self._heap else None

    def pop(self) -> tuple[int, Callable[..., Any], tuple]:
        if self._cancelled:
            self._drop_cancelled()
        time_ms, _, _, fn, args = heapq.heappop(self._heap)
        self.now = time_ms
        return time_ms, fn, args

    def __len__(self) -> int:
        return len(self._heap) - len(self._cancelled)
