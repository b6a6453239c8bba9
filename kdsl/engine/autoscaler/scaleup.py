"""Scale-up as core/scaleup/orchestrator/orchestrator.go decides it, with the binpacking estimator and the random expander."""

from __future__ import annotations

import attrs

from kdsl.engine.autoscaler import events
from kdsl.engine.autoscaler.groups import NodeGroup
from kdsl.engine.autoscaler.simulator import check, fits_any, indices, with_template_nodes
from kdsl.engine.objects import ApiObject
from kdsl.engine.scheduler.nodeinfo import NodeInfo
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.scheduler.snapshot import Snapshot

# static_autoscaler.go unschedulablePodTimeBuffer: pods this young may have more coming; wait a loop.
NEW_POD_MS = 2_000


@attrs.frozen
class Pending:
    """An unschedulable pod with what the filters read of it."""

    pod: ApiObject
    info: PodInfo


@attrs.frozen
class Option:
    """expander.Option: a group, how many new nodes the estimate needs, and the pods they would take."""

    group: NodeGroup = attrs.field(eq=False)
    count: int
    pods: tuple[Pending, ...]


@attrs.frozen
class Outcome:
    """One ScaleUp call: the ScaleUpInfo text and the pods that triggered it, or the pods it cannot help with
    the NotTriggerScaleUp message of each."""

    group: str | None = None
    current: int = 0
    new: int = 0
    triggered: tuple[Pending, ...] = ()
    info: str = ""
    remaining: tuple[tuple[Pending, str], ...] = ()


def unschedulable(store) -> list[ApiObject]:
    """Pods the scheduler gave up on (PodScheduled=False, reason Unschedulable), oldest first: the
    autoscaler's unschedulable pod lister (kube_util.UnschedulablePodLister)."""
    out = []
    for pod in store.list("Pod"):
        tpl = pod.spec.template
        if tpl.node_name is not None or pod.terminating or tpl.scheduling_gates or pod.status is None:
            continue
        cond = pod.status.condition("PodScheduled")
        if cond is not None and cond.status == "False" and cond.reason == "Unschedulable":
            out.append(pod)
    return sorted(out, key=lambda p: (p.meta.creation_ms, p.namespace, p.name))


def filter_out_schedulable(pods: list[Pending], snap: Snapshot, volumes) -> list[Pending]:
    """podlistprocessor/filter_out_schedulable.go: a pod that fits a node of the snapshot — upcoming nodes
    included — is placed there (higher priority first) and needs no new node."""
    left = []
    for i, p in sorted(enumerate(pods), key=lambda ip: (-(ip[1].info.priority or 0), ip[0])):
        node = fits_any(p.info, snap, volumes(p.pod))
        if node is None:
            left.append((i, p))
        else:
            snap.add_pod(node, p.info)
    return [p for _, p in sorted(left, key=lambda ip: ip[0])]


def _score(p: Pending, template: NodeInfo) -> float:
    """DecreasingPodOrderer.calculatePodScore: cpu and memory requests over the template's allocatable."""
    cpu = sum(c.requests.cpu or 0 for c in p.info.template.containers)
    mem = sum(c.requests.memory or 0 for c in p.info.template.containers)
    return (cpu / template.cpu if template.cpu > 0 else 0) + (mem / template.memory if template.memory > 0 else 0)


def estimate(pods: list[Pending], snap: Snapshot, group: NodeGroup, names: list[str], volumes, store) -> Option:
    """BinpackingNodeEstimator.Estimate (First-Fit Decreasing): each pod goes to a node already added in
    the estimate, else to the last one added, else a new node from the template (with its DaemonSet pods) is
    added — at most
    `len(names)` (the group's room below its max: sng_capacity_threshold.go). A pod that does not fit an
    empty new node stops adding nodes for it. Returns the nodes that got pods and the pods placed."""
    template = group.template(names[0]) if names else None
    ordered = sorted(pods, key=lambda p: -_score(p, template)) if template else []
    added: list[str] = []
    used: set[str] = set()
    placed: list[Pending] = []
    for p in ordered:
        vol = volumes(p.pod)
        node = fits_any(p.info, snap, vol, among=indices(snap, added)) if added else None
        if node is None and added and not check(p.info, snap, added[-1], vol):
            node = added[-1]
        if node is None:
            if (added and added[-1] not in used) or len(added) >= len(names):
                continue
            name = names[len(added)]
            snap = with_template_nodes(snap, [(group, name)], store)
            added.append(name)
            if check(p.info, snap, name, vol):
                continue
            node = name
        snap.add_pod(node, p.info)
        used.add(node)
        placed.append(p)
    return Option(group=group, count=len(used), pods=tuple(placed))


def scale_up(pods: list[Pending], groups: list[NodeGroup], snap: Snapshot, taken: set[str], rng, volumes,
             store) -> Outcome:
    """ScaleUp: groups at their max are skipped ("max node group size reached"); the others are asked, with
    one template node added, which pods would fit them; an estimate per group gives the options; the random
    expander picks one (core/.. expander/random: rand.Int31n over the options), capped at the group's max."""
    skipped: dict[str, str] = {}
    rejected: dict[str, dict[str, tuple[str, ...]]] = {}  # pod key -> group -> reasons
    options: list[Option] = []
    fit_anywhere: set[str] = set()
    for g in groups:
        target = g.target_size()
        if target >= g.max_size:
            skipped[g.name] = events.MAX_LIMIT_REACHED
            continue
        names = g.new_names(g.max_size - target, taken)
        probe = with_template_nodes(snap, [(g, names[0])], store)
        fitting = []
        for p in pods:
            reasons = check(p.info, probe, names[0], volumes(p.pod))
            if reasons:
                rejected.setdefault(p.info.key, {})[g.name] = reasons
            else:
                fitting.append(p)
                fit_anywhere.add(p.info.key)
        if fitting:
            option = estimate(fitting, snap, g, names, volumes, store)
            if option.count and option.pods:
                options.append(option)
    if not options:
        remaining = []
        for p in pods:
            if p.info.key in fit_anywhere:
                continue
            reasons = [r for rs in rejected.get(p.info.key, {}).values() for r in rs] + list(skipped.values())
            remaining.append((p, events.not_triggered(reasons)))
        return Outcome(remaining=tuple(remaining))
    best = options[rng.randrange(len(options))]
    g = best.group
    current = g.target_size()
    new = current + min(best.count, g.max_size - current)
    info = events.scale_up_info(g.name, current, new, g.max_size)
    return Outcome(group=g.name, current=current, new=new, triggered=best.pods, info=info)
