"""Every scenario of tests/corpus/EXPECTED.yaml as a test: its files imported in order, simulated on the
reference cluster (interop.DEFAULT_CLUSTER), and each stated outcome checked. Outcomes that depend on what
an image does at run time get the simulated behaviour the test adds (see BEHAVIOUR and docs/interop.md)."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest
import yaml

import kdsl
from kdsl.engine import podview
from kdsl.engine.apiserver.quota import namespace_usage
from kdsl.engine.apiserver.authn import namespace_exists
from kdsl.engine.apiserver.rbac import can
from kdsl.engine.apiserver.resources import format_quantity, resource_info
from kdsl.engine.objects import Running, Terminated, Waiting
from kdsl.engine.services import slices_at
from kdsl.engine.simulation import Simulation
from kdsl.interop import DEFAULT_CLUSTER
from kdsl.engine.podview import qos_class

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
EXPECTED = yaml.safe_load((CORPUS / "EXPECTED.yaml").read_text(encoding="utf-8"))
SCENARIOS = {s["id"]: s for s in EXPECTED["scenarios"]}
S = 1000
GiB = 1 << 30

# What the test adds where an outcome depends on what the image does at run time: scenario id ->
# (kind, object, container, Behaviour fields). Listed, with the reason, in docs/interop.md.
BEHAVIOUR = {
    "website-exec-liveness": [("Pod", "liveness-exec", "liveness", {"hang_after_ms": 30 * S})],
    "website-mysql-replicated": [("StatefulSet", "mysql", "init-mysql", {"exit_code": 0, "exit_after_ms": 1 * S}),
                                 ("StatefulSet", "mysql", "clone-mysql", {"exit_code": 0, "exit_after_ms": 2 * S})],
    "microservices-demo": [("Deployment", "loadgenerator", "frontend-check", {"exit_code": 0, "exit_after_ms": 10 * S})],
    "website-job-pi": [("Job", "pi", "pi", {"exit_code": 0, "exit_after_ms": 10 * S})],
    "website-memory-oom": [("Pod", "memory-demo-2", "memory-demo-2-ctr", {"oom_after_ms": 1 * S})],
    "website-init-containers": [("Pod", "init-demo", "install", {"exit_code": 0, "exit_after_ms": 5 * S})],
    "website-configmap-envfrom": [("Pod", "dapi-test-pod", "test-container", {"exit_code": 0, "exit_after_ms": 1 * S})],
    "examples-cluster-dns": [("Pod", "dns-frontend", "dns-frontend", {"exit_code": 0, "exit_after_ms": 5 * S})],
}

# The reference cluster of EXPECTED.yaml is the default cluster of `kdsl run manifests.yaml`.
RAND = "[bcdfghjklmnpqrstvwxz2456789]"


def behave(scenario, kind: str, name: str, container: str, fields: dict):
    def evolve(cs):
        return tuple(attrs.evolve(c, behaviour=attrs.evolve(c.behaviour, **fields)) if c.name == container else c
                     for c in cs)

    objects, found = [], False
    for o in scenario.objects:
        if o.kind == kind and o.name == name:
            t = o.template
            assert t.container(container) is not None, f"{kind} {name} has no container {container}"
            o = attrs.evolve(o, template=attrs.evolve(t, containers=evolve(t.containers),
                                                      init_containers=evolve(t.init_containers)))
            found = True
        objects.append(o)
    assert found, f"no {kind} {name}"
    return attrs.evolve(scenario, objects=tuple(objects))


def simulate(sid: str, *, files: int | None = None, until: int = 180 * S, behaviour: bool = True,
             cluster: str | None = None) -> Simulation:
    """The scenario's first `files` files (all by default) applied in order to a fresh reference cluster
    (or to `cluster`, kdsl text)."""
    sc = SCENARIOS[sid]
    paths = [CORPUS / f for f in sc["files"][:files]]
    scenario = kdsl.from_manifests(*paths, namespace=sc.get("namespace"), cluster=cluster)
    for kind, name, container, fields in BEHAVIOUR.get(sid, []) if behaviour else []:
        scenario = behave(scenario, kind, name, container, fields)
    return Simulation(scenario).run(until=until)


def pods(sim: Simulation, namespace: str = "default", at: int | None = None) -> dict:
    t = sim.now if at is None else at
    return {p.name: p for p in sim.store.kind_at("Pod", namespace, t)}


def pod(sim: Simulation, name: str, namespace: str = "default", at: int | None = None):
    found = pods(sim, namespace, at).get(name)
    assert found is not None, f"pod {namespace}/{name} does not exist at {at}"
    return found


def each_second(sim: Simulation, name: str, start: int, end: int) -> list:
    return [pod(sim, name, at=t) for t in range(start, end, S)]


def columns(sim: Simulation, p) -> dict:
    """kubectl get pods: READY, STATUS, RESTARTS (and kdsl's PHASE)."""
    nodes = {n.name: n for n in sim.store.list("Node")}
    return podview.row(p, nodes, sim.now)


def started(sim: Simulation, name: str, namespace: str = "default") -> int:
    """When the pod's first container first started: EXPECTED.yaml's times count from there."""
    return min(e.time_ms for e in sim.log.events
               if e.kind == "Pod" and e.name == name and e.namespace == namespace and e.reason == "Started")


def events(sim: Simulation, name: str, reason: str, kind: str = "Pod") -> list:
    return [e for e in sim.log.events if e.kind == kind and e.name == name and e.reason == reason]


def pattern(text: str) -> tuple[re.Pattern, int]:
    """`nginx-deployment-<rs-hash>-<5> x3` -> a regex for the names and how many."""
    text, _, count = text.partition(" x")
    rx = re.escape(text).replace(re.escape("<rs-hash>"), f"(?P<hash>{RAND}{{6,10}})")
    rx = rx.replace(re.escape("<5>"), f"{RAND}{{5}}")
    return re.compile(rx + "$"), int(count or 1)


def check_pod_names(sim: Simulation, sid: str) -> dict:
    """EXPECTED.yaml's `pod_names`: exact names, or patterns with <rs-hash> (the pod-template-hash label)
    and <5> (five random characters); every pod of the namespace is accounted for."""
    sc = SCENARIOS[sid]
    got = pods(sim, sc["namespace"])
    left = dict(got)
    for text in sc["pod_names"]:
        rx, count = pattern(text)
        hits = sorted(n for n in left if rx.match(n))
        assert len(hits) == count, f"{text}: {hits} of {sorted(got)}"
        for n in hits:
            m = rx.match(n)
            if "hash" in m.groupdict():
                assert dict(left[n].meta.labels)["pod-template-hash"] == m["hash"]
            del left[n]
    assert not left, f"pods not in pod_names: {sorted(left)}"
    return got


def pod_counts(sim: Simulation, namespace: str = "default") -> dict:
    """Pods per owning controller's top owner name (a Deployment's through its ReplicaSet)."""
    out: dict[str, int] = {}
    for p in pods(sim, namespace).values():
        [owner] = [o for o in p.meta.owners if o.controller]
        top = owner.name
        if owner.kind == "ReplicaSet":
            rs = sim.store.get("ReplicaSet", namespace, owner.name)
            top = next((o.name for o in rs.meta.owners if o.kind == "Deployment"), owner.name)
        out[top] = out.get(top, 0) + 1
    return out


def claims(sim: Simulation, namespace: str = "default") -> dict:
    return {c.name: c.status.phase for c in sim.store.list("PersistentVolumeClaim", namespace)}


def ready_endpoints(sim: Simulation, service: str, namespace: str = "default") -> list[str]:
    """The pods a Service's EndpointSlices list as ready."""
    return sorted(ep.pod for s in slices_at(sim.store, namespace, service, sim.now) for ep in s.spec.endpoints
                  if ep.ready)


def endpoint_ports(sim: Simulation, service: str, namespace: str = "default") -> set:
    return {p.port for s in slices_at(sim.store, namespace, service, sim.now) for p in s.spec.ports}


def check_services(sim: Simulation, sid: str, services: dict | None = None) -> None:
    """EXPECTED.yaml's `services`: type, clusterIP None, ports, targetPort (resolved), ready endpoints,
    external IP <pending>."""
    sc = SCENARIOS[sid]
    ns = sc["namespace"]
    for name, want in (services or sc["services"]).items():
        svc = sim.store.get("Service", ns, name)
        assert svc is not None, name
        spec = svc.spec
        row = {"type": spec.type}
        if "type" in want:
            assert spec.type == want["type"], name
        if want.get("clusterIP") == "None":
            assert spec.headless, name
        elif not spec.headless:
            assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", spec.cluster_ip), name
        ports = [p.port for p in spec.ports]
        if "port" in want:
            assert ports == [want["port"]], name
        if "ports" in want:
            assert ports == want["ports"], name
        if "targetPort" in want:
            assert [p.target for p in spec.ports] == [want["targetPort"]], (name, spec.ports)
        resolved = want.get("resolved_targetPort", want.get("targetPort"))
        if isinstance(resolved, int) and want.get("ready_endpoints"):
            assert endpoint_ports(sim, name, ns) == {resolved}, name
        if "nodePort" in want:
            assert all(30000 <= p.node_port <= 32767 for p in spec.ports), name
        if "external_ip" in want:
            from kdsl.engine.services import service_row
            assert service_row(svc, sim.now)["EXTERNAL-IP"] == want["external_ip"], name
        assert len(ready_endpoints(sim, name, ns)) == want["ready_endpoints"], (name, row)


def all_running_ready(sim: Simulation, namespace: str = "default") -> None:
    for p in pods(sim, namespace).values():
        cols = columns(sim, p)
        n = len(p.spec.template.containers)
        assert (cols["STATUS"], cols["READY"], cols["RESTARTS"]) == ("Running", f"{n}/{n}", 0), p.name


# ---------------------------------------------------------------- the cases
CASES: dict[str, object] = {}
MARKS: dict[str, str] = {}


def case(sid: str, part: str = "", xfail: str | None = None):
    assert sid in SCENARIOS, sid

    def register(fn):
        key = f"{sid}/{part}" if part else sid
        CASES[key] = fn
        if xfail:
            MARKS[key] = xfail
        return fn

    return register


def test_the_reference_cluster_is_the_default_one():
    """EXPECTED.yaml's `cluster`: 3 workers 4 CPU / 16Gi / 110 pods, no taints, hostname and os labels;
    a default class `standard` provisioning dynamically with Immediate binding; the usual namespaces."""
    want = EXPECTED["cluster"]
    sim = Simulation(kdsl.from_manifests(text="")).run(until=0)
    nodes = sim.store.list("Node")
    assert len(nodes) == want["nodes"]["count"] == 3
    for n in nodes:
        assert (n.status.cpu, n.status.memory, n.status.pods) == (4000, 16 * GiB, 110)
        assert n.spec.taints == ()
        labels = dict(n.meta.labels)
        assert labels["kubernetes.io/hostname"] == n.name and labels["kubernetes.io/os"] == "linux"
        assert "disktype" not in labels and "topology.kubernetes.io/zone" not in labels
    [sc] = [o for o in sim.scenario.objects if o.kind == "StorageClass"]
    assert (sc.name, sc.default, sc.binding_mode) == ("standard", True, "Immediate")
    assert all(namespace_exists(sim.store, ns) for ns in want["namespaces_present"])
    assert "storageclass standard provisioner=dynamic default" in DEFAULT_CLUSTER


# probes -----------------------------------------------------------------------------------------
@case("website-exec-liveness")
def _exec_liveness():
    sim = simulate("website-exec-liveness")
    t0 = started(sim, "liveness-exec")
    for p in each_second(sim, "liveness-exec", t0, t0 + 30 * S):
        assert (p.status.phase, p.status.container_statuses[0].restart_count) == ("Running", 0)
    assert not [e for e in sim.log.events if e.reason == "Unhealthy" and e.time_ms < t0 + 30 * S]
    [unhealthy] = [e for e in events(sim, "liveness-exec", "Unhealthy") if e.time_ms < t0 + 60 * S]
    assert t0 + 30 * S <= unhealthy.time_ms <= t0 + 36 * S  # ~35: the first failing probe after the file went
    assert unhealthy.message.startswith('Liveness probe failed: command "cat /tmp/healthy"')
    kill = events(sim, "liveness-exec", "Killing")[0]
    assert kill.message == "Container liveness failed liveness probe, will be restarted"
    assert t0 + 40 * S <= kill.time_ms <= t0 + 46 * S  # failureThreshold 3: failures at ~35, 40, 45
    p = pod(sim, "liveness-exec", at=t0 + 65 * S)
    assert (columns(sim, p)["STATUS"], columns(sim, p)["READY"], columns(sim, p)["RESTARTS"]) == ("Running", "1/1", 1)
    # the cycle repeats for every new container, with back-off
    assert pod(sim, "liveness-exec").status.container_statuses[0].restart_count >= 3
    assert events(sim, "liveness-exec", "BackOff")


@case("website-tcp-liveness-readiness")
def _tcp_liveness_readiness():
    sim = simulate("website-tcp-liveness-readiness")
    t0 = started(sim, "goproxy")
    for p in each_second(sim, "goproxy", t0, t0 + 15 * S):
        assert (p.status.phase, p.status.condition("Ready").status) == ("Running", "False")
    ready = pod(sim, "goproxy").status.condition("Ready")
    assert ready.status == "True"
    # the prober ticks every periodSeconds (10 s) from the container's start and skips the ticks before
    # initialDelaySeconds (15 s), so the first readiness probe is the tick at 20 s
    assert ready.last_transition_ms == t0 + 20 * S
    # runtime_dependent: goproxy listens on 8080, so the TCP liveness probes pass (kdsl's default behaviour)
    assert pod(sim, "goproxy").status.container_statuses[0].restart_count == 0


# StatefulSets ------------------------------------------------------------------------------------
def created(sim: Simulation, name: str, namespace: str = "default") -> int:
    return min(e.time_ms for e in sim.log.events if e.kind == "StatefulSet" and e.reason == "SuccessfulCreate"
               and f"Pod {name} " in e.message and e.namespace == namespace)


def ready_at(sim: Simulation, name: str, namespace: str = "default") -> int:
    return pod(sim, name, namespace).status.condition("Ready").last_transition_ms


@case("website-statefulset-web")
def _statefulset_web():
    sim = simulate("website-statefulset-web")
    got = check_pod_names(sim, "website-statefulset-web")
    all_running_ready(sim)
    assert created(sim, "web-1") >= ready_at(sim, "web-0")  # OrderedReady
    assert claims(sim) == {"www-web-0": "Bound", "www-web-1": "Bound"}
    for c in sim.store.list("PersistentVolumeClaim", "default"):
        assert (c.spec.storage_class, c.status.capacity, c.spec.access_modes) == ("standard", GiB, ("ReadWriteOnce",))
        pv = sim.store.get("PersistentVolume", None, c.spec.volume_name)
        assert pv.status.phase == "Bound" and pv.spec.capacity == GiB
    for name in ("web-0", "web-1"):
        t = got[name].spec.template
        assert (t.hostname, t.subdomain) == (name, "nginx")
        assert sim.route(f"{name}.nginx.default.svc.cluster.local").backends[0].address == got[name].status.pod_ip
    check_services(sim, "website-statefulset-web")
    sts = sim.store.get("StatefulSet", "default", "web")
    assert (sts.status.replicas, sts.status.ready_replicas) == (2, 2)


@case("website-zookeeper")
def _zookeeper():
    sim = simulate("website-zookeeper")
    check_pod_names(sim, "website-zookeeper")
    all_running_ready(sim)
    assert created(sim, "zk-0") < created(sim, "zk-1") < created(sim, "zk-2")
    assert created(sim, "zk-1") >= ready_at(sim, "zk-0") and created(sim, "zk-2") >= ready_at(sim, "zk-1")
    assert claims(sim) == {f"datadir-zk-{i}": "Bound" for i in range(3)}
    assert {c.status.capacity for c in sim.store.list("PersistentVolumeClaim", "default")} == {10 * GiB}
    for p in pods(sim).values():
        c = p.spec.template.containers[0]
        assert (c.requests.cpu, c.requests.memory) == (500, GiB)
    check_services(sim, "website-zookeeper")
    # the PodDisruptionBudget imports as a `pdb` statement: stored, not refused, with no warning
    assert not sim.rejections and not sim.scenario.warnings
    assert [type(o).__name__ for o in sim.scenario.objects if getattr(o, "served", False)] == ["PodDisruptionBudget"]


@case("website-zookeeper", "pdb-status")
def _zookeeper_pdb():
    sim = simulate("website-zookeeper")
    pdb = sim.store.get("PodDisruptionBudget", "default", "zk-pdb")
    s = pdb.status
    assert (s.current_healthy, s.desired_healthy, s.disruptions_allowed, s.expected_pods) == (3, 2, 1, 3)
    [shown] = [i for i in sim.manifests()["items"] if i["kind"] == "PodDisruptionBudget"]
    assert shown["status"]["disruptionsAllowed"] == 1
    assert [(c["type"], c["status"], c["reason"]) for c in shown["status"]["conditions"]] == [
        ("DisruptionAllowed", "True", "SufficientPods")]


@case("website-mysql-replicated")
def _mysql():
    sim = simulate("website-mysql-replicated")
    check_pod_names(sim, "website-mysql-replicated")
    for p in pods(sim).values():
        [init_mysql, clone_mysql] = p.status.init_container_statuses
        assert isinstance(init_mysql.state, Terminated) and isinstance(clone_mysql.state, Terminated)
        assert init_mysql.state.finished_ms <= clone_mysql.state.started_ms  # one after the other
        mains = p.status.container_statuses
        assert [c.name for c in mains] == ["mysql", "xtrabackup"]
        assert all(c.state.started_ms >= clone_mysql.state.finished_ms for c in mains)
        from kdsl.engine.apiserver.resources import pod_requests
        assert pod_requests(p.spec.template) == {"cpu": 600, "memory": 1124 << 20}
    all_running_ready(sim)
    assert created(sim, "mysql-0") < created(sim, "mysql-1") < created(sim, "mysql-2")
    assert claims(sim) == {f"data-mysql-{i}": "Bound" for i in range(3)}
    check_services(sim, "website-mysql-replicated")


@case("website-mysql-replicated", "without-configmap")
def _mysql_without_configmap():
    """If ConfigMap mysql were missing, the pods would stay in Init (configMap volume not found)."""
    sc = SCENARIOS["website-mysql-replicated"]
    scenario = kdsl.from_manifests(*[CORPUS / f for f in sc["files"][1:]])
    sim = Simulation(scenario).run(until=120 * S)
    p = pod(sim, "mysql-0")
    assert p.status.phase == "Pending" and columns(sim, p)["STATUS"].startswith("Init:")
    failed = events(sim, "mysql-0", "FailedMount")
    assert failed and 'configmap "mysql" not found' in failed[0].message
    assert "mysql-1" not in pods(sim)


# The reference cluster's shape with minikube's own class (whose provisioner is k8s.io/minikube-hostpath).
MINIKUBE = DEFAULT_CLUSTER.replace("provisioner=dynamic", "provisioner=k8s.io/minikube-hostpath")


@case("examples-cassandra")
def _cassandra():
    """On a cluster whose own class installs k8s.io/minikube-hostpath, class `fast` (the same provisioner)
    provisions: EXPECTED.yaml's 'provisioner for fast present' branch."""
    assert MINIKUBE != DEFAULT_CLUSTER
    sim = simulate("examples-cassandra", cluster=MINIKUBE)
    check_pod_names(sim, "examples-cassandra")
    assert sorted(claims(sim)) == SCENARIOS["examples-cassandra"]["pvc_names"]
    for c in sim.store.list("PersistentVolumeClaim", "default"):
        assert (c.spec.storage_class, c.status.phase) == ("fast", "Bound")
    sc = sim.store.get("StorageClass", None, "fast")
    assert sc.spec.provisioner == "k8s.io/minikube-hostpath"
    # the readiness probe runs /ready-probe.sh (runtime_dependent): kdsl's default behaviour passes it
    all_running_ready(sim)
    assert {qos_class(p.spec.template) for p in pods(sim).values()} == {"Guaranteed"}
    c = pods(sim)["cassandra-0"].spec.template.containers[0]
    assert (c.requests.cpu, c.requests.memory, c.limits.cpu, c.limits.memory) == (500, GiB, 500, GiB)
    svc = sim.store.get("Service", "default", "cassandra")
    assert svc.spec.headless and [p.port for p in svc.spec.ports] == [9042]


@case("examples-cassandra", "no-minikube-provisioner")
def _cassandra_without_provisioner():
    """The reference cluster installs only its class's provisioner (kdsl's dynamic one): class `fast`,
    declared by the manifests, names k8s.io/minikube-hostpath, which nothing runs."""
    sim = simulate("examples-cassandra")
    assert claims(sim) == {"cassandra-data-cassandra-0": "Pending"}
    assert list(pods(sim)) == ["cassandra-0"] and pods(sim)["cassandra-0"].status.phase == "Pending"
    waiting = events(sim, "cassandra-data-cassandra-0", "ExternalProvisioning", kind="PersistentVolumeClaim")
    assert waiting and "the external provisioner 'k8s.io/minikube-hostpath'" in waiting[0].message
    assert not sim.store.list("PersistentVolume")


@case("examples-minio-distributed")
def _minio():
    sim = simulate("examples-minio-distributed")
    check_pod_names(sim, "examples-minio-distributed")
    got = pods(sim)
    assert sorted(got[f"minio-{i}"].spec.template.node_name for i in range(3)) == ["worker-1", "worker-2", "worker-3"]
    assert all(got[f"minio-{i}"].status.phase == "Running" for i in range(3))
    m3 = got["minio-3"]
    assert m3.status.phase == "Pending" and m3.spec.template.node_name is None
    last = events(sim, "minio-3", "FailedScheduling")[-1]
    assert last.message.startswith("0/3 nodes are available: 3 node(s) didn't have free ports for the "
                                   "requested pod ports.")
    # Immediate binding: minio-3's claim is provisioned and bound even though the pod cannot run
    assert claims(sim) == {f"data-minio-{i}": "Bound" for i in range(4)}
    sts = sim.store.get("StatefulSet", "default", "minio")
    assert (sts.spec.replicas, sts.status.ready_replicas) == (4, 3)
    check_services(sim, "examples-minio-distributed", {
        "minio": {"clusterIP": "None", "ready_endpoints": 3},
        "minio-service": {"type": "LoadBalancer", "external_ip": "<pending>", "ready_endpoints": 3}})


# Deployments / ReplicaSets / RCs / DaemonSets ---------------------------------------------------
@case("website-nginx-deployment")
def _nginx_deployment():
    sim = simulate("website-nginx-deployment")
    check_pod_names(sim, "website-nginx-deployment")
    all_running_ready(sim)
    d = sim.store.get("Deployment", "default", "nginx-deployment").status
    assert (d.ready_replicas, d.updated_replicas, d.available_replicas) == (3, 3, 3)
    [rs] = sim.store.list("ReplicaSet", "default")
    assert rs.name == f"nginx-deployment-{dict(rs.meta.labels)['pod-template-hash']}"
    assert (rs.spec.replicas, rs.status.replicas, rs.status.ready_replicas) == (3, 3, 3)


@case("website-replicaset-frontend")
def _replicaset_frontend():
    sim = simulate("website-replicaset-frontend")
    got = check_pod_names(sim, "website-replicaset-frontend")
    all_running_ready(sim)
    rs = sim.store.get("ReplicaSet", "default", "frontend")
    assert (rs.spec.replicas, rs.status.replicas, rs.status.ready_replicas) == (3, 3, 3)
    for p in got.values():
        [owner] = p.meta.owners
        assert (owner.kind, owner.name, owner.controller) == ("ReplicaSet", "frontend", True)


@case("website-daemonset-fluentd")
def _daemonset_fluentd():
    sim = simulate("website-daemonset-fluentd")
    got = check_pod_names(sim, "website-daemonset-fluentd")
    all_running_ready(sim, "kube-system")
    assert sorted(p.spec.template.node_name for p in got.values()) == ["worker-1", "worker-2", "worker-3"]
    ds = sim.store.get("DaemonSet", "kube-system", "fluentd-elasticsearch").status
    assert (ds.desired_number_scheduled, ds.number_ready) == (3, 3)
    t = sim.store.get("DaemonSet", "kube-system", "fluentd-elasticsearch").spec.template
    # `operator: Equal` without a value has no kdsl words: kept in the yaml block, exported as written
    [m] = [m for m in kdsl.interop.to_manifests(sim.scenario) if m["kind"] == "DaemonSet"]
    assert m["spec"]["template"]["spec"]["tolerations"] == [{"key": "node-role.kubernetes.io/master",
                                                              "effect": "NoSchedule"}]
    assert sorted(v.ref for v in t.volumes if v.source == "hostpath") == ["/var/lib/docker/containers", "/var/log"]
    c = t.containers[0]
    assert (c.requests.cpu, c.requests.memory, c.limits.memory, qos_class(t)) == (100, 200 << 20, 200 << 20,
                                                                                  "Burstable")


@case("website-daemonset-fluentd", "control-plane-taint")
def _daemonset_control_plane():
    """A control-plane node tainted node-role.kubernetes.io/control-plane:NoSchedule gets no pod: the
    only toleration is for the legacy master taint."""
    sc = SCENARIOS["website-daemonset-fluentd"]
    imported = kdsl.interop.import_manifests([CORPUS / f for f in sc["files"]])
    scenario = kdsl.parse(DEFAULT_CLUSTER.replace(
        "\n}", "\n  node cp-1 cpu=4 memory=16Gi { taint node-role.kubernetes.io/control-plane:NoSchedule }\n}")
        + imported.text)
    sim = Simulation(scenario).run(until=60 * S)
    assert sorted(p.spec.template.node_name for p in pods(sim, "kube-system").values()) == [
        "worker-1", "worker-2", "worker-3"]


@case("website-run-my-nginx")
def _run_my_nginx():
    sim = simulate("website-run-my-nginx")
    got = check_pod_names(sim, "website-run-my-nginx")
    all_running_ready(sim)
    assert len({p.spec.template.node_name for p in got.values()}) == 2  # spread over nodes
    check_services(sim, "website-run-my-nginx")
    addresses = sorted(ep.address for s in slices_at(sim.store, "default", "my-nginx", sim.now)
                       for ep in s.spec.endpoints)
    assert addresses == sorted(p.status.pod_ip for p in got.values())


@case("examples-guestbook")
def _guestbook():
    sim = simulate("examples-guestbook")
    assert pod_counts(sim) == SCENARIOS["examples-guestbook"]["pod_counts"]
    all_running_ready(sim)
    for p in pods(sim).values():
        for c in p.spec.template.containers:
            assert (c.requests.cpu, c.requests.memory) == (100, 100 << 20)
        assert qos_class(p.spec.template) == "Burstable"
    check_services(sim, "examples-guestbook")
    master = sim.store.get("Service", "default", "redis-master").spec.selector
    assert dict(master) == {"app": "redis", "role": "master", "tier": "backend"}
    assert all(ep.startswith("redis-master-") for ep in ready_endpoints(sim, "redis-master"))


@case("examples-guestbook-go")
def _guestbook_go():
    sim = simulate("examples-guestbook-go")
    assert pod_counts(sim) == SCENARIOS["examples-guestbook-go"]["pod_counts"]
    all_running_ready(sim)
    check_services(sim, "examples-guestbook-go")
    for name, p in pods(sim).items():
        rx = (rf"redis-master-{RAND}{{6,10}}-{RAND}{{5}}" if name.startswith("redis-master")
              else rf"(redis-replica|guestbook)-{RAND}{{5}}")
        assert re.fullmatch(rx, name), name
    assert [o.kind for o in sim.scenario.objects if o.kind not in ("Service", "StorageClass")] == [
        "Deployment", "ReplicationController", "ReplicationController"]


@case("examples-cluster-dns")
def _cluster_dns():
    sim = simulate("examples-cluster-dns")
    ns = {n.name: dict(n.meta.labels) for n in sim.store.list("Namespace")}
    assert ns["development"]["name"] == "development" and ns["production"]["name"] == "production"
    backend = [n for n in pods(sim, "development") if n.startswith("dns-backend-")]
    assert len(backend) == 1
    check_services(sim, "examples-cluster-dns")
    # runtime_dependent: the one-shot client answered (the test says it exits 0 after 5 s)
    frontend = pod(sim, "dns-frontend", "development")
    assert frontend.spec.template.restart_policy == "Never"
    assert frontend.status.phase == "Succeeded"


@case("microservices-demo")
def _microservices_demo():
    sim = simulate("microservices-demo")
    sc = SCENARIOS["microservices-demo"]
    kinds: dict[str, int] = {}
    for o in sim.scenario.objects:
        kinds[o.kind] = kinds.get(o.kind, 0) + 1
    assert {k: kinds.get(k) for k in sc["resource_counts"]} == sc["resource_counts"]
    assert sorted(o.name for o in sim.scenario.objects if o.kind == "Deployment") == sorted(sc["deployments"])
    assert pod_counts(sim) == {d: 1 for d in sc["deployments"]}
    all_running_ready(sim)
    from kdsl.engine.apiserver.resources import pod_requests
    total = {"cpu": 0, "memory": 0}
    for p in pods(sim).values():
        for k, v in pod_requests(p.spec.template).items():
            total[k] = total.get(k, 0) + v
    assert (total["cpu"], total["memory"]) == (1570, 1368 << 20)
    services = {s.name: {"ready_endpoints": 1} for s in sim.store.list("Service", "default")}
    services.update(sc["services"])
    check_services(sim, "microservices-demo", services)
    for s in sim.store.list("Service", "default"):
        if s.name not in sc["services"]:
            assert s.spec.type == "ClusterIP" and [p.port for p in s.spec.ports] == [p.target for p in s.spec.ports]
    # the loadgenerator's main container starts only after its init container frontend-check ended
    lg = next(p for n, p in pods(sim).items() if n.startswith("loadgenerator-"))
    [check] = lg.status.init_container_statuses
    assert check.state.finished_ms <= lg.status.container_statuses[0].state.started_ms
    handlers = {c.probe("readiness").handler for p in pods(sim).values() for c in p.spec.template.containers
                if c.probe("readiness")}
    assert handlers == {"grpc", "http", "tcp"}


@case("microservices-demo-istio")
def _istio():
    sim = simulate("microservices-demo-istio")
    got = [(r.kind, r.code, r.message) for r in sim.rejections]
    assert got == [
        ("VirtualService", 404, 'no matches for kind "VirtualService" in version "networking.istio.io/v1alpha3"'),
        ("Gateway", 404, 'no matches for kind "Gateway" in version "gateway.networking.k8s.io/v1beta1"'),
        ("HTTPRoute", 404, 'no matches for kind "HTTPRoute" in version "gateway.networking.k8s.io/v1beta1"'),
        ("ServiceEntry", 404, 'no matches for kind "ServiceEntry" in version "networking.istio.io/v1alpha3"'),
        ("ServiceEntry", 404, 'no matches for kind "ServiceEntry" in version "networking.istio.io/v1alpha3"')]


# Jobs / CronJobs --------------------------------------------------------------------------------
@case("website-job-pi")
def _job_pi():
    sim = simulate("website-job-pi")
    check_pod_names(sim, "website-job-pi")
    job = sim.store.get("Job", "default", "pi")
    assert (job.status.active, job.status.succeeded, job.status.failed) == (0, 1, 0)
    assert job.status.condition("Complete") is not None
    [p] = pods(sim).values()
    assert p.status.phase == "Succeeded" and columns(sim, p)["STATUS"] == "Completed"
    assert (job.spec.backoff_limit, p.spec.template.restart_policy) == (4, "Never")


@case("website-cronjob-v1beta1")
def _cronjob_v1beta1():
    sim = simulate("website-cronjob-v1beta1")
    [r] = sim.rejections
    assert (r.kind, r.name, r.code, r.message) == ("CronJob", "hello", 404,
                                                   'no matches for kind "CronJob" in version "batch/v1beta1"')
    assert sim.store.list("CronJob", "default") == []


@case("website-cronjob-v1beta1", "as-batch-v1")
def _cronjob_as_v1():
    """Translated to batch/v1: a Job hello-<scheduled minutes since the epoch> every minute; its pod
    (which prints the date and a greeting, 1 s here) Succeeds."""
    text = (CORPUS / "website/application/job/cronjob.yaml").read_text().replace("batch/v1beta1", "batch/v1")
    scenario = kdsl.from_manifests(text=text)
    objects = []
    for o in scenario.objects:
        if o.kind == "CronJob":
            t = o.job.template
            c = attrs.evolve(t.containers[0], behaviour=attrs.evolve(t.containers[0].behaviour, exit_code=0,
                                                                     exit_after_ms=1 * S))
            o = attrs.evolve(o, job=attrs.evolve(o.job, template=attrs.evolve(t, containers=(c,))))
        objects.append(o)
    sim = Simulation(attrs.evolve(scenario, objects=tuple(objects))).run(until=185 * S)
    jobs = sorted(j.name for j in sim.store.kind_at("Job", "default", sim.now))
    assert jobs == [f"hello-{m}" for m in (1, 2, 3)]
    for p in pods(sim).values():
        assert p.status.phase == "Succeeded"


# storage ----------------------------------------------------------------------------------------
@case("website-pv-hostpath-manual")
def _pv_hostpath():
    sim = simulate("website-pv-hostpath-manual", files=1)
    pv = sim.store.get("PersistentVolume", None, "task-pv-volume")
    assert (pv.status.phase, pv.spec.capacity, pv.spec.access_modes, pv.spec.storage_class) == (
        "Available", 10 * GiB, ("ReadWriteOnce",), "manual")
    sim = simulate("website-pv-hostpath-manual", files=2)
    pvc = sim.store.get("PersistentVolumeClaim", "default", "task-pv-claim")
    assert (pvc.status.phase, pvc.spec.volume_name, pvc.status.capacity) == ("Bound", "task-pv-volume", 10 * GiB)
    pv = sim.store.get("PersistentVolume", None, "task-pv-volume")
    assert (pv.status.phase, pv.spec.claim) == ("Bound", "default/task-pv-claim")
    assert pvc.spec.storage_class == "manual" and pvc.spec.storage == 3 * GiB
    sim = simulate("website-pv-hostpath-manual")
    assert pod(sim, "task-pv-pod").status.phase == "Running"
    assert [v.name for v in sim.store.list("PersistentVolume")] == ["task-pv-volume"]  # nothing provisioned


@case("website-wordpress-mysql")
def _wordpress():
    sim = simulate("website-wordpress-mysql")
    assert claims(sim) == {"mysql-pv-claim": "Bound", "wp-pv-claim": "Bound"}
    assert {c.status.capacity for c in sim.store.list("PersistentVolumeClaim", "default")} == {20 * GiB}
    for name, p in pods(sim).items():
        assert p.status.phase == "Pending"
        [cs] = p.status.container_statuses
        assert cs.state == Waiting("CreateContainerConfigError", 'secret "mysql-pass" not found'), name
    for svc in ("wordpress-mysql", "wordpress"):
        assert ready_endpoints(sim, svc) == []
    assert sim.store.get("Service", "default", "wordpress-mysql").spec.headless
    assert {d.spec.strategy.type for d in sim.store.list("Deployment", "default")} == {"Recreate"}


@case("website-wordpress-mysql", "with-secret")
def _wordpress_with_secret():
    sc = SCENARIOS["website-wordpress-mysql"]
    secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: mysql-pass}\nstringData: {password: pw}\n"
    scenario = kdsl.from_manifests(*[CORPUS / f for f in sc["files"]])
    extra = kdsl.from_manifests(text=secret)
    scenario = attrs.evolve(scenario, objects=tuple(o for o in extra.objects if o.kind == "Secret")
                            + scenario.objects)
    sim = Simulation(scenario).run(until=120 * S)
    got = pods(sim)
    assert sorted(n.rsplit("-", 2)[0] for n in got) == ["wordpress", "wordpress-mysql"]
    assert {p.status.phase for p in got.values()} == {"Running"}
    check_services(sim, "website-wordpress-mysql", {"wordpress": {"type": "LoadBalancer", "external_ip": "<pending>",
                                                                  "ready_endpoints": 1}})


