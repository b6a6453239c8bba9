"""Hypothesis: a snapshot's node totals, kept as Python rows and written to the arrays only when read, equal arrays
updated element by element at every bind and removal (what the snapshot did before)."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kdsl.engine.scheduler.totals import NodeTotals

SIZES = st.tuples(st.sampled_from([0, 100, 250, 4000]), st.sampled_from([0, 2**20, 2**30]),
                  st.sampled_from([0, 2**30]))
STEPS = st.lists(st.tuples(st.sampled_from(["add", "remove", "read"]), st.integers(0, 4), SIZES,
                           st.sampled_from(["requested", "non_zero", "pod_count"])), max_size=60)


@given(STEPS)
def test_rows_written_when_read_equal_arrays_updated_at_every_change(steps):
    totals, n = NodeTotals(5), 5
    requested, non_zero, pod_count = (np.zeros((n, 3), dtype=np.int64), np.zeros((n, 2), dtype=np.int64),
                                      np.zeros(n, dtype=np.int64))
    bound: list[tuple[int, tuple, tuple]] = []
    for op, i, (cpu, memory, ephemeral), which in steps:
        if op == "read":
            plain = {"requested": requested, "non_zero": non_zero, "pod_count": pod_count}[which]
            assert np.array_equal(getattr(totals, which), plain)
            continue
        if op == "remove":
            if not bound:
                continue
            i, real, nz = bound.pop(i % len(bound))
            sign = -1
        else:
            real, nz = (cpu, memory, ephemeral), (cpu or 100, memory or 200 * 2**20)
            bound.append((i, real, nz))
            sign = 1
        totals.add(i, real, nz, sign)
        for r, v in enumerate(real):
            requested[i, r] += sign * v
        for r, v in enumerate(nz):
            non_zero[i, r] += sign * v
        pod_count[i] += sign
        assert totals.rows[i] == [*requested[i].tolist(), *non_zero[i].tolist(), pod_count.item(i)]
    assert np.array_equal(totals.requested, requested) and np.array_equal(totals.non_zero, non_zero)
    assert np.array_equal(totals.pod_count, pod_count) and not totals.stale


def test_sums_past_int64_wrap_as_the_arrays_and_go_do():
    """Pods bound by nodeName can sum past int64 on one node: the arrays wrap as Go's int64 sums and the element-wise
    numpy writes did, where a plain conversion of the Python rows would raise OverflowError."""
    totals, plain = NodeTotals(2), np.zeros((2, 3), dtype=np.int64)
    big = 4 * 2**60  # 4Ei of memory
    for _ in range(3):
        totals.add(1, (0, big, 0), (100, big), 1)
        with np.errstate(over="ignore"):
            plain[1, 1] += big
    assert totals.rows[1][1] == 3 * big
    assert np.array_equal(totals.requested, plain) and totals.requested[1, 1] < 0
    assert totals.non_zero[1].tolist() == [300, plain.item(1, 1)] and totals.pod_count.tolist() == [0, 3]
