"""Simulation.manifests(at=): the simulated state as `kubectl get -o yaml` would print it, status included,
and valid against Kubernetes' schemas (strict) once the status is set aside."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate as kv
import pytest

import kdsl
from kdsl.engine.simulation import Simulation

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def state(*files, until=60_000, at=None):
    sim = Simulation(kdsl.from_manifests(*[CORPUS / f for f in files])).run(until=until)
    got = sim.manifests(at)
    return sim, got, {(m["kind"], m["metadata"].get("namespace"), m["metadata"]["name"]): m for m in got["items"]}


def test_a_list_of_every_stored_object_with_metadata():
    sim, got, items = state("website/controllers/nginx-deployment.yaml")
    assert (got["apiVersion"], got["kind"]) == ("v1", "List")
    assert len(got["items"]) == len(sim.store.state_at(sim.now))
    [rs] = [m for m in got["items"] if m["kind"] == "ReplicaSet"]
    pod = next(m for m in got["items"] if m["kind"] == "Pod")
    assert pod["metadata"]["ownerReferences"] == [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                                   "name": rs["metadata"]["name"], "uid": rs["metadata"]["uid"],
                                                   "controller": True, "blockOwnerDeletion": True}]
    assert pod["metadata"]["labels"]["pod-template-hash"] == rs["metadata"]["labels"]["pod-template-hash"]
    assert pod["metadata"]["creationTimestamp"].startswith("1970-01-01T00:00:0")


def test_pod_status_phase_conditions_ip_and_container_statuses():
    sim, got, items = state("website/controllers/nginx-deployment.yaml")
    pod = next(m for m in got["items"] if m["kind"] == "Pod")
    obj = sim.store.get("Pod", "default", pod["metadata"]["name"])
    s = pod["status"]
    assert s["phase"] == "Running"
    assert {c["type"]: c["status"] for c in s["conditions"]} == {
        "PodScheduled": "True", "PodReadyToStartContainers": "True", "Initialized": "True",
        "ContainersReady": "True", "Ready": "True"}
    assert s["podIP"] == obj.status.pod_ip and s["podIPs"] == [{"ip": obj.status.pod_ip}]
    assert s["hostIP"] == obj.status.host_ip and s["qosClass"] == "BestEffort"
    [cs] = s["containerStatuses"]
    assert cs["name"] == "nginx" and cs["image"] == "nginx:1.14.2"
    assert (cs["ready"], cs["started"], cs["restartCount"]) == (True, True, 0)
    assert list(cs["state"]) == ["running"] and cs["state"]["running"]["startedAt"].startswith("1970-01-01T")
    assert pod["spec"]["nodeName"] == obj.spec.template.node_name


def test_workload_status():
    sim, got, items = state("website/controllers/nginx-deployment.yaml")
    d = items[("Deployment", "default", "nginx-deployment")]["status"]
    assert {k: d[k] for k in ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas")} == {
        "replicas": 3, "updatedReplicas": 3, "readyReplicas": 3, "availableReplicas": 3}
    assert {c["type"]: (c["status"], c["reason"]) for c in d["conditions"]} == {
        "Available": ("True", "MinimumReplicasAvailable"), "Progressing": ("True", "NewReplicaSetAvailable")}
    [rs] = [m for m in got["items"] if m["kind"] == "ReplicaSet"]
    assert {k: rs["status"][k] for k in ("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas")} \
        == {"replicas": 3, "fullyLabeledReplicas": 3, "readyReplicas": 3, "availableReplicas": 3}


def test_claims_and_volumes_and_a_moment_in_the_past():
    sim, got, items = state("website/application/web/web.yaml")
    c = items[("PersistentVolumeClaim", "default", "www-web-0")]
    assert c["status"] == {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}}
    pv = items[("PersistentVolume", None, c["spec"]["volumeName"])]
    # the provisioner's volume: Pending at its create (the strategy), Bound by the PV controller, each stamped
    assert pv["status"]["phase"] == "Bound" and set(pv["status"]) == {"phase", "lastPhaseTransitionTime"}
    assert pv["metadata"]["finalizers"] == ["kubernetes.io/pv-protection"]
    sts = items[("StatefulSet", "default", "web")]["status"]
    assert (sts["replicas"], sts["readyReplicas"]) == (2, 2)
    early = sim.manifests(at=0)
    claims = [m for m in early["items"] if m["kind"] == "PersistentVolumeClaim"]
    assert [m["status"]["phase"] for m in claims] == ["Pending"]
    assert not [m for m in early["items"] if m["kind"] == "Pod" and m["metadata"]["name"] == "web-1"]


def test_a_waiting_and_a_terminated_container():
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
            "  - {name: c, image: busybox:1.36, env: [{name: X, valueFrom: {secretKeyRef: {name: s, key: k}}}]}\n")
    sim = Simulation(kdsl.from_manifests(text=text)).run(until=10_000)
    [pod] = [m for m in sim.manifests()["items"] if m["kind"] == "Pod"]
    assert pod["status"]["containerStatuses"][0]["state"] == {
        "waiting": {"reason": "CreateContainerConfigError", "message": 'secret "s" not found'}}
    sim = Simulation(kdsl.parse("node n1 cpu=4 memory=8Gi\npod once { restart Never; container once image=busybox:1.36 "
                                "{ exit 0 after 2s } }")).run(until=10_000)
    [pod] = [m for m in sim.manifests()["items"] if m["kind"] == "Pod"]
    [cs] = pod["status"]["containerStatuses"]
    assert pod["status"]["phase"] == "Succeeded"
    assert cs["state"]["terminated"]["exitCode"] == 0 and cs["state"]["terminated"]["reason"] == "Completed"


SCENES = ["website/controllers/nginx-deployment.yaml", "website/application/web/web.yaml",
          "website/controllers/daemonset.yaml", "website/controllers/job.yaml",
          "website/admin/resource/quota-mem-cpu.yaml", "examples/_archived/elasticsearch/rbac.yaml",
          "website/service/networking/run-my-nginx.yaml"]


@pytest.mark.parametrize("path", SCENES)
def test_state_passes_kubernetes_validate_strict_without_status(path):
    """The status is what the API server writes, so it is set aside; everything else a user could
    `kubectl apply` back must be valid (uid, resourceVersion, creationTimestamp and all)."""
    sim, got, items = state(path)
    for m in got["items"]:
        kv.validate({k: v for k, v in m.items() if k != "status"}, "1.33", strict=True)


def test_the_stored_objects_carry_what_the_api_server_writes():
    """Defaults (SetDefaults_*), a generation only on the kinds that count one, and a new workload's empty status
    as Go writes it (the counts that are not omitempty)."""
    sim, got, items = state("website/application/web/web.yaml", "website/controllers/daemonset.yaml")
    svc = items[("Service", "default", "nginx")]
    assert (svc["spec"]["type"], svc["spec"]["sessionAffinity"], svc["spec"]["ports"][0]["protocol"]) == (
        "ClusterIP", "None", "TCP")
    assert "generation" not in svc["metadata"] and items[("StatefulSet", "default", "web")]["metadata"]["generation"]
    sts = items[("StatefulSet", "default", "web")]["spec"]
    assert (sts["podManagementPolicy"], sts["revisionHistoryLimit"]) == ("OrderedReady", 10)
    assert sts["volumeClaimTemplates"][0]["kind"] == "PersistentVolumeClaim"
    ds = items[("DaemonSet", "kube-system", "fluentd-elasticsearch")]
    assert ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "1"
    assert ds["spec"]["template"]["spec"]["volumes"][0]["hostPath"]["type"] == ""
    assert early_status("StatefulSet") == {"replicas": 0, "availableReplicas": 0}
    assert early_status("DaemonSet") == {"currentNumberScheduled": 0, "numberMisscheduled": 0,
                                         "desiredNumberScheduled": 0, "numberReady": 0}
    assert early_status("Deployment") is None  # every count omitempty: `status: {}`
    sim = Simulation(kdsl.parse("namespace shop")).run(until=1000)
    [ns] = [m for m in sim.manifests()["items"] if m["kind"] == "Namespace" and m["metadata"]["name"] == "shop"]
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "shop"} and "generation" not in ns["metadata"]
    assert ns["spec"] == {"finalizers": ["kubernetes"]}


def early_status(kind: str):
    """A workload as its create stored it, before a controller wrote a status."""
    from kdsl.engine.objects import wrap
    from kdsl.interop.state import object_manifest

    obj = next(o for o in kdsl.parse(f"{kind.lower()} w image=nginx:1.25").objects if o.kind == kind)
    return object_manifest(wrap(obj)).get("status")


def test_a_service_whose_ports_are_kept_in_its_yaml_block_shows_the_node_port_it_was_given():
    # minio's LoadBalancer writes targetPort and protocol out: its one unnamed port stays whole in `yaml`, and the
    # stored Service holds it with the nodePort the allocator gave (recorded by tests/oracle, issue 16)
    text = ("apiVersion: v1\nkind: Service\nmetadata: {name: lb}\nspec:\n  type: LoadBalancer\n  selector: {app: x}\n"
            "  ports:\n  - {port: 9000, protocol: TCP, targetPort: 9000}\n")
    scenario = kdsl.from_manifests(text=text)
    assert "targetPort: 9000" in next(o for o in scenario.objects if o.name == "lb").yaml  # the ports said whole
    sim = Simulation(scenario).run(until=1_000)
    [svc] = [m for m in sim.manifests()["items"] if m["kind"] == "Service" and m["metadata"]["name"] == "lb"]
    [port] = svc["spec"]["ports"]
    assert (port["port"], port["protocol"], port["targetPort"]) == (9000, "TCP", 9000)
    assert port["nodePort"] == sim.store.get("Service", "default", "lb").spec.ports[0].node_port
    assert 30000 <= port["nodePort"] <= 32767
