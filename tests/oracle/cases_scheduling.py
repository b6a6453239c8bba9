"""Scheduling cases: small clusters (labelled, tainted, sized nodes; existing pods bound by nodeName) and a pod
to schedule, one a filter and score plugin kdsl implements, then a settle (feasible nodes, node, FitError)."""

from __future__ import annotations

from tests.oracle import kube

NS = "sched"
ZONE = "topology.kubernetes.io/zone"


def _nodes(n: int = 3, cpu: str = "4", memory: str = "8Gi", **labels_by_node) -> list[dict]:
    zones = "abc"
    return [kube.node(f"n{i + 1}", cpu=cpu, memory=memory, labels={ZONE: zones[i % 3]}) for i in range(n)]


def _existing(name: str, node: str, labels: dict | None = None, cpu: str = "1", memory: str = "1Gi",
              **extra) -> dict:
    return kube.pod(name, NS, labels=labels or {"app": "old"}, requests={"cpu": cpu, "memory": memory},
                    nodeName=node, **extra)


def _c(id_: str, pod: dict, nodes: list, setup=(), more=()) -> dict:
    steps = [kube.create(pod), *[kube.create(p) for p in more], kube.settle(30)]
    return kube.case(f"scheduling/{id_}", steps, namespaces=[NS], nodes=nodes, setup=setup)


def _pod(name: str = "new", cpu: str = "500m", memory: str = "512Mi", labels: dict | None = None, **extra) -> dict:
    return kube.pod(name, NS, labels=labels or {"app": "new"}, requests={"cpu": cpu, "memory": memory}, **extra)


def _term(key: str, op: str, values: list) -> dict:
    return {"matchExpressions": [{"key": key, "operator": op, "values": values}]}


def resource_cases() -> list[dict]:
    nodes = [kube.node("small", cpu="1", memory="2Gi"), kube.node("medium", cpu="2", memory="4Gi"),
             kube.node("large", cpu="8", memory="32Gi")]
    full = [_existing("busy", "large", cpu="7500m")]
    return [
        _c("fit/cpu-too-big-everywhere", _pod(cpu="16"), nodes),
        _c("fit/memory-too-big-everywhere", _pod(memory="64Gi"), nodes),
        _c("fit/cpu-and-memory", _pod(cpu="3", memory="16Gi"), nodes),
        _c("fit/existing-pods-count", _pod(cpu="1500m"), nodes, full),
        _c("fit/pods-capacity", _pod(cpu="10m", memory="10Mi"), [kube.node("tiny", pods="1")],
           [_existing("one", "tiny", cpu="10m", memory="10Mi")]),
        _c("score/least-allocated", _pod(cpu="500m"), _nodes(3), [_existing("a", "n1", cpu="3"),
                                                                  _existing("b", "n2", cpu="1")]),
        _c("score/balanced-allocation", _pod(cpu="1", memory="1Gi"),
           [kube.node("cpu-heavy", cpu="4", memory="8Gi"), kube.node("even", cpu="4", memory="8Gi")],
           [_existing("a", "cpu-heavy", cpu="3", memory="512Mi"), _existing("b", "even", cpu="2", memory="4Gi")]),
        _c("fit/zero-requests", kube.pod("new", NS), nodes),
        _c("fit/limits-only", kube.pod("new", NS, limits={"cpu": "3", "memory": "1Gi"}), nodes),
    ]


