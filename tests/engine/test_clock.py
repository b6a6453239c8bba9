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
