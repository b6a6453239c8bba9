"""Model objects as Kubernetes manifests (plain dicts): each kind's fields, then its `yaml` merged in."""

from __future__ import annotations

import attrs

from kdsl.core import yamls
from kdsl.core.values import Percent
from kdsl.engine.apiserver.strategy import generated
from kdsl.model import access, config, network, nodes, workloads
from kdsl.model.autoscaling import HorizontalPodAutoscaler
from kdsl.model.manifest import Manifest
from kdsl.model.network import NetworkPolicy
from kdsl.interop.autoscaling import hpa_spec
from kdsl.interop.pods import network_policy_spec, quantity, seconds, selector, template
from kdsl.interop.patch import merge
from kdsl.interop.uses import with_uses

DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"
RBAC = "rbac.authorization.k8s.io"
# A PersistentVolume needs a volume source; a PV written in kdsl names none, so it gets this one.
PV_SOURCES = ("hostPath", "local", "nfs", "csi", "iscsi", "fc", "cephfs", "rbd", "glusterfs", "awsElasticBlockStore",
              "gcePersistentDisk", "azureDisk", "azureFile", "cinder", "flexVolume", "flocker", "photonPersistentDisk",
              "portworxVolume", "quobyte", "scaleIO", "storageos", "vsphereVolume")


def default_pv_path(name: str) -> str:
    return f"/mnt/kdsl/{name}"


def manifest(obj) -> dict:
    """The object as `kubectl apply` takes it: kdsl's fields, with the object's `yaml` merged on top."""
    if isinstance(obj, Manifest):
        return yamls.safe_load(obj.yaml)
    out = core(obj)
    if obj.yaml:
        extra = yamls.safe_load(obj.yaml)
        if isinstance(extra, dict):
            out = merge(out, extra)
    if isinstance(obj, config.PersistentVolume) and not any(k in out.get("spec", {}) for k in PV_SOURCES):
        out.setdefault("spec", {})["hostPath"] = {"path": default_pv_path(obj.name)}
    return out


def metadata(obj) -> dict:
    out: dict = {"name": obj.name}
    if obj.namespaced:
        out["namespace"] = obj.namespace
    if obj.labels:
        out["labels"] = dict(obj.labels)
    if obj.annotations:
        out["annotations"] = dict(obj.annotations)
    return out


def core(obj) -> dict:
    """kdsl's own fields of an object, without its `yaml`."""
    out: dict = {"apiVersion": obj.api_version, "kind": obj.kind, "metadata": metadata(obj)}
    spec = _SPEC[type(obj)](obj, out)
    if spec is not None:
        out["spec"] = spec
    if "status" in out:  # a Node's: after its spec, where kubectl prints it
        out["status"] = out.pop("status")
    return out


def _strategy(s: workloads.Strategy, default: workloads.Strategy, key: str = "rollingUpdate") -> dict | None:
    if s == default:
        return None
    out: dict = {"type": s.type}
    if s.type != "RollingUpdate":
        return out
    rolling = {}
    for field, value in (("maxSurge", s.max_surge), ("maxUnavailable", s.max_unavailable), ("partition", s.partition)):
        if value is not None:
            rolling[field] = str(value) if isinstance(value, Percent) else value
    if rolling:
        out[key] = rolling
    return out


def _common(obj, spec: dict, defaults: dict) -> None:
    for field, key in (("min_ready_ms", "minReadySeconds"), ("revision_history_limit", "revisionHistoryLimit"),
                       ("progress_deadline_ms", "progressDeadlineSeconds")):
        if not hasattr(obj, field):
            continue
        value = getattr(obj, field)
        value = seconds(value) if field.endswith("_ms") else value
        if value != defaults.get(key, 0):
            spec[key] = value


def _pod(obj, out) -> dict:
    annotations = with_uses(out["metadata"].get("annotations", {}), obj.template)
    if annotations:
        out["metadata"]["annotations"] = annotations
    return template(obj.template)["spec"]


