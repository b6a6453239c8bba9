"""The event queue orders by time, then priority, then the order events were added."""

from kdsl.engine.clock import PRIORITY_KUBELET, PRIORITY_TIMELINE, EventQueue


def test_order_is_time_then_priority_then_insertion():
    q, out = EventQueue(), []
    q.at(10, out.append, "k", priority=PRIORITY_KUBELET)
    q.at(10, out.append, "t1", priority=PRIORITY_TIMELINE)
    q.at(5, out.append, "early")
    q.at(10, out.append, "t2", priority=PRIORITY_TIMELINE)
    while q:
        t, fn, args = q.pop()
        fn(*args)
    assert out == ["early", "t1", "t2", "k"] and q.now == 10


def test_nothing_is_scheduled_in_the_past():
    q = EventQueue()
    q.at(100, lambda: None)
    q.pop()
    q.at(50, lambda: None)
    q.after(5, lambda: None)
    assert q.peek_time() == 100 and q.pop()[0] == 100 and q.pop()[0] == 105


def test_a_cancelled_callback_never_runs_and_is_not_pending():
    from kdsl.engine.clock import EventQueue

    q, ran = EventQueue(), []
    keep = q.at(10, ran.append, "kept")
    drop = q.at(5, ran.append, "dropped")
    q.cancel(drop)
    assert len(q) == 1 and q.peek_time() == 10 and keep != drop
    while q:
        _, fn, args = q.pop()
        fn(*args)
    assert ran == ["kept"] and q.now == 10


class _PlainQueue:
    """The queue as a heap of every callback, (time, priority, sequence, fn, args): the order the buckets keep."""

    def __init__(self) -> None:
        self.heap, self.seq, self.cancelled, self.now = [], 0, set(), 0

    def at(self, time_ms, fn, *args, priority=10):
        import heapq

        self.seq += 1
        heapq.heappush(self.heap, (max(int(time_ms), self.now), priority, self.seq, fn, args))
        return self.seq

    def cancel(self, ticket):
        self.cancelled.add(ticket)

    def _drop(self):
        import heapq

        while self.heap and self.heap[0][2] in self.cancelled:
            self.cancelled.discard(heapq.heappop(self.heap)[2])

    def peek_time(self):
        self._drop()
        return self.heap[0][0] if self.heap else None

    def pop(self):
        import heapq

        self._drop()
        time_ms, _, _, fn, args = heapq.heappop(self.heap)
        self.now = time_ms
        return time_ms, fn, args

    def __len__(self):
        return len(self.heap) - len(self.cancelled)


def _played(q, seed: int) -> list:
    """A random mix of callbacks added before and while the queue runs (at few moments, so that buckets fill,
    and at the current moment with a lower priority than the running one), some cancelled; what ran, in order,
    with what the queue said between callbacks."""
    import random

    rng = random.Random(seed)
    serial = iter(range(1 << 30))
    out, tickets = [], {}  # the pending callbacks' tickets by name (a ticket is cancelled only while pending)

    def cb(name):
        del tickets[name]
        out.append((name, q.now, len(q)))
        for _ in range(rng.randrange(3)):
            add(q.now + rng.choice((0, 0, 10, 1000)))
        if tickets and rng.random() < 0.2:
            cancel()

    def add(t):
        name = f"c{next(serial)}-{len(out)}"
        tickets[name] = q.at(t, cb, name, priority=rng.choice((0, 20, 30, 40, 40, 40)))

    def cancel():
        q.cancel(tickets.pop(rng.choice(list(tickets))))

    for _ in range(200):
        add(rng.choice((0, 10, 10, 1000, 1000, 5000)))
    for _ in range(30):
        cancel()
    while len(q) and len(out) < 3000:
        if rng.random() < 0.5:  # asked when the next is due first, or popped straight away
            t = q.next_time() if isinstance(q, EventQueue) else q.peek_time()
            assert t == q.peek_time()
            out.append(("due", t, len(q)))
        t, fn, args = q.pop()
        out.append(("popped", t, len(q)))
        fn(*args)
    out.append(("end", q.now, len(q), q.peek_time()))
    return out


def test_the_buckets_keep_the_plain_heaps_order():
    # the buckets of one (time, priority) give what a heap of every callback gives: order, now, len, cancels
    for seed in range(40):
        assert _played(EventQueue(), seed) == _played(_PlainQueue(), seed)


def test_next_time_is_none_when_nothing_is_pending():
    q = EventQueue()
    assert q.next_time() is None
    ticket = q.at(5, lambda: None)
    q.cancel(ticket)
    assert q.next_time() is None and q.peek_time() is None and len(q) == 0


def _grouped_play(q, seed: int) -> list:
    """`_played`'s mix with some callbacks added by `at_grouped` (without a ticket), played now by `pop`, now by
    `take` and `next_in` as Simulation.run plays a group; on the plain heap every callback goes through `at`."""
    import random

    rng, pick = random.Random(seed), random.Random(-seed)  # pick: how the grouped queue is played (not drawn plain)
    grouped = isinstance(q, EventQueue)
    serial = iter(range(1 << 30))
    out, tickets = [], {}

    def cb(name):
        tickets.pop(name, None)
        out.append((name, q.now, len(q)))
        for _ in range(rng.randrange(3)):
            add(q.now + rng.choice((0, 0, 0, 10, 1000)))
        if tickets and rng.random() < 0.2:
            q.cancel(tickets.pop(rng.choice(sorted(tickets))))

    def other(name):  # a second function: a group is of one function's callbacks
        cb(name)

    def add(t):
        name, fn = f"c{next(serial)}", rng.choice((cb, cb, other))
        priority = rng.choice((0, 20, 30, 40, 40, 40, 40))
        if rng.random() < 0.7:
            if grouped:
                q.at_grouped(t, fn, (name,), priority)
            else:
                q.at(t, fn, name, priority=priority)
        else:
            tickets[name] = q.at(t, fn, name, priority=priority)

    for _ in range(300):
        add(rng.choice((0, 10, 10, 1000, 1000, 5000)))
    while len(q) and len(out) < 4000:
        if not grouped or pick.random() < 0.4:
            t, fn, args = q.pop()
            out.append(("popped", t, len(q)))
            fn(*args)
            continue
        assert q.next_time() == q.peek_time()
        t, fn, args = q.take()
        if args is not None:
            out.append(("popped", t, len(q)))
            fn(*args)
            continue
        while (args := q.next_in(fn)) is not None:
            out.append(("popped", t, len(q)))
            fn.fn(*args)
    out.append(("end", q.now, len(q), q.peek_time()))
    return out


def test_grouped_callbacks_keep_the_plain_heaps_order():
    # a group played by pop, or by take and next_in (which stops when a callback falls due before it), runs what
    # the heap of every callback runs, in its order, with the same now and len between callbacks
    for seed in range(60):
        assert _grouped_play(EventQueue(), seed) == _grouped_play(_PlainQueue(), seed)
