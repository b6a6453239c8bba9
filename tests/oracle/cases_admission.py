"""Admission cases: LimitRanger, ResourceQuota, ServiceAccount, DefaultTolerationSeconds and Priority, on pods and
on workloads (whose pods the controllers create after a settle)."""

from __future__ import annotations

from tests.oracle import kube

NS = "team"
NODES = [kube.node("n1", cpu="8", memory="32Gi"), kube.node("n2", cpu="8", memory="32Gi")]


def _c(id_: str, steps: list, setup=(), nodes=()) -> dict:
    return kube.case(f"admission/{id_}", steps, namespaces=[NS], setup=setup, nodes=nodes)


def _pod(name: str = "p", requests=None, limits=None, **extra) -> dict:
    return kube.pod(name, NS, requests=requests, limits=limits, **extra)


LIMIT_RANGES = {
    "default-both": {"default": {"cpu": "500m", "memory": "256Mi"}, "defaultRequest": {"cpu": "100m",
                                                                                         "memory": "64Mi"}},
    "default-limit-only": {"default": {"cpu": "500m", "memory": "256Mi"}},
    "default-request-only": {"defaultRequest": {"cpu": "200m"}},
    "max-only": {"max": {"cpu": "1", "memory": "1Gi"}},
    "min-only": {"min": {"cpu": "100m", "memory": "32Mi"}},
    "min-max": {"min": {"cpu": "100m"}, "max": {"cpu": "2"}},
    "ratio": {"maxLimitRequestRatio": {"cpu": "2"}},
}
POD_SHAPES = {
    "none": ({}, {}),
    "requests": ({"cpu": "250m", "memory": "128Mi"}, {}),
    "limits": ({}, {"cpu": "750m", "memory": "512Mi"}),
    "both": ({"cpu": "50m", "memory": "16Mi"}, {"cpu": "3", "memory": "2Gi"}),
}


def limit_range_cases() -> list[dict]:
    out = []
    for lr, item in LIMIT_RANGES.items():
        setup = [kube.limit_range("limits", NS, item)]
        for shape, (req, lim) in POD_SHAPES.items():
            out.append(_c(f"limitrange/{lr}/pod-{shape}", [kube.create(_pod(requests=req, limits=lim))], setup))
        dep = kube.deployment("web", NS, replicas=2)
        out.append(_c(f"limitrange/{lr}/deployment", [kube.create(dep), kube.settle()], setup, NODES))
    return out


def quota_cases() -> list[dict]:
    out = []
    pods2 = [kube.quota("compute", NS, {"pods": "2"})]
    out.append(_c("quota/pods-exceeded", [kube.create(_pod(f"p{i}")) for i in range(3)], pods2))
    out.append(_c("quota/pods-usage", [kube.create(_pod("p0")), kube.settle()], pods2, NODES))
    cpu = [kube.quota("compute", NS, {"requests.cpu": "1", "limits.memory": "1Gi"})]
    both = {"cpu": "400m"}, {"memory": "256Mi"}
    out.append(_c("quota/cpu-exceeded", [kube.create(_pod(f"p{i}", *both)) for i in range(3)], cpu))
    out.append(_c("quota/must-specify-limits", [kube.create(_pod("p", requests={"cpu": "100m"}))], cpu))
    out.append(_c("quota/must-specify-requests", [kube.create(_pod("p", limits={"memory": "100Mi"}))], cpu))
    out.append(_c("quota/limits-defaulted-by-limitrange", [kube.create(_pod("p"))],
                  [kube.limit_range("limits", NS, LIMIT_RANGES["default-both"])] + cpu))
    out.append(_c("quota/usage-after-create", [kube.create(_pod("p", *both)), kube.settle()], cpu, NODES))
    svc = [kube.quota("objects", NS, {"services": "1", "configmaps": "2", "secrets": "1",
                                      "persistentvolumeclaims": "1"})]
    out.append(_c("quota/services-exceeded", [kube.create(kube.service("a", NS)), kube.create(kube.service("b", NS))],
                  svc))
    out.append(_c("quota/pvcs-exceeded", [kube.create(kube.pvc("a", NS)), kube.create(kube.pvc("b", NS))], svc))
    out.append(_c("quota/secrets-exceeded", [kube.create(kube.secret("a", NS)), kube.create(kube.secret("b", NS))],
                  svc))
    out.append(_c("quota/deployment-pods-exceeded", [kube.create(kube.deployment("web", NS, replicas=3)),
                                                     kube.settle()], pods2, NODES))
    mem = [kube.quota("mem", NS, {"requests.memory": "1Gi"})]
    out.append(_c("quota/memory-exceeded", [kube.create(_pod("big", requests={"memory": "2Gi"}))], mem))
    out.append(_c("quota/memory-fits", [kube.create(_pod("small", requests={"memory": "512Mi"}))], mem))
    return out


