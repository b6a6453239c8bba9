"""Why an unscheduled pod waits: the scheduler's verdicts on every node, grouped and worded, with what would fit."""

from __future__ import annotations

from kdsl.engine.scheduler import topology
from kdsl.engine.scheduler.explain import explain
from kdsl.engine.scheduler.filters import INSUFFICIENT, TOO_MANY_PODS, UNBOUND_PVC, tolerated
from kdsl.engine.scheduler.nodeinfo import HARD_EFFECTS, UNSCHEDULABLE_TAINT
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.scheduler.snapshot import CPU, EPHEMERAL, MEMORY, PODS
from kdsl.engine.scheduler.volume_binding import BIND_CONFLICT, NODE_CONFLICT, PV_MISSING, claim_names
from kdsl.engine.nodes import NOT_READY, UNREACHABLE
from kdsl.core.values import format_bytes
from kdsl.model.base import Selector
from kdsl.views.why_words import Found, cpu_text, names, plural, s_verb

# The resources NodeResourcesFit words as "Insufficient <name>", with how a person names each.
RESOURCES = ((CPU, INSUFFICIENT[0], "CPU"), (MEMORY, INSUFFICIENT[1], "memory"),
             (EPHEMERAL, INSUFFICIENT[2], "ephemeral storage"))
VOLUME_WORDS = {BIND_CONFLICT: "have no free PersistentVolume that matches its claims",
                NODE_CONFLICT: "are not where a PersistentVolume bound to its claims can be used",
                PV_MISSING: "cannot be checked: a claim is bound to a PersistentVolume that does not exist"}


# Taints the control plane puts on a node for its condition, and what each says about the node.
CONDITION_TAINTS = {UNREACHABLE: " (the node stopped posting status)", NOT_READY: " (the node is NotReady)",
                    UNSCHEDULABLE_TAINT.key: " (the node is cordoned)"}


def amount(r: int, value: int) -> str:
    return cpu_text(value) if r == CPU else format_bytes(max(value, 0)) if value else "0"


def unscheduled(sim, obj, snapshot, volumes, found: Found) -> None:
    """The sentences for a pod no node was chosen for, from the engine's Explanation on `snapshot`."""
    gates = obj.spec.template.scheduling_gates
    if gates:
        found.head(f"it has {plural(len(gates), 'scheduling gate')} ({', '.join(gates)})")
        found.say("The scheduler does not try to place a gated pod; it does once every gate is removed from "
                  "spec.schedulingGates.")
        found.fact("gates", len(gates))
        found.fix_lead = "It would be scheduled with"
        found.fix("its gates removed (by whatever added them)")
        return
    if not len(snapshot):
        found.head("the cluster has no nodes")
        found.fix("a node (`add node`)")
        return
    ex = explain(obj, snapshot, volumes)
    found.fact("nodes", len(snapshot))
    fit = sum(n.feasible for n in ex.nodes)
    found.fact("fit", fit)
    if ex.prefilter:
        found.head(f"the scheduler tries no node: {ex.prefilter}")
        _prefilter(ex.prefilter, obj, found)
        return
    if fit:
        best = ", ".join(ex.best)
        found.head(f"{fit} of {len(snapshot)} nodes fit now")
        found.say(f"The scheduler binds it at its next attempt (the best scored: {best}); it tries again "
                  "when the cluster changes.")
        return
    found.head(f"0 of {len(snapshot)} nodes fit")
    pod = PodInfo.of(obj)
    groups: dict[str, list[int]] = {}
    for i, n in enumerate(ex.nodes):
        groups.setdefault(n.failure.plugin, []).append(i)
    found.fact("failed", {plugin: len(ix) for plugin, ix in groups.items()})
    for plugin, ix in sorted(groups.items(), key=lambda kv: kv[1][0]):  # in the order of their first node
        WORDS[plugin](pod, snapshot, ex, ix, found)
    found.fact("reported", ex.message)


def _only(ex, i: int, *plugins: str) -> bool:
    """The node fails these plugins and no other (all filters ran on it): changing that one thing would do."""
    return all(v is None or v.plugin in plugins for v in ex.nodes[i].verdicts)


def _unschedulable(pod, snap, ex, ix, found: Found) -> None:
    nodes = [snap.nodes[i].name for i in ix]
    found.say(f"{names(nodes)} {s_verb(nodes, 'is', 'are')} cordoned (spec.unschedulable).")
    # A cordoned node also carries the unschedulable taint (TaintToleration fails on it too): one change, uncordon.
    only = [snap.nodes[i].name for i in ix if _only(ex, i, "NodeUnschedulable", "TaintToleration")
            and all(str(t) == str(UNSCHEDULABLE_TAINT) for t in snap.nodes[i].taints if t.effect in HARD_EFFECTS
                    and not tolerated(pod.template.tolerations, t))]
    if only:
        found.fix(f"uncordoning {names(only, 'or')}")


