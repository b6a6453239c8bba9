"""A node as the kubelet registers and reports it (capacity, conditions, their taints), and as kubectl patches it."""

from __future__ import annotations

import functools

import attrs

from kdsl.engine.apiserver.request import Request
from kdsl.engine.objects import ApiObject, Condition, Meta, NodeStatus
from kdsl.model.base import FieldRequirement
from kdsl.model.timeline import LabelNode, NodeOp, TaintNode, UntaintNode
from kdsl.model.nodes import Node, Taint

UNREACHABLE = "node.kubernetes.io/unreachable"
NOT_READY = "node.kubernetes.io/not-ready"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"

# The conditions a healthy kubelet posts, with its own reasons and messages.
HEALTHY = (
    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
)


def _healthy(now: int) -> tuple[Condition, ...]:
    return tuple(Condition(type=t, status=s, reason=r, message=m, last_transition_ms=now) for t, s, r, m in HEALTHY)


@functools.lru_cache(maxsize=64)
def healthy_conditions(now: int) -> tuple[Condition, ...]:
    """_healthy's conditions, shared (frozen values) by the nodes that register or recover at one moment: a
    scenario's nodes all register at t=0, and four Conditions made through __init__ cost some 25,000 instructions."""
    return _healthy(now)


def register(node: Node, uid: str, pod_cidr: str, now: int) -> ApiObject:
    """The Node object a kubelet creates when it starts: allocatable = capacity (no reservations)."""
    # The node strategy keeps no generation (pkg/registry/core/node/strategy.go).
    meta = Meta(name=node.name, uid=uid, labels=node.labels, annotations=node.annotations, creation_ms=now,
                generation=0)
    status = NodeStatus(cpu=node.cpu, memory=node.memory, pods=node.pods, conditions=healthy_conditions(now),
                        images=node.images, pod_cidr=pod_cidr, last_heartbeat_ms=now)
    return ApiObject(kind="Node", meta=meta, spec=node, status=status)


def with_taints(obj: ApiObject, add: tuple[Taint, ...] = (), remove_keys: tuple[str, ...] = ()) -> ApiObject:
    """The node with taints added (once) and the taints of some keys removed."""
    kept = tuple(t for t in obj.spec.taints if t.key not in remove_keys)
    for t in add:
        if t not in kept:
            kept += (t,)
    return attrs.evolve(obj, spec=attrs.evolve(obj.spec, taints=kept))


def status_text(obj: ApiObject) -> str:
    """kubectl's STATUS column for a node: Ready, NotReady or Unknown, with SchedulingDisabled."""
    ready = obj.status.condition("Ready")
    text = {"True": "Ready", "False": "NotReady"}.get(ready.status if ready else "", "Unknown")
    if ready is not None and ready.status == "Unknown":
        text = "NotReady"  # kubectl prints NotReady for Unknown too; the condition says Unknown
    if obj.spec.unschedulable:
        text += ",SchedulingDisabled"
    return text


# `label node`, `taint node`, `untaint node`: kubectl label / taint, a PATCH of the node through the API server.
# The node is written like any object (RBAC as the action's user, validation), so every watcher of nodes wakes:
# the scheduler, the DaemonSet controller and the taint eviction controller see the new labels and taints.
# kubectl's output lines are events on the node (source `kubectl`), as a drain's are.
def _say(sim, node, reason: str, text: str, warning: bool = False) -> None:
    sim.event("Warning" if warning else "Normal", reason, node, text, source="kubectl")


def _node(sim, action: NodeOp):
    """The node as kubectl GETs it; a missing one is refused with NotFound, logged like any refusal."""
    node = sim.store.get("Node", None, action.node)
    if node is None:
        sim._call(Request(verb="get", kind="Node", name=action.node, user=action.user, now_ms=sim.now), "timeline")
    return node