def affinity_cases() -> list[dict]:
    nodes = [kube.node("n1", labels={"disk": "ssd", ZONE: "a"}), kube.node("n2", labels={"disk": "hdd", ZONE: "b"}),
             kube.node("n3", labels={ZONE: "c", "gpu": "2"})]
    req = lambda *terms: {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":  # noqa: E731
                                           {"nodeSelectorTerms": list(terms)}}}
    pref = lambda w, t: {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [  # noqa: E731
        {"weight": w, "preference": t}]}}
    return [
        _c("nodeaffinity/selector", _pod(nodeSelector={"disk": "ssd"}), nodes),
        _c("nodeaffinity/selector-no-match", _pod(nodeSelector={"disk": "nvme"}), nodes),
        _c("nodeaffinity/in", _pod(affinity=req(_term("disk", "In", ["ssd", "hdd"]))), nodes),
        _c("nodeaffinity/notin", _pod(affinity=req(_term("disk", "NotIn", ["ssd"]))), nodes),
        _c("nodeaffinity/exists", _pod(affinity=req({"matchExpressions": [{"key": "gpu", "operator": "Exists"}]})),
           nodes),
        _c("nodeaffinity/does-not-exist", _pod(affinity=req({"matchExpressions": [
            {"key": "disk", "operator": "DoesNotExist"}]})), nodes),
        _c("nodeaffinity/gt", _pod(affinity=req(_term("gpu", "Gt", ["1"]))), nodes),
        _c("nodeaffinity/terms-ored", _pod(affinity=req(_term("disk", "In", ["hdd"]), _term("gpu", "In", ["2"]))),
           nodes),
        _c("nodeaffinity/no-match", _pod(affinity=req(_term("disk", "In", ["nvme"]))), nodes),
        _c("nodeaffinity/preferred", _pod(affinity=pref(50, _term("disk", "In", ["hdd"]))), nodes),
        _c("nodeaffinity/match-fields", _pod(affinity=req({"matchFields": [
            {"key": "metadata.name", "operator": "In", "values": ["n3"]}]})), nodes),
    ]


def taint_cases() -> list[dict]:
    nodes = [kube.node("n1", taints=[kube.taint("dedicated", "db", "NoSchedule")]),
             kube.node("n2", taints=[kube.taint("gpu", None, "NoExecute")]),
             kube.node("n3", taints=[kube.taint("spot", "true", "PreferNoSchedule")])]
    all_tainted = nodes[:2]
    tol = lambda **t: [t]  # noqa: E731
    return [
        _c("taints/prefer-no-schedule-only", _pod(), nodes),
        _c("taints/all-untolerated", _pod(), all_tainted),
        _c("taints/tolerate-equal", _pod(tolerations=tol(key="dedicated", operator="Equal", value="db",
                                                           effect="NoSchedule")), all_tainted),
        _c("taints/tolerate-exists", _pod(tolerations=tol(key="gpu", operator="Exists")), all_tainted),
        _c("taints/tolerate-everything", _pod(tolerations=tol(operator="Exists")), all_tainted),
        _c("taints/wrong-value", _pod(tolerations=tol(key="dedicated", operator="Equal", value="web",
                                                        effect="NoSchedule")), all_tainted),
        _c("taints/prefer-scored", _pod(), [nodes[2], kube.node("n4")]),
    ]


def spread_cases() -> list[dict]:
    nodes = _nodes(3)
    web = {"app": "web"}
    existing = [_existing("w1", "n1", web), _existing("w2", "n1", web), _existing("w3", "n2", web)]
    spread = lambda when, skew=1, key=ZONE: [{"maxSkew": skew, "topologyKey": key,  # noqa: E731
                                             "whenUnsatisfiable": when, "labelSelector": {"matchLabels": web}}]
    return [
        _c("spread/zone-hard", _pod(labels=web, topologySpreadConstraints=spread("DoNotSchedule")), nodes, existing),
        _c("spread/zone-soft", _pod(labels=web, topologySpreadConstraints=spread("ScheduleAnyway")), nodes, existing),
        _c("spread/hostname-hard-skew2", _pod(labels=web, topologySpreadConstraints=spread(
            "DoNotSchedule", 2, "kubernetes.io/hostname")), nodes, existing),
        _c("spread/unsatisfiable", _pod(labels=web, topologySpreadConstraints=spread("DoNotSchedule")),
           nodes[:2], existing + [_existing("w4", "n2", web)] + [_existing("w5", "n2", web)]),
        _c("spread/missing-topology-key", _pod(labels=web, topologySpreadConstraints=spread(
            "DoNotSchedule", 1, "rack")), nodes, existing),
    ]


