"""NodeResourcesFit's verdict and the resource scores for one pod size, kept current by replaying binds."""

from __future__ import annotations

import numpy as np

from kdsl.engine.scheduler import filters, scores
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.scheduler.snapshot import CPU, MEMORY, Snapshot

# Go's int64 products (free · 100) stay exact in Python ints; above this a node falls back to the
# arrays, which wrap as Go does (never reached by real allocatable).
SAFE = 2**52
# Changed nodes recomputed one by one with Python ints up to this many; beyond, as arrays over those nodes
# (their fixed cost, some 50 µs, is that of a dozen nodes done one by one), and all nodes from half of them.
FEW = 12


def key_of(pod: PodInfo) -> tuple:
    """What of a pod the resource fit and the resource scores read: its real and its scoring requests."""
    return pod.requests, pod.non_zero


class Fit:
    """For one pod size over all nodes: whether the node has room for the pod (NodeResourcesFit's filter)
    and LeastAllocated + BalancedAllocation. Every template of that size shares it, so that a bind is
    replayed once for them all rather than once for each template that schedules after it."""

    __slots__ = ("pod", "version", "ok", "feasible", "base", "safe", "wants", "balanced")

    def __init__(self, pod: PodInfo, snap: Snapshot) -> None:
        self.pod = pod
        self.safe = int(snap.alloc[:, :MEMORY + 1].max(initial=0)) < SAFE and max(pod.requests) < SAFE
        self.wants = tuple((r, want) for r, want in enumerate(pod.requests) if want > 0)
        self.balanced = not (pod.requests[CPU] == 0 and pod.requests[MEMORY] == 0)
        self._rebuild(snap)

    def _rebuild(self, snap: Snapshot) -> None:
        pod, every = self.pod, np.arange(len(snap), dtype=np.int64)
        self.ok = ~filters.node_resources_fit(pod, snap, every).failed
        self.feasible = int(np.count_nonzero(self.ok))
        self.base = scores.least_allocated(pod, snap, every) + scores.balanced_allocation(pod, snap, every)
        self.version = snap.log.version

    def sync(self, snap: Snapshot) -> bool:
        """Replay the binds and deletions since the last sync: only their nodes are recomputed. Whether
        anything changed."""
        log = snap.log
        if self.version == log.version:
            return False
        if self.version < log.base or not self.safe:
            self._rebuild(snap)
            return True
        changes = log.changes[self.version - log.base:]
        self.version = log.version
        if len(changes) == 1:  # templates of one size: a pass binds one pod between two of their cycles
            self._node(snap, changes[0][0])
            return True
        nodes = {i for i, _, _ in changes}
        if len(nodes) <= FEW:
            for i in nodes:
                self._node(snap, i)
        elif 2 * len(nodes) >= len(snap):
            self._rebuild(snap)
        else:
            self._nodes(snap, np.fromiter(sorted(nodes), dtype=np.int64, count=len(nodes)))
        return True

    def _nodes(self, snap: Snapshot, ix: np.ndarray) -> None:
        """_rebuild's arrays at the nodes ix alone."""
        pod, ok = self.pod, self.ok
        now = ~filters.node_resources_fit(pod, snap, ix).failed
        self.feasible += int(np.count_nonzero(now)) - int(np.count_nonzero(ok[ix]))
        ok[ix] = now
        self.base[ix] = scores.least_allocated(pod, snap, ix) + scores.balanced_allocation(pod, snap, ix)

    def _node(self, snap: Snapshot, i: int) -> None:
        """Node i's verdict and score after its pods changed: the same arithmetic as
        filters.node_resources_fit and scores.least_allocated / balanced_allocation, with Python ints."""
        rows = snap.cycle_cache.get("alloc_rows")
        if rows is None:
            # The nodes' allocatable as Python ints, made once for every Fit: it never changes under one (a node
            # whose facts change empties the snapshot's cache).
            rows = snap.cycle_cache["alloc_rows"] = snap.alloc.tolist()
        a_cpu, a_mem, a_eph, a_pods = rows[i]
        # the node's sums as Python ints (snapshot.totals): no numpy scalar read
        r_cpu, r_mem, r_eph, u_cpu, u_mem, count = snap.totals.rows[i]
        # NodeResourcesFit: room for one more pod, and for each resource the pod requests
        ok = count + 1 <= a_pods
        if ok:
            free = (a_cpu - r_cpu, a_mem - r_mem, a_eph - r_eph)
            for r, want in self.wants:
                if want > free[r]:
                    ok = False
                    break
        ok_array = self.ok
        # .item(): a Python bool; comparing one with numpy's bool_ goes through a ufunc (some microseconds)
        if ok != ok_array.item(i):
            self.feasible += 1 if ok else -1
            ok_array[i] = ok
        # LeastAllocated over cpu and memory, by the scoring (non-zero) requests
        p_cpu, p_mem = self.pod.non_zero
        total = weights = 0
        if a_cpu > 0:
            weights += 1
            req = u_cpu + p_cpu
            if req <= a_cpu:
                total += (a_cpu - req) * scores.MAX_NODE_SCORE // a_cpu
        if a_mem > 0:
            weights += 1
            req = u_mem + p_mem
            if req <= a_mem:
                total += (a_mem - req) * scores.MAX_NODE_SCORE // a_mem
        least = total // weights if weights else 0
        # BalancedAllocation over cpu and memory, by the real requests
        if not self.balanced:
            balanced = 0
        elif a_cpu <= 0 or a_mem <= 0:
            balanced = scores.MAX_NODE_SCORE  # a resource without allocatable: no deviation counted
        else:
            cpu = min(float(r_cpu + self.pod.requests[CPU]) / float(a_cpu), 1.0)
            mem = min(float(r_mem + self.pod.requests[MEMORY]) / float(a_mem), 1.0)
            balanced = int((1 - abs((cpu - mem) / 2)) * float(scores.MAX_NODE_SCORE))
        self.base[i] = least + balanced
