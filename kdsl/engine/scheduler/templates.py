"""Cycle state that the pods of one template share, kept across cycles and updated only where a bind changed it."""

from __future__ import annotations

import numpy as np

from kdsl.engine.scheduler import filters, scores
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.scheduler.snapshot import CPU, MEMORY, Snapshot
from kdsl.engine.scheduler.spread_state import Spread
from kdsl.model.base import FieldRequirement

STATES_KEPT = 256  # templates whose state is kept; the least recently used is dropped
# Go's int64 products (free · 100) stay exact in Python ints; above this a node falls back to the
# arrays, which wrap as Go does (never reached by real allocatable).
SAFE = 2**52


def node_names(pod: PodInfo) -> frozenset[str] | None:
    """NodeAffinity's PreFilterResult: when every required term names nodes with matchFields
    metadata.name In, only those nodes can pass (how DaemonSet pods are pinned); None: any node."""
    terms = pod.template.affinity.node_required
    if not terms:
        return None
    names: set[str] = set()
    for term in terms:
        fields = [set(r.values) for r in term if isinstance(r, FieldRequirement)
                  and r.key == "metadata.name" and r.operator == "In"]
        if not fields:
            return None  # the terms are ORed: a term without a name field lets every node through
        names |= set.intersection(*fields)
    return frozenset(names)


def eligible(pod: PodInfo, snap: Snapshot, volumes: filters.VolumeBinding) -> bool:
    """Whether a cycle's outcome depends only on node totals the state keeps current: no host ports, no
    volume filter, no pod (anti-)affinity on either side, no hard spreading. Others take the general path."""
    return (volumes.filter is filters._pass_filter and not pod.host_ports and not pod.has_affinity
            and not snap.with_affinity and not snap.with_anti_affinity
            and not (pod.template.spread and any(c.when_unsatisfiable == "DoNotSchedule"
                                                 for c in pod.template.spread)))


def key_of(pod: PodInfo) -> tuple:
    """Everything of a pod that the filters and scores of an eligible pod read (its name never matters;
    its labels only through explicit spreading constraints)."""
    tpl = pod.template
    return (pod.namespace, pod.requests, pod.non_zero, pod.images, tpl.tolerations, tpl.node_name,
            tpl.node_selector, tpl.affinity.node_required, tpl.affinity.node_preferred, tpl.spread,
            pod.spread_selector, tuple(pod.labels.items()) if tpl.spread else None)


class Templates:
    """The states of the templates recently scheduled on one snapshot; dropped when a node changes."""

    __slots__ = ("states", "last", "alloc_rows")

    def __init__(self) -> None:
        self.states: dict[tuple, TemplateState] = {}
        self.last: tuple[tuple, TemplateState] | None = None
        # The nodes' allocatable as Python ints, which a replay reads (see TemplateState._node): made once for all
        # the states, since a list of every node's row is as large as a state's arrays together.
        self.alloc_rows: list | None = None

    def clear(self) -> None:
        self.states.clear()
        self.last = None
        self.alloc_rows = None

    def state(self, pod: PodInfo, snap: Snapshot) -> TemplateState:
        key = key_of(pod)
        last = self.last
        if last is not None and last[0] == key:
            state = last[1]
        else:
            state = self.states.pop(key, None)
            if state is None:
                state = TemplateState(pod, snap)
            self.states[key] = state
            if len(self.states) > STATES_KEPT:
                del self.states[next(iter(self.states))]
            self.last = (key, state)
        state.sync(snap)
        return state


