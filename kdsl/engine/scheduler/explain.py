"""Why is my pod Pending: every filter's verdict and every score on every node, as plain rows."""

from __future__ import annotations

from typing import Any

import attrs
from kdsl.engine.scheduler.filters import FILTER_NAMES, Verdict, VolumeBinding, run_filters
from kdsl.engine.scheduler.messages import fit_error_message
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.scheduler.scores import WEIGHTS, score_nodes, total_scores
from kdsl.engine.scheduler.snapshot import Snapshot


@attrs.frozen
class PluginRow:
    plugin: str
    raw: int
    normalized: int
    weighted: int


@attrs.frozen
class NodeExplanation:
    """One node: each filter's verdict (None: passed; all filters run, unlike a real cycle), the verdict
    Kubernetes would report (the first failure), and for a feasible node each plugin's scores."""

    node: str
    verdicts: tuple[Verdict | None, ...]
    failure: Verdict | None
    scores: tuple[PluginRow, ...] = ()
    total: int | None = None

    @property
    def feasible(self) -> bool:
        return self.failure is None


@attrs.frozen
class Explanation:
    """Every node, in name order; scores are normalized over all feasible nodes (no sampling)."""

    pod: str
    nodes: tuple[NodeExplanation, ...]
    prefilter: str | None = None
    message: str | None = None  # the FitError text without the preemption tail, when nothing fits

    @property
    def best(self) -> tuple[str, ...]:
        """The nodes with the highest total: the scheduler picks one of them at random (seeded)."""
        totals = [n.total for n in self.nodes if n.total is not None]
        top = max(totals, default=None)
        return tuple(n.node for n in self.nodes if top is not None and n.total == top)

    def rows(self) -> list[dict[str, Any]]:
        """One plain dict per node: `filter:<Plugin>` ("pass" or the reasons), `<Plugin>.raw`,
        `.normalized`, `.weighted` and `total` (None where the node is infeasible)."""
        best = set(self.best)
        rows = []
        for n in self.nodes:
            row: dict[str, Any] = {"node": n.node, "feasible": n.feasible,
                                   "reason": "" if n.failure is None else ", ".join(n.failure.reasons),
                                   "failed_plugin": None if n.failure is None else n.failure.plugin,
                                   "unresolvable": None if n.failure is None else n.failure.unresolvable}
            for name, v in zip(FILTER_NAMES, n.verdicts or (None,) * len(FILTER_NAMES)):
                row[f"filter:{name}"] = (None if self.prefilter else "pass") if v is None else ", ".join(v.reasons)
            scored = {s.plugin: s for s in n.scores}
            for name, _ in WEIGHTS:
                s = scored.get(name)
                row[f"{name}.raw"] = None if s is None else s.raw
                row[f"{name}.normalized"] = None if s is None else s.normalized
                row[f"{name}.weighted"] = None if s is None else s.weighted
            row["total"] = n.total
            row["best"] = n.node in best
            rows.append(row)
        return rows


def explain(pod: Any, snapshot: Snapshot, volumes: VolumeBinding | None = None) -> Explanation:
    """Run every filter on every node and score every feasible node, changing nothing."""
    pod = PodInfo.of(pod)
    volumes = volumes or VolumeBinding()
    message = volumes.prefilter(pod)
    if message:
        failure = Verdict("VolumeBinding", (message,), True)
        nodes = tuple(NodeExplanation(x.name, (), failure) for x in snapshot.nodes)
        return Explanation(pod.key, nodes, prefilter=message,
                           message=fit_error_message(len(snapshot), prefilter=message))
    filtered = run_filters(pod, snapshot, None, volumes, every=True)
    feasible = filtered.feasible
    rows: dict[int, tuple[tuple[PluginRow, ...], int]] = {}
    if len(feasible):
        scores = score_nodes(pod, snapshot, feasible)
        totals = total_scores(scores)
        for k, i in enumerate(feasible.tolist()):
            rows[i] = (tuple(PluginRow(s.plugin, int(s.raw[k]), int(s.normalized[k]), int(s.weighted[k]))
                             for s in scores), int(totals[k]))
    nodes = []
    for k, info in enumerate(snapshot.nodes):
        verdicts = tuple(None if c is None or not c.failed[k] else c.verdict(k) for c in filtered.checks)
        scored, total = rows.get(k, ((), None))
        nodes.append(NodeExplanation(info.name, verdicts, filtered.verdict(k), scored, total))
    message = None
    if not len(feasible):
        message = fit_error_message(len(snapshot), (n.failure.reasons for n in nodes if n.failure))
    return Explanation(pod.key, tuple(nodes), message=message)