def _patch(sim, action: NodeOp, node, labels=None, taints=None):
    """The node with new labels (metadata and the registered spec alike) or taints, PATCHed as the action's user."""
    if labels is not None:
        node = attrs.evolve(node, meta=attrs.evolve(node.meta, labels=labels),
                            spec=attrs.evolve(node.spec, labels=labels))
    if taints is not None:
        node = attrs.evolve(node, spec=attrs.evolve(node.spec, taints=taints))
    return sim.submit("patch", node, source="timeline", user=action.user)


def label(sim, action: LabelNode) -> None:
    """kubectl label --overwrite: `label "k" not found.` for a key to remove that is not there, then `labeled`
    when the labels changed, `not labeled` when they did not (label.go's messages)."""
    node = _node(sim, action)
    if node is None:
        return
    labels = dict(node.meta.labels)
    for key in action.remove:
        if key not in labels:
            _say(sim, node, "Label", f'label "{key}" not found.')
    new = {**labels, **dict(action.labels)}
    for key in action.remove:
        new.pop(key, None)
    if new == labels:
        _say(sim, node, "Label", f"node/{node.name} not labeled")
        return
    written = _patch(sim, action, node, labels=tuple(new.items()))
    if written is not None:
        _say(sim, written, "Label", f"node/{node.name} labeled")


def taint(sim, action: TaintNode) -> None:
    """kubectl taint: the new taints first, then the node's others (reorganizeTaints). A taint of the same key and
    effect takes the new value, as with --overwrite, and kubectl then says `modified` rather than `tainted`."""
    node = _node(sim, action)
    if node is None:
        return
    old = node.spec.taints
    kept = tuple(t for t in old if not any(t.key == n.key and t.effect == n.effect for n in action.taints))
    replaced = len(kept) < len(old)
    taints = action.taints + kept
    word = "modified" if replaced else "tainted"
    if set(taints) == set(old):
        _say(sim, node, "Taint", f"node/{node.name} {word}")
        return
    written = _patch(sim, action, node, taints=taints)
    if written is not None:
        _say(sim, written, "Taint", f"node/{node.name} {word}")


def untaint(sim, action: UntaintNode) -> None:
    """kubectl taint KEY[:EFFECT]-: each named taint must be there (`taint "k:E" not found`, and the node is left
    as it was), then `untainted`."""
    node = _node(sim, action)
    if node is None:
        return
    missing = [ref for ref in action.taints if not any(ref.matches(t) for t in node.spec.taints)]
    if missing:
        errors = [f'taint "{ref}" not found' for ref in missing]
        text = errors[0] if len(errors) == 1 else f"[{', '.join(errors)}]"  # utilerrors.NewAggregate
        _say(sim, node, "FailedUntaint", f"error: {text}", warning=True)
        return
    taints = tuple(t for t in node.spec.taints if not any(ref.matches(t) for ref in action.taints))
    written = _patch(sim, action, node, taints=taints)
    if written is not None:
        _say(sim, written, "Untaint", f"node/{node.name} untainted")


def play_op(sim, action: NodeOp) -> None:
    {LabelNode: label, TaintNode: taint, UntaintNode: untaint}[type(action)](sim, action)


def required_affinity_matches(template, node: ApiObject) -> bool:
    """GetRequiredNodeAffinity(pod).Match(node) (component-helpers/scheduling/corev1/nodeaffinity): the pod's
    nodeSelector, and one of its required node affinity terms, matchFields `metadata.name` read as the node's name.
    The kubelet's admission and the DaemonSet controller's NodeShouldRunDaemonPod both ask it."""
    labels = dict(node.spec.labels)
    labels.update(node.meta.labels)
    if any(labels.get(k) != v for k, v in template.node_selector):
        return False
    terms = template.affinity.node_required
    return not terms or any(term and all((node.name in r.values) == (r.operator == "In")
                                         if isinstance(r, FieldRequirement) else r.matches(labels) for r in term)
                            for term in terms)
