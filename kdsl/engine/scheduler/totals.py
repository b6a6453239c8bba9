"""A snapshot's per-node sums of its bound pods: Python ints kept at each bind, numpy arrays written when read."""

from __future__ import annotations

import numpy as np

# A row's places: the real requests (cpu millicores, memory bytes, ephemeral-storage bytes), the scoring (non-zero)
# requests (cpu, memory), and the pod count.
CPU, MEMORY, EPHEMERAL, NZ_CPU, NZ_MEMORY, PODS = range(6)


class NodeTotals:
    """Each node's row of sums as a Python list, written at every bind and removal: a numpy array's element costs a
    scalar read, a scalar addition and a write (six of them a bind), and a bind replayed into a Fit reads the row back
    (fit_state.Fit._node). The arrays (`requested`, `non_zero`, `pod_count`: what the vectorized filters and scores
    read over many nodes) are written from the rows of the nodes changed since they were last read."""

    __slots__ = ("_non_zero", "_pod_count", "_requested", "rows", "stale")

    def __init__(self, n: int) -> None:
        self.rows = [[0, 0, 0, 0, 0, 0] for _ in range(n)]
        self.stale: set[int] = set()  # nodes whose arrays lag behind their rows
        self._requested = np.zeros((n, 3), dtype=np.int64)
        self._non_zero = np.zeros((n, 2), dtype=np.int64)
        self._pod_count = np.zeros(n, dtype=np.int64)

    def add(self, i: int, requests: tuple[int, int, int], non_zero: tuple[int, int], sign: int) -> None:
        """Add a pod's requests to node i's row (sign 1) or take them off (-1)."""
        row = self.rows[i]
        cpu, memory, ephemeral = requests
        row[CPU] += sign * cpu
        row[MEMORY] += sign * memory
        row[EPHEMERAL] += sign * ephemeral
        cpu, memory = non_zero
        row[NZ_CPU] += sign * cpu
        row[NZ_MEMORY] += sign * memory
        row[PODS] += sign
        self.stale.add(i)

    def _flush(self) -> None:
        """Write the stale nodes' rows into the arrays, in one conversion."""
        ix = np.fromiter(self.stale, dtype=np.int64, count=len(self.stale))
        rows = self.rows
        picked = [rows[i] for i in ix.tolist()]
        try:
            values = np.array(picked, dtype=np.int64)
        except OverflowError:
            # pods bound past their node's allocatable (a nodeName) can sum past int64: Go's int64 sums wrap
            # (NodeInfo.Requested, pkg/scheduler/framework/types.go), as the element-wise numpy writes did
            values = np.array([[(v + 2**63) % 2**64 - 2**63 for v in row] for row in picked], dtype=np.int64)
        self._requested[ix] = values[:, :NZ_CPU]
        self._non_zero[ix] = values[:, NZ_CPU:PODS]
        self._pod_count[ix] = values[:, PODS]
        self.stale.clear()

    @property
    def requested(self) -> np.ndarray:
        if self.stale:
            self._flush()
        return self._requested

    @property
    def non_zero(self) -> np.ndarray:
        if self.stale:
            self._flush()
        return self._non_zero

    @property
    def pod_count(self) -> np.ndarray:
        if self.stale:
            self._flush()
        return self._pod_count
