"""Generated invalid objects: each validation rule kdsl implements (kdsl/engine/apiserver/validation.py, the
model's checks, kdsl/interop/validate.py's schema), broken exactly once on a valid object of each kind it governs."""

from __future__ import annotations

import copy

from tests.oracle import kube

NS = "oracle"
TEMPLATED = ("Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob")


def bases() -> dict[str, dict]:
    """A valid object of each kind the rules cover (the same names, so cases differ in one rule only)."""
    return {
        "Pod": kube.pod("web", NS, labels={"app": "web"}),
        "Deployment": kube.deployment("web", NS),
        "ReplicaSet": kube.replicaset("web", NS),
        "StatefulSet": kube.statefulset("web", NS),
        "DaemonSet": kube.daemonset("web", NS),
        "Job": kube.job("web", NS),
        "CronJob": kube.cronjob("web", NS),
        "ConfigMap": kube.configmap("web", NS),
        "Secret": kube.secret("web", NS),
        "Service": kube.service("web", NS),
        "ServiceAccount": kube.service_account("web", NS),
        "Role": kube.role("web", NS, [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]),
        "RoleBinding": kube.binding("web", NS, "Role", "web", [{"kind": "User", "name": "alice",
                                                               "apiGroup": "rbac.authorization.k8s.io"}]),
        "PersistentVolumeClaim": kube.pvc("web", NS),
    }


def _spec(obj: dict) -> dict:
    """The pod spec inside any templated kind."""
    kind = obj["kind"]
    if kind == "Pod":
        return obj["spec"]
    if kind == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return obj["spec"]["template"]["spec"]


def _set(path: str, value):
    def apply(obj: dict) -> None:
        *head, last = path.split(".")
        at = obj
        for p in head:
            at = at.setdefault(p, {})
        at[last] = value
    return apply


def _labels(value: dict):
    def apply(obj: dict) -> None:
        obj["metadata"]["labels"] = value
        if obj["kind"] in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"):
            pass  # the object's own labels, not the template's: the selector still matches
    return apply


def _container(**fields):
    def apply(obj: dict) -> None:
        _spec(obj)["containers"][0].update(fields)
    return apply


def _pod(fn):
    def apply(obj: dict) -> None:
        fn(_spec(obj))
    return apply


