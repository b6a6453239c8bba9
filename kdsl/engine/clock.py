"""Simulated time: integer milliseconds and an event queue ordered by (time, priority, sequence)."""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from typing import Any

import attrs

# Lower runs first at the same moment: timeline actions land before the components react to them,
# and controllers see a moment's writes before the kubelets report on them.
PRIORITY_TIMELINE = 0
PRIORITY_API = 10
PRIORITY_CONTROLLER = 20
PRIORITY_SCHEDULER = 30
PRIORITY_KUBELET = 40
PRIORITY_EXPECT = 90


@attrs.frozen(slots=True)
class Grouped:
    """One queue entry for callbacks of one function added one after another at one moment (`at_grouped`): the
    kubelet's steps of the pods a scheduler pass bound. `items` holds their arguments, in the order added."""

    fn: Callable[..., Any]
    items: deque


class EventQueue:
    """Pending callbacks; equal (time, priority) pairs run in the order they were added.

    The callbacks of one (time, priority) wait in one bucket, in the order they were added, and the heap holds
    each such moment once: a scheduler pass binds thousands of pods whose kubelet steps fall due at the same
    moments, and a heap of every callback sifted each of them through all the others (about 0.6 µs a pop at
    20,000 pending). The order is the same as a heap of (time, priority, sequence) would give."""

    __slots__ = ("_heap", "_buckets", "_seq", "_cancelled", "_size", "_taken", "now")

    def __init__(self) -> None:
        # (time, priority, bucket) once a pending moment; a bucket holds (sequence, fn, args) in sequence order
        self._heap: list[tuple[int, int, deque]] = []
        self._buckets: dict[tuple[int, int], deque] = {}
        self._seq = 0
        self._cancelled: set[int] = set()
        self._size = 0  # the callbacks pending, cancelled ones included until they are dropped
        self._taken: tuple = ()  # the heap's entry of the moment whose group `take` gave
        self.now = 0

    def at(self, time_ms: int, fn: Callable[..., Any], *args: Any, priority: int = PRIORITY_API) -> int:
        """Run `fn(*args)` at `time_ms` (never in the past: a late request runs now); returns a ticket
        for `cancel`."""
        self._seq += 1
        when = (max(int(time_ms), self.now), priority)
        bucket = self._buckets.get(when)
        if bucket is None:
            bucket = self._buckets[when] = deque()
            heapq.heappush(self._heap, (*when, bucket))  # moments are unique: the bucket is never compared
        bucket.append((self._seq, fn, args))
        self._size += 1
        return self._seq

    def at_grouped(self, time_ms: int, fn: Callable[..., Any], args: tuple, priority: int) -> None:
        """`at(time_ms, fn, *args, priority=priority)` without a ticket (it cannot be cancelled): when the moment's
        last entry is a group of `fn`, the callback joins it, where `at` would have added it right after it."""
        if time_ms.__class__ is not int:
            time_ms = int(time_ms)
        when = (time_ms if time_ms > self.now else self.now, priority)  # at's max(), without its keyword parsing
        bucket = self._buckets.get(when)
        if bucket is None:
            bucket = self._buckets[when] = deque()
            heapq.heappush(self._heap, (*when, bucket))
        else:
            last = bucket[-1][1]
            if last.__class__ is Grouped and last.fn == fn:  # (a bound method is made anew at each call)
                last.items.append(args)
                self._size += 1
                return
        self._seq += 1
        bucket.append((self._seq, Grouped(fn, deque((args,))), None))
        self._size += 1

    def after(self, delay_ms: int, fn: Callable[..., Any], *args: Any, priority: int = PRIORITY_API) -> int:
        return self.at(self.now + delay_ms, fn, *args, priority=priority)

    def cancel(self, ticket: int) -> None:
        """Drop a pending callback: a wake-up that something earlier made pointless no longer keeps a
        run going (a run without a horizon ends when nothing is pending)."""
        self._cancelled.add(ticket)

    def _drop_cancelled(self) -> None:
        heap, cancelled = self._heap, self._cancelled
        while heap:
            bucket = heap[0][2]
            if bucket[0][0] not in cancelled:
                return
            cancelled.discard(bucket.popleft()[0])
            self._size -= 1
            if not bucket:
                self._forget()

    def _forget(self) -> None:
        """The first moment's bucket is empty: the moment leaves the heap."""
        time_ms, priority, _ = heapq.heappop(self._heap)
        del self._buckets[time_ms, priority]

    def next_time(self) -> int | None:
        """When the next pending callback is due; None when none is (`peek_time` of a non-empty queue, in one
        call: the simulation loop asks it once a callback)."""
        cancelled = self._cancelled
        if self._size - len(cancelled) <= 0:
            return None
        first = self._heap[0]
        if cancelled and first[2][0][0] in cancelled:
            self._drop_cancelled()
            first = self._heap[0]
        return first[0]

    peek_time = next_time  # (the name tests/oracle/settle.py and older callers use)

    def pop(self) -> tuple[int, Callable[..., Any], tuple]:
        time_ms, _, bucket = self._heap[0]
        if self._cancelled and bucket[0][0] in self._cancelled:
            self._drop_cancelled()
            time_ms, _, bucket = self._heap[0]
        _, fn, args = entry = bucket.popleft()
        if args is None:  # a group: its first callback, the rest stays first in the moment
            items = fn.items
            fn, args = fn.fn, items.popleft()
            if items:
                bucket.appendleft(entry)
        self._size -= 1
        if not bucket:
            self._forget()
        self.now = time_ms
        return time_ms, fn, args

    def take(self) -> tuple[int, Any, tuple | None]:
        """`pop`, except that a group is given whole, (time, the Grouped, None), and stays first in its moment: the
        taker plays its callbacks one at a time through `next_in`."""
        time_ms, _, bucket = self._heap[0]
        if self._cancelled and bucket[0][0] in self._cancelled:
            self._drop_cancelled()
            time_ms, _, bucket = self._heap[0]
        self.now = time_ms
        _, fn, args = bucket[0]
        if args is None:
            self._taken = self._heap[0]
            return time_ms, fn, None
        bucket.popleft()
        self._size -= 1
        if not bucket:
            self._forget()
        return time_ms, fn, args

    def next_in(self, group: Grouped) -> tuple | None:
        """The taken group's next callback's arguments, off the queue; None once it has none, or once something
        earlier than its moment is due (a callback added now with a lower priority): it waits, first in its moment."""
        taken, items = self._taken, group.items
        if items and self._heap[0] is taken:
            self._size -= 1
            return items.popleft()
        if not items:
            bucket = taken[2]
            bucket.popleft()
            if not bucket:
                if self._heap[0] is taken:
                    self._forget()
                else:  # its last callback added an earlier one: the emptied moment leaves from behind it
                    self._heap.remove(taken)
                    heapq.heapify(self._heap)
                    del self._buckets[taken[0], taken[1]]
        return None

    def __len__(self) -> int:
        return self._size - len(self._cancelled)