def interpod_cases() -> list[dict]:
    nodes = _nodes(3)
    cache = [_existing("cache", "n2", {"app": "cache"})]
    term = lambda key, app: {"labelSelector": {"matchLabels": {"app": app}}, "topologyKey": key}  # noqa: E731
    host = "kubernetes.io/hostname"
    return [
        _c("interpod/affinity-host", _pod(affinity={"podAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [term(host, "cache")]}}), nodes, cache),
        _c("interpod/affinity-zone", _pod(affinity={"podAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [term(ZONE, "cache")]}}), nodes, cache),
        _c("interpod/affinity-no-match", _pod(affinity={"podAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [term(host, "ghost")]}}), nodes, cache),
        _c("interpod/anti-affinity-host", _pod(affinity={"podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [term(host, "cache")]}}), nodes, cache),
        _c("interpod/anti-affinity-everywhere", _pod(affinity={"podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [term(host, "old")]}}), nodes,
           [_existing(f"o{i}", f"n{i}") for i in (1, 2, 3)]),
        _c("interpod/existing-anti-affinity", _pod(labels={"app": "web"}), nodes,
           [_existing("loner", "n1", {"app": "loner"}, affinity={"podAntiAffinity": {
               "requiredDuringSchedulingIgnoredDuringExecution": [term(host, "web")]}})]),
        _c("interpod/preferred-affinity", _pod(affinity={"podAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm":
                                                                 term(host, "cache")}]}}), nodes, cache),
        _c("interpod/self-affinity-first-pod", _pod(labels={"app": "web"}, affinity={"podAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [term(host, "web")]}}), nodes),
    ]


def misc_cases() -> list[dict]:
    nodes = _nodes(3)
    port = [{"containerPort": 80, "hostPort": 8080}]
    hp = lambda name: kube.pod(name, NS, spec=kube.pod_spec([kube.container(ports=port)]))  # noqa: E731
    return [
        _c("nodename/bound", _pod(nodeName="n2"), nodes),
        _c("nodename/missing-node", _pod(nodeName="ghost"), nodes),
        _c("nodeports/conflict", hp("new"), nodes, [dict(hp(f"h{i}"), spec={**hp("x")["spec"], "nodeName": f"n{i}"})
                                                    for i in (1, 2)]),
        _c("nodeports/all-taken", hp("new"), nodes[:1], [dict(hp("h1"), spec={**hp("x")["spec"], "nodeName": "n1"})]),
        _c("unschedulable/cordoned", _pod(), [kube.node("n1", unschedulable=True), kube.node("n2")]),
        _c("unschedulable/all-cordoned", _pod(), [kube.node("n1", unschedulable=True)]),
        _c("unschedulable/tolerated", _pod(tolerations=[{"key": "node.kubernetes.io/unschedulable",
                                                         "operator": "Exists", "effect": "NoSchedule"}]),
           [kube.node("n1", unschedulable=True)]),
        _c("nodes/none", _pod(), []),
        _c("nodes/not-ready", _pod(), [dict(kube.node("n1"), status={**kube.node("n1")["status"], "conditions": [
            {"type": "Ready", "status": "False", "reason": "KubeletNotReady", "message": "not ready"}]}),
            kube.node("n2")]),
        _c("gates/gated", _pod(schedulingGates=[{"name": "example.com/wait"}]), nodes),
        _c("volume/unbound-claim", kube.pod("new", NS, spec=kube.pod_spec(volumes=[
            {"name": "data", "persistentVolumeClaim": {"claimName": "ghost"}}])), nodes),
        _c("multi/two-pods-one-slot", _pod("a", cpu="3"), [kube.node("n1")], more=[_pod("b", cpu="3")]),
    ]


def preemption_cases() -> list[dict]:
    low, high = kube.priority_class("low", 10), kube.priority_class("high", 1000)
    nodes = [kube.node("n1", cpu="2"), kube.node("n2", cpu="2")]
    victims = [_existing("v1", "n1", cpu="1500m", priorityClassName="low"),
               _existing("v2", "n2", cpu="1800m", priorityClassName="low")]
    return [
        _c("preemption/lower-priority-victim", _pod("vip", cpu="1", priorityClassName="high"), nodes,
           [low, high] + victims),
        _c("preemption/never", _pod("vip", cpu="1", priorityClassName="polite"), nodes,
           [low, {**kube.priority_class("polite", 1000), "preemptionPolicy": "Never"}] + victims),
        _c("preemption/not-helpful", _pod("vip", cpu="3", priorityClassName="high"), nodes, [low, high] + victims),
    ]


def scheduling_cases() -> list[dict]:
    return (resource_cases() + affinity_cases() + taint_cases() + spread_cases() + interpod_cases() + misc_cases()
            + preemption_cases())
