"""Score plugins with the default weights, DefaultNormalizeScore, and Go's integer arithmetic."""

from __future__ import annotations

import attrs
import numpy as np

from kdsl.engine.scheduler import topology
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.scheduler.snapshot import CPU, MEMORY, Snapshot
from kdsl.model.pods import Toleration

MAX_NODE_SCORE = 100
# The default profile's score plugins, in its order, with their weights (sum 12).
WEIGHTS = (("TaintToleration", 3), ("NodeAffinity", 2), ("NodeResourcesFit", 1), ("PodTopologySpread", 2),
           ("InterPodAffinity", 2), ("NodeResourcesBalancedAllocation", 1), ("ImageLocality", 1))
MB = 1024 * 1024
# ImageLocality's bounds: at least 23 MiB, at most 1000 MiB per container, init containers included
# (pkg/scheduler/framework/plugins/imagelocality/image_locality.go calculatePriority).
MIN_THRESHOLD, MAX_THRESHOLD = 23 * MB, 1000 * MB


@attrs.frozen(eq=False)
class PluginScore:
    """One score plugin over the nodes `idx`: what Score returned and what NormalizeScore made of it."""

    plugin: str
    weight: int
    raw: np.ndarray
    normalized: np.ndarray

    @property
    def weighted(self) -> np.ndarray:
        return self.normalized * self.weight


def go_div(a: np.ndarray, b: int | np.ndarray) -> np.ndarray:
    """Go's integer division, which truncates toward zero (numpy's // floors)."""
    q = np.abs(a) // np.abs(b)
    return np.where((np.asarray(a) < 0) != (np.asarray(b) < 0), -q, q)


def default_normalize(scores: np.ndarray, reverse: bool) -> np.ndarray:
    """helper.DefaultNormalizeScore(MaxNodeScore, reverse)."""
    top = max(int(scores.max()), 0) if len(scores) else 0
    if top == 0:
        return np.full(len(scores), MAX_NODE_SCORE, dtype=np.int64) if reverse else scores.copy()
    s = go_div(MAX_NODE_SCORE * scores, top)
    return MAX_NODE_SCORE - s if reverse else s


