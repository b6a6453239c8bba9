"""Controller cases: Deployment rollouts, ReplicaSet replacement, StatefulSet order and scale, DaemonSet placement,
Job completion and back-off, garbage collection and namespace deletion — steps, each followed by a settle."""

from __future__ import annotations

from tests.oracle import kube

NS = "apps"
NODES = [kube.node(f"n{i}", cpu="8", memory="32Gi", labels={"topology.kubernetes.io/zone": z})
         for i, z in ((1, "a"), (2, "b"), (3, "c"))]
IMAGE2 = "registry.k8s.io/pause:3.9"


def _c(id_: str, steps: list, setup=(), kubelet: dict | None = None, nodes=None) -> dict:
    return kube.case(f"controllers/{id_}", steps, namespaces=[NS], nodes=NODES if nodes is None else nodes,
                     setup=setup, kubelet=kubelet)


def _patch(kind: str, name: str, patch: dict) -> dict:
    return {"op": "patch", "kind": kind, "namespace": NS, "name": name, "type": "merge", "patch": patch}


def _image(image: str) -> dict:
    return {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": image}]}}}}


def _delete(kind: str, name: str, **extra) -> dict:
    return {"op": "delete", "kind": kind, "namespace": NS, "name": name, **extra}


S = kube.settle


def deployment_cases() -> list[dict]:
    out = []
    for surge, unavailable in (("25%", "25%"), (1, 0), (0, 1), (2, 1), ("50%", "0%"), ("100%", 0)):
        strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}}
        dep = kube.deployment("web", NS, replicas=4, strategy=strategy)
        out.append(_c(f"deployment/rollout-surge-{surge}-unavailable-{unavailable}".replace("%", "pct"),
                      [kube.create(dep), S(), _patch("Deployment", "web", _image(IMAGE2)), S()]))
    recreate = kube.deployment("web", NS, replicas=3, strategy={"type": "Recreate"})
    out.append(_c("deployment/recreate", [kube.create(recreate), S(), _patch("Deployment", "web", _image(IMAGE2)),
                                          S()]))
    dep = kube.deployment("web", NS, replicas=3)
    out += [
        _c("deployment/create", [kube.create(dep), S()]),
        _c("deployment/scale-up", [kube.create(dep), S(), _patch("Deployment", "web", {"spec": {"replicas": 5}}),
                                   S()]),
        _c("deployment/scale-down", [kube.create(dep), S(), _patch("Deployment", "web", {"spec": {"replicas": 1}}),
                                     S()]),
        _c("deployment/rollback", [kube.create(dep), S(), _patch("Deployment", "web", _image(IMAGE2)), S(),
                                   _patch("Deployment", "web", _image(kube.IMAGE)), S()]),
        _c("deployment/pause", [kube.create(dep), S(), _patch("Deployment", "web", {"spec": {"paused": True}}), S(),
                                _patch("Deployment", "web", _image(IMAGE2)), S(),
                                _patch("Deployment", "web", {"spec": {"paused": False}}), S()]),
        _c("deployment/pods-never-ready", [kube.create(dep), S()], kubelet={"default": "pending"}),
        _c("deployment/revision-history", [kube.create(kube.deployment("web", NS, replicas=1,
                                                                       revisionHistoryLimit=1)), S(),
                                           _patch("Deployment", "web", _image(IMAGE2)), S(),
                                           _patch("Deployment", "web", _image("registry.k8s.io/pause:3.8")), S()]),
    ]
    return out


def replicaset_cases() -> list[dict]:
    rs = kube.replicaset("front", NS, replicas=3)
    return [
        _c("replicaset/create", [kube.create(rs), S()]),
        _c("replicaset/replace-deleted-pod", [kube.create(rs), S(), {"op": "delete", "kind": "Pod", "namespace": NS,
                                                                     "name": "", "labelSelector": "app=front"},
                                              S()]),
        _c("replicaset/adopt-orphan", [kube.create(kube.pod("stray", NS, labels={"app": "front"})), S(),
                                       kube.create(rs), S()]),
        _c("replicaset/scale-to-zero", [kube.create(rs), S(), _patch("ReplicaSet", "front",
                                                                     {"spec": {"replicas": 0}}), S()]),
    ]


