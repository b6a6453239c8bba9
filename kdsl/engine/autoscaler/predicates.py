"""The scheduler's own filter plugins asked about one pod and a cluster snapshot, as the autoscaler's checker does."""

from __future__ import annotations

import attrs
import numpy as np

from kdsl.engine.objects import ApiObject
from kdsl.engine.scheduler.filters import run_filters
from kdsl.engine.scheduler.nodeinfo import NodeInfo
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.scheduler.snapshot import Snapshot


def unbound(pod: ApiObject) -> PodInfo:
    """The pod as a scheduling cycle sees it wherever it runs now: without its node name (so that moving it
    is asked, not refused by NodeName) and without a nomination."""
    tpl = pod.spec.template
    if tpl.node_name is not None:
        pod = attrs.evolve(pod, spec=attrs.evolve(pod.spec, template=attrs.evolve(tpl, node_name=None)))
    info = PodInfo.of(pod)
    return attrs.evolve(info, nominated_node=None) if info.nominated_node else info


def with_nodes(snap: Snapshot, add: list[NodeInfo] = (), drop: set[str] = frozenset()) -> Snapshot:
    """A copy of `snap` (pods included) with nodes added and nodes dropped (their pods with them): the
    autoscaler's fork of the cluster snapshot; the scheduler's own is never changed."""
    nodes = [n for n in snap.nodes if n.name not in drop] + list(add)
    return snap.with_nodes(nodes)


def with_template_nodes(snap: Snapshot, nodes: list[tuple], store) -> Snapshot:
    """A copy of `snap` with new nodes, (group, name) pairs, each with the DaemonSet pods it would run."""
    out = with_nodes(snap, add=[g.template(name) for g, name in nodes])
    for g, name in nodes:
        for pod in g.daemon_pods(store, name):
            out.add_pod(name, pod)
    return out


def check(pod: PodInfo, snap: Snapshot, node: str, volumes) -> tuple[str, ...]:
    """CheckPredicates: () when the pod passes every filter on `node`, else the first failing plugin's reasons."""
    filtered = run_filters(pod, snap, np.asarray([snap.index[node]]), volumes)
    return () if filtered.first[0] < 0 else filtered.verdict(0).reasons


def indices(snap: Snapshot, names) -> np.ndarray:
    """The snapshot's positions of these nodes, in their order."""
    return np.asarray([snap.index[n] for n in names], dtype=np.int64)


def fits_any(pod: PodInfo, snap: Snapshot, volumes, among: np.ndarray | None = None) -> str | None:
    """FitsAnyNodeMatching: the first node (in name order, or the positions `among` in their order) where the
    pod passes."""
    idx = np.arange(len(snap)) if among is None else among
    if not len(idx):
        return None
    filtered = run_filters(pod, snap, idx, volumes)
    ok = np.flatnonzero(filtered.first < 0)
    return snap.nodes[int(idx[ok[0]])].name if len(ok) else None
