"""The PV controller (k8s-semantics §9, oracles 60, 61 and 63): binding, phases, release and reclaim."""

from __future__ import annotations

import attrs

import kdsl
from kdsl.engine.controllers.pv_binder import FIRST_CONSUMER, LOST_VOLUME, NO_CLASS
from kdsl.engine.controllers.pv_volumes import NO_DELETER
from kdsl.engine.controllers.pv_index import BIND_COMPLETED, BOUND_BY_CONTROLLER, annotation, claim_status, \
    volume_status
from kdsl.engine.controllers.pv_protection import FINALIZER as PV_PROTECTION
from kdsl.engine.simulation import Simulation

GI = 2**30
NODES = "node n1\nnode n2\nnode n3\n"


def run(text: str, until: int | None = None) -> Simulation:
    return kdsl.simulate(kdsl.parse(text), until=until)


def claim(sim, name, at=None, ns="default"):
    return sim.store.at(("PersistentVolumeClaim", ns, name), sim.now if at is None else at)


def volume(sim, name, at=None):
    return sim.store.at(("PersistentVolume", None, name), sim.now if at is None else at)


def events(sim, reason):
    return [(e.name, e.message) for e in sim.log.events if e.reason == reason]


def test_oracle_60_the_smallest_sufficient_volume_is_bound():
    sim = run(NODES + "pv a 4Gi class=none\npv b 10Gi class=none\npv c 8Gi class=none\npvc data 5Gi class=none\n")
    pvc, pv = claim(sim, "data"), volume(sim, "c")
    assert (claim_status(pvc).phase, pvc.spec.volume_name, claim_status(pvc).capacity) == ("Bound", "c", 8 * GI)
    assert claim_status(pvc).access_modes == ("ReadWriteOnce",)
    assert (volume_status(pv).phase, pv.spec.claim, volume_status(pv).claim_uid) == ("Bound", "default/data",
                                                                                     pvc.meta.uid)
    assert [volume_status(volume(sim, n)).phase for n in "ab"] == ["Available", "Available"]
    assert annotation(pvc, BIND_COMPLETED) == "yes" and annotation(pv, BOUND_BY_CONTROLLER) == "yes"
    assert "PersistentVolumeClaim" not in sim.not_simulated and "PersistentVolume" not in sim.not_simulated