def statefulset_cases() -> list[dict]:
    sts = kube.statefulset("db", NS, replicas=3)
    par = kube.statefulset("db", NS, replicas=3, podManagementPolicy="Parallel")
    return [
        _c("statefulset/ordered-create", [kube.create(sts), S()]),
        _c("statefulset/parallel-create", [kube.create(par), S()]),
        _c("statefulset/scale-down", [kube.create(sts), S(), _patch("StatefulSet", "db", {"spec": {"replicas": 1}}),
                                      S()]),
        _c("statefulset/scale-up", [kube.create(sts), S(), _patch("StatefulSet", "db", {"spec": {"replicas": 5}}),
                                    S()]),
        _c("statefulset/rolling-update", [kube.create(sts), S(), _patch("StatefulSet", "db", _image(IMAGE2)), S()]),
        _c("statefulset/replace-deleted-pod", [kube.create(sts), S(), _delete("Pod", "db-1"), S()]),
    ]


def daemonset_cases() -> list[dict]:
    tainted = NODES[:2] + [kube.node("n3", cpu="8", memory="32Gi", taints=[kube.taint("dedicated", "db",
                                                                                        "NoSchedule")])]
    return [
        _c("daemonset/every-node", [kube.create(kube.daemonset("agent", NS)), S()]),
        _c("daemonset/node-selector", [kube.create(kube.daemonset("agent", NS, spec=kube.pod_spec(
            nodeSelector={"topology.kubernetes.io/zone": "b"}))), S()]),
        _c("daemonset/tainted-node", [kube.create(kube.daemonset("agent", NS)), S()], nodes=tainted),
        _c("daemonset/rolling-update", [kube.create(kube.daemonset("agent", NS)), S(),
                                        _patch("DaemonSet", "agent", _image(IMAGE2)), S()]),
    ]


def job_cases() -> list[dict]:
    ok = {"default": "ready", "pods": {f"{NS}/pi-": "succeed"}}
    bad = {"default": "ready", "pods": {f"{NS}/pi-": "fail"}}
    return [
        _c("job/complete", [kube.create(kube.job("pi", NS)), S()], kubelet=ok),
        _c("job/completions-parallel", [kube.create(kube.job("pi", NS, completions=4, parallelism=2)), S()],
           kubelet=ok),
        _c("job/indexed", [kube.create(kube.job("pi", NS, completions=3, parallelism=3, completionMode="Indexed")),
                           S()], kubelet=ok),
        _c("job/backoff-limit", [kube.create(kube.job("pi", NS, backoffLimit=2)), S(120)], kubelet=bad),
        _c("job/backoff-zero", [kube.create(kube.job("pi", NS, backoffLimit=0)), S()], kubelet=bad),
        _c("job/suspended", [kube.create(kube.job("pi", NS, suspend=True)), S()], kubelet=ok),
    ]


def gc_cases() -> list[dict]:
    dep = kube.deployment("web", NS, replicas=2)
    return [
        _c("gc/delete-deployment", [kube.create(dep), S(), _delete("Deployment", "web"), S()]),
        _c("gc/delete-replicaset-orphan", [kube.create(kube.replicaset("front", NS, replicas=2)), S(),
                                           _delete("ReplicaSet", "front", propagation="Orphan"), S()]),
        _c("gc/delete-foreground", [kube.create(dep), S(), _delete("Deployment", "web", propagation="Foreground"),
                                    S()]),
        _c("gc/delete-job", [kube.create(kube.job("pi", NS)), S(), _delete("Job", "pi", propagation="Background"),
                             S()], kubelet={"default": "ready", "pods": {f"{NS}/pi-": "pending"}}),
        _c("namespace/delete", [kube.create(dep), kube.create(kube.configmap("cfg", NS)), S(),
                                {"op": "delete", "kind": "Namespace", "namespace": None, "name": NS}, S()]),
    ]


def controller_cases() -> list[dict]:
    return deployment_cases() + replicaset_cases() + statefulset_cases() + daemonset_cases() + job_cases() + gc_cases()
