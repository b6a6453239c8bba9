"""Cluster tables: nodes (capacity, allocatable, requested, pods, conditions, taints) and namespaces."""

from __future__ import annotations

import pandas as pd

from kdsl.engine.apiserver.resources import format_quantity, pod_requests, resource_info
from kdsl.engine.nodes import status_text
from kdsl.model.nodes import SYSTEM_NAMESPACES
from kdsl.views.common import age, frame, moment, objects, select, shown

NODE_COLUMNS = ("NAME", "STATUS", "AGE", "CPU", "MEMORY", "MAX PODS", "ALLOCATABLE CPU", "ALLOCATABLE MEMORY",
                "ALLOCATABLE PODS", "REQUESTED CPU", "REQUESTED MEMORY", "PODS", "CONDITIONS", "TAINTS")
# kubectl get nodes' NAME STATUS AGE, with what is there and what is asked of it; `wide=True` adds the rest.
NODE_DEFAULT = ("NAME", "STATUS", "AGE", "CPU", "MEMORY", "REQUESTED CPU", "REQUESTED MEMORY", "PODS", "TAINTS")

# A pod's requests depend only on its template, shared by its versions and often by a controller's pods.
_REQUESTS: dict[int, tuple[object, int, int]] = {}


def _requests(template) -> tuple[int, int]:
    hit = _REQUESTS.get(id(template))
    if hit is not None and hit[0] is template:
        return hit[1], hit[2]
    r = pod_requests(template)
    if len(_REQUESTS) > 1 << 16:
        _REQUESTS.clear()
    _REQUESTS[id(template)] = (template, r.get("cpu", 0), r.get("memory", 0))
    return r.get("cpu", 0), r.get("memory", 0)


def _conditions(node) -> str | None:
    """Each condition as `Type=Status` (`Ready=False,MemoryPressure=True`); None when there is none."""
    parts = [f"{c.type}={c.status}" for c in node.status.conditions]
    return ",".join(parts) or None


def nodes(sim, at=None, namespace=None, selector=None, wide: bool = False) -> pd.DataFrame:
    """kubectl get nodes with what `kubectl describe node` adds: capacity (CPU, MEMORY, MAX PODS),
    allocatable (kdsl reserves nothing, so it equals capacity), the requests of the pods bound there
    and not finished, how many pods are bound (PODS), conditions and taints. `namespace=` counts only
    that namespace's pods; `selector=` selects nodes by their labels. Default columns: NODE_DEFAULT."""
    t = moment(sim, at)
    count: dict[str, int] = {}
    cpu: dict[str, int] = {}
    mem: dict[str, int] = {}
    for p in objects(sim, "Pod", t, namespace):
        node = p.spec.template.node_name
        if node is None:
            continue
        count[node] = count.get(node, 0) + 1
        if p.status.phase not in ("Succeeded", "Failed"):
            c, m = _requests(p.spec.template)
            cpu[node] = cpu.get(node, 0) + c
            mem[node] = mem.get(node, 0) + m
    rows = []
    for n in select(objects(sim, "Node", t), None, selector):
        s = n.status
        rows.append((n.name, status_text(n), age(t, n.meta.creation_ms), format_quantity("cpu", s.cpu),
                     format_quantity("memory", s.memory), s.pods, format_quantity("cpu", s.cpu),
                     format_quantity("memory", s.memory), s.pods, format_quantity("cpu", cpu.get(n.name, 0)),
                     format_quantity("memory", mem.get(n.name, 0)), count.get(n.name, 0), _conditions(n),
                     ",".join(str(x) for x in n.spec.taints) or None))
    df = frame(NODE_COLUMNS, rows)
    autoscaler = getattr(sim, "autoscaler", None)
    if autoscaler is None:
        return shown(df, NODE_DEFAULT, wide=wide)
    # With autoscaled pools, each node's node group (None: a node of no autoscaled pool) beside its name.
    df.insert(1, "GROUP", [autoscaler.group_of(name) for name in df["NAME"]])
    return shown(df, ("NAME", "GROUP") + NODE_DEFAULT[1:], wide=wide)