# rule -> (kinds it applies to, mutation). Each breaks one rule once.
META_RULES = {
    "name-uppercase": _set("metadata.name", "Web"),
    "name-underscore": _set("metadata.name", "web_1"),
    "name-too-long": _set("metadata.name", "w" * 254),
    "name-leading-dash": _set("metadata.name", "-web"),
    "name-dot-in-label-name": _set("metadata.name", "web.v1"),
    "name-slash": _set("metadata.name", "web/1"),
    "label-key-invalid": _labels({"-app": "web"}),
    "label-key-prefix-invalid": _labels({"Example.COM/app": "web"}),
    "label-key-name-too-long": _labels({"a" * 64: "web"}),
    "label-value-invalid": _labels({"app": "web app"}),
    "label-value-too-long": _labels({"app": "v" * 64}),
    "label-value-trailing-dash": _labels({"app": "web-"}),
    "annotation-key-invalid": _set("metadata.annotations", {"bad key": "x"}),
}
POD_RULES = {
    "container-name-invalid": _container(name="Web_1"),
    "container-name-too-long": _container(name="c" * 64),
    "container-name-duplicate": _pod(lambda s: s["containers"].append(kube.container("app"))),
    "init-container-name-duplicate": _pod(lambda s: s.setdefault("initContainers", []).append(
        kube.container("app"))),
    "image-missing": _container(image=""),
    "image-whitespace": _container(image=" nginx"),
    "port-name-too-long": _container(ports=[{"name": "a" * 16, "containerPort": 80}]),
    "port-name-no-letter": _container(ports=[{"name": "8080", "containerPort": 80}]),
    "port-name-double-dash": _container(ports=[{"name": "a--b", "containerPort": 80}]),
    "port-name-uppercase": _container(ports=[{"name": "HTTP", "containerPort": 80}]),
    "requests-above-limits-cpu": _container(resources={"requests": {"cpu": "2"}, "limits": {"cpu": "1"}}),
    "requests-above-limits-memory": _container(resources={"requests": {"memory": "2Gi"},
                                                          "limits": {"memory": "1Gi"}}),
    "no-containers": _pod(lambda s: s.update(containers=[])),
    "scheduling-gate-invalid": _pod(lambda s: s.update(schedulingGates=[{"name": "-gate"}])),
    "scheduling-gate-duplicate": _pod(lambda s: s.update(schedulingGates=[{"name": "example.com/g"},
                                                                          {"name": "example.com/g"}])),
    "volume-mount-unknown": _container(volumeMounts=[{"name": "data", "mountPath": "/data"}]),
}
# The schema: what the decoder refuses before validation (kdsl/interop/validate.py), one a kind.
SCHEMA_RULES = {
    "Deployment": {
        "replicas-string": _set("spec.replicas", "three"),
        "replicas-fraction": _set("spec.replicas", 1.5),
        "unknown-field": _set("spec.replica", 2),
        "selector-missing": lambda o: o["spec"].pop("selector"),
        "selector-mismatch": _set("spec.selector", {"matchLabels": {"app": "other"}}),
        "replicas-negative": _set("spec.replicas", -1),
        "strategy-unknown": _set("spec.strategy", {"type": "Sideways"}),
        "max-surge-and-unavailable-zero": _set("spec.strategy", {"type": "RollingUpdate", "rollingUpdate": {
            "maxSurge": 0, "maxUnavailable": 0}}),
    },
    "Pod": {
        "quantity-invalid": _container(resources={"requests": {"cpu": "lots"}}),
        "container-unknown-field": _container(portz=[{"containerPort": 80}]),
        "containers-not-a-list": _pod(lambda s: s.update(containers={"name": "app"})),
        "container-name-missing": _pod(lambda s: s["containers"][0].pop("name")),
        "restart-policy-unknown": _pod(lambda s: s.update(restartPolicy="Sometimes")),
        "node-name-with-gates": _pod(lambda s: s.update(nodeName="n1", schedulingGates=[{"name": "example.com/g"}])),
        "toleration-operator-unknown": _pod(lambda s: s.update(tolerations=[{"key": "k", "operator": "Maybe"}])),
        "affinity-required-list": _pod(lambda s: s.update(affinity={"nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [{"matchExpressions": []}]}})),
        "port-out-of-range": _container(ports=[{"containerPort": 70000}]),
        "env-name-invalid": _container(env=[{"name": "1=BAD", "value": "x"}]),
    },
    "StatefulSet": {
        "selector-mismatch": _set("spec.selector", {"matchLabels": {"app": "other"}}),
        "pod-management-unknown": _set("spec.podManagementPolicy", "Random"),
    },
    "Job": {
        "restart-policy-always": _pod(lambda s: s.update(restartPolicy="Always")),
        "completions-negative": _set("spec.completions", -1),
    },
    "CronJob": {"schedule-invalid": _set("spec.schedule", "every minute")},
    "ConfigMap": {
        "key-invalid": _set("data", {"bad key": "x"}),
        "key-dot-dot": _set("data", {"..": "x"}),
    },
    "Secret": {"key-invalid": _set("stringData", {"bad/key": "x"})},
    "Service": {
        "port-missing": _set("spec.ports", [{"name": "http"}]),
        "port-name-duplicate": _set("spec.ports", [{"name": "http", "port": 80}, {"name": "http", "port": 81}]),
        "port-name-missing-with-two": _set("spec.ports", [{"port": 80}, {"port": 81}]),
        "node-port-out-of-range": _set("spec", {"type": "NodePort", "selector": {"app": "web"},
                                                "ports": [{"port": 80, "nodePort": 80}]}),
        "node-port-on-cluster-ip": _set("spec.ports", [{"port": 80, "nodePort": 30080}]),
        "type-unknown": _set("spec.type", "Public"),
        "cluster-ip-invalid": _set("spec.clusterIP", "10.0.0.999"),
        "name-dot": _set("metadata.name", "web.v1"),
    },
    "RoleBinding": {"role-ref-kind-unknown": lambda o: o["roleRef"].update(kind="Group")},
    "PersistentVolumeClaim": {
        "access-modes-missing": lambda o: o["spec"].pop("accessModes"),
        "storage-missing": lambda o: o["spec"].pop("resources"),
    },
}
DNS_LABEL_KINDS = ("Service", "Namespace")


def _meta_kinds(rule: str, kinds) -> list[str]:
    if rule == "name-dot-in-label-name":
        return ["Service"]  # a DNS-1123 label name; the subdomain kinds allow dots
    if rule == "name-slash":
        return ["Role", "RoleBinding", "ConfigMap"]  # RBAC names are path segments: `/` is what they refuse
    return list(kinds)


def invalid_cases() -> list[dict]:
    base = bases()
    out = []

    def add(rule: str, kind: str, mutate) -> None:
        obj = copy.deepcopy(base[kind])
        mutate(obj)
        out.append(kube.case(f"validation/invalid/{rule}/{kind}", [kube.create(obj)], namespaces=[NS]))

    for rule, mutate in META_RULES.items():
        for kind in _meta_kinds(rule, base):
            add(rule, kind, mutate)
    for rule, mutate in POD_RULES.items():
        for kind in TEMPLATED:
            add(rule, kind, mutate)
    for kind, rules in SCHEMA_RULES.items():
        for rule, mutate in rules.items():
            add(rule, kind, mutate)
    for kind in sorted(base):  # the valid bases themselves: so a refusal of a base is not read as the rule's
        out.append(kube.case(f"validation/valid/{kind}", [kube.create(base[kind])], namespaces=[NS]))
    return out + update_cases(base)


def _update(rule: str, kind: str, before: dict, change, setup=()) -> dict:
    after = copy.deepcopy(before)
    change(after)
    return kube.case(f"validation/update/{rule}/{kind}", [kube.create(before), {"op": "update", "object": after}],
                     namespaces=[NS], setup=list(setup))


def update_cases(base: dict) -> list[dict]:
    """Rules of an update (validate_update): immutable fields, and what may change."""
    out = []
    for kind in ("Deployment", "ReplicaSet", "DaemonSet"):
        def widen(o):
            o["spec"]["selector"]["matchLabels"]["tier"] = "x"
            o["spec"]["template"]["metadata"]["labels"]["tier"] = "x"
        out.append(_update("selector-immutable", kind, base[kind], widen))
        out.append(_update("image-change-allowed", kind, base[kind], _container(image="registry.k8s.io/pause:3.9")))
    out.append(_update("service-name-immutable", "StatefulSet", base["StatefulSet"], _set("spec.serviceName", "db")))
    out.append(_update("replicas-allowed", "StatefulSet", base["StatefulSet"], _set("spec.replicas", 2)))
    pod = base["Pod"]
    out.append(_update("image-change-allowed", "Pod", pod, _container(image="registry.k8s.io/pause:3.9")))
    out.append(_update("env-change-forbidden", "Pod", pod, _container(env=[{"name": "A", "value": "1"}])))
    out.append(_update("container-added-forbidden", "Pod", pod,
                       _pod(lambda s: s["containers"].append(kube.container("side")))))
    out.append(_update("toleration-added-allowed", "Pod", pod,
                       _pod(lambda s: s.update(tolerations=[{"key": "k", "operator": "Exists"}]))))
    out.append(_update("label-change-allowed", "Pod", pod, _set("metadata.labels", {"app": "web", "v": "2"})))
    gated = copy.deepcopy(pod)
    gated["spec"]["schedulingGates"] = [{"name": "example.com/a"}]
    out.append(_update("scheduling-gate-removed-allowed", "Pod", gated, _pod(lambda s: s.update(schedulingGates=[]))))
    out.append(_update("scheduling-gate-added-forbidden", "Pod", gated,
                       _pod(lambda s: s["schedulingGates"].append({"name": "example.com/b"}))))
    cm = kube.configmap("web", NS, immutable=True)
    out.append(_update("immutable-data", "ConfigMap", cm, _set("data", {"key": "other"})))
    out.append(_update("immutable-unset", "ConfigMap", cm, _set("immutable", False)))
    out.append(_update("type-immutable", "Secret", base["Secret"], _set("type", "kubernetes.io/basic-auth")))
    rb = base["RoleBinding"]
    out.append(_update("role-ref-immutable", "RoleBinding", rb, lambda o: o["roleRef"].update(name="other")))
    out.append(_update("subjects-allowed", "RoleBinding", rb,
                       lambda o: o["subjects"].append({"kind": "Group", "name": "dev",
                                                       "apiGroup": "rbac.authorization.k8s.io"})))
    return out
