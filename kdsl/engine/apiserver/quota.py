"""ResourceQuota admission: what an object uses, what its namespace already uses, and the verdict."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from kdsl.engine.apiserver.resources import KINDS, ResourceInfo, format_quantity, pod_limits, pod_requests
from kdsl.core.evolve import evolve
from kdsl.engine.objects import ApiObject, View
from kdsl.model.pods import PodTemplate

# A quota on any of these makes every container state it (podEvaluator's validationSet; upstream
# calls this coupling "a mistake" but keeps it for compatibility).
VALIDATION_SET = ("cpu", "limits.cpu", "limits.memory", "memory", "requests.cpu", "requests.memory")
POD_RESOURCES = ("count/pods", "cpu", "ephemeral-storage", "limits.cpu", "limits.ephemeral-storage",
                 "limits.memory", "memory", "pods", "requests.cpu", "requests.ephemeral-storage", "requests.memory")
# The legacy object-count names (`configmaps=`) and the kinds they count.
LEGACY_COUNTS = {"ConfigMap": "configmaps", "Secret": "secrets", "ReplicationController": "replicationcontrollers",
                 "ResourceQuota": "resourcequotas"}
STORAGE_CLASS_SUFFIX = ".storageclass.storage.k8s.io/"


@attrs.frozen
class QuotaStatus:
    """ResourceQuotaStatus: the limits enforced (the spec's, copied by the quota controller) and what the
    namespace uses, by resource name, sorted. A quota the controller has not synced yet has none (status None)."""

    hard: tuple[tuple[str, int], ...] = ()
    used: tuple[tuple[str, int], ...] = ()


def count_name(info: ResourceInfo) -> str:
    """generic.ObjectCountQuotaResourceNameFor: `count/pods`, `count/deployments.apps`."""
    return f"count/{info.plural}.{info.group}" if info.group else f"count/{info.plural}"


def _phase(obj: ApiObject) -> str | None:
    return getattr(obj.status, "phase", None)


def charged(pod: ApiObject, now_ms: int) -> bool:
    """QuotaV1Pod: a pod in a terminal phase, or past its deletion grace (deletionTimestamp plus
    deletionGracePeriodSeconds, as Kubernetes compares them), no longer counts."""
    if _phase(pod) in ("Succeeded", "Failed"):
        return False
    meta = pod.meta
    if meta.deletion_ms is not None and meta.deletion_grace_ms is not None:
        return now_ms <= meta.deletion_ms + meta.deletion_grace_ms
    return True


# A pod's compute usage by template. Templates are frozen and shared by every version of a pod, so
# summing a namespace need not recompute each pod's requests; only speed depends on this cache.
_COMPUTE: dict[int, tuple[PodTemplate, dict[str, int]]] = {}
_COMPUTE_MAX = 1 << 18


def _compute_usage(template: PodTemplate) -> dict[str, int]:
    hit = _COMPUTE.get(id(template))
    if hit is not None and hit[0] is template:
        return hit[1]
    out: dict[str, int] = {}
    for k, v in pod_requests(template).items():
        out[f"requests.{k}"] = v
        if k in ("cpu", "memory", "ephemeral-storage"):
            out[k] = v
    for k, v in pod_limits(template).items():
        out[f"limits.{k}"] = v
    if len(_COMPUTE) >= _COMPUTE_MAX:
        del _COMPUTE[next(iter(_COMPUTE))]  # the oldest entry
    _COMPUTE[id(template)] = (template, out)
    return out


def usage(obj: ApiObject, info: ResourceInfo, now_ms: int, compute: bool = True) -> dict[str, int]:
    """What one object counts against quota, by quota resource name (the evaluators' Usage).
    `compute=False` leaves out a pod's requests and limits, for quotas that only count."""
    out = {count_name(info): 1}
    if obj.kind == "Pod":
        if not charged(obj, now_ms):
            return out
        out["pods"] = 1
        if compute:
            out.update(_compute_usage(obj.spec.template))
    elif obj.kind == "Service":
        ports = len(obj.spec.ports)
        out["services"] = 1
        out["services.nodeports"] = ports if obj.spec.type in ("NodePort", "LoadBalancer") else 0
        out["services.loadbalancers"] = 1 if obj.spec.type == "LoadBalancer" else 0
    elif obj.kind == "PersistentVolumeClaim":
        out["persistentvolumeclaims"] = 1
        out["requests.storage"] = obj.spec.storage
        if obj.spec.storage_class:
            prefix = obj.spec.storage_class + STORAGE_CLASS_SUFFIX
            out[prefix + "persistentvolumeclaims"] = 1
            out[prefix + "requests.storage"] = obj.spec.storage
    elif obj.kind in LEGACY_COUNTS:
        out[LEGACY_COUNTS[obj.kind]] = 1
    return out


def _tracked(info: ResourceInfo, hard: Iterable[str]) -> list[str]:
    """MatchingResources: the quota's resources this kind's evaluator counts."""
    if info.kind == "Pod":
        return sorted(k for k in hard if k in POD_RESOURCES)
    if info.kind == "Service":
        return sorted(k for k in hard if k in ("services", "services.nodeports", "services.loadbalancers",
                                               count_name(info)))
    if info.kind == "PersistentVolumeClaim":
        return sorted(k for k in hard if k in ("persistentvolumeclaims", "requests.storage", count_name(info))
                      or STORAGE_CLASS_SUFFIX in k)
    return sorted(k for k in hard if k in (count_name(info), LEGACY_COUNTS.get(info.kind)))


def _missing_requests(pod: ApiObject, tracked: list[str]) -> str | None:
    """podEvaluator.Constraints in its current wording: `must specify limits.cpu for: app; requests.cpu
    for: app,sidecar` — container names sorted, resources sorted."""
    required = [k for k in tracked if k in VALIDATION_SET]
    missing: dict[str, set[str]] = {}
    template = pod.spec.template
    for c in template.containers + template.init_containers:
        has = set()
        for k, _ in c.requests.items():
            if k in ("cpu", "memory"):
                has |= {k, f"requests.{k}"}
        for k, _ in c.limits.items():
            if k in ("cpu", "memory"):
                has.add(f"limits.{k}")
        for k in required:
            if k not in has:
                missing.setdefault(k, set()).add(c.name)
    if not missing:
        return None
    parts = [f"{k} for: {','.join(sorted(names))}" for k, names in sorted(missing.items())]
    return "must specify " + "; ".join(parts)


def namespace_usage(view: View, info: ResourceInfo, namespace: str, now_ms: int,
                    compute: bool = True) -> dict[str, int]:
    """What the namespace's objects of this kind use now: the quota controller's status.used, computed
    on demand (kdsl has no lag between a write and the quota seeing it). This costs one pass over the
    namespace's objects of the kind, so only namespaces with a quota on the kind pay it."""
    total: dict[str, int] = {}
    for obj in view.list(info.kind, namespace):
        for k, v in usage(obj, info, now_ms, compute).items():
            total[k] = total.get(k, 0) + v
    return total


def _pretty(values: dict[str, int]) -> str:
    """prettyPrint: `name=quantity`, sorted by name, comma-joined."""
    return ",".join(f"{k}={format_quantity(k, v)}" for k, v in sorted(values.items()))


# Kinds whose evaluator charges an update for what it adds (a service turned NodePort, a bigger claim);
# pods and plain object counts are charged on create only.
UPDATE_CHARGED = ("Service", "PersistentVolumeClaim")


def check(obj: ApiObject, old: ApiObject | None, info: ResourceInfo, view: View, now_ms: int) -> str | None:
    """checkRequest: first every quota's constraints, then each quota's limits; None when admitted,
    else the message (the caller wraps it as a 403). Quotas are taken in name order."""
    if old is not None and info.kind not in UPDATE_CHARGED:
        return None
    quotas = sorted((q for q in view.list("ResourceQuota", obj.namespace) if q.spec.hard), key=lambda q: q.name)
    interesting = []
    for q in quotas:
        hard = dict(q.spec.hard)
        tracked = _tracked(info, hard)
        if not tracked:
            continue
        if info.kind == "Pod":
            missing = _missing_requests(obj, tracked)
            if missing:
                return f"failed quota: {q.name}: {missing}"
        interesting.append((q, hard, tracked))
    if not interesting:
        return None
    delta = usage(obj, info, now_ms)
    if old is not None:
        before = usage(old, info, now_ms)
        delta = {k: v - before.get(k, 0) for k, v in delta.items()}
    delta = {k: v for k, v in delta.items() if v > 0}
    if not delta:
        return None
    # The stored objects, the old version of an updated one included, as status.used counts them.
    counts_only = all(k in ("pods", count_name(info)) for _, _, tracked in interesting for k in tracked)
    used_all = namespace_usage(view, info, obj.namespace, now_ms, compute=not counts_only)
    for q, hard, tracked in interesting:
        requested = {k: v for k, v in delta.items() if k in tracked}
        if not requested:
            continue
        used = {k: used_all.get(k, 0) for k in hard}
        exceeded = sorted(k for k, v in requested.items() if used[k] + v > hard[k])
        if exceeded:
            return (f"exceeded quota: {q.name}, requested: {_pretty({k: requested[k] for k in exceeded})}, "
                    f"used: {_pretty({k: used[k] for k in exceeded})}, "
                    f"limited: {_pretty({k: hard[k] for k in exceeded})}")
    return None


def calculate_usage(view: View, q: ApiObject, now_ms: int) -> dict[str, int]:
    """quota.CalculateUsage (pkg/quota/v1/resources.go) as the quota controller's syncResourceQuota runs it:
    for each kind whose evaluator counts one of the quota's resources, the namespace's objects summed, masked
    by the quota's hard resources (a resource no kind of kdsl's counts reads 0)."""
    hard = dict(q.spec.hard)
    used = dict.fromkeys(hard, 0)
    for info in KINDS.values():
        tracked = _tracked(info, hard) if info.namespaced else ()
        if not tracked:
            continue
        counts_only = all(k in ("pods", count_name(info)) for k in tracked)
        for k, v in namespace_usage(view, info, q.namespace, now_ms, compute=not counts_only).items():
            if k in used:
                used[k] += v
    return used


def charges(obj: ApiObject, old: ApiObject | None, info: ResourceInfo, view: View, now_ms: int) -> tuple:
    """checkQuotas' writes (staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go): each
    quota an admitted request adds usage to, its status.used raised by the request's usage masked by its
    status.hard (CheckRequest's newUsage), to be written (UpdateQuotaStatus) before the object is stored. A
    quota the controller has not synced (no status) is left to its first sync: Kubernetes would have refused
    the request (`status unknown for quota`), kdsl admitted it on the usage it counts live (quota.check)."""
    if old is not None and info.kind not in UPDATE_CHARGED:
        return ()
    quotas = [q for q in view.list("ResourceQuota", obj.namespace) if q.status is not None and q.status.hard]
    if not quotas:
        return ()
    delta = usage(obj, info, now_ms)
    if old is not None:
        before = usage(old, info, now_ms)
        delta = {k: v - before.get(k, 0) for k, v in delta.items()}
    out = []
    for q in sorted(quotas, key=lambda q: q.name):
        hard = dict(q.status.hard)
        requested = {k: v for k, v in delta.items() if v > 0 and k in hard and k in _tracked(info, hard)}
        if not requested:
            continue  # the request uses nothing this quota limits: no write (quota.Equals)
        used = dict(q.status.used)
        for k, v in requested.items():
            used[k] = used.get(k, 0) + v
        out.append(evolve(q, status=QuotaStatus(hard=q.status.hard, used=tuple(sorted(used.items())))))
    return tuple(out)
