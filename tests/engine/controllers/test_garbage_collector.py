"""The garbage collector (k8s-semantics §13, oracle 79): Background, Foreground and Orphan deletion."""

from __future__ import annotations

import attrs

import kdsl
from kdsl.engine.objects import ApiObject, Meta, OwnerRef
from kdsl.engine.simulation import Simulation
from kdsl.model.workloads import Pod, ReplicaSet

SCENARIO = """
node n1 cpu=8 memory=16Gi
namespace shop
deployment shop/web replicas=2 image=nginx:1.25
"""
GC = "generic-garbage-collector"


def chain(sim: Simulation) -> tuple[ApiObject, ApiObject, list[ApiObject]]:
    """A Deployment -> ReplicaSet -> 2 Pods chain made by hand, with controller references, as the
    Deployment and ReplicaSet controllers would make it."""
    dep = sim.store.get("Deployment", "shop", "web")
    tpl = dep.spec.template
    rs_spec = ReplicaSet(name="web-5d4f8", namespace="shop", labels=tpl.labels, template=tpl, replicas=2)
    rs = sim.submit("create", ApiObject(kind="ReplicaSet", meta=Meta(
        name="web-5d4f8", namespace="shop", labels=tpl.labels,
        owners=(OwnerRef(kind="Deployment", name="web", uid=dep.meta.uid),)), spec=rs_spec), source="test")
    pods = []
    for name in ("web-5d4f8-abcde", "web-5d4f8-fghjk"):
        spec = Pod(name=name, namespace="shop", labels=tpl.labels, template=tpl)
        pods.append(sim.submit("create", ApiObject(kind="Pod", meta=Meta(
            name=name, namespace="shop", labels=tpl.labels,
            owners=(OwnerRef(kind="ReplicaSet", name=rs.name, uid=rs.meta.uid),)), spec=spec), source="test"))
    return dep, rs, pods


def deleted_at(sim, key) -> tuple[int, int]:
    """(time, resourceVersion) of the removal of `key`."""
    return next((c.time_ms, c.resource_version) for c in sim.store.history if c.key == key and c.op == "DELETED")


def played(propagation: str | None, extra: str = "") -> tuple[Simulation, ApiObject, ApiObject, list]:
    sim = Simulation(kdsl.parse(SCENARIO + extra))
    dep, rs, pods = chain(sim)
    sim.queue.at(10_000, lambda: sim.delete("Deployment", "shop", "web", source="timeline",
                                            propagation=propagation))
    sim.run(60_000)
    return sim, dep, rs, pods


def mine(sim, kind):
    """Objects of `kind` in shop that belong to the hand-made chain (a Deployment controller, once there,
    adds its own)."""
    return [o for o in sim.store.list(kind, "shop") if o.name.startswith("web-5d4f8")]


def test_oracle_79_background_deletes_the_owner_at_once_then_its_dependents():
    sim, dep, rs, pods = played(None)
    gone = deleted_at(sim, dep.key)
    assert gone[0] == 10_000
    assert deleted_at(sim, rs.key)[1] > gone[1]  # the ReplicaSet after its owner ...
    for pod in pods:
        assert deleted_at(sim, pod.key)[1] > deleted_at(sim, rs.key)[1]  # ... and the pods after theirs
    assert not mine(sim, "ReplicaSet") and not mine(sim, "Pod")
    pod_at_delete = next(c.obj for c in sim.store.history if c.key == pods[0].key and c.obj is not None
                         and c.obj.terminating)
    assert pod_at_delete.meta.deletion_grace_ms == 30_000  # pods go gracefully


def test_oracle_79_orphan_strips_owner_references_and_keeps_the_dependents():
    sim, dep, rs, pods = played("Orphan")
    assert sim.store.get(*dep.key) is None
    kept = sim.store.get(*rs.key)
    assert kept is not None and kept.meta.owners == ()
    assert [p.meta.owners[0].uid for p in mine(sim, "Pod")] == [rs.meta.uid, rs.meta.uid]  # still the RS's
    stripped = next(c for c in sim.store.history if c.key == rs.key and c.obj is not None and not c.obj.meta.owners)
    assert stripped.resource_version < deleted_at(sim, dep.key)[1]  # stripped before the owner went


def test_oracle_79_foreground_keeps_the_owner_visible_until_blocking_dependents_are_gone():
    sim, dep, rs, pods = played("Foreground")
    at_delete = sim.store.at(dep.key, 10_000 - 1)
    assert not at_delete.terminating
    marked = next(c.obj for c in sim.store.history if c.key == dep.key and c.obj is not None and c.obj.terminating)
    assert marked.meta.finalizers == ("foregroundDeletion",) and marked.meta.deletion_ms == 10_000
    rs_marked = next(c.obj for c in sim.store.history if c.key == rs.key and c.obj is not None and c.obj.terminating)
    assert rs_marked.meta.finalizers == ("foregroundDeletion",)  # the RS has dependents: Foreground too
    last_pod = max(deleted_at(sim, p.key)[1] for p in pods)
    assert last_pod < deleted_at(sim, rs.key)[1] < deleted_at(sim, dep.key)[1]


