"""PodTopologySpread and InterPodAffinity: domain counts from the label indexes, for filter and score."""

from __future__ import annotations

import math
from collections import Counter

import attrs
import numpy as np

from kdsl.engine.scheduler.podinfo import PodInfo, Term
from kdsl.engine.scheduler.snapshot import Snapshot
from kdsl.model.base import Selector

HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"
# PodTopologySpread's systemDefaultConstraints (ScheduleAnyway), applied to pods without constraints.
SYSTEM_DEFAULT = ((HOSTNAME, 3), (ZONE, 5))
HARD_POD_AFFINITY_WEIGHT = 1  # InterPodAffinityArgs.hardPodAffinityWeight default

SPREAD = "node(s) didn't match pod topology spread constraints"
SPREAD_LABEL = SPREAD + " (missing required label)"
AFFINITY = "node(s) didn't match pod affinity rules"
ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"


@attrs.frozen
class Constraint:
    key: str
    max_skew: int
    selector: Selector


def constraints(pod: PodInfo, when: str) -> tuple[Constraint, ...]:
    """The pod's constraints of one kind; kdsl's absent selector means the pod's own labels."""
    return tuple(Constraint(c.topology_key, c.max_skew,
                            c.selector if c.selector is not None else Selector.of(tuple(pod.labels.items())))
                 for c in pod.template.spread if c.when_unsatisfiable == when)


COUNTS_KEPT = 64


def _node_counts(snap: Snapshot, selector: Selector, namespace: str) -> np.ndarray:
    """countPodsMatchSelector per node: live pods of the namespace; an empty selector counts nothing."""
    if selector.empty:
        return np.zeros(len(snap), dtype=np.int64)
    key, log = (selector, namespace), snap.log
    cached = log.counts.pop(key, None)
    if cached is not None and cached[0] >= log.base:
        # The pods of one owner are scheduled one after another: replay the binds since the last count.
        version, counts = cached
        if version != log.version:
            counts = counts.copy()  # callers may still hold the cached array
            for i, p, delta in log.changes[version - log.base:]:
                if p.namespace == namespace and not p.terminating and selector.matches(p.labels):
                    counts[i] += delta
    else:
        where = snap.where
        # kubernetes#87621: terminating pods do not count
        nodes = [where[p.key] for p in snap.select(selector, (namespace,)) if not p.terminating]
        counts = np.bincount(np.asarray(nodes, dtype=np.int64), minlength=len(snap))
    log.counts[key] = (log.version, counts)
    if len(log.counts) > COUNTS_KEPT:
        del log.counts[next(iter(log.counts))]  # the least recently used selector
    return counts


def _all_keys(snap: Snapshot, cons: tuple[Constraint, ...]) -> np.ndarray:
    mask = np.ones(len(snap), dtype=bool)
    for c in cons:
        mask &= snap.has_key(c.key)
    return mask


def spread_domains(pod: PodInfo, snap: Snapshot) -> list[tuple[Constraint, dict[str, int]]]:
    """Each DoNotSchedule constraint with the matching pods counted in each of its domains, as the filter
    counts them: domains come from nodes that match the pod's node selector/affinity (nodeAffinityPolicy
    Honor) and carry every constraint's key; taints are ignored (nodeTaintsPolicy Ignore)."""
    cons = constraints(pod, "DoNotSchedule")
    eligible = snap.selector_mask(pod) & _all_keys(snap, cons)
    out = []
    for c in cons:
        counts = _node_counts(snap, c.selector, pod.namespace)
        per_value: dict[str, int] = {}
        for value, ix in snap.domains(c.key).items():
            ix = ix[eligible[ix]]
            if len(ix):
                per_value[value] = int(counts[ix].sum())
        out.append((c, per_value))
    return out


