"""PodTopologySpread's score for one template, kept current across cycles by replaying binds."""

from __future__ import annotations

import math

import numpy as np

from kdsl.engine.scheduler import topology
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.scheduler.snapshot import Snapshot

FEW = 16  # nodes whose spreading score a bind changed, recomputed one by one rather than as arrays
# Raw scores of the scored nodes span at most this many values for their normalization to be looked up in a table.
SPAN = 64
DIRECT = 4 * SPAN  # raw scores below this index their doubled normalization's table directly
_TABLES: dict[tuple[int, int], np.ndarray] = {}
_DOUBLED: dict[tuple[int, int], np.ndarray] = {}  # twice _TABLES' entries (see _doubled)


class Spread:
    """PodTopologySpread's score for one template: matching pods counted per node and per domain, and
    each node's raw score for the weights last used (`raw`, the nodes twice over, as TemplateState.every), all kept
    current by replaying binds."""

    __slots__ = ("namespace", "cons", "ignored", "counted", "has", "counts", "codes", "domains", "sums",
                 "weights", "raw", "counted_list", "has_lists", "domain_lists", "code_lists", "live", "plan",
                 "by_size", "walk", "terms")

    @classmethod
    def of(cls, pod: PodInfo, snap: Snapshot) -> Spread | None:
        if pod.template.spread:
            cons, require_all = topology.constraints(pod, "ScheduleAnyway"), True
        elif pod.spread_selector is not None and not pod.spread_selector.empty:
            cons = tuple(topology.Constraint(k, s, pod.spread_selector) for k, s in topology.SYSTEM_DEFAULT)
            require_all = False
        else:
            cons = ()
        return cls(pod, snap, cons, require_all) if cons else None

    def __init__(self, pod: PodInfo, snap: Snapshot, cons, require_all: bool) -> None:
        self.namespace = pod.namespace
        self.cons = cons
        all_keys = topology._all_keys(snap, cons)
        self.ignored = ~all_keys if require_all else None
        self.counted = snap.selector_mask(pod) & (all_keys if require_all else True)
        self.has = [snap.has_key(c.key) for c in cons]
        self.codes: list[np.ndarray | None] = []
        self.domains: list[list[np.ndarray] | None] = []
        for k, c in enumerate(cons):
            if c.key == topology.HOSTNAME:
                self.codes.append(None)
                self.domains.append(None)
                continue
            # Go's zero value: a node without the key is in the "" domain, with nodes labelled "".
            codes = np.zeros(len(snap), dtype=np.int64)
            values = [v for v in snap.domains(c.key) if v != ""]
            for code, value in enumerate(values, start=1):
                codes[snap.nodes_with(c.key, value)] = code
            self.codes.append(codes)
            # Each domain's nodes that carry the key: only they score by the domain's count.
            self.domains.append([np.flatnonzero((codes == code) & self.has[k]) for code in range(len(values) + 1)])
        self.weights: tuple[float, ...] | None = None
        # The same facts as Python values, for replaying one bind without numpy's per-call cost: made by the
        # first replay (most templates' state serves more than one pod, some only one).
        self.counted_list: list[bool] | None = None
        self.live: list[bool] | None = None  # each constraint: whether some node carries its key (not hostname)
        # The weights when every constraint's is fixed by how many nodes are scored (hostname, or a key with
        # one domain): by that count.
        self.by_size: dict[int, tuple[float, ...]] | None = (
            {} if all(d is None or len(d) == 1 for d in self.domains) else None)

    def rebuild(self, snap: Snapshot) -> None:
        self.counts = {c.selector: topology._node_counts(snap, c.selector, self.namespace).copy()
                       for c in self.cons}
        self.sums = []
        for c, codes, domains in zip(self.cons, self.codes, self.domains):
            sums = None
            if codes is not None:
                sums = np.zeros(len(domains), dtype=np.int64)
                np.add.at(sums, codes[self.counted], self.counts[c.selector][self.counted])
            self.sums.append(sums)
        self.weights = None
        self.plan = None

    def _lists(self) -> None:
        self.counted_list = self.counted.tolist()
        self.has_lists = [h.tolist() for h in self.has]
        self.code_lists = [None if codes is None else codes.tolist() for codes in self.codes]
        self.live = [codes is not None and any(has) for codes, has in zip(self.codes, self.has_lists)]
        self.domain_lists = [None if d is None else [ix.tolist() for ix in d] for d in self.domains]

    def _plan(self) -> list:
        """The replay's plan, made after each rebuild (it holds the counts and sums rebuild makes): each selector
        that counts pods, with its counts and the domain sums it feeds; also `walk`, each live key's codes and
        domains, and `terms`, what _raw_one reads of each constraint some node carries."""
        if self.counted_list is None:
            self._lists()
        # not the domain sums of a key no node carries (a cluster without zones), which nothing reads (_raw and
        # _raw_one score by them only the nodes with the key, _weights counts domains by codes), so that a bind
        # spares their scalar writes
        live = self.live
        self.plan = [(_matcher(sel), counts, [(self.code_lists[k], self.sums[k]) for k, c in enumerate(self.cons)
                                              if live[k] and c.selector == sel])
                     for sel, counts in self.counts.items() if not sel.empty]
        self.walk = [(codes, domains) for codes, domains, x in zip(self.code_lists, self.domain_lists, live) if x]
        # a constraint no node carries adds nothing to any node's raw score: left out, the others in their order
        self.terms = [(k, has, self.counts[c.selector], self.code_lists[k], self.sums[k], float(c.max_skew - 1))
                      for k, (c, has) in enumerate(zip(self.cons, self.has_lists)) if any(has)]
        return self.plan

    def replay(self, snap: Snapshot, changes) -> None:
        plan = self.plan
        if plan is None:
            plan = self._plan()
        ns = self.namespace
        counted = self.counted_list
        touched: set[int] = set()
        for i, p, delta in changes:
            if p.namespace != ns or p.terminating:
                continue  # kubernetes#87621: terminating pods do not count
            for matches, counts, sums in plan:
                if matches(p.labels):
                    counts[i] += delta
                    touched.add(i)
                    if counted[i]:
                        for codes, domain_sums in sums:
                            domain_sums[codes[i]] += delta
        weights = self.weights
        if not touched or weights is None:
            return
        nodes = touched
        if self.walk:  # a key no node carries has no node scored by its domain's count: not walked
            nodes = set(touched)
            for codes, domains in self.walk:
                for i in touched:
                    if counted[i]:
                        nodes.update(domains[codes[i]])
        raw, n = self.raw, len(counted)
        if len(nodes) <= FEW:
            for i in nodes:
                raw[i] = raw[i + n] = self._raw_one(i, weights)
        else:
            ix = np.fromiter(sorted(nodes), dtype=np.int64, count=len(nodes))
            raw[ix] = raw[ix + n] = self._raw(ix, weights)

    def _raw(self, ix: np.ndarray, weights: tuple[float, ...]) -> np.ndarray:
        """topology.spread_score's raw score of the nodes `ix` (before ignoring any), the same float steps."""
        raw = np.zeros(len(ix), dtype=np.float64)
        for k, c in enumerate(self.cons):
            has = self.has[k][ix]
            codes = self.codes[k]
            if codes is None:
                per_node = self.counts[c.selector][ix].astype(np.float64)
            else:
                per_node = self.sums[k][codes[ix]].astype(np.float64)
            raw[has] += per_node[has] * weights[k] + float(c.max_skew - 1)
        return topology.go_round_array(raw)

    def _raw_one(self, i: int, weights: tuple[float, ...]) -> int:
        """_raw of one node with Python floats: the same IEEE steps in the same order (`terms` leaves out only
        the constraints no node carries, which add nothing)."""
        raw = 0.0
        for k, has, counts, codes, sums, skew in self.terms:
            if has[i]:
                raw += float(counts[i] if codes is None else sums[codes[i]]) * weights[k] + skew
        # topology.go_round (Go's math.Round) of a score that is never negative
        r = math.floor(raw)
        return (r + 1 if raw - r >= 0.5 else r) if raw >= 0 else topology.go_round(raw)

    def normalized(self, feasible: np.ndarray) -> np.ndarray:
        """The normalized score over the scored nodes: weights from how many nodes and domains they span."""
        ignored = None if self.ignored is None else self.ignored[feasible]
        scored = feasible if ignored is None else feasible[~ignored]
        self._weigh(scored)
        live = self.raw[scored]
        if ignored is None and len(live):
            lo, hi = _bounds(live)
            return np.full(len(live), 100, dtype=np.int64) if hi == 0 else _scaled(live, lo, hi)
        norm = np.zeros(len(feasible), dtype=np.int64)
        if len(live):
            lo, hi = _bounds(live)
            norm[~ignored] = 100 if hi == 0 else _scaled(live, lo, hi)
        return norm

    def weighted(self, feasible: np.ndarray, at: np.ndarray | slice) -> np.ndarray | int:
        """Twice `normalized(feasible)` (the plugin's weight), added to totals as it is: `at` is `feasible` or
        the slice of the same nodes. A single 200 when every node scores 100."""
        if self.ignored is not None or not len(feasible):
            return 2 * self.normalized(feasible)
        self._weigh(feasible)
        live = self.raw[at]
        lo, hi = live.item(live.argmin()), live.item(live.argmax())  # _bounds, inline: a call a cycle
        return 200 if hi == 0 else _doubled(live, lo, hi)

    def _weigh(self, scored: np.ndarray) -> None:
        """Bring the raw scores to the weights of these scored nodes."""
        by_size = self.by_size
        if by_size is None:
            weights = self._weights(scored)
        else:
            weights = by_size.get(len(scored))
            if weights is None:
                weights = by_size[len(scored)] = self._weights(scored)
        if weights != self.weights:
            raw = self._raw(np.arange(len(self.counted), dtype=np.int64), weights)
            self.raw = np.concatenate((raw, raw))  # twice over: a window that wraps past the last node is a slice
            self.weights = weights

    def _weights(self, scored: np.ndarray) -> tuple[float, ...]:
        """Each constraint's weight: the log of how many nodes (hostname) or domains the scored nodes span, plus 2."""
        weights = []
        for codes, domains in zip(self.codes, self.domains):
            if codes is None:
                weights.append(math.log(len(scored) + 2))
            elif len(domains) == 1:
                weights.append(math.log((1 if len(scored) else 0) + 2))
            else:
                seen = np.bincount(codes[scored], minlength=len(domains))
                weights.append(math.log(int(np.count_nonzero(seen)) + 2))
        return tuple(weights)


