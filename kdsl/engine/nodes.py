"""A node as the kubelet registers it and reports it: capacity, conditions, the taints they imply."""

from __future__ import annotations

import attrs

from kdsl.engine.objects import ApiObject, Condition, Meta, NodeStatus
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


def healthy_conditions(now: int) -> tuple[Condition, ...]:
    return tuple(Condition(type=t, status=s, reason=r, message=m, last_transition_ms=now) for t, s, r, m in HEALTHY)


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
