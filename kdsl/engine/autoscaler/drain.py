"""Which pods keep a node from being removed: simulator/drainability/rules, in upstream's order."""

from __future__ import annotations

import attrs

from kdsl.engine.controllers.disruption import budget
from kdsl.engine.objects import ApiObject

# utils/drain/drain.go annotations
SAFE_TO_EVICT = "cluster-autoscaler.kubernetes.io/safe-to-evict"
MOVE, SKIP, BLOCK = "move", "skip", "block"


@attrs.frozen
class Drainability:
    """drainability.Status: MOVE (rescheduled elsewhere), SKIP (goes with the node: a DaemonSet or a finished
    pod) or BLOCK with upstream's BlockingPodReason and error text."""

    outcome: str
    reason: str = ""
    message: str = ""


class Budgets:
    """pdb.RemainingPdbTracker: each PodDisruptionBudget's disruptionsAllowed, spent as pods are planned to move."""

    def __init__(self, store) -> None:
        self.left: dict[tuple, int] = {}
        self.selectors: list[tuple[tuple, str, object]] = []
        for pdb in store.list("PodDisruptionBudget"):
            sel = budget(pdb.spec.yaml).selector
            if sel is not None:
                self.selectors.append((pdb.key, pdb.namespace, sel))
                self.left[pdb.key] = pdb.status.disruptions_allowed if pdb.status is not None else 0

    def matching(self, pod: ApiObject) -> list[tuple]:
        labels = pod.meta.label_dict()
        return [k for k, ns, sel in self.selectors if ns == pod.namespace and sel.matches(labels)]

    def can_remove(self, pods: list[ApiObject]) -> ApiObject | None:
        """CanRemovePods: the first pod whose budgets would go below zero, or None."""
        need: dict[tuple, int] = {}
        for pod in pods:
            for k in self.matching(pod):
                need[k] = need.get(k, 0) + 1
                if need[k] > self.left[k]:
                    return pod
        return None

    def remove(self, pods: list[ApiObject]) -> None:
        for pod in pods:
            for k in self.matching(pod):
                self.left[k] -= 1


def drainable(pod: ApiObject, budgets: Budgets) -> Drainability:
    """rules.Default: daemonset, safetoevict and terminal interrupt; then replicated, system,
    notsafetoevict and localstorage block (the pdb rule is checked for the node's pods together)."""
    owners = [o for o in pod.meta.owners if o.controller]
    annotations = dict(pod.meta.annotations)
    if any(o.kind == "DaemonSet" for o in owners):
        return Drainability(SKIP)
    if annotations.get(SAFE_TO_EVICT) == "true":
        return Drainability(MOVE)
    if pod.status is not None and pod.status.phase in ("Succeeded", "Failed"):
        return Drainability(SKIP)
    if not owners:
        return Drainability(BLOCK, "NotReplicated", f"{pod.namespace}/{pod.name} is not replicated")
    if pod.namespace == "kube-system" and not budgets.matching(pod):
        return Drainability(BLOCK, "UnmovableKubeSystemPod",
                            f"non-daemonset, non-mirrored, non-pdb-assigned kube-system pod present: {pod.name}")
    if annotations.get(SAFE_TO_EVICT) == "false":
        return Drainability(BLOCK, "NotSafeToEvictAnnotation", f"pod annotated as not safe to evict present: {pod.name}")
    if any(v.source in ("emptydir", "hostpath") for v in pod.spec.template.volumes):
        return Drainability(BLOCK, "LocalStorageRequested", f"pod with local storage present: {pod.name}")
    return Drainability(MOVE)


def pods_to_move(pods: list[ApiObject], budgets: Budgets) -> tuple[list[ApiObject], list[ApiObject], Drainability | None]:
    """GetPodsToMove: (pods to reschedule, DaemonSet and finished pods, the first blocking status or None);
    a budget that cannot spare every pod to move blocks with NotEnoughPdb."""
    move, skip = [], []
    for pod in pods:
        d = drainable(pod, budgets)
        if d.outcome == BLOCK:
            return [], [], d
        (move if d.outcome == MOVE else skip).append(pod)
    short = budgets.can_remove(move)
    if short is not None:
        return [], [], Drainability(BLOCK, "NotEnoughPdb",
                                    f"not enough pod disruption budget to move {short.namespace}/{short.name}")
    return move, skip, None