NAMESPACE_COLUMNS = ("NAME", "STATUS", "AGE", "OBJECTS", "PODS", "WORKLOADS", "SERVICES", "CONFIGMAPS", "SECRETS",
                     "PVCS", "QUOTA")
NAMESPACE_DEFAULT = ("NAME", "STATUS", "AGE", "OBJECTS", "PODS", "WORKLOADS", "SERVICES", "QUOTA")
_WORKLOADS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController")
_OWN_COLUMNS = {"Pod": "PODS", "Service": "SERVICES", "ConfigMap": "CONFIGMAPS", "Secret": "SECRETS",
                "PersistentVolumeClaim": "PVCS", **{k: "WORKLOADS" for k in _WORKLOADS}}
# Objects the engine writes for its own bookkeeping: a person counts what they and the controllers made.
_BOOKKEEPING = ("Event", "EndpointSlice", "ControllerRevision", "Lease")


def namespaces(sim, at=None, namespace=None, selector=None, wide: bool = False) -> pd.DataFrame:
    """kubectl get namespaces, with the objects each holds counted (all kinds but the engine's
    bookkeeping in OBJECTS) and each ResourceQuota's `resource: used/hard`, as `kubectl get quota`
    prints it. Namespaces that hold objects without being declared are listed as Active: the four every
    cluster has, which hold their `default` ServiceAccount and `kube-root-ca.crt` as every namespace does, and
    are as old as the cluster (the run's start).
    `wide=True` adds the CONFIGMAPS, SECRETS and PVCS counts."""
    t = moment(sim, at)
    declared = {n.name: n for n in select(objects(sim, "Namespace", t), None, selector)}
    counts: dict[str, dict[str, int]] = {}
    quotas: dict[str, list] = {}
    for kind in sim.store.kinds():
        info = resource_info(kind)
        if info is None or not info.namespaced or kind in _BOOKKEEPING:
            continue
        for o in objects(sim, kind, t, namespace):
            c = counts.setdefault(o.namespace, {})
            c["OBJECTS"] = c.get("OBJECTS", 0) + 1
            col = _OWN_COLUMNS.get(kind)
            if col:
                c[col] = c.get(col, 0) + 1
            if kind == "ResourceQuota":
                quotas.setdefault(o.namespace, []).append(o)
    names = sorted(set(declared) | (set(counts) if selector is None else set()))
    rows = []
    for name in names:
        if namespace is not None and name != namespace:
            continue
        ns = declared.get(name)
        status = getattr(ns.status, "phase", None) if ns is not None else None
        status = status or ("Terminating" if ns is not None and ns.terminating else "Active")
        c = counts.get(name, {})
        created = ns.meta.creation_ms if ns is not None else 0 if name in SYSTEM_NAMESPACES else None
        rows.append((name, status, age(t, created) if created is not None else None, c.get("OBJECTS", 0),
                     c.get("PODS", 0), c.get("WORKLOADS", 0), c.get("SERVICES", 0), c.get("CONFIGMAPS", 0),
                     c.get("SECRETS", 0), c.get("PVCS", 0), _quota(quotas.get(name, []))))
    return shown(frame(NAMESPACE_COLUMNS, rows), NAMESPACE_DEFAULT, wide=wide)


def _quota(quotas: list) -> str | None:
    """`pods: 2/10, requests.cpu: 500m/2` for each quota of the namespace (sorted by resource), the used amount
    as the quota's status stores it (kubectl's printer reads status.used; 0 before the controller's first sync)."""
    if not quotas:
        return None
    parts = []
    for q in quotas:
        used = dict(q.status.used) if q.status is not None else {}
        for res, hard in sorted(q.spec.hard):
            parts.append(f"{res}: {format_quantity(res, used.get(res, 0))}/{format_quantity(res, hard)}")
    return ", ".join(parts)