@case("examples-nfs-static")
def _nfs():
    sim = simulate("examples-nfs-static")
    pvc = sim.store.get("PersistentVolumeClaim", "default", "nfs")
    assert (pvc.status.phase, pvc.spec.volume_name, pvc.spec.storage_class) == ("Bound", "nfs", "")
    assert pvc.spec.access_modes == ("ReadWriteMany",)
    got = pods(sim)
    assert len(got) == 2 and all(p.spec.template.node_name for p in got.values())
    assert {v.ref for p in got.values() for v in p.spec.template.volumes if v.source == "pvc"} == {"nfs"}
    # runtime_dependent: kdsl does not model the NFS server, so the pods run (EXPECTED.yaml allows it)
    assert {p.status.phase for p in got.values()} == {"Running"}


# scheduling / resources --------------------------------------------------------------------------
@case("website-memory-too-big")
def _memory_too_big():
    sim = simulate("website-memory-too-big")
    for t in (0, 60 * S, sim.now):
        assert pod(sim, "memory-demo-3", "mem-example", at=t).status.phase == "Pending"
    last = events(sim, "memory-demo-3", "FailedScheduling")[-1]
    assert last.message.startswith("0/3 nodes are available: 3 Insufficient memory.")


@case("website-memory-too-big", "no-namespace")
def _memory_too_big_without_namespace():
    """Without the namespace (kdsl declares the ones manifests use, so the test applies the pod alone)."""
    sc = SCENARIOS["website-memory-too-big"]
    scenario = kdsl.from_manifests(*[CORPUS / f for f in sc["files"]])
    scenario = attrs.evolve(scenario, objects=tuple(o for o in scenario.objects if o.kind != "Namespace"))
    sim = Simulation(scenario).run(until=10 * S)
    [r] = sim.rejections
    assert (r.code, r.message) == (404, 'namespaces "mem-example" not found')


