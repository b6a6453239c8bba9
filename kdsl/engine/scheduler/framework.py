"""One scheduling cycle: PreFilter, filters over a rotating window of nodes, scores, host choice, PostFilter."""

from __future__ import annotations

import random
from typing import Any

import attrs
import numpy as np

from kdsl.engine.scheduler import templates
from kdsl.engine.scheduler.explain import Explanation, explain
from kdsl.engine.scheduler.filters import Verdict, VolumeBinding, run_filters
from kdsl.engine.scheduler.messages import (NO_STATE, FitError, dynamic_resources, fit_error_message, histogram,
                                            postfilter_message)
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.scheduler.preemption import preempt
from kdsl.engine.scheduler.scores import node_totals
from kdsl.engine.scheduler.snapshot import Snapshot

__all__ = ["Explanation", "FitError", "Result", "explain", "fit_error_message", "histogram",
           "num_feasible_nodes_to_find", "schedule", "select_host"]

MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5
_WANT: dict[tuple[int, int], int] = {}  # num_feasible_nodes_to_find by (nodes, percentage): a cycle asks it


def num_feasible_nodes_to_find(num_all_nodes: int, percentage: int = 0) -> int:
    """How many feasible nodes end the search: all below 100 nodes; else the percentage (adaptive
    50 − n/125, at least 5, when 0) of the nodes, but at least 100."""
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND:
        return num_all_nodes
    if percentage == 0:
        percentage = max(50 - num_all_nodes // 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
    return max(num_all_nodes * percentage // 100, MIN_FEASIBLE_NODES_TO_FIND)


def select_host(names: list[str], totals: list[int], rng: random.Random) -> str:
    """selectHost: the highest total, ties chosen uniformly at random. Kubernetes gets the uniform
    choice by reservoir sampling (one draw per tied node); kdsl draws once among the tied nodes —
    the same distribution, and one draw instead of hundreds on a large, evenly loaded cluster."""
    best = max(totals)
    tied = [name for name, score in zip(names, totals) if score == best]
    return tied[0] if len(tied) == 1 else tied[rng.randrange(len(tied))]


@attrs.frozen
class Result:
    """A cycle's outcome. `node` is the chosen node, or None with `error`; after a failure,
    `nominated_node` and `victims` come from preemption. `next_start_index` goes to the next cycle."""

    node: str | None
    next_start_index: int
    error: FitError | None = None
    evaluated: int = 0
    feasible: int = 0
    nominated_node: str | None = None
    victims: tuple[PodInfo, ...] = ()
    # The feasible nodes' names and totals, kept as arrays: naming hundreds of nodes per cycle is
    # work only a caller who reads `totals` should pay for.
    _names: object = attrs.field(default=None, eq=False, repr=False)
    _totals: object = attrs.field(default=None, eq=False, repr=False)
    # The positions in `totals` of the highest total, in visiting order (selectHost's ties).
    _tied: object = attrs.field(default=None, eq=False, repr=False)

    @property
    def totals(self) -> tuple[tuple[str, int], ...]:
        """(node, total score) of every scored node, in visiting order."""
        if self._totals is None:
            return ()
        return tuple(zip(self._names(), self._totals.tolist()))

    @property
    def scheduled(self) -> bool:
        return self.node is not None

    @property
    def message(self) -> str | None:
        """The PodScheduled=False message and FailedScheduling event text, or None when scheduled."""
        return None if self.error is None else self.error.message


def schedule(pod: Any, snapshot: Snapshot, rng: random.Random, percentage_of_nodes_to_score: int = 0, *,
             start_index: int = 0, volumes: VolumeBinding | None = None, preemption: bool = True) -> Result:
    """Schedule one pod (a PodInfo, a Pod ApiObject or a model Pod) on `snapshot`, which is not changed.

    Nodes are visited in name order from `start_index`; the search stops once enough feasible nodes are
    found (`num_feasible_nodes_to_find`). On failure the FitError carries every visited node's first
    failing filter, and preemption (PostFilter) runs unless `preemption=False`."""
    if type(pod) is not PodInfo:  # the scheduler passes the PodInfo it made: of() would return it as is
        pod = PodInfo.of(pod)
    volumes = volumes or VolumeBinding()
    n = len(snapshot.nodes)
    if n == 0:
        return Result(None, start_index, FitError(0))
    start = start_index % n
    message = volumes.prefilter(pod)
    if message:
        statuses = tuple((x.name, Verdict("VolumeBinding", (message,), True)) for x in snapshot.nodes)
        return _failed(pod, snapshot, FitError(n, statuses, prefilter=message), start, 0, volumes, rng, preemption)
    nominated = snapshot.index.get(pod.nominated_node or "")
    if nominated is not None:
        # evaluateNominatedNode: a nominated node that passes is taken without scoring the others.
        if len(run_filters(pod, snapshot, np.asarray([nominated]), volumes).feasible):
            return Result(pod.nominated_node, start, evaluated=1, feasible=1)
    want = _WANT.get((n, percentage_of_nodes_to_score))
    if want is None:
        want = _WANT[n, percentage_of_nodes_to_score] = num_feasible_nodes_to_find(n, percentage_of_nodes_to_score)
    state, feasible, processed = _search(pod, snapshot, start, want, volumes)
    if feasible is None:
        order = (start + np.arange(n, dtype=np.int64)) % n
        # Kubernetes stops filtering once `want` nodes pass; a node's verdict does not depend on which
        # others are filtered with it, so the nodes just past the start come first, and all of them only
        # when those are not enough (then every node's verdict is needed for the message anyway).
        head = want + want // 4 + 16
        filtered = run_filters(pod, snapshot, order[:head] if head < n else order, volumes)
        ok = np.flatnonzero(filtered.first < 0)
        if len(ok) < want and head < n:
            filtered = run_filters(pod, snapshot, order, volumes)
            ok = np.flatnonzero(filtered.first < 0)
        processed = int(ok[want - 1]) + 1 if len(ok) >= want else n
        feasible = order[ok[:want]]
        if not len(feasible):
            statuses = tuple((snapshot.nodes[i].name, v) for i, v in filtered.verdicts())
            return _failed(pod, snapshot, FitError(n, statuses), (start + processed) % n, processed, volumes,
                           rng, preemption)
    return chosen(pod, snapshot, rng, state, feasible, processed, start, n)


def chosen(pod: PodInfo, snapshot: Snapshot, rng: random.Random, state: templates.TemplateState | None,
           feasible: np.ndarray, processed: int, start: int, n: int) -> Result:
    """The cycle's end once its search found feasible nodes: scores, selectHost and the Result (also batch.Batch's)."""
    next_start = (start + processed) % n
    if len(feasible) == 1:
        return Result(snapshot.nodes[int(feasible[0])].name, next_start, evaluated=processed, feasible=1)
    # = total_scores(score_nodes(...))
    totals = node_totals(pod, snapshot, feasible) if state is None else state.totals(feasible, start)
    # the highest total read at argmax's position: the same int as the array's max (int64, no NaN), without a
    # ufunc reduction's set-up, which costs some times argmax's over a window of a few hundred nodes
    tied = (totals == totals.item(totals.argmax())).nonzero()[0]  # np.flatnonzero without its wrapping
    # selectHost: the best total; ties drawn uniformly with the seeded RNG (see select_host).
    # (item(): a Python int, where indexing makes a numpy scalar for int() to convert)
    pick = tied.item(0) if len(tied) == 1 else tied.item(rng.randrange(len(tied)))
    nodes = snapshot.nodes
    node = nodes[feasible.item(pick)].name
    names = lambda at=slice(None): [nodes[i].name for i in feasible[at].tolist()]  # noqa: E731
    return _scored(node, next_start, processed, len(feasible), names, totals, tied)


def _compiled_scored():
    """Result(node, next_start_index, evaluated=, feasible=, names=, totals=, tied=) compiled straight-line through the
    slots' own setters (as podinfo._sibling, kdsl.core.evolve): a frozen class's __init__ parses the keywords and
    sets each field through object.__setattr__, some microseconds a cycle."""
    given = ("node", "next_start_index", "evaluated", "feasible", "_names", "_totals", "_tied")
    env = {"cls": Result, "new": object.__new__}
    lines = [f"def _scored({', '.join(given)}):", "    n = new(cls)"]
    for a in attrs.fields(Result):
        env[f"set{a.name}"] = getattr(Result, a.name).__set__
        if a.name not in given:
            if isinstance(a.default, attrs.Factory):  # pragma: no cover - a default made per instance
                raise TypeError(f"Result.{a.name}: a factory default")
            env[a.name] = a.default  # an immutable default (None, 0, ()): shared as attrs shares it
        lines.append(f"    set{a.name}(n, {a.name})")
    exec(compile("\n".join([*lines, "    return n"]), "<kdsl Result scored>", "exec"), env)  # noqa: S102
    return env["_scored"]


# A scheduled cycle's Result with its scored nodes: the one Result every template cycle makes.
_scored = _compiled_scored()


def _search(pod: PodInfo, snap: Snapshot, start: int, want: int, volumes: VolumeBinding):
    """The feasible nodes a search from `start` finds, without filtering every node: (template state or
    None, feasible nodes in visiting order, nodes visited). (None, None, 0) when the general search must
    run: another kind of pod, or no feasible node (the FitError needs every node's verdict)."""
    n = len(snap.nodes)
    names = templates.node_names(pod)
    if names is not None:
        # NodeAffinity's PreFilterResult: only the named nodes can pass, so only they are filtered, in
        # visiting order; the nodes and their count are those the search over all nodes finds.
        idx = sorted((snap.index[x] for x in names if x in snap.index), key=lambda i: (i - start) % n)
        idx = np.asarray(idx, dtype=np.int64)
        ok = np.flatnonzero(run_filters(pod, snap, idx, volumes).first < 0)
        if not len(ok):
            return None, None, 0
        processed = (int(idx[ok[want - 1]]) - start) % n + 1 if len(ok) >= want else n
        return None, idx[ok[:want]], processed
    if not templates.eligible(pod, snap, volumes):
        return None, None, 0
    state = templates.of(snap).state(pod, snap)
    feasible, processed = state.window(start, want)
    return (state, feasible, processed) if len(feasible) else (None, None, 0)


def _failed(pod: PodInfo, snap: Snapshot, error: FitError, next_start: int, evaluated: int,
            volumes: VolumeBinding, rng: random.Random, preemption: bool) -> Result:
    if not preemption:
        return Result(None, next_start, error, evaluated)
    if error.prefilter and dynamic_resources(snap.version):
        # DynamicResources' PostFilter errs (NO_STATE) and DefaultPreemption never runs (messages.py).
        return Result(None, next_start, attrs.evolve(error, postfilter=NO_STATE), evaluated)
    post = preempt(pod, snap, error, volumes, rng)
    message = postfilter_message(snap.version, post.message)
    error = attrs.evolve(error, postfilter=message or None)
    return Result(None, next_start, error, evaluated, nominated_node=post.nominated_node, victims=post.victims)