def least_allocated(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> np.ndarray:
    """NodeResourcesFit's LeastAllocated over cpu and memory (weight 1 each), with the non-zero requests."""
    alloc = snap.alloc.take(idx, axis=0)[:, :MEMORY + 1]  # cpu and memory; take() beats a[idx] on rows
    nz = snap.non_zero.take(idx, axis=0)
    if len(idx) and alloc.min() > 0:
        # Every node reports cpu and memory (both weights count): the same arithmetic, column by column.
        cpu_free = alloc[:, CPU] - (nz[:, CPU] + pod.non_zero[CPU])
        mem_free = alloc[:, MEMORY] - (nz[:, MEMORY] + pod.non_zero[MEMORY])
        cpu = np.where(cpu_free >= 0, cpu_free * MAX_NODE_SCORE // alloc[:, CPU], 0)
        mem = np.where(mem_free >= 0, mem_free * MAX_NODE_SCORE // alloc[:, MEMORY], 0)
        return (cpu + mem) // 2
    req = nz + np.asarray(pod.non_zero, dtype=np.int64)
    ok = alloc > 0
    safe = np.where(ok, alloc, 1)
    per = np.where(ok & (req <= alloc), (alloc - req) * MAX_NODE_SCORE // safe, 0)
    weights = ok.sum(axis=1)
    return np.where(weights > 0, per.sum(axis=1) // np.maximum(weights, 1), 0)


def balanced_allocation(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> np.ndarray:
    """(1 − |f_cpu − f_mem| / 2) · 100 with real requests; 0 everywhere for a pod without requests."""
    if pod.requests[CPU] == 0 and pod.requests[MEMORY] == 0:
        return np.zeros(len(idx), dtype=np.int64)  # PreScore skips best-effort pods
    alloc_int = snap.alloc.take(idx, axis=0)[:, :MEMORY + 1]
    requested = snap.requested.take(idx, axis=0)
    if len(idx) and alloc_int.min() > 0:
        # Every node reports cpu and memory: the same arithmetic, column by column.
        cpu = np.minimum((requested[:, CPU] + pod.requests[CPU]).astype(np.float64)
                         / alloc_int[:, CPU].astype(np.float64), 1.0)
        mem = np.minimum((requested[:, MEMORY] + pod.requests[MEMORY]).astype(np.float64)
                         / alloc_int[:, MEMORY].astype(np.float64), 1.0)
        return np.trunc((1 - np.abs((cpu - mem) / 2)) * float(MAX_NODE_SCORE)).astype(np.int64)
    alloc = alloc_int.astype(np.float64)
    req = (requested[:, :MEMORY + 1] + np.asarray(pod.requests[:2], dtype=np.int64)).astype(np.float64)
    ok = alloc > 0
    frac = np.minimum(np.where(ok, req / np.where(ok, alloc, 1.0), 0.0), 1.0)
    std = np.where(ok.all(axis=1), np.abs((frac[:, 0] - frac[:, 1]) / 2), 0.0)
    return np.trunc((1 - std) * float(MAX_NODE_SCORE)).astype(np.int64)


def _prefer_tolerations(pod: PodInfo) -> tuple[Toleration, ...]:
    return tuple(t for t in pod.template.tolerations if t.effect in (None, "PreferNoSchedule"))


def taint_toleration(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> np.ndarray:
    """The number of PreferNoSchedule taints the pod does not tolerate."""
    if not snap.node_index.soft_taints:
        return np.zeros(len(idx), dtype=np.int64)
    tolerations = _prefer_tolerations(pod)
    raw = np.zeros(len(snap), dtype=np.int64)
    for taint, nodes in snap.node_index.soft_taints.items():
        if taint.effect == "PreferNoSchedule" and not any(
                t.tolerates(taint.key, taint.value, taint.effect) for t in tolerations):
            np.add.at(raw, nodes, 1)
    return raw[idx]


def node_affinity(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> np.ndarray:
    """The sum of the weights of the preferred node terms a node matches (empty terms are skipped)."""
    if not pod.template.affinity.node_preferred:
        return np.zeros(len(idx), dtype=np.int64)
    raw = np.zeros(len(snap), dtype=np.int64)
    for term in pod.template.affinity.node_preferred:
        if term.weight and term.requirements:
            raw += term.weight * snap.requirements_mask(term.requirements)
    return raw[idx]


def image_locality(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> np.ndarray:
    """ImageLocality: Σ size · nodesWithImage/allNodes over the init and app containers (an image as often as
    containers run it), clamped to [23 MiB, 1000 MiB × containers] and scaled to 0–100."""
    if not any(image in snap.node_index.images for image in pod.images):
        return np.zeros(len(idx), dtype=np.int64)  # every total clamps to the minimum: 0
    total = np.zeros(len(snap), dtype=np.int64)
    for image in pod.images:
        nodes = snap.node_index.images.get(image)
        if nodes is not None:
            total[nodes] += int(float(snap.image_size(image)) * (len(nodes) / len(snap)))
    top = MAX_THRESHOLD * len(pod.images)
    clamped = np.clip(total[idx], MIN_THRESHOLD, top)
    return MAX_NODE_SCORE * (clamped - MIN_THRESHOLD) // (top - MIN_THRESHOLD)


def score_nodes(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> tuple[PluginScore, ...]:
    """Every score plugin over the feasible nodes `idx`; normalization sees exactly these nodes."""
    idx = np.asarray(idx, dtype=np.int64)
    zeros = np.zeros(len(idx), dtype=np.int64)
    taint = taint_toleration(pod, snap, idx)
    affinity = node_affinity(pod, snap, idx)
    fit = least_allocated(pod, snap, idx)
    spread = topology.spread_score(pod, snap, idx) or (zeros, zeros)
    inter = topology.affinity_score(pod, snap, idx)
    balanced = balanced_allocation(pod, snap, idx)
    image = image_locality(pod, snap, idx)
    pairs = ((taint, default_normalize(taint, reverse=True)), (affinity, default_normalize(affinity, reverse=False)),
             (fit, fit), spread, inter, (balanced, balanced), (image, image))
    return tuple(PluginScore(name, weight, raw, norm) for (name, weight), (raw, norm) in zip(WEIGHTS, pairs))


def node_totals(pod: PodInfo, snap: Snapshot, idx: np.ndarray) -> np.ndarray:
    """total_scores(score_nodes(pod, snap, idx)) without the per-plugin records: the scheduling
    cycle's sum, where a plugin that cannot tell nodes apart adds its known constant."""
    idx = np.asarray(idx, dtype=np.int64)
    total = least_allocated(pod, snap, idx) + balanced_allocation(pod, snap, idx)
    if snap.node_index.soft_taints:
        total += 3 * default_normalize(taint_toleration(pod, snap, idx), reverse=True)
    else:
        total += 3 * MAX_NODE_SCORE  # every raw score 0: reverse normalization gives 100 everywhere
    if pod.template.affinity.node_preferred:
        total += 2 * default_normalize(node_affinity(pod, snap, idx), reverse=False)
    spread = topology.spread_score(pod, snap, idx)
    if spread is not None:
        total += 2 * spread[1]
    total += 2 * topology.affinity_score(pod, snap, idx)[1]
    if any(image in snap.node_index.images for image in pod.images):
        total += image_locality(pod, snap, idx)
    return total


def total_scores(scores: tuple[PluginScore, ...]) -> np.ndarray:
    """Σ weight · normalized score per node."""
    return sum((s.weighted for s in scores), start=np.zeros(len(scores[0].raw), dtype=np.int64))