@case("website-memory-oom")
def _memory_oom():
    sim = simulate("website-memory-oom", until=45 * S)
    p = pod(sim, "memory-demo-2", "mem-example")
    assert p.spec.template.node_name is not None
    assert p.spec.template.containers[0].requests.memory == 50 << 20
    cs = p.status.container_statuses[0]
    assert cs.last_state.reason == "OOMKilled"
    assert cs.restart_count >= 2
    assert events(sim, "memory-demo-2", "BackOff")
    statuses = {columns(sim, pod(sim, "memory-demo-2", "mem-example", at=t))["STATUS"] for t in range(0, 45 * S, 500)}
    assert {"OOMKilled", "CrashLoopBackOff"} <= statuses


@case("website-required-node-affinity")
def _required_node_affinity():
    sim = simulate("website-required-node-affinity")
    p = pod(sim, "nginx")
    assert p.status.phase == "Pending"
    last = events(sim, "nginx", "FailedScheduling")[-1]
    assert last.message.startswith("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.")


@case("website-required-node-affinity", "labelled-node")
def _required_node_affinity_labelled():
    """kubectl label nodes worker-2 disktype=ssd at 30 s (kdsl's timeline has no `label node`: the test
    writes the node as kubectl would)."""
    sim = simulate("website-required-node-affinity", until=0)

    def label():
        node = sim.store.get("Node", None, "worker-2")
        sim.write(attrs.evolve(node, meta=attrs.evolve(node.meta, labels=node.meta.labels + (("disktype", "ssd"),))),
                  source="kubectl")

    sim.queue.at(30 * S, label)
    sim.run(until=60 * S)
    p = pod(sim, "nginx")
    assert (p.status.phase, p.spec.template.node_name) == ("Running", "worker-2")


