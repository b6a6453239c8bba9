"""The API server's defaulting (the SetDefaults_* functions of each group's v1), applied to an object as v1 writes it.

kdsl's model holds the defaults as values and writes an object without them, as its manifest said it; `defaulted`
puts back what the real API server stores, so a stored object reads as `kubectl get -o yaml` prints it."""

from __future__ import annotations

from kdsl.engine.apiserver.defaults_pods import _dicts, default_pod, default_pod_spec, default_template

RBAC_GROUP = "rbac.authorization.k8s.io"


def defaulted(obj: dict, ip_family: str = "IPv4") -> dict:
    """`obj` (a fresh dict, changed in place) with its kind's defaults; `ip_family` is the cluster's service
    family, for the Service REST storage's ipFamilies."""
    kind = obj.get("kind")
    if kind == "Service":
        _service(obj, ip_family)
    elif kind == "Pod":
        default_pod(obj)
    elif kind in WORKLOADS:
        spec = obj.get("spec")
        if isinstance(spec, dict):
            WORKLOADS[kind](spec)
            default_template(spec.get("template"))
    elif kind in OTHERS:
        OTHERS[kind](obj)
    return obj


# ---- core/v1 (pkg/apis/core/v1/defaults.go) --------------------------------------------------------------------

def _service(obj: dict, family: str) -> None:
    """SetDefaults_Service, then what the Service REST storage writes (initIPFamilyFields,
    pkg/registry/core/service/storage/alloc.go: a single-stack cluster)."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    spec.setdefault("sessionAffinity", "None")
    if spec["sessionAffinity"] == "ClientIP":
        config = spec.setdefault("sessionAffinityConfig", {})
        if isinstance(config, dict) and not (config.get("clientIP") or {}).get("timeoutSeconds"):
            config["clientIP"] = {"timeoutSeconds": 10800}  # v1.DefaultClientIPServiceAffinitySeconds
    kind = spec.setdefault("type", "ClusterIP")
    for p in _dicts(spec.get("ports")):
        if not p.get("protocol"):
            p["protocol"] = "TCP"
        if p.get("targetPort") in (None, 0, ""):
            p["targetPort"] = p.get("port")
    external = kind in ("NodePort", "LoadBalancer") or (kind == "ClusterIP" and spec.get("externalIPs"))
    if external and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if kind in ("ClusterIP", "NodePort", "LoadBalancer"):
        spec.setdefault("internalTrafficPolicy", "Cluster")
    if kind == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    if kind == "ExternalName":
        return
    headless = spec.get("clusterIP") == "None"
    if headless and not spec.get("selector"):  # headless and selectorless: both families
        spec.setdefault("ipFamilyPolicy", "RequireDualStack")
        other = "IPv6" if family == "IPv4" else "IPv4"
        spec.setdefault("ipFamilies", [family] if spec["ipFamilyPolicy"] == "SingleStack" else [family, other])
    else:
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("ipFamilies", [family])
    if spec.get("clusterIP") and "clusterIPs" not in spec:
        spec["clusterIPs"] = [spec["clusterIP"]]


def _pv(obj: dict) -> None:
    spec = obj.get("spec")
    if isinstance(spec, dict):
        spec.setdefault("persistentVolumeReclaimPolicy", "Retain")
        spec.setdefault("volumeMode", "Filesystem")
        host = spec.get("hostPath")
        if isinstance(host, dict) and host.get("type") is None:
            host["type"] = ""


def _pvc(obj: dict) -> None:
    """SetDefaults_PersistentVolumeClaimSpec and the Pending phase (a claim template keeps it; a stored claim's
    status is its own)."""
    if isinstance(obj.get("spec"), dict):
        obj["spec"].setdefault("volumeMode", "Filesystem")
    status = obj.setdefault("status", {})
    if isinstance(status, dict):
        status.setdefault("phase", "Pending")


def _namespace(obj: dict) -> None:
    """The namespace strategy's PrepareForCreate (pkg/registry/core/namespace/strategy.go): the `kubernetes`
    finalizer, which the namespace controller takes away as the last step of a deletion."""
    obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])


def _secret(obj: dict) -> None:
    if not obj.get("type"):
        obj["type"] = "Opaque"


def _limit_range(obj: dict) -> None:
    """SetDefaults_LimitRangeItem: a Container item's default limit from its max, its default request from its
    default limit, then from its min."""
    for item in _dicts((obj.get("spec") or {}).get("limits")):
        if item.get("type") != "Container":
            continue
        default = item.setdefault("default", {})
        request = item.setdefault("defaultRequest", {})
        for key, value in (item.get("max") or {}).items():
            default.setdefault(key, value)
        for key, value in list(default.items()) + list((item.get("min") or {}).items()):
            request.setdefault(key, value)
        for key in ("default", "defaultRequest"):
            if not item[key]:
                del item[key]


def _endpoints(obj: dict) -> None:
    for subset in _dicts(obj.get("subsets")):
        for p in _dicts(subset.get("ports")):
            if not p.get("protocol"):
                p["protocol"] = "TCP"


def _rc(spec: dict) -> None:
    spec.setdefault("replicas", 1)  # declarative (+default=1)
    labels = (spec.get("template") or {}).get("metadata", {}).get("labels")
    if labels and not spec.get("selector"):
        spec["selector"] = dict(labels)


# ---- apps/v1 (pkg/apis/apps/v1/defaults.go) --------------------------------------------------------------------

def _deployment(spec: dict) -> None:
    spec.setdefault("replicas", 1)
    strategy = spec.setdefault("strategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.setdefault("rollingUpdate", {})
        rolling.setdefault("maxUnavailable", "25%")
        rolling.setdefault("maxSurge", "25%")
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)


def _daemonset(spec: dict) -> None:
    strategy = spec.setdefault("updateStrategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.setdefault("rollingUpdate", {})
        rolling.setdefault("maxUnavailable", 1)
        rolling.setdefault("maxSurge", 0)
    spec.setdefault("revisionHistoryLimit", 10)


def _statefulset(spec: dict) -> None:
    spec.setdefault("podManagementPolicy", "OrderedReady")
    strategy = spec.setdefault("updateStrategy", {})
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
        strategy.setdefault("rollingUpdate", {})
    if strategy["type"] == "RollingUpdate" and isinstance(strategy.get("rollingUpdate"), dict):
        strategy["rollingUpdate"].setdefault("partition", 0)
    policy = spec.setdefault("persistentVolumeClaimRetentionPolicy", {})
    policy.setdefault("whenDeleted", "Retain")
    policy.setdefault("whenScaled", "Retain")
    spec.setdefault("replicas", 1)
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("serviceName", "")  # not omitempty in v1.34
    for claim in _dicts(spec.get("volumeClaimTemplates")):
        claim.setdefault("apiVersion", "v1")
        claim.setdefault("kind", "PersistentVolumeClaim")
        _pvc(claim)


def _replicaset(spec: dict) -> None:
    spec.setdefault("replicas", 1)


# ---- batch/v1 (pkg/apis/batch/v1/defaults.go) ------------------------------------------------------------------

def _job(spec: dict) -> None:
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = 2 ** 31 - 1 if spec.get("backoffLimitPerIndex") is not None else 6
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    spec.setdefault("podReplacementPolicy", "Failed" if spec.get("podFailurePolicy") is not None else
                     "TerminatingOrFailed")
    spec.setdefault("manualSelector", False)


def _cronjob(obj: dict) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    spec.setdefault("concurrencyPolicy", "Allow")
    spec.setdefault("suspend", False)
    spec.setdefault("successfulJobsHistoryLimit", 3)
    spec.setdefault("failedJobsHistoryLimit", 1)
    job = (spec.get("jobTemplate") or {}).get("spec")
    if isinstance(job, dict):  # a JobTemplateSpec gets its pod template's defaults only
        default_template(job.get("template"))


# ---- other groups ----------------------------------------------------------------------------------------------

def _storage_class(obj: dict) -> None:
    """SetDefaults_StorageClass (pkg/apis/storage/v1/defaults.go)."""
    obj.setdefault("reclaimPolicy", "Delete")
    obj.setdefault("volumeBindingMode", "Immediate")


def _binding(obj: dict) -> None:
    """SetDefaults_Subject and SetDefaults_RoleRef's group (pkg/apis/rbac/v1/defaults.go)."""
    for s in _dicts(obj.get("subjects")):
        if not s.get("apiGroup") and s.get("kind") in ("User", "Group"):
            s["apiGroup"] = RBAC_GROUP