def spread_filter(pod: PodInfo, snap: Snapshot, idx: np.ndarray):
    """DoNotSchedule constraints: (failed mask over idx, word(node) -> (reasons, unresolvable))."""
    if not constraints(pod, "DoNotSchedule"):
        return np.zeros(len(idx), dtype=bool), None
    missing, skewed = [], []
    for c, per_value in spread_domains(pod, snap):
        lowest = min(per_value.values()) if per_value else math.inf
        self_match = 1 if c.selector.matches(pod.labels) else 0
        skew = np.zeros(len(snap), dtype=bool)
        for value, ix in snap.domains(c.key).items():
            if per_value.get(value, 0) + self_match - lowest > c.max_skew:
                skew[ix] = True
        missing.append(~snap.has_key(c.key)[idx])
        skewed.append(skew[idx])
    failed = np.logical_or.reduce(missing + skewed)
    pos = {int(n): k for k, n in enumerate(idx)}

    def word(node: int):
        k = pos[node]
        for m, s in zip(missing, skewed):
            if m[k]:
                return (SPREAD_LABEL,), True
            if s[k]:
                return (SPREAD,), False
        raise AssertionError("node passed")

    return failed, word


def go_round(x: float) -> int:
    """Go's math.Round: halves away from zero."""
    r = math.floor(abs(x))
    if abs(x) - r >= 0.5:
        r += 1
    return int(math.copysign(r, x))


def go_round_array(x: np.ndarray) -> np.ndarray:
    """go_round over an array, with the same float arithmetic."""
    ax = np.abs(x)
    r = np.floor(ax)
    r += (ax - r) >= 0.5
    return np.copysign(r, x).astype(np.int64)


def _values_among(snap: Snapshot, key: str, nodes: np.ndarray) -> list[str]:
    """The distinct values of label `key` among `nodes`; "" stands for a node without the key (Go's zero value)."""
    mask = np.zeros(len(snap), dtype=bool)
    mask[nodes] = True
    values = [v for v, ix in snap.domains(key).items() if mask[ix].any()]
    if "" not in values and mask[~snap.has_key(key)].any():
        values.append("")
    return values