@case("website-scheduling-gates")
def _scheduling_gates():
    sim = simulate("website-scheduling-gates")
    p = pod(sim, "test-pod")
    assert (p.status.phase, p.spec.template.node_name) == ("Pending", None)
    assert columns(sim, p)["STATUS"] == "SchedulingGated"
    cond = p.status.condition("PodScheduled")
    assert (cond.status, cond.reason) == ("False", "SchedulingGated")
    assert cond.message == "Scheduling is blocked due to non-empty scheduling gates"
    assert not events(sim, "test-pod", "FailedScheduling")


@case("website-scheduling-gates", "gates-removed")
def _scheduling_gates_removed():
    """kubectl apply of the pod without its schedulingGates at 30 s: the API server allows removing
    gates, and the scheduler then binds the pod."""
    sim = simulate("website-scheduling-gates", until=0)
    gated = next(o for o in sim.scenario.objects if o.kind == "Pod")
    sim.queue.at(30 * S, lambda: sim.apply(attrs.evolve(gated, template=attrs.evolve(gated.template,
                                                                                    scheduling_gates=())),
                                           source="kubectl"))
    sim.run(until=60 * S)
    assert not sim.rejections
    p = pod(sim, "test-pod")
    assert p.status.phase == "Running"
    assert p.status.condition("PodScheduled").status == "True"
    assert events(sim, "test-pod", "Scheduled")[0].time_ms == 30 * S


