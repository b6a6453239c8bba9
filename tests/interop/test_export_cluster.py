"""`kdsl export` for a real cluster: no Nodes or status, the `dynamic` class left out or mapped, helm's install order."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate as kv
import pytest
import yaml

import kdsl
from kdsl.cli import main
from kdsl.engine.simulation import Simulation
from kdsl.interop import for_cluster
from kdsl.interop.cluster import INSTALL_ORDER
from tests.golden import check_golden

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.kdsl"))

# Every kind kdsl models, declared out of helm's order, in two namespaces and at the cluster scope.
MIXED = '''
cluster c {
  node n1 cpu=4 memory=8Gi
  storageclass fast provisioner=dynamic default
  storageclass manual provisioner=none
}
namespace b {
  deployment web replicas=1 image=nginx:1.27
  service web selects app=web ports 80
  pvc data 1Gi class=fast
  pvc logs 1Gi
  statefulset db replicas=1 image=postgres:16 {
    claim pgdata 1Gi class=fast
  }
  role reader { allow get on pods }
  rolebinding read role=reader to user:ann
  configmap cfg { k = "v" }
  serviceaccount builder
}
namespace a {
  pod solo image=busybox:1.36
  quota pods=5
}
clusterrole viewer { allow get,list on * }
clusterrolebinding all-view clusterrole=viewer to group:dev
pv archive 10Gi class=manual
manifest """
  apiVersion: scheduling.k8s.io/v1
  kind: PriorityClass
  metadata:
    name: high
  value: 1000
"""
manifest """
  apiVersion: example.com/v1
  kind: Widget
  metadata:
    name: w1
    namespace: a
  status:
    ready: true