def _node_name(pod, snap, ex, ix, found: Found) -> None:
    nodes = [snap.nodes[i].name for i in ix]
    found.say(f"{names(nodes)} {s_verb(nodes, 'is', 'are')} not the node the pod names "
              f"(spec.nodeName {pod.template.node_name}).")


def _taints(pod, snap, ex, ix, found: Found) -> None:
    by_taint: dict[str, list[str]] = {}
    for i in ix:
        node = snap.nodes[i]
        taint = next(t for t in node.taints if t.effect in HARD_EFFECTS and not tolerated(pod.template.tolerations, t))
        by_taint.setdefault(str(taint), []).append(node.name)
    for taint, nodes in by_taint.items():
        cause = CONDITION_TAINTS.get(taint.partition(":")[0], "")
        found.say(f"{names(nodes)} {s_verb(nodes, 'has', 'have')} taint {taint}{cause}, which the pod does not "
                  "tolerate.")
    fixes = []
    for i in ix:
        if _only(ex, i, "TaintToleration"):
            for t in snap.nodes[i].taints:
                if t.effect in HARD_EFFECTS and not tolerated(pod.template.tolerations, t):
                    fixes.append(f"{t.key}={t.value}" if t.value else t.key)
    for key in dict.fromkeys(fixes):
        found.fix(f"a toleration for {key}")
    found.fact("taints", {t: len(n) for t, n in by_taint.items()})


def _node_affinity(pod, snap, ex, ix, found: Found) -> None:
    nodes = [snap.nodes[i].name for i in ix]
    tpl = pod.template
    wants = []
    if tpl.node_selector:
        wants.append(f"node selector {', '.join(f'{k}={v}' for k, v in tpl.node_selector)}")
    if tpl.affinity.node_required:
        terms = " or ".join(f"({Selector((), term)})" for term in tpl.affinity.node_required)
        wants.append(f"required node affinity {terms}")
    found.say(f"{names(nodes)} {s_verb(nodes, 'does', 'do')} not match the pod's {' and '.join(wants)}.")
    if len(ix) == len(snap):
        found.say("No node of the cluster has those labels.")
    if tpl.node_selector and any(_only(ex, i, "NodeAffinity") for i in ix):
        found.fix(f"a node labelled {', '.join(f'{k}={v}' for k, v in tpl.node_selector)}")
    elif any(_only(ex, i, "NodeAffinity") for i in ix):
        found.fix("a node whose labels satisfy its node affinity")


def _node_ports(pod, snap, ex, ix, found: Found) -> None:
    nodes = [snap.nodes[i].name for i in ix]
    ports = ", ".join(f"{port}/{proto}" for proto, port in pod.host_ports)
    found.say(f"{names(nodes)} already {s_verb(nodes, 'has', 'have')} a pod bound to host port {ports}.")
    if any(_only(ex, i, "NodePorts") for i in ix):
        found.fix("another host port")
    found.fix("a node where that host port is free", last=True)


def _resources(pod, snap, ex, ix, found: Found) -> None:
    reasons = {i: ex.nodes[i].failure.reasons for i in ix}
    full = [snap.nodes[i].name for i in ix if TOO_MANY_PODS in reasons[i]]
    if full:
        most = int(snap.alloc[snap.index[full[0]], PODS])
        found.say(f"{names(full)} already {s_verb(full, 'runs', 'run')} as many pods as {s_verb(full, 'it', 'they')} "
                  f"may ({most}).")
        found.fix("a node with room for another pod", last=True)
    for r, reason, word in RESOURCES:
        lacking = [i for i in ix if reason in reasons[i]]
        if not lacking:
            continue
        want = int(pod.requests[r])
        free = {i: int(snap.alloc[i, r] - snap.requested[i, r]) for i in lacking}
        top = max(lacking, key=lambda i: (free[i], -i))
        nodes = [snap.nodes[i].name for i in lacking]
        found.say(f"{names(nodes)} {s_verb(nodes, 'lacks', 'lack')} {word} (the pod requests {amount(r, want)}; "
                  f"{'the most free is' if len(lacking) > 1 else 'free is'} {amount(r, free[top])} "
                  f"on {snap.nodes[top].name}).")
        found.fact(f"requests {word}", want)
        found.fact(f"most free {word}", max(free[top], 0))
        # Only where nothing but this resource is missing would a smaller request do.
        alone = [i for i in lacking if _only(ex, i, "NodeResourcesFit") and reasons[i] == (reason,)]
        if alone:
            room = max(free[i] for i in alone)
            if room > 0:
                found.fix(f"a request of at most {amount(r, room)} {word}")
        allocatable = int(snap.alloc[:, r].max())
        if want > allocatable:
            found.say(f"No node could ever hold it: the largest allocatable {word} is {amount(r, allocatable)}.")
            found.fix(f"a node with {amount(r, want)} allocatable {word}", last=True)
        else:
            found.fix(f"a node with {amount(r, want)} free {word}", last=True)