@case("website-qos-guaranteed")
def _qos():
    sim = simulate("website-qos-guaranteed")
    p = pod(sim, "qos-demo", "qos-example")
    assert (qos_class(p.spec.template), p.status.phase) == ("Guaranteed", "Running")


@case("website-init-containers")
def _init_containers():
    sim = simulate("website-init-containers")
    t0 = started(sim, "init-demo")
    p = pod(sim, "init-demo", at=t0 + 2 * S)
    assert (columns(sim, p)["STATUS"], p.status.phase) == ("Init:0/1", "Pending")
    p = pod(sim, "init-demo")
    [install] = p.status.init_container_statuses
    assert install.state.reason == "Completed"
    assert p.status.container_statuses[0].state.started_ms >= install.state.finished_ms
    cols = columns(sim, p)
    assert (p.status.phase, cols["READY"]) == ("Running", "1/1")


# quotas / limit ranges ---------------------------------------------------------------------------
@case("website-quota-mem-cpu")
def _quota():
    ns = "quota-mem-cpu-example"
    sim = simulate("website-quota-mem-cpu", files=2)
    assert not sim.rejections
    assert pod(sim, "quota-mem-cpu-demo", ns).status.phase == "Running"
    quota = sim.store.get("ResourceQuota", ns, "mem-cpu-demo")
    hard = dict(quota.spec.hard) if not isinstance(quota.spec.hard, dict) else quota.spec.hard
    assert {k: format_quantity(k, v) for k, v in hard.items()} == {
        "limits.cpu": "2", "limits.memory": "2Gi", "requests.cpu": "1", "requests.memory": "1Gi"}
    used = namespace_usage(sim.store, resource_info("Pod"), ns, sim.now)
    assert {k: format_quantity(k, v) for k, v in used.items() if k in hard} == {
        "limits.cpu": "800m", "limits.memory": "800Mi", "requests.cpu": "400m", "requests.memory": "600Mi"}
    sim = simulate("website-quota-mem-cpu")
    [r] = sim.rejections
    assert (r.name, r.code, r.reason) == ("quota-mem-cpu-demo-2", 403, "Forbidden")
    assert r.message == ('pods "quota-mem-cpu-demo-2" is forbidden: exceeded quota: mem-cpu-demo, requested: '
                         "requests.memory=700Mi, used: requests.memory=600Mi, limited: requests.memory=1Gi")