"""
'''


def keys(exported) -> list[tuple]:
    return [(m["kind"], m["metadata"].get("namespace"), m["metadata"]["name"]) for m in exported.manifests]


def test_namespaces_then_cluster_scoped_then_helms_order_by_namespace_and_name():
    assert keys(for_cluster(kdsl.parse(MIXED))) == [
        ("Namespace", None, "a"), ("Namespace", None, "b"),
        ("PriorityClass", None, "high"), ("StorageClass", None, "manual"), ("PersistentVolume", None, "archive"),
        ("ClusterRole", None, "viewer"), ("ClusterRoleBinding", None, "all-view"),
        ("ResourceQuota", "a", "quota"), ("ServiceAccount", "b", "builder"), ("ConfigMap", "b", "cfg"),
        ("PersistentVolumeClaim", "b", "data"), ("PersistentVolumeClaim", "b", "logs"), ("Role", "b", "reader"),
        ("RoleBinding", "b", "read"), ("Service", "b", "web"), ("Pod", "a", "solo"), ("Deployment", "b", "web"),
        ("StatefulSet", "b", "db"), ("Widget", "a", "w1")]


def test_the_dynamic_class_is_left_out_and_the_header_names_the_claims_that_need_it():
    exported = for_cluster(kdsl.parse(MIXED))
    assert "fast" not in [name for kind, _, name in keys(exported) if kind == "StorageClass"]
    assert exported.notes == (
        "Left out: StorageClass fast, whose provisioner `dynamic` is kdsl's own and runs in no cluster; --provisioner "
        "NAME maps it to a real one (rancher.io/local-path for kind, ebs.csi.aws.com, pd.csi.storage.gke.io, "
        "disk.csi.azure.com). Claims that name it wait for a class of that name: PersistentVolumeClaim b/data, "
        "StatefulSet b/db (claim template pgdata). It was the default class: claims that name none get the "
        "cluster's default: PersistentVolumeClaim b/logs.",
        "Left out: the Node, as a cluster has its own; --include-nodes writes it (for a KWOK cluster).")


def test_provisioner_maps_dynamic_to_a_real_one_and_keeps_the_others():
    exported = for_cluster(kdsl.parse(MIXED), provisioner="rancher.io/local-path")
    classes = {m["metadata"]["name"]: m["provisioner"] for m in exported.manifests if m["kind"] == "StorageClass"}
    assert classes == {"fast": "rancher.io/local-path", "manual": "none"}
    assert exported.notes[0] == ("StorageClass fast: provisioner `dynamic` (kdsl's own) is written as "
                                 "rancher.io/local-path (--provisioner).")
    [fast] = [m for m in exported.manifests if m["metadata"]["name"] == "fast"]
    assert fast["metadata"]["annotations"] == {"storageclass.kubernetes.io/is-default-class": "true"}


def test_a_provisioner_with_no_dynamic_class_to_map_says_so():
    exported = for_cluster(kdsl.load(ROOT / "examples/pods.kdsl"), provisioner="ebs.csi.aws.com")
    assert exported.notes[0] == "--provisioner ebs.csi.aws.com: no StorageClass has provisioner `dynamic`; nothing was mapped."


def test_an_empty_provisioner_is_required(tmp_path, capsys):
    src = tmp_path / "s.kdsl"
    src.write_text(MIXED, encoding="utf-8")
    assert main(["export", str(src), "--provisioner="]) == 1
    assert capsys.readouterr().err == ('kdsl export: --provisioner : StorageClass.storage.k8s.io "fast" is invalid: '
                                       "provisioner: Required value\n")


@pytest.mark.parametrize("bad", ["Local Path", "example.com/", "/x", "-x"])
def test_a_provisioner_the_api_server_refuses_is_a_clear_error(bad, tmp_path, capsys):
    src = tmp_path / "s.kdsl"
    src.write_text(MIXED, encoding="utf-8")
    assert main(["export", str(src), f"--provisioner={bad}"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"kdsl export: --provisioner {bad}: StorageClass.storage.k8s.io \"fast\" is invalid: "
                          f"provisioner: Invalid value: \"{bad.lower()}\": ")
    assert err.count("\n") == 1


def test_no_node_and_no_status_by_default():
    for path in EXAMPLES:
        for m in for_cluster(kdsl.load(path)).manifests:
            assert m["kind"] != "Node" and "status" not in m, (path.name, m["kind"], m["metadata"]["name"])
    [widget] = [m for m in for_cluster(kdsl.parse(MIXED)).manifests if m["kind"] == "Widget"]
    assert "status" not in widget and widget["metadata"] == {"name": "w1", "namespace": "a"}


def test_include_nodes_writes_them_with_their_capacity_after_the_namespaces():
    exported = for_cluster(kdsl.load(ROOT / "examples/shop.kdsl"), include_nodes=True)
    assert [k for k in keys(exported)][:4] == [("Namespace", None, "shop"), ("Node", None, "worker-1"),
                                                ("Node", None, "worker-2"), ("Node", None, "worker-3")]
    node = exported.manifests[3]
    assert node["status"] == {"capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
                              "allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"}}
    assert node["spec"]["taints"] == [{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]
    assert not any("Node" in n for n in exported.notes)
    for m in exported.manifests:
        kv.validate(m, "1.37", strict=True)


def test_install_order_is_helms():
    # a spot check of the copy against helm's list (pkg/release/v1/util/kind_sorter.go), in its own order
    assert INSTALL_ORDER.index("Namespace") < INSTALL_ORDER.index("ResourceQuota") < INSTALL_ORDER.index(
        "ServiceAccount") < INSTALL_ORDER.index("Secret") < INSTALL_ORDER.index("PersistentVolumeClaim") < \
        INSTALL_ORDER.index("Role") < INSTALL_ORDER.index("Service") < INSTALL_ORDER.index("Deployment") < \
        INSTALL_ORDER.index("Ingress")
    assert len(INSTALL_ORDER) == len(set(INSTALL_ORDER)) == 38


@pytest.mark.parametrize("name, args", [("shop.yaml", []),
                                        ("pods-nodes.yaml", ["--include-nodes"]),
                                        ("shop-local-path.yaml", ["--provisioner", "rancher.io/local-path"])])
def test_golden_exports(name, args, tmp_path, monkeypatch):
    source = "examples/pods.kdsl" if name.startswith("pods") else "examples/shop.kdsl"
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out.yaml"
    assert main(["export", source, "-o", str(out), *args]) == 0
    text = out.read_text(encoding="utf-8")
    check_golden(f"interop/export/{name}", text)
    docs = list(yaml.safe_load_all(text))
    assert [d["kind"] for d in docs][0] == "Namespace"


def test_a_kwok_annotation_on_a_node_pool_is_written_on_each_node():
    scenario = kdsl.parse("cluster c {\n  nodes w count=2 cpu=2 memory=4Gi {\n    annotations kwok.x-k8s.io/node=fake\n"
                          "  }\n}\n")
    exported = for_cluster(scenario, include_nodes=True)
    assert [(m["metadata"]["name"], m["metadata"]["annotations"]) for m in exported.manifests] == [
        ("w-1", {"kwok.x-k8s.io/node": "fake"}), ("w-2", {"kwok.x-k8s.io/node": "fake"})]
    assert exported.notes == ()


def test_what_the_controllers_make_in_every_namespace_is_not_exported():
    # the default ServiceAccount and kube-root-ca.crt are in the run's state, as in a cluster, but not in what
    # `kdsl export` writes: a cluster's controllers make them again
    scenario = kdsl.parse("node n1 cpu=4 memory=8Gi\nnamespace b {\n  configmap cfg { a = b }\n}")
    state = Simulation(scenario).run(1_000).manifests()["items"]
    made = {(m["kind"], m["metadata"]["name"]) for m in state if m["metadata"].get("namespace") == "b"}
    assert made == {("ConfigMap", "cfg"), ("ConfigMap", "kube-root-ca.crt"), ("ServiceAccount", "default")}
    exported = {(m["kind"], m["metadata"]["name"]) for m in for_cluster(scenario).manifests}
    assert exported == {("Namespace", "b"), ("ConfigMap", "cfg")}