def spread_score(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """ScheduleAnyway constraints, or the system defaults: (raw, normalized) over idx; None when skipped."""
    if pod.template.spread:
        cons, require_all = constraints(pod, "ScheduleAnyway"), True
    elif pod.spread_selector is not None and not pod.spread_selector.empty:
        cons = tuple(Constraint(k, s, pod.spread_selector) for k, s in SYSTEM_DEFAULT)
        require_all = False  # so that nodes without a zone label still spread by hostname
    else:
        cons = ()
    if not cons:
        return None
    all_keys = _all_keys(snap, cons)
    ignored = ~all_keys[idx] if require_all else np.zeros(len(idx), dtype=bool)
    scored = idx[~ignored]
    counted = snap.selector_mask(pod) & (all_keys if require_all else True)
    raw_full = np.zeros(len(snap), dtype=np.float64)
    counted_by: dict[Selector, np.ndarray] = {}  # the default constraints share one selector
    for c in cons:
        if c.selector not in counted_by:
            counted_by[c.selector] = _node_counts(snap, c.selector, pod.namespace)
        counts = counted_by[c.selector]
        if c.key == HOSTNAME:
            weight = math.log(len(scored) + 2)
            per_node = counts.astype(np.float64)
        else:
            # A node without the key sits in the "" domain (Go's zero value for a missing label).
            values = _values_among(snap, c.key, scored)
            weight = math.log(len(values) + 2)
            per_node = np.zeros(len(snap), dtype=np.float64)
            for value in values:
                ix = snap.nodes_with(c.key, value) if value else _without(snap, c.key)
                ix_counted = ix[counted[ix]]
                per_node[ix] = float(counts[ix_counted].sum())
        has = snap.has_key(c.key)
        raw_full[has] += per_node[has] * weight + float(c.max_skew - 1)
    raw = np.where(ignored, 0, go_round_array(raw_full[idx]))
    live = raw[~ignored]
    norm = np.zeros(len(idx), dtype=np.int64)
    if len(live):
        lo, hi = int(live.min()), int(live.max())
        norm[~ignored] = 100 if hi == 0 else 100 * (hi + lo - live) // hi
    return raw, norm


def _without(snap: Snapshot, key: str) -> np.ndarray:
    """Nodes without label `key` plus those whose value is "" (both are Go's domain "")."""
    mask = ~snap.has_key(key)
    mask[snap.nodes_with(key, "")] = True
    return np.flatnonzero(mask)


def _topology_counts(snap: Snapshot, pods, terms: tuple[Term, ...], each: bool = True) -> Counter:
    """(key, value) → number of pods matching a term (each=True) or all the terms (each=False)."""
    counts: Counter = Counter()
    for p in pods:
        labels = snap.nodes[snap.where[p.key]].labels
        if each:
            hits = [t for t in terms if t.matches(p)]
        else:
            hits = list(terms) if all(t.matches(p) for t in terms) else []
        for t in hits:
            if t.topology_key in labels:
                counts[(t.topology_key, labels[t.topology_key])] += 1
    return counts


def _pairs_mask(snap: Snapshot, pairs) -> np.ndarray:
    mask = np.zeros(len(snap), dtype=bool)
    for key, value in pairs:
        mask[snap.nodes_with(key, value)] = True
    return mask


def affinity_filter(pod: PodInfo, snap: Snapshot, idx: np.ndarray):
    """Required affinity, required anti-affinity, then existing pods' anti-affinity, as InterPodAffinity."""
    existing: Counter = Counter()
    for p in snap.with_anti_affinity.values():
        labels = snap.nodes[snap.where[p.key]].labels
        for t in p.anti_affinity:
            if t.matches(pod) and t.topology_key in labels:
                existing[(t.topology_key, labels[t.topology_key])] += 1
    n = len(snap)
    affinity_ok = np.ones(n, dtype=bool)
    if pod.affinity:
        first = pod.affinity[0]
        counts = _topology_counts(snap, snap.select(first.selector, first.namespaces), pod.affinity, each=False)
        keys_ok = np.ones(n, dtype=bool)
        exist = np.ones(n, dtype=bool)
        for t in pod.affinity:
            keys_ok &= snap.has_key(t.topology_key)
            exist &= _pairs_mask(snap, [kv for kv, c in counts.items() if kv[0] == t.topology_key and c > 0])
        # The first pod of a group with affinity to itself may go anywhere its topology keys exist.
        alone = not counts and all(t.matches(pod) for t in pod.affinity)
        affinity_ok = keys_ok & (exist | alone)
    anti_ok = np.ones(n, dtype=bool)
    if pod.anti_affinity:
        anti: Counter = Counter()
        for t in pod.anti_affinity:
            anti += _topology_counts(snap, snap.select(t.selector, t.namespaces), (t,))
        anti_ok = ~_pairs_mask(snap, [kv for kv, c in anti.items() if c > 0])
    existing_ok = ~_pairs_mask(snap, [kv for kv, c in existing.items() if c > 0])
    checks = ((affinity_ok, AFFINITY, True), (anti_ok, ANTI_AFFINITY, False),
              (existing_ok, EXISTING_ANTI_AFFINITY, False))
    failed = ~(affinity_ok & anti_ok & existing_ok)[idx]

    def word(node: int):
        for ok, reason, unresolvable in checks:
            if not ok[node]:
                return (reason,), unresolvable
        raise AssertionError("node passed")

    return failed, word


def affinity_score(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Preferred terms of the pod and of existing pods (symmetric), plus existing pods' required affinity."""
    topo: Counter = Counter()

    def add(term: Term, target: PodInfo, host: PodInfo, weight: int) -> None:
        labels = snap.nodes[snap.where[host.key]].labels
        if term.topology_key in labels and term.matches(target):
            topo[(term.topology_key, labels[term.topology_key])] += weight

    for sign, terms in ((1, pod.preferred), (-1, pod.anti_preferred)):
        for t in terms:
            for p in snap.select(t.selector, t.namespaces):
                add(t, p, p, sign * t.weight)
    for p in snap.with_affinity.values():
        for t in p.affinity:
            add(t, pod, p, HARD_POD_AFFINITY_WEIGHT)
        for t in p.preferred:
            add(t, pod, p, t.weight)
        for t in p.anti_preferred:
            add(t, pod, p, -t.weight)
    raw_full = np.zeros(len(snap), dtype=np.int64)
    for (key, value), s in topo.items():
        raw_full[snap.nodes_with(key, value)] += s
    raw = raw_full[idx]
    if not topo or not len(raw):
        return raw, raw.copy()
    lo, hi = int(raw.min()), int(raw.max())
    if hi == lo:
        return raw, np.zeros(len(raw), dtype=np.int64)
    # Go: int64(float64(MaxNodeScore) * (float64(s-min) / float64(max-min))).
    norm = np.array([int(100.0 * (float(s - lo) / float(hi - lo))) for s in raw.tolist()], dtype=np.int64)
    return raw, norm