def test_foreground_waits_while_a_pod_cannot_terminate():
    sim = Simulation(kdsl.parse(SCENARIO + "at 5s: fail node n1\nat 2m: recover node n1\n"))
    dep, rs, pods = chain(sim)
    sim.queue.at(10_000, lambda: sim.delete("Deployment", "shop", "web", source="timeline",
                                            propagation="Foreground"))
    sim.run(300_000)
    waiting = sim.store.at(dep.key, 100_000)
    assert waiting is not None and waiting.meta.finalizers == ("foregroundDeletion",)
    assert all(sim.store.at(p.key, 100_000).terminating for p in pods)  # the kubelet is down
    assert sim.store.get(*dep.key) is None and not mine(sim, "Pod")  # all gone once the node is back
    assert deleted_at(sim, dep.key)[0] >= 120_000


def test_a_dependent_whose_owner_never_existed_is_collected():
    sim = Simulation(kdsl.parse(SCENARIO))
    dep = sim.store.get("Deployment", "shop", "web")
    tpl = dep.spec.template
    stray = ApiObject(kind="Pod", meta=Meta(name="stray", namespace="shop", owners=(
        OwnerRef(kind="ReplicaSet", name="nobody", uid="0000"),)), spec=Pod(name="stray", namespace="shop",
                                                                             template=tpl))
    sim.submit("create", stray, source="test")
    sim.run(60_000)
    assert sim.store.get("Pod", "shop", "stray") is None
    assert any(c.key == ("Pod", "shop", "stray") and c.op == "DELETED" for c in sim.store.history)


def test_a_dependent_with_another_live_owner_loses_only_the_dangling_reference():
    sim = Simulation(kdsl.parse(SCENARIO + "configmap shop/keep { a = b }\n"))
    dep = sim.store.get("Deployment", "shop", "web")
    keep = sim.store.get("ConfigMap", "shop", "keep")
    tpl = dep.spec.template
    owners = (OwnerRef(kind="Deployment", name="web", uid=dep.meta.uid),
              OwnerRef(kind="ConfigMap", name="keep", uid=keep.meta.uid, controller=False))
    shared = ApiObject(kind="Pod", meta=Meta(name="shared", namespace="shop", owners=owners),
                       spec=Pod(name="shared", namespace="shop", template=tpl))
    sim.submit("create", shared, source="test")
    sim.queue.at(10_000, lambda: sim.delete("Deployment", "shop", "web", source="timeline"))
    sim.run(60_000)
    pod = sim.store.get("Pod", "shop", "shared")
    assert pod is not None and [r.kind for r in pod.meta.owners] == ["ConfigMap"]


def test_deleting_a_job_deletes_its_pods():
    sim = Simulation(kdsl.parse("node n1\nnamespace shop\njob shop/j parallelism=2 completions=2 image=busybox\n"
                                "at 10s: delete job shop/j\n")).run(60_000)
    assert sim.store.count("Pod", "shop") == 0
    assert len([c for c in sim.store.history if c.key[0] == "Pod" and c.op == "DELETED"]) == 2
    assert any(e.source == "kubelet" and e.reason == "Killing" for e in sim.log.events)


def test_the_collector_writes_as_its_service_account():
    sim, dep, rs, pods = played("Orphan")
    assert sim.rejections == []
    assert sim.controllers[GC].client.user == "system:serviceaccount:kube-system:generic-garbage-collector"
    assert attrs.has(type(dep.meta))


def test_oracle_79_deleting_a_real_deployment_removes_its_replicaset_then_its_pods():
    # The same, with the Deployment controller's own ReplicaSet and pods and the timeline's `delete`.
    sim = kdsl.simulate(kdsl.parse("cluster c { nodes pool count=2 cpu=4 memory=16Gi }\n"
                                   "namespace shop { deployment web replicas=2 image=nginx:1.25 }\n"
                                   "at 10s: delete deployment shop/web\n"))
    dep_gone = deleted_at(sim, ("Deployment", "shop", "web"))
    assert dep_gone[0] == 10_000
    [rs_key] = {c.key for c in sim.store.history if c.key[0] == "ReplicaSet"}
    pod_keys = {c.key for c in sim.store.history if c.key[0] == "Pod"}
    assert len(pod_keys) == 2
    assert deleted_at(sim, rs_key)[1] > dep_gone[1]
    assert all(deleted_at(sim, k)[1] > deleted_at(sim, rs_key)[1] for k in pod_keys)
    assert not sim.store.list("ReplicaSet", "shop") and not sim.store.list("Pod", "shop")
