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