class TemplateState:
    """For one template over all nodes: which nodes pass every filter (the pod-independent ones once, the
    resource fit per node) and the score parts that do not depend on which nodes are scored together."""

    __slots__ = ("pod", "version", "static_ok", "ok", "feasible", "base", "image", "taint_raw", "affinity_raw", "spread",
                 "safe", "rows", "wants", "balanced")

    def __init__(self, pod: PodInfo, snap: Snapshot) -> None:
        self.pod = pod
        every = np.arange(len(snap), dtype=np.int64)
        static = np.ones(len(snap), dtype=bool)
        for plugin in (filters.node_unschedulable, filters.node_name, filters.taint_toleration,
                       filters.node_affinity):
            static &= ~plugin(pod, snap, every).failed
        self.static_ok = static
        self.image = scores.image_locality(pod, snap, every)
        self.taint_raw = scores.taint_toleration(pod, snap, every) if snap.node_index.soft_taints else None
        if self.taint_raw is None:
            self.image = self.image + 3 * scores.MAX_NODE_SCORE  # every raw 0: reversed, 100 everywhere
        self.affinity_raw = (scores.node_affinity(pod, snap, every)
                             if pod.template.affinity.node_preferred else None)
        self.spread = Spread.of(pod, snap)
        self.safe = int(snap.alloc[:, :MEMORY + 1].max(initial=0)) < SAFE and max(pod.requests) < SAFE
        self.rows: tuple[list, list, list] | None = None  # made by the first replay (see _node)
        self.wants = tuple((r, want) for r, want in enumerate(pod.requests) if want > 0)
        self.balanced = not (pod.requests[CPU] == 0 and pod.requests[MEMORY] == 0)
        self._rebuild(snap)

    def _rebuild(self, snap: Snapshot) -> None:
        pod, every = self.pod, np.arange(len(snap), dtype=np.int64)
        self.ok = self.static_ok & ~filters.node_resources_fit(pod, snap, every).failed
        self.feasible = int(np.count_nonzero(self.ok))
        self.base = (scores.least_allocated(pod, snap, every) + scores.balanced_allocation(pod, snap, every)
                     + self.image)
        if self.spread is not None:
            self.spread.rebuild(snap)
        self.version = snap.log.version

    def sync(self, snap: Snapshot) -> None:
        """Replay the binds and deletions since the last cycle: only their nodes are recomputed."""
        log = snap.log
        if self.version == log.version:
            return
        if self.version < log.base or not self.safe:
            self._rebuild(snap)
            return
        changes = log.changes[self.version - log.base:]
        self.version = log.version
        if len(changes) == 1:  # a pass binds one pod between two cycles of a template
            self._node(snap, changes[0][0])
        else:
            for i in {i for i, _, _ in changes}:
                self._node(snap, i)
        if self.spread is not None:
            self.spread.replay(snap, changes)

    def _node(self, snap: Snapshot, i: int) -> None:
        """Node i's verdict and base score after its pods changed: the same arithmetic as
        filters.node_resources_fit and scores.least_allocated / balanced_allocation, with Python ints."""
        rows = self.rows
        if rows is None:
            # What a replay reads as Python values: allocatable never changes under a state (a node whose facts
            # change empties the snapshot's cache), the static verdicts and image scores neither.
            shared = of(snap)
            if shared.alloc_rows is None:
                shared.alloc_rows = snap.alloc.tolist()
            rows = self.rows = (self.static_ok.tolist(), shared.alloc_rows, self.image.tolist())
        static, (a_cpu, a_mem, a_eph, a_pods), image = rows[0][i], rows[1][i], rows[2][i]
        requested = snap.requested[i].tolist()
        r_cpu, r_mem = requested[CPU], requested[MEMORY]
        # NodeResourcesFit: room for one more pod, and for each resource the pod requests
        ok = static and int(snap.pod_count[i]) + 1 <= a_pods
        if ok:
            alloc = (a_cpu, a_mem, a_eph)
            for r, want in self.wants:
                if want > alloc[r] - requested[r]:
                    ok = False
                    break
        ok_array = self.ok
        if ok != ok_array[i]:
            self.feasible += 1 if ok else -1
            ok_array[i] = ok
        # LeastAllocated over cpu and memory, by the scoring (non-zero) requests
        u_cpu, u_mem = snap.non_zero[i].tolist()
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
        self.base[i] = least + balanced + image

    # ---- a cycle ---------------------------------------------------------------------------------

    def window(self, start: int, want: int) -> tuple[np.ndarray, int]:
        """The feasible nodes a search from `start` stops at (at most `want`, in visiting order) and how
        many nodes it visited: the same as filtering every node in order (see framework.schedule)."""
        ok = self.ok
        n = len(ok)
        if self.feasible == n:  # every node passes: the window is the next `want` nodes
            found = np.arange(start, start + want, dtype=np.int64)
            if start + want > n:
                found[found >= n] -= n
            return found, want
        pos = ok.nonzero()[0]
        m = len(pos)
        k = int(np.searchsorted(pos, start))
        if m >= want:
            end = k + want
            feasible = pos[k:end] if end <= m else np.concatenate((pos[k:], pos[:end - m]))
            return feasible, (int(feasible[-1]) - start) % n + 1
        return (np.concatenate((pos[k:], pos[:k])) if k else pos), n

    def totals(self, feasible: np.ndarray) -> np.ndarray:
        """scores.node_totals over the feasible nodes."""
        total = self.base[feasible]
        if self.taint_raw is not None:
            total += 3 * scores.default_normalize(self.taint_raw[feasible], reverse=True)
        if self.affinity_raw is not None:
            total += 2 * scores.default_normalize(self.affinity_raw[feasible], reverse=False)
        if self.spread is not None:
            total += 2 * self.spread.normalized(feasible)
        return total


def of(snap: Snapshot) -> Templates:
    """The snapshot's template states (made on first use; a node change empties the snapshot's cache)."""
    found = snap.cycle_cache.get("templates")
    if found is None:
        found = snap.cycle_cache["templates"] = Templates()
    return found
