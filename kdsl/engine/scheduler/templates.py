"""Cycle state that the pods of one template share, kept across cycles and updated only where a bind changed it."""

from __future__ import annotations

import numpy as np

from kdsl.engine.scheduler import filters, fit_state, scores
from kdsl.engine.scheduler.fit_state import Fit
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.scheduler.snapshot import Snapshot
from kdsl.engine.scheduler.spread_state import Spread
from kdsl.model.base import FieldRequirement

STATES_KEPT = 256  # templates whose state is kept; the least recently used is dropped


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


def _same(pod: PodInfo, other: PodInfo) -> bool:
    """Whether key_of(pod) is key_of(other) by the objects both are derived from: a ReplicaSet's PodInfos share their
    template, labels, spreading selector and the facts derived from their containers (podinfo._sibling), and key_of
    reads nothing else but the namespace."""
    return (pod.template is other.template and pod.labels is other.labels and pod.namespace == other.namespace
            and pod.spread_selector is other.spread_selector and pod.requests is other.requests
            and pod.non_zero is other.non_zero and pod.images is other.images)


class Templates:
    """The states of the templates recently scheduled on one snapshot, and the Fits their sizes share;
    dropped when a node changes."""

    __slots__ = ("states", "last", "fits")

    def __init__(self) -> None:
        self.states: dict[tuple, TemplateState] = {}
        self.last: tuple[tuple, TemplateState] | None = None
        self.fits: dict[tuple, Fit] = {}

    def clear(self) -> None:
        self.states.clear()
        self.last = None
        self.fits.clear()

    def state(self, pod: PodInfo, snap: Snapshot) -> TemplateState:
        last = self.last
        # _same's first test, asked here: bare pods have a template each, so it would be a call a pod for nothing
        if last is not None and pod.template is last[1].pod.template and _same(pod, last[1].pod):
            state = last[1]
        else:
            key = key_of(pod)
            if last is not None and last[0] == key:
                state = last[1]
            else:
                state = self.states.pop(key, None)
                if state is None:
                    state = TemplateState(pod, snap, self.fit(pod, snap))
                self.states[key] = state
                if len(self.states) > STATES_KEPT:
                    del self.states[next(iter(self.states))]
                self.last = (key, state)
        state.sync(snap)
        return state

    def fit(self, pod: PodInfo, snap: Snapshot) -> Fit:
        """The Fit of the pod's size, made or brought up to date (a state that outlives its Fit here keeps it)."""
        key = fit_state.key_of(pod)
        fit = self.fits.pop(key, None)
        if fit is None:
            fit = Fit(pod, snap)
        self.fits[key] = fit
        if len(self.fits) > STATES_KEPT:
            del self.fits[next(iter(self.fits))]
        return fit


