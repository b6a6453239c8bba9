"""The kubelet's predicate admission (GeneralPredicates): does a pod bound to this node fit on it?"""

from __future__ import annotations

from kdsl.engine.nodes import required_affinity_matches
from kdsl.engine.scheduler.filters import NODE_AFFINITY, tolerated
from kdsl.engine.scheduler.podinfo import pod_requests
from kdsl.model.pods import PodTemplate

# pkg/kubelet/lifecycle/predicate.go: predicateAdmitHandler.Admit runs generalFilter, which is the scheduler's
# AdmissionCheck (pkg/scheduler/schedule_one.go: noderesources.Fits, then NodeAffinity, NodeName, NodePorts) and
# the NoExecute taints; only the first failure is reported. An InsufficientResourceError becomes reason
# "OutOf<resource>" with "Node didn't have enough resource: ..."; any other failure a PredicateFailureError,
# reason its plugin and message "Predicate <plugin> failed: <reason>".
INSUFFICIENT = "Node didn't have enough resource: {}, requested: {}, used: {}, capacity: {}"
PREDICATE = "Predicate {} failed: {}"
TAINT_NOT_MATCH = "node(s) had taints that the pod didn't tolerate"  # tainttoleration.ErrReasonNotMatch

Use = list  # [pods, cpu millicores, memory bytes] of a node's admitted, non-terminal pods


class Admitted:
    """The kubelets' running sums of their admitted pods, so that admitting a pod costs one fit check and no
    walk over the node's pods (HandlePodAdditions counts the admitted pods that filterOutInactivePods keeps:
    a pod stops counting once terminal, or gone)."""

    __slots__ = ("used", "charged")

    def __init__(self) -> None:
        self.used: dict[str, Use] = {}  # node -> its sums
        self.charged: dict[tuple, tuple] = {}  # pod key -> (node, its requests) while it counts

    def admit(self, key: tuple, pod, node: str, node_obj) -> tuple[str, str] | None:
        """The predicate admission of `pod` on `node` (its Node object): None, and it counts from now; or
        (reason, message) for rejectPod."""
        tpl = pod.spec.template
        if len(tpl.containers) == 1 and not tpl.init_containers:  # the common pod: its one container's requests
            r = tpl.containers[0].requests
            requests = (r.cpu or 0, r.memory or 0)
        else:
            requests = pod_requests(tpl)
        used = self.used.get(node) or self.used.setdefault(node, [0, 0, 0])
        refused = refusal(tpl, requests, node_obj, used)
        if refused is None:
            used[0] += 1
            used[1] += requests[0]
            used[2] += requests[1]
            self.charged[key] = (node, requests)
        return refused

    def release(self, key: tuple) -> None:
        """The pod no longer counts (terminal, or gone)."""
        charge = self.charged.pop(key, None)
        if charge is not None:
            used = self.used[charge[0]]
            used[0] -= 1
            used[1] -= charge[1][0]
            used[2] -= charge[1][1]


def refusal(tpl: PodTemplate, requests: tuple, node, used: Use) -> tuple[str, str] | None:
    """Why the kubelet of `node` (its Node object) refuses the pod, or None; `used`: its admitted pods' sums.
    kdsl nodes report no ephemeral-storage, so only pods, cpu and memory can run out (noderesources.Fits'
    order: the pod count first)."""
    status = node.status
    if used[0] + 1 > status.pods:
        return "OutOfpods", INSUFFICIENT.format("pods", 1, used[0], status.pods)
    cpu, memory = requests[0], requests[1]
    if cpu > 0 and cpu > status.cpu - used[1]:
        return "OutOfcpu", INSUFFICIENT.format("cpu", cpu, used[1], status.cpu)
    if memory > 0 and memory > status.memory - used[2]:
        return "OutOfmemory", INSUFFICIENT.format("memory", memory, used[2], status.memory)
    if (tpl.node_selector or tpl.affinity.node_required) and not required_affinity_matches(tpl, node):
        return "NodeAffinity", PREDICATE.format("NodeAffinity", NODE_AFFINITY)
    taints = node.spec.taints
    if taints and any(t.effect == "NoExecute" and not tolerated(tpl.tolerations, t) for t in taints):
        return "TaintToleration", PREDICATE.format("TaintToleration", TAINT_NOT_MATCH)
    return None