def _deployment(obj, out) -> dict:
    spec: dict = {"replicas": obj.replicas, "selector": selector(obj.selector), "template": template(obj.template)}
    strategy = _strategy(obj.strategy, workloads.DEPLOYMENT_STRATEGY)
    if strategy:
        spec["strategy"] = strategy
    _common(obj, spec, {"revisionHistoryLimit": 10, "progressDeadlineSeconds": 600})
    if obj.paused:
        spec["paused"] = True
    return spec


def _replicaset(obj, out) -> dict:
    spec: dict = {"replicas": obj.replicas, "selector": selector(obj.selector), "template": template(obj.template)}
    _common(obj, spec, {})
    return spec


def _rc(obj, out) -> dict:
    spec: dict = {"replicas": obj.replicas, "selector": dict(obj.selector.match_labels),
                  "template": template(obj.template)}
    _common(obj, spec, {})
    return spec


def claim_template(c: workloads.ClaimTemplate) -> dict:
    spec: dict = {"accessModes": list(c.access_modes), "resources": {"requests": {"storage": quantity("storage",
                                                                                                     c.storage)}}}
    if c.storage_class is not None:
        spec["storageClassName"] = c.storage_class
    return {"metadata": {"name": c.name}, "spec": spec}


def _statefulset(obj, out) -> dict:
    spec: dict = {"replicas": obj.replicas, "selector": selector(obj.selector), "template": template(obj.template)}
    if obj.service_name:
        spec["serviceName"] = obj.service_name
    _unless_default(spec, "podManagementPolicy", obj, "pod_management_policy")
    strategy = _strategy(obj.strategy, workloads.Strategy(partition=0))
    if strategy:
        spec["updateStrategy"] = strategy
    if obj.claims:
        spec["volumeClaimTemplates"] = [claim_template(c) for c in obj.claims]
    if obj.ordinals_start:
        spec["ordinals"] = {"start": obj.ordinals_start}
    if not (obj.retain_on_delete and obj.retain_on_scale):
        spec["persistentVolumeClaimRetentionPolicy"] = {
            "whenDeleted": "Retain" if obj.retain_on_delete else "Delete",
            "whenScaled": "Retain" if obj.retain_on_scale else "Delete"}
    _common(obj, spec, {"revisionHistoryLimit": 10})
    return spec


def _daemonset(obj, out) -> dict:
    spec: dict = {"selector": selector(obj.selector), "template": template(obj.template)}
    strategy = _strategy(obj.strategy, workloads.Strategy(max_unavailable=1, max_surge=0))
    if strategy:
        spec["updateStrategy"] = strategy
    _common(obj, spec, {"revisionHistoryLimit": 10})
    return spec


def _unless_default(out: dict, key: str, obj, field: str) -> None:
    """Write `key` only when the object's value differs from its kind's default, which the model holds
    (Kubernetes' defaulting), so an export says no more than the manifest it came from."""
    value = getattr(obj, field)
    if value != attrs.fields_dict(type(obj))[field].default:
        out[key] = value


def _job_spec(obj) -> dict:
    spec: dict = {"template": template(obj.template)}
    if generated(obj):  # a Job the API server stored: its selector is generated (engine/apiserver/strategy.py)
        spec.update(selector=selector(obj.selector), manualSelector=False)
    for key, field in (("completions", "completions"), ("parallelism", "parallelism"),
                       ("backoffLimit", "backoff_limit"), ("completionMode", "completion_mode")):
        _unless_default(spec, key, obj, field)
    if obj.active_deadline_ms is not None:
        spec["activeDeadlineSeconds"] = seconds(obj.active_deadline_ms)
    if obj.ttl_after_finished_ms is not None:
        spec["ttlSecondsAfterFinished"] = seconds(obj.ttl_after_finished_ms)
    return spec


def _job(obj, out) -> dict:
    return _job_spec(obj)


