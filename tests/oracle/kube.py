"""Manifest builders for the oracle cases: the smallest valid Kubernetes objects, as plain dicts."""

from __future__ import annotations

import copy

IMAGE = "registry.k8s.io/pause:3.10"


def namespace(name: str, labels: dict | None = None) -> dict:
    meta = {"name": name, **({"labels": labels} if labels else {})}
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": meta}


def node(name: str, cpu: str = "4", memory: str = "8Gi", pods: str = "110", labels: dict | None = None,
         taints: list | None = None, unschedulable: bool = False) -> dict:
    """A Node the harness creates and whose status it posts (Ready unless the status says otherwise)."""
    spec: dict = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    size = {"cpu": cpu, "memory": memory, "pods": pods}
    labels = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
              **(labels or {})}
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels},
            "spec": spec, "status": {"capacity": dict(size), "allocatable": dict(size)}}


def taint(key: str, value: str | None, effect: str) -> dict:
    return {"key": key, **({"value": value} if value is not None else {}), "effect": effect}


def container(name: str = "app", image: str = IMAGE, requests: dict | None = None, limits: dict | None = None,
              **extra) -> dict:
    c: dict = {"name": name, "image": image}
    res = {k: v for k, v in (("requests", requests), ("limits", limits)) if v}
    if res:
        c["resources"] = res
    c.update(extra)
    return c


def pod_spec(containers: list | None = None, **extra) -> dict:
    return {"containers": containers or [container()], **extra}


def pod(name: str, ns: str = "default", labels: dict | None = None, spec: dict | None = None,
        requests: dict | None = None, limits: dict | None = None, **spec_extra) -> dict:
    s = spec or pod_spec([container(requests=requests, limits=limits)])
    s = {**s, **spec_extra}
    meta = {"name": name, "namespace": ns, **({"labels": labels} if labels else {})}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": s}


def template(labels: dict, spec: dict | None = None) -> dict:
    return {"metadata": {"labels": dict(labels)}, "spec": spec or pod_spec()}


def deployment(name: str, ns: str = "default", replicas: int = 1, spec: dict | None = None,
               strategy: dict | None = None, labels: dict | None = None, **extra) -> dict:
    labels = labels or {"app": name}
    s = {"replicas": replicas, "selector": {"matchLabels": dict(labels)}, "template": template(labels, spec)}
    if strategy:
        s["strategy"] = strategy
    s.update(extra)
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": ns}, "spec": s}


def replicaset(name: str, ns: str = "default", replicas: int = 1, spec: dict | None = None) -> dict:
    labels = {"app": name}
    s = {"replicas": replicas, "selector": {"matchLabels": dict(labels)}, "template": template(labels, spec)}
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name, "namespace": ns}, "spec": s}


def statefulset(name: str, ns: str = "default", replicas: int = 1, spec: dict | None = None, **extra) -> dict:
    labels = {"app": name}
    s = {"replicas": replicas, "serviceName": name, "selector": {"matchLabels": dict(labels)},
         "template": template(labels, spec), **extra}
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name, "namespace": ns}, "spec": s}


def daemonset(name: str, ns: str = "default", spec: dict | None = None, **extra) -> dict:
    labels = {"app": name}
    s = {"selector": {"matchLabels": dict(labels)}, "template": template(labels, spec), **extra}
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": name, "namespace": ns}, "spec": s}


def job(name: str, ns: str = "default", spec: dict | None = None, **extra) -> dict:
    s = {"template": {"spec": {**(spec or pod_spec()), "restartPolicy": "Never"}}, **extra}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "namespace": ns}, "spec": s}


def cronjob(name: str, ns: str = "default", spec: dict | None = None) -> dict:
    jt = {"spec": {"template": {"spec": {**(spec or pod_spec()), "restartPolicy": "OnFailure"}}}}
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name, "namespace": ns},
            "spec": {"schedule": "*/5 * * * *", "jobTemplate": jt}}


def configmap(name: str, ns: str = "default", data: dict | None = None, **extra) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns},
            "data": data if data is not None else {"key": "value"}, **extra}


def secret(name: str, ns: str = "default", data: dict | None = None, **extra) -> dict:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": ns}, "type": "Opaque",
            "stringData": data if data is not None else {"password": "not-a-secret"}, **extra}


def service(name: str, ns: str = "default", ports: list | None = None, selector: dict | None = None,
            **extra) -> dict:
    spec = {"selector": selector or {"app": name}, "ports": ports or [{"name": "http", "port": 80}], **extra}
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns}, "spec": spec}


def service_account(name: str, ns: str = "default") -> dict:
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": ns}}


def role(name: str, ns: str, rules: list) -> dict:
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": name, "namespace": ns}, "rules": rules}


def cluster_role(name: str, rules: list) -> dict:
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": name},
            "rules": rules}


def binding(name: str, ns: str | None, role_kind: str, role_name: str, subjects: list) -> dict:
    kind = "RoleBinding" if ns else "ClusterRoleBinding"
    meta = {"name": name, **({"namespace": ns} if ns else {})}
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta,
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role_name},
            "subjects": subjects}


def pvc(name: str, ns: str = "default", size: str = "1Gi", storage_class: str | None = None) -> dict:
    spec: dict = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}}
    if storage_class is not None:
        spec["storageClassName"] = storage_class
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name, "namespace": ns},
            "spec": spec}


def limit_range(name: str, ns: str, item: dict) -> dict:
    return {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": name, "namespace": ns},
            "spec": {"limits": [{"type": "Container", **item}]}}


def quota(name: str, ns: str, hard: dict) -> dict:
    return {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": name, "namespace": ns},
            "spec": {"hard": hard}}


def priority_class(name: str, value: int, default: bool = False) -> dict:
    return {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name},
            "value": value, **({"globalDefault": True} if default else {})}


def create(obj: dict, **extra) -> dict:
    return {"op": "create", "object": copy.deepcopy(obj), **extra}


def settle(timeout_s: int = 60) -> dict:
    return {"op": "settle", "timeout_s": timeout_s, "until": "quiet"}


def case(id_: str, steps: list, namespaces=(), nodes=(), setup=(), kubelet: dict | None = None) -> dict:
    out = {"id": id_, "area": id_.split("/", 1)[0], "namespaces": sorted(set(namespaces)),
           "nodes": list(nodes), "setup": list(setup), "steps": steps}
    if kubelet:
        out["kubelet"] = kubelet
    return out