def _matcher(sel):
    """sel.matches: for matchLabels alone with string values, whether the labels hold every pair, a containment
    test of the dict's items that runs in C (a missing key fails either way: no label value is None)."""
    if sel.expressions or not all(isinstance(v, str) for _, v in sel.match_labels):
        return sel.matches
    pairs = frozenset(sel.match_labels)
    return lambda labels: labels.items() >= pairs


def _bounds(live: np.ndarray) -> tuple[int, int]:
    """The least and greatest raw score (int64, never empty), read at argmin's and argmax's positions: the same
    ints as min() and max(), without a ufunc reduction's set-up, which costs some times argmin's."""
    return live.item(live.argmin()), live.item(live.argmax())


def _doubled(live: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """2 * (100 * (hi + lo - live) // hi) for raw scores from lo to hi (hi > 0). Few values: looked up in a table
    indexed by the raw score itself when the scores are small (an array minus a Python int costs about what the
    look-up does), else by its distance from lo."""
    if hi - lo >= SPAN:
        return 2 * (100 * (hi + lo - live) // hi)
    table = _DOUBLED.get((lo, hi))
    if table is None:
        if len(_DOUBLED) >= 1 << 12:
            _DOUBLED.clear()
        # from 0 when direct (entries below lo are never read: lo is the least score), at most DIRECT entries
        first = 0 if 0 <= lo and hi < DIRECT else lo
        table = _DOUBLED[lo, hi] = 2 * (100 * (hi + lo - np.arange(first, hi + 1, dtype=np.int64)) // hi)
    return table[live] if 0 <= lo and hi < DIRECT else table[live - lo]


def _scaled(live: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """100 * (hi + lo - live) // hi, by a table of the few values from lo to hi when they span few: numpy's
    integer division costs more than looking each raw score's result up."""
    if hi - lo >= SPAN:
        return 100 * (hi + lo - live) // hi
    table = _TABLES.get((lo, hi))
    if table is None:
        if len(_TABLES) >= 1 << 12:
            _TABLES.clear()
        table = _TABLES[lo, hi] = 100 * (hi + lo - np.arange(lo, hi + 1, dtype=np.int64)) // hi
    return table[live - lo]