def _volumes(pod, snap, ex, ix, found: Found) -> None:
    by_reason: dict[str, list[str]] = {}
    for i in ix:
        for reason in ex.nodes[i].failure.reasons:
            by_reason.setdefault(reason, []).append(snap.nodes[i].name)
    for reason, nodes in by_reason.items():
        words = VOLUME_WORDS.get(reason)
        if words is None:
            found.say(f"{names(nodes)}: {reason}.")
            continue
        found.say(f"{names(nodes)} {words if len(nodes) > 1 else _singular(words)} ({reason}).")
    if BIND_CONFLICT in by_reason:
        found.fix("a PersistentVolume that matches the claim (size, class, access mode) on a node that fits")
    if NODE_CONFLICT in by_reason:
        found.fix("room on a node the volume can be used from", last=True)


def _singular(words: str) -> str:
    for plural_form, one in (("have ", "has "), ("are ", "is ")):
        if words.startswith(plural_form):
            return one + words[len(plural_form):]
    return words


def _spread(pod, snap, ex, ix, found: Found) -> None:
    nodes = [snap.nodes[i].name for i in ix]
    missing = [snap.nodes[i].name for i in ix if topology.SPREAD_LABEL in ex.nodes[i].failure.reasons]
    if missing:
        found.say(f"{names(missing)} {s_verb(missing, 'lacks', 'lack')} the label of its topology spread constraint.")
    skewed = [n for n in nodes if n not in missing]
    for c, per in topology.spread_domains(pod, snap):  # the filter's own counts of matching pods per domain
        per = dict(sorted(per.items()))
        here = sorted({snap.nodes[snap.index[n]].labels.get(c.key) for n in skewed} & set(per))
        if not here:
            continue
        low = min(per.values())
        skew = min(per[v] for v in here) + (1 if c.selector.matches(pod.labels) else 0) - low
        if skew <= c.max_skew:
            continue  # not this constraint
        shown = ", ".join(f"{n} in {v}" for v, n in per.items())
        found.say(f"{names(skewed)} would break its spread over {c.key} (maxSkew {c.max_skew}): the pods matching "
                  f"{c.selector} number {shown}, and one more in {names(here, 'or')} would make the skew {skew}.")
        found.fact(f"spread {c.key}", per)
        found.fact(f"skew {c.key}", skew)
        found.fix(f"a maxSkew of {skew}")
    found.fix("more nodes in the least-used topology domain", last=True)


def _inter_pod(pod, snap, ex, ix, found: Found) -> None:
    by_reason: dict[str, list[str]] = {}
    for i in ix:
        for reason in ex.nodes[i].failure.reasons:
            by_reason.setdefault(reason, []).append(snap.nodes[i].name)
    aff = pod.template.affinity
    for reason, nodes in by_reason.items():
        if reason == topology.AFFINITY:
            rules = "; ".join(f"pods {t.selector} on the same {t.topology_key}" for t in aff.pod_required)
            found.say(f"{names(nodes)} {s_verb(nodes, 'has', 'have')} none of the pods its affinity asks for "
                      f"({rules}).")
            found.fix("a running pod that its affinity selects")
        elif reason == topology.ANTI_AFFINITY:
            rules = "; ".join(f"pods {t.selector} on the same {t.topology_key}" for t in aff.anti_required)
            found.say(f"{names(nodes)} already {s_verb(nodes, 'runs', 'run')} a pod its anti-affinity avoids "
                      f"({rules}).")
            found.fix("a node with no pod its anti-affinity avoids")
        elif reason == topology.EXISTING_ANTI_AFFINITY:
            found.say(f"{names(nodes)} {s_verb(nodes, 'runs', 'run')} a pod whose anti-affinity keeps this pod away.")
        else:
            found.say(f"{names(nodes)}: {reason}.")


WORDS = {"NodeUnschedulable": _unschedulable, "NodeName": _node_name, "TaintToleration": _taints,
         "NodeAffinity": _node_affinity, "NodePorts": _node_ports, "NodeResourcesFit": _resources,
         "VolumeBinding": _volumes, "PodTopologySpread": _spread, "InterPodAffinity": _inter_pod}


def _prefilter(message: str, obj, found: Found) -> None:
    """VolumeBinding's PreFilter: a claim missing, being deleted or not bound yet stops the cycle before any node."""
    claims = claim_names(obj.spec.template)
    found.fact("claims", claims)
    if message == UNBOUND_PVC:
        found.say(f"Its claim{'s' if len(claims) > 1 else ''} {', '.join(claims)} must be bound to a "
                  "PersistentVolume first (the class binds at once, not on the first consumer), and no volume "
                  "was bound to it.")
        found.fix_lead = "It would be scheduled with"
        found.fix("a PersistentVolume that matches the claim")
        found.fix("a StorageClass with a provisioner")
    else:
        found.say("The scheduler tries again when the claims it mounts change.")
        found.fix_lead = "It would be scheduled with"
        name = message.split('"')[1] if message.count('"') == 2 else None  # volume_binding's NOT_FOUND/BEING_DELETED
        found.fix(f"a PersistentVolumeClaim {name}" if name else "the PersistentVolumeClaim it names")
