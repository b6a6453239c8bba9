"""The pods/eviction subresource's budget check, as pkg/registry/core/pod/storage/eviction.go makes it."""

from __future__ import annotations

import attrs

from kdsl.engine.apiserver.errors import ApiError
from kdsl.engine.controllers.disruption import CONDITION, PDBStatus, budget
from kdsl.engine.objects import ApiObject, Condition, View, set_condition
from kdsl.engine.podview import is_ready

REFUSED = "Cannot evict pod as it would violate the pod's disruption budget."
CAUSE = "DisruptionBudget"  # policyv1.DisruptionBudgetCause
TOO_MANY_PDBS = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."


@attrs.frozen(auto_exc=False)
class TooManyRequests(ApiError):
    """apierrors.NewTooManyRequests with the DisruptionBudget cause (Status.details.causes[0].message)."""

    cause: str = ""
    retry_after_seconds: int = 0


def can_ignore_pdb(pod: ApiObject) -> bool:
    """canIgnorePDB: a finished, pending or already terminating pod is deleted without consulting a budget."""
    return pod.status.phase in ("Succeeded", "Failed", "Pending") or pod.meta.deletion_ms is not None


def budgets(view: View, pod: ApiObject) -> list[ApiObject]:
    """getPodDisruptionBudgets: the namespace's PDBs whose selector matches the pod (none for a pod without
    labels; a PDB without a selector selects nothing)."""
    labels = pod.meta.label_dict()
    if not labels:
        return []
    return [p for p in view.list("PodDisruptionBudget", pod.namespace)
            if (sel := budget(p.spec.yaml).selector) is not None and sel.matches(labels)]


def denied_message(pdb: ApiObject, status: PDBStatus) -> str:
    """disruptionDeniedMessage: why a budget with no disruption allowed refuses."""
    cond = next((c for c in status.conditions if c.type == CONDITION), None)
    if cond is not None and cond.status == "False" and cond.message and cond.reason == "SyncFailed":
        return (f"The disruption budget {pdb.name} does not allow evicting pods currently because it failed sync: "
                f"{cond.message}")
    if status.current_healthy <= status.desired_healthy:
        return (f"The disruption budget {pdb.name} needs {status.desired_healthy} healthy pods and has "
                f"{status.current_healthy} currently")
    if cond is not None and cond.status == "False" and cond.message:
        return f"The disruption budget {pdb.name} does not allow evicting pods currently ({cond.reason}): {cond.message}"
    return f"The disruption budget {pdb.name} does not allow evicting pods currently"


def check(view: View, pod: ApiObject, now_ms: int) -> ApiError | ApiObject | None:
    """The eviction's verdict before the pod is deleted: a refusal (429, or 500 for two budgets), the budget
    with one disruption spent (checkAndDecrement's UpdateStatus, to be written), or None when no budget is
    involved. DisruptedPods is not kept: kdsl marks the pod deleted in the same moment, and the disruption
    controller already leaves a terminating pod out of currentHealthy."""
    if can_ignore_pdb(pod):
        return None
    pdbs = budgets(view, pod)
    if not pdbs:
        return None
    if len(pdbs) > 1:
        return ApiError(500, "InternalError", TOO_MANY_PDBS)
    pdb = pdbs[0]
    status = pdb.status or PDBStatus()
    if not is_ready(pod) and status.current_healthy >= status.desired_healthy > 0:
        return None  # IfHealthyBudget: an unhealthy pod of a healthy budget goes without spending it
    if status.observed_generation < pdb.meta.generation:
        return TooManyRequests(429, "TooManyRequests", REFUSED,
                               f"The disruption budget {pdb.name} is still being processed by the server.", 10)
    if status.disruptions_allowed < 0:
        return ApiError(403, "Forbidden", f'poddisruptionbudget.policy "{pdb.name}" is forbidden: '
                                          "pdb disruptions allowed is negative")
    if status.disruptions_allowed == 0:
        return TooManyRequests(429, "TooManyRequests", REFUSED, denied_message(pdb, status), 0)
    allowed = status.disruptions_allowed - 1
    conditions = status.conditions
    if allowed == 0:  # pdbhelper.UpdateDisruptionAllowedCondition
        conditions = set_condition(conditions, Condition(type=CONDITION, status="False", reason="InsufficientPods",
                                                         last_transition_ms=now_ms))
    return attrs.evolve(pdb, status=attrs.evolve(status, disruptions_allowed=allowed, conditions=conditions))
