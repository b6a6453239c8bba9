"""DefaultPreemption's basics: candidate nodes, victims by priority, the node choice and the message."""

from __future__ import annotations

import math
import random

import attrs
import numpy as np

from kdsl.engine.scheduler.filters import Verdict, VolumeBinding, fit_reasons, run_filters
from kdsl.engine.scheduler.messages import (NO_VICTIMS, NOT_ELIGIBLE, NOT_HELPFUL, PREEMPTION, TERMINATING_VICTIM,
                                            FitError, fit_error_message)
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.scheduler.snapshot import Snapshot

MIN_CANDIDATE_NODES_PERCENTAGE = 10  # DefaultPreemptionArgs defaults
MIN_CANDIDATE_NODES_ABSOLUTE = 100
INT32_SPAN = 2**31  # math.MaxInt32 + 1: keeps every priority in the sum positive


@attrs.frozen
class Preemption:
    """PostFilter's outcome: the nominated node and its victims (most important first), or the
    message that goes after the FitError's histogram ("" when a node was nominated)."""

    nominated_node: str | None = None
    victims: tuple[PodInfo, ...] = ()
    message: str = ""


def num_candidates(num_nodes: int) -> int:
    n = max(num_nodes * MIN_CANDIDATE_NODES_PERCENTAGE // 100, MIN_CANDIDATE_NODES_ABSOLUTE)
    return min(n, num_nodes)


def _start(pod: PodInfo) -> float:
    # GetPodStartTime: a pod that has not started counts as starting now, i.e. after every started one.
    return math.inf if pod.start_ms is None else pod.start_ms


def more_important_first(pod: PodInfo) -> tuple:
    """util.MoreImportantPod as a sort key: higher priority, then earlier start; kdsl breaks the
    remaining ties by key so that the order never depends on insertion."""
    return (-pod.priority, _start(pod), pod.key)


def select_victims(pod: PodInfo, snap: Snapshot, node: int, volumes: VolumeBinding | None = None,
                   failure: Verdict | None = None) -> tuple[tuple[PodInfo, ...], tuple[str, ...]]:
    """SelectVictimsOnNode: remove every lower-priority pod; if the pod then fits, add them back most
    important first while it still fits. Returns (victims, ()) or ((), the reasons it cannot help).
    The snapshot is changed while this runs and restored, pod order included, before it returns."""
    name = snap.nodes[node].name
    lower = [p for p in snap.pods_on[node].values() if p.priority < pod.priority]
    if not lower:
        return (), (NO_VICTIMS,)
    if failure is not None and failure.plugin == "NodeResourcesFit":
        # The filters before it passed and do not get worse with fewer pods, so if the resources
        # still lack, the full run would stop at NodeResourcesFit with these reasons.
        still = fit_reasons(pod, snap, node, tuple(lower))
        if still:
            return (), still
    order = list(snap.pods_on[node])
    out: list[PodInfo] = []
    try:
        for p in lower:
            snap.remove_pod(p.key)
            out.append(p)
        at = np.asarray([node], dtype=np.int64)
        filtered = run_filters(pod, snap, at, volumes)
        if filtered.first[0] >= 0:
            return (), filtered.verdict(0).reasons
        victims = []
        for p in sorted(lower, key=more_important_first):
            snap.add_pod(name, p)
            out.remove(p)
            if run_filters(pod, snap, at, volumes).first[0] >= 0:
                snap.remove_pod(p.key)
                out.append(p)
                victims.append(p)
        return tuple(victims), ()
    finally:
        for p in out:
            snap.add_pod(name, p)
        snap.pods_on[node] = {k: snap.pods_on[node][k] for k in order}


def _earliest_top_start(victims: tuple[PodInfo, ...]) -> float:
    """GetEarliestPodStartTime: the earliest start among the highest-priority victims."""
    top = max(v.priority for v in victims)
    return min(_start(v) for v in victims if v.priority == top)


def pick_node(snap: Snapshot, candidates: list[tuple[int, tuple[PodInfo, ...]]]) -> int:
    """pickOneNodeForPreemption without PDBs: lowest highest-victim priority, smallest priority sum,
    fewest victims, latest start of the top victims; then (kdsl) the first by node name."""
    criteria = (
        lambda v: -v[0].priority,
        lambda v: -sum(p.priority + INT32_SPAN for p in v),
        lambda v: -len(v),
        _earliest_top_start,
    )
    pool = sorted(candidates, key=lambda c: snap.nodes[c[0]].name)
    for node, victims in pool:
        if not victims:
            return node
    for score in criteria:
        best = max(score(v) for _, v in pool)
        pool = [c for c in pool if score(c[1]) == best]
        if len(pool) == 1:
            break
    return pool[0][0]


def preempt(pod: PodInfo, snap: Snapshot, error: FitError, volumes: VolumeBinding | None = None,
            rng: random.Random | None = None) -> Preemption:
    """PostFilter with DefaultPreemption, after `error` (this cycle's FitError) and before any change.

    Only nodes that failed with plain Unschedulable are tried; the others say "not helpful". With more
    potential nodes than the candidate count, the dry run starts at an offset drawn from `rng`."""
    if pod.preemption_policy == "Never":
        return Preemption(message=PREEMPTION + NOT_ELIGIBLE)
    failed = {snap.index[name]: v for name, v in error.statuses}
    nominated = snap.index.get(pod.nominated_node or "")
    if nominated is not None and not (nominated in failed and failed[nominated].unresolvable):
        if any(p.terminating and p.priority < pod.priority for p in snap.pods_on[nominated].values()):
            return Preemption(message=PREEMPTION + TERMINATING_VICTIM)
    reasons: dict[int, tuple[str, ...]] = {}
    potential = []
    for i in range(len(snap)):
        if error.prefilter or (i in failed and failed[i].unresolvable):
            reasons[i] = (NOT_HELPFUL,)
        else:
            potential.append(i)
    candidates: list[tuple[int, tuple[PodInfo, ...]]] = []
    if potential:
        wanted = num_candidates(len(potential))
        offset = rng.randrange(len(potential)) if rng is not None and wanted < len(potential) else 0
        for k in range(len(potential)):
            i = potential[(offset + k) % len(potential)]
            victims, why = select_victims(pod, snap, i, volumes, failed.get(i))
            if why:
                reasons[i] = why
            elif victims:
                candidates.append((i, victims))
                if len(candidates) >= wanted:
                    break
    if not candidates:
        tail = fit_error_message(len(snap), (reasons[i] for i in sorted(reasons)))
        return Preemption(message=PREEMPTION + tail)
    node = pick_node(snap, candidates)
    return Preemption(nominated_node=snap.nodes[node].name, victims=dict(candidates)[node])