def _cronjob(obj, out) -> dict:
    spec: dict = {"schedule": obj.schedule, "jobTemplate": {"spec": _job_spec(obj.job)}}
    for key, field in (("concurrencyPolicy", "concurrency_policy"), ("suspend", "suspend"),
                       ("successfulJobsHistoryLimit", "successful_jobs_history_limit"),
                       ("failedJobsHistoryLimit", "failed_jobs_history_limit")):
        _unless_default(spec, key, obj, field)
    if obj.starting_deadline_ms is not None:
        spec["startingDeadlineSeconds"] = seconds(obj.starting_deadline_ms)
    return spec


def _service(obj, out) -> dict:
    spec: dict = {}
    if obj.type != "ClusterIP":
        spec["type"] = obj.type
    if obj.headless:
        spec["clusterIP"] = "None"
    elif obj.cluster_ip and obj.cluster_ip != "None":
        spec["clusterIP"] = obj.cluster_ip
    if obj.selector is not None:
        spec["selector"] = dict(obj.selector)
    ports = []
    for p in obj.ports:
        port: dict = {}
        if p.name:
            port["name"] = p.name
        port["port"] = p.port
        if p.target != p.port:
            port["targetPort"] = p.target
        if p.protocol != "TCP":
            port["protocol"] = p.protocol
        if p.node_port is not None:
            port["nodePort"] = p.node_port
        ports.append(port)
    if ports:
        spec["ports"] = ports
    return spec


def _backend(service: str, port) -> dict:
    return {"service": {"name": service, "port": {"number": port} if isinstance(port, int) else {"name": port}}}


def _ingress(obj, out) -> dict:
    spec: dict = {}
    if obj.class_name:
        spec["ingressClassName"] = obj.class_name
    if obj.default_backend:
        spec["defaultBackend"] = _backend(*obj.default_backend)
    rules: list[dict] = []
    for r in obj.rules:
        if not rules or rules[-1].get("host", "") != r.host:
            rules.append({"host": r.host} if r.host else {})
            rules[-1]["http"] = {"paths": []}
        rules[-1]["http"]["paths"].append({"path": r.path, "pathType": r.path_type,
                                           "backend": _backend(r.service, r.port)})
    if rules:
        spec["rules"] = rules
    if obj.tls:
        spec["tls"] = [{"hosts": list(t.hosts), **({"secretName": t.secret} if t.secret else {})} for t in obj.tls]
    return spec


def _configmap(obj, out) -> None:
    if obj.data:
        out["data"] = dict(obj.data)
    if obj.immutable:
        out["immutable"] = True


def _secret(obj, out) -> None:
    merged = obj.merged()
    if merged.type != "Opaque":
        out["type"] = merged.type
    if merged.data:
        out["data"] = dict(merged.encoded())
    if obj.immutable:
        out["immutable"] = True


def _storageclass(obj, out) -> None:
    out["provisioner"] = obj.provisioner
    if obj.default:
        out["metadata"].setdefault("annotations", {})[DEFAULT_CLASS] = "true"
    _unless_default(out, "reclaimPolicy", obj, "reclaim_policy")
    _unless_default(out, "volumeBindingMode", obj, "binding_mode")
    if obj.allow_expansion:
        out["allowVolumeExpansion"] = True


