"""Dynamic provisioning (k8s-semantics §9.3, oracles 62 and 63): events, names, delay, reclaim."""

from __future__ import annotations

import kdsl
from kdsl.engine.controllers.pv_binder import EXTERNAL
from kdsl.engine.controllers.pv_index import PROVISIONED_BY, SELECTED_NODE, annotation, claim_status, \
    volume_status
from kdsl.engine.controllers.provisioner import PROVISION_MS

GI = 2**30


def events(sim, reason):
    return [(e.time_ms, e.name, e.message) for e in sim.log.events if e.reason == reason]


def test_an_immediate_claim_is_provisioned_after_the_delay_with_kubernetes_texts():
    sim = kdsl.simulate(kdsl.parse("storageclass standard reclaim=Retain default\npvc data 3Gi access=RWX\n"))
    pvc = sim.store.get("PersistentVolumeClaim", "default", "data")
    name = f"pvc-{pvc.meta.uid}"
    assert events(sim, "ExternalProvisioning") == [(0, "data", EXTERNAL.format("dynamic"))]
    assert EXTERNAL.format("x").startswith("Waiting for a volume to be created either by the external provisioner "
                                           "'x' or manually by the system administrator.")
    assert events(sim, "Provisioning") == [(0, "data", 'External provisioner is provisioning volume for claim '
                                                       '"default/data"')]
    assert events(sim, "ProvisioningSucceeded") == [(PROVISION_MS, "data", f"Successfully provisioned volume {name}")]
    pv = sim.store.get("PersistentVolume", None, name)
    assert (pv.spec.capacity, pv.spec.access_modes, pv.spec.reclaim_policy, pv.spec.storage_class, pv.spec.node) == (
        3 * GI, ("ReadWriteMany",), "Retain", "standard", None)
    assert annotation(pv, PROVISIONED_BY) == "dynamic"
    assert claim_status(sim.store.at(pvc.key, PROVISION_MS - 1)).phase == "Pending"
    assert (claim_status(sim.store.at(pvc.key, PROVISION_MS)).phase, pvc.spec.volume_name) == ("Bound", name)


def test_oracle_62_wait_for_first_consumer_binds_on_the_pods_node():
    sim = kdsl.simulate(kdsl.parse(
        "node n1 { labels zone=a }\nnode n2 { labels zone=b }\n"
        "storageclass local binding=WaitForFirstConsumer\npvc data 1Gi class=local\n"
        "at 30s: create pod default/app image=nginx:1.25 { node-selector zone=b\n volume d pvc=data }\n"))
    key = ("PersistentVolumeClaim", "default", "data")
    assert claim_status(sim.store.at(key, 29_999)).phase == "Pending"
    assert [(t, m) for t, _, m in events(sim, "WaitForFirstConsumer")] == [
        (0, "waiting for first consumer to be created before binding")]
    pvc = sim.store.get(*key)
    assert annotation(pvc, SELECTED_NODE) == "n2"
    pv = sim.store.get("PersistentVolume", None, pvc.spec.volume_name)
    assert (pv.name, pv.spec.node, volume_status(pv).phase) == (f"pvc-{pvc.meta.uid}", "n2", "Bound")
    assert claim_status(sim.store.at(key, 30_000 + PROVISION_MS)).phase == "Bound"
    pod = sim.store.get("Pod", "default", "app")
    assert pod.spec.template.node_name == "n2" and pod.status.phase == "Running"
    assert pod.status.start_ms >= 30_000 + PROVISION_MS  # the kubelet waited for the claim
    assert not [e for e in sim.log.events if e.reason == "FailedMount"]


def test_a_pod_names_the_claims_it_waits_for():
    sim = kdsl.simulate(kdsl.parse("storageclass local binding=WaitForFirstConsumer\npvc data 1Gi class=local\n"
                                   "pod app image=nginx:1.25 { volume d pvc=data }\n"))  # no node: never scheduled
    assert [m for _, _, m in events(sim, "WaitForPodScheduled")] == ["waiting for pod app to be scheduled"]


def test_oracle_63_delete_policy_removes_a_provisioned_volume():
    sim = kdsl.simulate(kdsl.parse("storageclass standard default\npvc data 1Gi\nat 10s: delete pvc default/data\n"))
    volumes = [c for c in sim.store.history if c.key[0] == "PersistentVolume"]
    assert volumes[-1].obj is None and volumes[-1].time_ms == 10_000
    assert volume_status(volumes[-2].obj).phase == "Released"


def test_no_provisioner_never_provisions():
    sim = kdsl.simulate(kdsl.parse("storageclass manual provisioner=none\npvc data 1Gi class=manual\n"))
    assert events(sim, "ExternalProvisioning")[0][2] == EXTERNAL.format("kubernetes.io/no-provisioner")
    assert not events(sim, "Provisioning") and not sim.store.list("PersistentVolume")


CSI = "ebs.csi.aws.com"


def test_a_class_declared_outside_the_cluster_block_brings_no_provisioner():
    sim = kdsl.simulate(kdsl.parse(f"storageclass gp3 provisioner={CSI}\npvc data 1Gi class=gp3\n"), until=60_000)
    assert sim.scenario.cluster.provisioners == ()
    assert events(sim, "ExternalProvisioning") == [(0, "data", EXTERNAL.format(CSI))]
    assert not events(sim, "Provisioning") and not sim.store.list("PersistentVolume")
    assert claim_status(sim.store.get("PersistentVolumeClaim", "default", "data")).phase == "Pending"


def test_the_cluster_blocks_classes_install_their_provisioners_for_every_class_that_names_them():
    sim = kdsl.simulate(kdsl.parse(
        f"cluster aws {{\n  storageclass gp2 provisioner={CSI} default\n}}\n"
        f"storageclass gp3 provisioner={CSI}\npvc data 1Gi class=gp3\n"))
    assert sim.scenario.cluster.provisioners == (CSI,)
    pvc = sim.store.get("PersistentVolumeClaim", "default", "data")
    assert events(sim, "ProvisioningSucceeded") == [(PROVISION_MS, "data",
                                                     f"Successfully provisioned volume pvc-{pvc.meta.uid}")]
    assert claim_status(pvc).phase == "Bound"


def test_dynamic_is_installed_everywhere_and_the_default_import_cluster_has_it():
    sim = kdsl.simulate(kdsl.parse("storageclass fast\npvc data 1Gi class=fast\n"))
    assert claim_status(sim.store.get("PersistentVolumeClaim", "default", "data")).phase == "Bound"
    sim = kdsl.simulate(kdsl.from_manifests(text="apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: d}\n"
                                            "spec: {accessModes: [ReadWriteOnce], resources: {requests: "
                                            "{storage: 1Gi}}}\n"))
    assert sim.scenario.cluster.provisioners == ("dynamic",)
    pvc = sim.store.get("PersistentVolumeClaim", "default", "d")
    assert (pvc.spec.storage_class, claim_status(pvc).phase) == ("standard", "Bound")