def _network_policy(obj: dict) -> None:
    """SetDefaults_NetworkPolicy (pkg/apis/networking/v1/defaults.go): policyTypes from the rules, TCP ports."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    for rule in _dicts(spec.get("ingress")) + _dicts(spec.get("egress")):
        for p in _dicts(rule.get("ports")):
            if not p.get("protocol"):
                p["protocol"] = "TCP"
    if not spec.get("policyTypes"):
        spec["policyTypes"] = ["Ingress"] + (["Egress"] if spec.get("egress") else [])


def _pod_template(obj: dict) -> None:
    default_template(obj.get("template"))


WORKLOADS = {"Deployment": _deployment, "DaemonSet": _daemonset, "StatefulSet": _statefulset,
             "ReplicaSet": _replicaset, "ReplicationController": _rc, "Job": _job}
OTHERS = {"PersistentVolume": _pv, "PersistentVolumeClaim": _pvc, "Namespace": _namespace, "Secret": _secret,
          "LimitRange": _limit_range, "Endpoints": _endpoints, "CronJob": _cronjob, "StorageClass": _storage_class,
          "RoleBinding": _binding, "ClusterRoleBinding": _binding, "NetworkPolicy": _network_policy,
          "PodTemplate": _pod_template}
__all__ = ["default_pod_spec", "defaulted"]