def _pv(obj, out) -> dict:
    spec: dict = {"capacity": {"storage": quantity("storage", obj.capacity)}, "accessModes": list(obj.access_modes)}
    _unless_default(spec, "persistentVolumeReclaimPolicy", obj, "reclaim_policy")
    if obj.storage_class:
        spec["storageClassName"] = obj.storage_class
    if obj.claim:
        ns, _, name = obj.claim.rpartition("/")
        spec["claimRef"] = {"namespace": ns or "default", "name": name}
    if obj.node:
        spec["nodeAffinity"] = {"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "kubernetes.io/hostname", "operator": "In", "values": [obj.node]}]}]}}
    return spec


def _pvc(obj, out) -> dict:
    spec: dict = {"accessModes": list(obj.access_modes),
                  "resources": {"requests": {"storage": quantity("storage", obj.storage)}}}
    if obj.storage_class is not None:
        spec["storageClassName"] = obj.storage_class
    if obj.volume_name:
        spec["volumeName"] = obj.volume_name
    return spec


def _namespace(obj, out) -> None:
    return None


def _quota(obj, out) -> dict:
    return {"hard": {k: (quantity("cpu" if k.endswith("cpu") else "memory", v)
                         if k.endswith(("cpu", "memory", "storage")) else str(v)) for k, v in obj.hard}}


def _limitrange(obj, out) -> dict:
    item: dict = {"type": "Container"}
    for field, key in (("default", "default"), ("default_request", "defaultRequest"), ("max", "max"), ("min", "min")):
        values = getattr(obj, field)
        if values:
            item[key] = {k: quantity(k, v) for k, v in values}
    if obj.max_ratio:  # thousandths, written as a quantity as cpu is (`2`, `1500m`)
        item["maxLimitRequestRatio"] = {k: quantity("cpu", v) for k, v in obj.max_ratio}
    return {"limits": [item]}


def _node(obj, out) -> dict:
    spec: dict = {}
    if obj.taints:
        spec["taints"] = [{"key": t.key, **({"value": t.value} if t.value else {}), "effect": t.effect}
                          for t in obj.taints]
    if obj.unschedulable:
        spec["unschedulable"] = True
    shape = {"cpu": quantity("cpu", obj.cpu), "memory": quantity("memory", obj.memory), "pods": str(obj.pods)}
    out["status"] = {"capacity": dict(shape), "allocatable": dict(shape)}
    if obj.images:
        out["status"]["images"] = [{"names": [i]} for i in obj.images]
    if obj.ready != "True":
        out["status"]["conditions"] = [{"type": "Ready", "status": obj.ready}]
    return spec


def _rule(r: access.PolicyRule) -> dict:
    out: dict = {"apiGroups": list(r.api_groups), "resources": list(r.resources), "verbs": list(r.verbs)}
    if r.resource_names:
        out["resourceNames"] = list(r.resource_names)
    return out


def _role(obj, out) -> None:
    out["rules"] = [_rule(r) for r in obj.rules]


def _subject(s: access.Subject) -> dict:
    if s.kind == "ServiceAccount":
        return {"kind": "ServiceAccount", "name": s.name, "namespace": s.namespace}
    return {"kind": s.kind, "name": s.name, "apiGroup": RBAC}


def _binding(obj, out) -> None:
    out["roleRef"] = {"apiGroup": RBAC, "kind": obj.role_kind, "name": obj.role_name}
    if obj.subjects:
        out["subjects"] = [_subject(s) for s in obj.subjects]


def _nothing(obj, out) -> None:
    return None


_SPEC = {
    workloads.Pod: _pod, workloads.Deployment: _deployment, workloads.ReplicaSet: _replicaset,
    workloads.ReplicationController: _rc, workloads.StatefulSet: _statefulset, workloads.DaemonSet: _daemonset,
    workloads.Job: _job, workloads.CronJob: _cronjob, network.Service: _service, network.Ingress: _ingress,
    config.ConfigMap: _configmap, config.Secret: _secret, config.StorageClass: _storageclass,
    config.PersistentVolume: _pv, config.PersistentVolumeClaim: _pvc, nodes.Namespace: _namespace,
    nodes.ResourceQuota: _quota, nodes.LimitRange: _limitrange, nodes.Node: _node,
    access.ServiceAccount: _nothing, access.Role: _role, access.ClusterRole: _role,
    access.RoleBinding: _binding, access.ClusterRoleBinding: _binding, HorizontalPodAutoscaler: hpa_spec,
    NetworkPolicy: network_policy_spec,
}