@case("website-limitrange-memory-defaults")
def _limitrange():
    sim = simulate("website-limitrange-memory-defaults")
    c = pod(sim, "default-mem-demo", "default-mem-example").spec.template.containers[0]
    assert c.name == "default-mem-demo-ctr"
    assert (c.requests.memory, c.limits.memory) == (256 << 20, 512 << 20)


@case("website-limitrange-memory-defaults", "pod-first")
def _limitrange_pod_first():
    """A pod created before the LimitRange keeps empty resources: defaults apply only at admission."""
    sc = SCENARIOS["website-limitrange-memory-defaults"]
    scenario = kdsl.from_manifests(*[CORPUS / f for f in reversed(sc["files"])])
    objects = sorted(scenario.objects, key=lambda o: o.kind != "Namespace")  # the namespace first
    lr = [o for o in objects if o.kind == "LimitRange"]
    scenario = attrs.evolve(scenario, objects=tuple(o for o in objects if o.kind != "LimitRange"))
    imported = kdsl.interop.import_manifests([CORPUS / sc["files"][0]])
    assert lr and imported.objects
    sim = Simulation(scenario).run(until=5 * S)
    c = pod(sim, "default-mem-demo", "default-mem-example").spec.template.containers[0]
    assert (c.requests.memory, c.limits.memory) == (None, None)


