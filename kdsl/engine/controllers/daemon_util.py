"""pkg/controller/daemon/util: the tolerations every daemon pod gets, its target node, and node eligibility."""

from __future__ import annotations

from kdsl.engine.nodes import NOT_READY, UNREACHABLE, UNSCHEDULABLE, required_affinity_matches
from kdsl.engine.objects import ApiObject
from kdsl.model.base import FieldRequirement
from kdsl.model.pods import Toleration

TEMPLATE_GENERATION = "pod-template-generation"
# AddOrUpdateDaemonPodTolerations, in its order: a daemon pod stays through node failures (no
# tolerationSeconds, so the taint manager never evicts it) and is placed on nodes under pressure or
# cordoned. kdsl has no hostNetwork, so `network-unavailable` is never added.
DAEMON_TOLERATIONS = (
    Toleration(key=NOT_READY, operator="Exists", effect="NoExecute"),
    Toleration(key=UNREACHABLE, operator="Exists", effect="NoExecute"),
    Toleration(key="node.kubernetes.io/disk-pressure", operator="Exists", effect="NoSchedule"),
    Toleration(key="node.kubernetes.io/memory-pressure", operator="Exists", effect="NoSchedule"),
    Toleration(key="node.kubernetes.io/pid-pressure", operator="Exists", effect="NoSchedule"),
    Toleration(key=UNSCHEDULABLE, operator="Exists", effect="NoSchedule"),
)


def with_tolerations(tolerations: tuple[Toleration, ...]) -> tuple[Toleration, ...]:
    """AddOrUpdateTolerationInPodSpec for each daemon toleration: one the pod has with the same key,
    operator, value and effect is replaced in place, another is appended."""
    out = list(tolerations)
    for t in DAEMON_TOLERATIONS:
        same = [i for i, x in enumerate(out) if (x.key, x.operator, x.value, x.effect) ==
                (t.key, t.operator, t.value, t.effect)]
        if same:
            out[same[0]] = t
        else:
            out.append(t)
    return tuple(out)


def target_node(pod: ApiObject) -> str | None:
    """GetTargetNodeName: the node it is bound to, else the one its matchFields affinity names."""
    t = pod.spec.template
    if t.node_name:
        return t.node_name
    for term in t.affinity.node_required:
        for r in term:
            if isinstance(r, FieldRequirement) and r.operator == "In" and len(r.values) == 1:
                return r.values[0]
    return None


def should_run(template, tolerations: tuple[Toleration, ...], node: ApiObject) -> tuple[bool, bool]:
    """NodeShouldRunDaemonPod: (should run, should continue running). The node must match the pod's node
    name, nodeSelector and required node affinity; a NoSchedule or NoExecute taint the pod does not
    tolerate keeps a new pod off, but only an untolerated NoExecute taint removes a running one."""
    if template.node_name and template.node_name != node.name:
        return False, False
    if not required_affinity_matches(template, node):
        return False, False
    untolerated = [t for t in node.spec.taints if t.effect in ("NoSchedule", "NoExecute")
                   and not any(x.tolerates(t.key, t.value, t.effect) for x in tolerations)]
    if untolerated:
        return False, not any(t.effect == "NoExecute" for t in untolerated)
    return True, True