def service_account_cases() -> list[dict]:
    sa = kube.service_account("builder", NS)
    return [
        _c("serviceaccount/default", [kube.create(_pod())]),
        _c("serviceaccount/named", [kube.create(_pod(serviceAccountName="builder"))], [sa]),
        _c("serviceaccount/missing", [kube.create(_pod(serviceAccountName="ghost"))]),
        _c("serviceaccount/deprecated-field", [kube.create(_pod(serviceAccount="builder"))], [sa]),
        _c("serviceaccount/no-automount", [kube.create(_pod(serviceAccountName="builder",
                                                             automountServiceAccountToken=False))], [sa]),
        _c("serviceaccount/deployment-missing", [kube.create(kube.deployment(
            "web", NS, spec=kube.pod_spec(serviceAccountName="ghost"))), kube.settle()], (), NODES),
    ]


def toleration_cases() -> list[dict]:
    own = [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
            "tolerationSeconds": 60}]
    return [
        _c("tolerations/defaulted", [kube.create(_pod())]),
        _c("tolerations/own-not-ready-kept", [kube.create(_pod(tolerations=own))]),
        _c("tolerations/exists-all", [kube.create(_pod(tolerations=[{"operator": "Exists"}]))]),
        _c("tolerations/other-kept", [kube.create(_pod(tolerations=[{"key": "dedicated", "operator": "Equal",
                                                                     "value": "db", "effect": "NoSchedule"}]))]),
        _c("tolerations/daemonset-pods", [kube.create(kube.daemonset("agent", NS)), kube.settle()], (), NODES),
    ]


def priority_cases() -> list[dict]:
    high = kube.priority_class("high", 1000)
    default = kube.priority_class("standard", 100, default=True)
    return [
        _c("priority/none", [kube.create(_pod())]),
        _c("priority/class", [kube.create(_pod(priorityClassName="high"))], [high]),
        _c("priority/class-missing", [kube.create(_pod(priorityClassName="ghost"))]),
        _c("priority/global-default", [kube.create(_pod())], [default]),
        _c("priority/system-cluster-critical", [kube.create(_pod(priorityClassName="system-cluster-critical"))]),
        _c("priority/value-set-by-hand", [kube.create(_pod(priority=5))]),
        _c("priority/deployment", [kube.create(kube.deployment("web", NS, spec=kube.pod_spec(
            priorityClassName="high"))), kube.settle()], [high], NODES),
    ]


def namespace_cases() -> list[dict]:
    return [
        kube.case("admission/namespace/missing", [kube.create(kube.pod("p", "nowhere"))]),
        _c("namespace/delete-default", [{"op": "delete", "kind": "Namespace", "namespace": None,
                                         "name": "default"}]),
        _c("namespace/create-in-terminating", [{"op": "delete", "kind": "Namespace", "namespace": None,
                                                "name": NS}, kube.create(_pod())],
           [kube.configmap("keep", NS)]),
    ]


def storage_cases() -> list[dict]:
    sc = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
          "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
          "provisioner": "example.com/none", "volumeBindingMode": "WaitForFirstConsumer"}
    return [
        _c("storage/default-class", [kube.create(kube.pvc("data", NS))], [sc]),
        _c("storage/no-default-class", [kube.create(kube.pvc("data", NS))]),
        _c("storage/explicit-empty-class", [kube.create(kube.pvc("data", NS, storage_class=""))], [sc]),
    ]


def admission_cases() -> list[dict]:
    return (limit_range_cases() + quota_cases() + service_account_cases() + toleration_cases() + priority_cases()
            + namespace_cases() + storage_cases())