# config -----------------------------------------------------------------------------------------
@case("website-configmap-envfrom")
def _configmap_envfrom():
    sim = simulate("website-configmap-envfrom")
    p = pod(sim, "dapi-test-pod")
    c = p.spec.template.containers[0]
    [env_from] = c.env_from
    cm = sim.store.get("ConfigMap", "default", env_from.source_name)
    assert dict(cm.spec.data) == {"SPECIAL_LEVEL": "very", "SPECIAL_TYPE": "charm"}
    # runtime_dependent only in that `env` exits at once; the test says it exits 0 after 1 s
    assert p.status.phase == "Succeeded" and p.spec.template.restart_policy == "Never"


@case("website-configmap-envfrom", "pod-first")
def _configmap_envfrom_pod_first():
    """A pod created before its ConfigMap waits with CreateContainerConfigError until the ConfigMap exists."""
    sc = SCENARIOS["website-configmap-envfrom"]
    scenario = kdsl.from_manifests(*[CORPUS / f for f in sc["files"]])
    [cm] = [o for o in scenario.objects if o.kind == "ConfigMap"]
    scenario = attrs.evolve(scenario, objects=tuple(o for o in scenario.objects if o.kind != "ConfigMap"))
    sim = Simulation(behave(scenario, "Pod", "dapi-test-pod", "test-container", {"exit_code": 0,
                                                                                 "exit_after_ms": 1 * S}))
    sim.queue.at(30 * S, sim.create, cm, "test")
    sim.run(until=60 * S)
    [cs] = pod(sim, "dapi-test-pod", at=29 * S).status.container_statuses
    assert cs.state == Waiting("CreateContainerConfigError", 'configmap "special-config" not found')
    assert pod(sim, "dapi-test-pod").status.phase == "Succeeded"