def test_oracle_61_an_rwx_claim_against_rwo_volumes_stays_pending_and_so_does_its_pod():
    sim = run(NODES + "pv a 10Gi class=none\npvc shared 1Gi class=none access=RWX\n"
                      "pod p image=nginx:1.25 { volume d pvc=shared }\n")
    assert claim_status(claim(sim, "shared")).phase == "Pending"
    assert events(sim, "FailedBinding") == [("shared", NO_CLASS)]
    assert NO_CLASS == "no persistent volumes available for this claim and no storage class is set"
    pod = sim.store.get("Pod", "default", "p")
    assert pod.status.condition("PodScheduled").message == (
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")


def test_the_smallest_set_of_access_modes_is_searched_before_capacity():
    sim = run("pv wide 2Gi class=none access=RWO,RWX\npv exact 9Gi class=none\npvc data 1Gi class=none\n")
    assert claim(sim, "data").spec.volume_name == "exact"


def test_class_and_capacity_must_match():
    sim = run("storageclass slow provisioner=none\npv a 10Gi class=slow\npv b 1Gi class=none\n"
              "pvc fast 2Gi class=none\npvc slowly 2Gi class=slow\n")
    assert claim(sim, "fast").spec.volume_name is None
    assert claim(sim, "slowly").spec.volume_name == "a"


def test_a_volume_created_later_binds_the_waiting_claim():
    sim = run("pvc data 1Gi class=none\nat 10s: apply { pv late 2Gi class=none }\n")
    assert claim_status(claim(sim, "data", at=9_999)).phase == "Pending"
    assert claim(sim, "data", at=10_000).spec.volume_name == "late"


def test_pre_bound_volumes_and_claims_are_honoured():
    sim = run("pv small 1Gi class=none\npv mine 50Gi class=none claim=default/data\npvc data 1Gi class=none\n"
              "pv named 9Gi class=none\npvc other 1Gi class=none volume=named\n")
    assert claim(sim, "data").spec.volume_name == "mine"
    assert claim(sim, "other").spec.volume_name == "named"
    assert annotation(claim(sim, "other"), BOUND_BY_CONTROLLER) is None  # the user named the volume
    assert volume_status(volume(sim, "small")).phase == "Available"


def test_oracle_63_a_released_retain_volume_is_not_bound_again():
    scenario = kdsl.parse("pv keep 5Gi class=none\npvc data 1Gi class=none\nat 10s: delete pvc default/data\n")
    sim = Simulation(scenario).run(until=20_000)
    again = kdsl.parse("pvc data 1Gi class=none\n").objects[0]
    sim.create(again, source="test")
    sim.run(until=30_000)
    pv = volume(sim, "keep")
    assert volume_status(pv).phase == "Released" and pv.spec.claim == "default/data"
    assert claim_status(claim(sim, "data")).phase == "Pending"  # same name, new uid: not its claim
    assert claim(sim, "data").spec.volume_name is None


def test_oracle_63_a_claim_in_use_stays_terminating_until_its_pod_is_gone():
    sim = run("node n1\npv keep 5Gi class=none\npvc data 1Gi class=none\n"
              "pod p image=nginx:1.25 { volume d pvc=data }\n"
              "at 10s: delete pvc default/data\nat 20s: delete pod default/p\n")
    held = claim(sim, "data", at=15_000)
    assert held.terminating and held.meta.finalizers == ("kubernetes.io/pvc-protection",)
    gone_at = next(c.time_ms for c in sim.store.history if c.key[0] == "PersistentVolumeClaim" and c.obj is None)
    pod_gone = next(c.time_ms for c in sim.store.history if c.key[0] == "Pod" and c.obj is None)
    assert gone_at == pod_gone >= 20_000 and claim(sim, "data", at=gone_at - 1) is not None
    assert volume_status(volume(sim, "keep")).phase == "Released"


def test_an_unused_claim_is_deleted_at_once():
    sim = run("pvc data 1Gi class=none\nat 10s: delete pvc default/data\n")
    assert claim(sim, "data", at=10_000) is None


def test_a_static_volume_with_delete_policy_fails_to_be_deleted():
    sim = run("pv disk 5Gi class=none reclaim=Delete\npvc data 1Gi class=none\nat 10s: delete pvc default/data\n")
    status = volume_status(volume(sim, "disk"))
    assert (status.phase, status.message) == ("Failed", NO_DELETER.format("disk"))
    assert events(sim, "VolumeFailedDelete") == [
        ("disk", 'error getting deleter volume plugin for volume "disk": no volume plugin matched')]


def test_recycle_has_no_plugin():
    sim = run("pv disk 5Gi class=none reclaim=Recycle\npvc data 1Gi class=none\nat 10s: delete pvc default/data\n")
    assert volume_status(volume(sim, "disk")).phase == "Failed"
    assert events(sim, "VolumeFailedRecycle") == [("disk", "No recycler plugin found for the volume!")]


def test_a_bound_volume_being_deleted_is_kept_by_its_protection_finalizer():
    sim = run("pv disk 5Gi class=none\npvc data 1Gi class=none\nat 10s: delete pv disk\n")
    pv = volume(sim, "disk")
    assert pv.terminating and pv.meta.finalizers == (PV_PROTECTION,) and volume_status(pv).phase == "Bound"
    assert claim_status(claim(sim, "data")).phase == "Bound" and not events(sim, "ClaimLost")


def test_a_volume_let_go_of_while_bound_leaves_its_claim_lost():
    sim = run("pv disk 5Gi class=none\npvc data 1Gi class=none\nat 10s: delete pv disk\n", until=10_000)
    pv = volume(sim, "disk")
    sim.submit("update", attrs.evolve(pv, meta=attrs.evolve(pv.meta, finalizers=())), source="kubectl")
    sim.run()
    assert volume(sim, "disk") is None
    assert claim_status(claim(sim, "data")).phase == "Lost"
    assert events(sim, "ClaimLost") == [("data", LOST_VOLUME)]


def test_a_released_volume_being_deleted_goes():
    sim = run("pv disk 5Gi class=none\npvc data 1Gi class=none\nat 10s: delete pvc data\nat 20s: delete pv disk\n")
    assert volume(sim, "disk") is None and volume_status(volume(sim, "disk", at=19_000)).phase == "Released"
    assert volume(sim, "disk", at=1_000).meta.finalizers == (PV_PROTECTION,)


def test_wait_for_first_consumer_claim_alone_waits():
    sim = run("storageclass local binding=WaitForFirstConsumer\npvc data 1Gi class=local\n")
    assert claim_status(claim(sim, "data")).phase == "Pending"
    assert events(sim, "WaitForFirstConsumer") == [("data", FIRST_CONSUMER)]


def test_a_missing_class_is_reported_and_a_new_class_provisions():
    sim = run("pvc data 1Gi class=fast\nat 10s: apply { storageclass fast }\n")
    assert events(sim, "ProvisioningFailed") == [("data", 'storageclass.storage.k8s.io "fast" not found')]
    assert claim_status(claim(sim, "data")).phase == "Bound"


def test_the_default_class_fills_in_a_claim_without_one():
    sim = run("storageclass standard default\nstorageclass other\npvc data 1Gi\n"
              "storageclass marked {\n  annotations storageclass.kubernetes.io/is-default-class=true\n}\n"
              "at 1s: create pvc default/late 1Gi\n")
    assert claim(sim, "data").spec.storage_class == "standard"
    assert claim(sim, "late").spec.storage_class == "marked"  # the newest default wins


def test_expect_pvc_and_pv():
    sim = run(NODES + "pv c 8Gi class=none\npvc data 5Gi class=none\nat 30s: delete pvc default/data\n"
                      "expect pvc default/data bound capacity=8Gi volume=c phase=Bound at 1s\n"
                      "expect pv c phase=Released claim=default/data\n"
                      "expect pvs count=1 phase=Released\n"
                      "expect pvcs default count=0\n")
    assert [(r.passed, r.found) for r in sim.check()] == [
        (True, "bound=True, capacity=8Gi, volume=c, phase=Bound"),
        (True, "phase=Released, claim=default/data"), (True, "count=1"), (True, "count=0")]