class TemplateState:
    """For one template over all nodes: which nodes pass every filter (the pod-independent ones here, the
    resource fit from its size's Fit) and the score parts that do not depend on which nodes are scored together."""

    __slots__ = ("pod", "fit", "fit_version", "static_ok", "static_all", "ok", "feasible", "image", "taint_raw",
                 "affinity_raw", "spread", "version", "fixed", "every")

    def __init__(self, pod: PodInfo, snap: Snapshot, fit: Fit | None = None) -> None:
        self.pod = pod
        self.fit = Fit(pod, snap) if fit is None else fit
        self.fit_version = -1  # the Fit's version that `ok` and `feasible` were combined from
        every = np.arange(len(snap), dtype=np.int64)
        # every node twice over, read-only: a window of every node is a slice of it (a view, which the cycle's
        # result keeps), also one that wraps past the last node
        self.every = np.concatenate((every, every))
        self.every.flags.writeable = False
        static = np.ones(len(snap), dtype=bool)
        for plugin in (filters.node_unschedulable, filters.node_name, filters.taint_toleration,
                       filters.node_affinity):
            static &= ~plugin(pod, snap, every).failed
        self.static_ok = static
        self.static_all = bool(static.all())
        self.image = scores.image_locality(pod, snap, every)
        self.taint_raw = scores.taint_toleration(pod, snap, every) if snap.node_index.soft_taints else None
        if self.taint_raw is None:
            self.image = self.image + 3 * scores.MAX_NODE_SCORE  # every raw 0: reversed, 100 everywhere
        self.affinity_raw = (scores.node_affinity(pod, snap, every)
                             if pod.template.affinity.node_preferred else None)
        self.spread = Spread.of(pod, snap)
        if self.spread is not None:
            self.spread.rebuild(snap)
        self.version = snap.log.version
        # The Fit's scores plus ImageLocality per node, twice over (kept at the nodes a bind changes): a cycle
        # takes the scored nodes' sum in one step rather than adding the two.
        self.fixed: np.ndarray | None = None  # None: not kept (see _fixed)
        self.sync(snap)

    def sync(self, snap: Snapshot) -> None:
        """Bring the Fit up to date, and the spreading counts by replaying the binds since the last cycle."""
        fit = self.fit
        fit.sync(snap)
        if fit.version != self.fit_version:
            self._fixed(snap.log)
            self.fit_version = fit.version
            if self.static_all:
                self.ok, self.feasible = fit.ok, fit.feasible
            else:
                self.ok = self.static_ok & fit.ok
                self.feasible = int(np.count_nonzero(self.ok))
        log = snap.log
        if self.version == log.version:
            return
        if self.spread is not None:
            if self.version < log.base:
                self.spread.rebuild(snap)
            else:
                self.spread.replay(snap, log.changes[self.version - log.base:])
        self.version = log.version

    def _fixed(self, log) -> None:
        """Bring `fixed` to the Fit's scores at the nodes changed since it was last brought (a node no change
        touched has the score it had, however the Fit got there). After many changes (another template's pods
        bound in between) it is dropped, and made anew only by a cycle that follows few: a template whose
        pods alternate with others' gathers its two arrays as before."""
        count = log.version - self.fit_version
        if count > fit_state.FEW or self.fit_version < log.base:
            self.fixed = None
        elif self.fixed is None:
            fixed = self.fit.base + self.image
            self.fixed = np.concatenate((fixed, fixed))  # twice over, as `every`
        else:
            fixed, base, image = self.fixed, self.fit.base, self.image
            n = len(base)
            for i, _, _ in log.changes[self.fit_version - log.base:]:
                fixed[i] = fixed[i + n] = base.item(i) + image.item(i)

    # ---- a cycle ---------------------------------------------------------------------------------

    def window(self, start: int, want: int) -> tuple[np.ndarray, int]:
        """The feasible nodes a search from `start` stops at (at most `want`, in visiting order) and how
        many nodes it visited: the same as filtering every node in order (see framework.schedule)."""
        ok = self.ok
        n = len(ok)
        if self.feasible == n:  # every node passes: the window is the next `want` nodes
            return self.every[start:start + want], want
        pos = ok.nonzero()[0]
        m = len(pos)
        k = int(np.searchsorted(pos, start))
        if m >= want:
            end = k + want
            feasible = pos[k:end] if end <= m else np.concatenate((pos[k:], pos[:end - m]))
            return feasible, (int(feasible[-1]) - start) % n + 1
        return (np.concatenate((pos[k:], pos[:k])) if k else pos), n

    def totals(self, feasible: np.ndarray, start: int = -1) -> np.ndarray:
        """scores.node_totals over the feasible nodes, which `window(start, ...)` found."""
        # Every node feasible: the window is the nodes from `start` on, a slice (a view, not a gather) of the arrays
        # kept twice over (`fixed`, the spreading raw scores), and of the others when it does not wrap.
        n, end = len(self.ok), start + len(feasible)
        if 0 <= start and self.feasible == n:
            wide = slice(start, end)
            at = wide if end <= n else feasible
        else:
            wide = at = feasible
        fixed = self.fixed
        total = self.fit.base[at] + self.image[at] if fixed is None else fixed[wide]
        if self.taint_raw is not None:
            total = total + 3 * scores.default_normalize(self.taint_raw[at], reverse=True)
        if self.affinity_raw is not None:
            total = total + 2 * scores.default_normalize(self.affinity_raw[at], reverse=False)
        if self.spread is not None:
            total = total + self.spread.weighted(feasible, wide)
        # a slice of `fixed` is a view of what the next bind changes: the cycle's result keeps its own copy
        return total.copy() if fixed is not None and total.base is fixed else total


def of(snap: Snapshot) -> Templates:
    """The snapshot's template states (made on first use; a node change empties the snapshot's cache)."""
    found = snap.cycle_cache.get("templates")
    if found is None:
        found = snap.cycle_cache["templates"] = Templates()
    return found