# networking -------------------------------------------------------------------------------------
@case("website-minimal-ingress")
def _minimal_ingress():
    sim = simulate("website-minimal-ingress")
    assert not sim.rejections
    ing = sim.store.get("Ingress", "default", "minimal-ingress")
    assert ing.spec.class_name == "nginx-example"
    [rule] = ing.spec.rules
    assert (rule.host, rule.path, rule.path_type, rule.service, rule.port) == ("", "/testpath", "Prefix", "test", 80)
    assert ing.status is None  # no ingress controller: no status.loadBalancer
    assert sim.store.get("Service", "default", "test") is None


# RBAC -------------------------------------------------------------------------------------------
@case("examples-elasticsearch-rbac")
def _elasticsearch_rbac():
    sim = simulate("examples-elasticsearch-rbac")
    who = "system:serviceaccount:default:elasticsearch"
    assert can(who, "get", "endpoints", "default", view=sim.store)
    assert not can(who, "list", "endpoints", "default", view=sim.store)
    assert not can(who, "watch", "endpoints", "default", view=sim.store)
    assert not can(who, "get", "endpoints", "kube-system", view=sim.store)
    assert pods(sim) == {}


@case("examples-psp-removed")
def _psp_removed():
    sim = simulate("examples-psp-removed")
    assert [(r.kind, r.name, r.code, r.message) for r in sim.rejections] == [
        ("PodSecurityPolicy", name, 404, 'no matches for kind "PodSecurityPolicy" in version "policy/v1beta1"')
        for name in ("privileged", "restricted")]


def test_every_scenario_has_its_case():
    assert sorted(SCENARIOS) == sorted({k.split("/")[0] for k in CASES})


@pytest.mark.parametrize("key", [pytest.param(k, marks=pytest.mark.xfail(strict=True, reason=MARKS[k]))
                                 if k in MARKS else k for k in CASES])
def test_corpus_outcome(key):
    CASES[key]()
