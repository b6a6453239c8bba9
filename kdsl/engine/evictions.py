"""A client's Eviction of a pod (POST pods/NAME/eviction): the API server's budget check, then a graceful delete."""

from __future__ import annotations

import attrs

from kdsl.engine.apiserver import eviction
from kdsl.engine.apiserver.errors import ApiError
from kdsl.engine.apiserver.request import Request, handle
from kdsl.engine.objects import Condition, set_condition

# The condition the eviction subresource adds before deleting (PodDisruptionConditions, GA in 1.31).
EVICTING = ("DisruptionTarget", "True", "EvictionByEvictionAPI", "Eviction API: evicting")


def refusal_text(error: ApiError) -> str:
    """The refusal as one line: the message, then a budget's cause as upstream's drain helpers join them."""
    cause = getattr(error, "cause", "")
    return f"{error.message} {cause}" if cause else error.message


def evict(sim, namespace: str, name: str, source: str, user: str | None = None,
          record: bool = True) -> ApiError | None:
    """One eviction: None when the pod is (or was already being) deleted, else the API server's refusal
    (401/403/404, 429 from a budget, 500 for a pod two budgets select), recorded unless `record` is False
    (kubectl drain retries a 429 and only prints it)."""
    req = Request(verb="create", kind="Pod", namespace=namespace, name=name, subresource="eviction", user=user,
                  now_ms=sim.now)
    result = handle(req, sim.store, sim.scenario.users, services=sim.service_alloc, minor=sim.kube_minor)
    pod = sim.store.get("Pod", namespace, name)
    if not isinstance(result, ApiError) and pod.meta.deletion_ms is not None:
        return None  # already terminating: the eviction succeeds without a second delete
    verdict = result if isinstance(result, ApiError) else eviction.check(sim.store, pod, sim.now)
    if isinstance(verdict, ApiError):
        if record:
            sim.refused(req, attrs.evolve(verdict, message=refusal_text(verdict)) if getattr(verdict, "cause", "")
                        else verdict, source, event="FailedEviction")
        return verdict
    if verdict is not None:
        sim.write(verdict, source="apiserver")  # the budget's UpdateStatus: one disruption spent
    if pod.status.phase not in ("Succeeded", "Failed"):
        kind, status, reason, message = EVICTING
        cond = Condition(type=kind, status=status, reason=reason, message=message, last_transition_ms=sim.now)
        pod = sim.write(attrs.evolve(pod, status=attrs.evolve(pod.status, conditions=set_condition(
            pod.status.conditions, cond))), source="apiserver")
    # the graceful delete
    result = handle(req, sim.store, sim.scenario.users, services=sim.service_alloc, minor=sim.kube_minor)
    if result.remove:
        sim.remove(pod.key, source=source)
    else:
        sim.write(result.object, source=source)
    return None
