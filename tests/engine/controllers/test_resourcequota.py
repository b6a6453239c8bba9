"""The resource quota controller (pkg/controller/resourcequota) and the ResourceQuota admission plugin's status
writes: what a quota's status holds, when each writes it, and what wakes the controller."""

from __future__ import annotations

import kdsl
from kdsl.engine.simulation import Simulation
from kdsl.interop.state import object_manifest

NODE = "node n1 cpu=16 memory=32Gi\n"
QUOTA = ("ResourceQuota", "shop", "quota")


def run(body: str, timeline: str = "", until: int = 60_000) -> Simulation:
    return Simulation(kdsl.parse(NODE + "namespace shop {\n" + body + "\n}\n" + timeline)).run(until=until)


def writes(sim, kind: str | None = None) -> list[tuple[int, str, str]]:
    return [(c.time_ms, c.op, c.key[0] if kind is None else c.key[2]) for c in sim.store.history
            if kind is None or c.key[0] == kind]


def used(obj) -> dict[str, int]:
    return dict(obj.status.used)


def test_the_first_sync_writes_hard_and_used_as_the_controller_service_account():
    sim = run("quota pods=5 cpu=2\npod a image=nginx:1.25 cpu=250m")
    q = sim.store.get(*QUOTA)
    assert dict(q.status.hard) == {"requests.cpu": 2000, "pods": 5}  # kdsl's `cpu=` is requests.cpu
    assert used(q) == {"requests.cpu": 250, "pods": 1}
    manifest = object_manifest(q, sim, sim.now)
    assert manifest["status"] == {"hard": {"pods": "5", "requests.cpu": "2"},
                                  "used": {"pods": "1", "requests.cpu": "250m"}}
    # the only write of the status a pod made before the first sync needs: the controller's
    assert [w for w in writes(sim) if w[2] == "ResourceQuota"] == [(0, "ADDED", "ResourceQuota"),
                                                                   (0, "MODIFIED", "ResourceQuota")]
    assert not sim.rejections  # its update of resourcequotas/status is granted by its bootstrap role


def test_a_create_answer_carries_no_status():
    sim = run("")
    model = next(o for o in kdsl.parse("namespace shop {\n  quota pods=2\n}\n").objects if o.kind == "ResourceQuota")
    q = sim.create(model, source="test")
    assert q.status is None and "status" not in object_manifest(q, sim, sim.now)
    sim.run(until=sim.now + 1)
    assert used(sim.store.get(*QUOTA)) == {"pods": 0}


def test_admission_charges_a_create_in_the_same_request_before_the_object():
    sim = run("quota pods=3", timeline="at 10s: create pod shop/late image=nginx:1.25\n")
    at_10s = [(op, kind) for t, op, kind in writes(sim) if t == 10_000]
    assert at_10s[:2] == [("MODIFIED", "ResourceQuota"), ("ADDED", "Pod")]
    quota_rv = next(c.resource_version for c in sim.store.history if c.time_ms == 10_000 and c.key == QUOTA)
    assert used(sim.store.at(QUOTA, 10_000)) == {"pods": 1}
    # the controller, woken by nothing an add does, writes nothing more
    assert [c for c in sim.store.history if c.key == QUOTA and c.resource_version > quota_rv] == []


def test_a_deleted_pod_is_replenished_by_the_controller():
    sim = run("quota pods=3\npod a image=nginx:1.25\npod b image=nginx:1.25",
              timeline="at 10s: delete pod shop/a\n")
    assert used(sim.store.get(*QUOTA)) == {"pods": 1}
    # one write: when the pod stopped counting (its terminal phase, or its removal), not one for each
    after = [c for c in sim.store.history if c.key == QUOTA and c.time_ms >= 10_000]
    assert len(after) == 1 and dict(after[0].obj.status.used) == {"pods": 1}
    gone = next(c.resource_version for c in sim.store.history if c.op == "DELETED" and c.key[2] == "a")
    assert after[0].resource_version <= gone + 1


def test_a_refused_create_writes_no_status():
    sim = run("quota pods=1\npod a image=nginx:1.25", timeline="at 10s: create pod shop/b image=nginx:1.25\n")
    assert [r.message for r in sim.rejections] == [
        'pods "b" is forbidden: exceeded quota: quota, requested: pods=1, used: pods=1, limited: pods=1']
    assert [c for c in sim.store.history if c.key == QUOTA and c.time_ms == 10_000] == []


def test_a_namespace_without_quota_has_no_status_writes():
    sim = run("pod a image=nginx:1.25", timeline="at 10s: delete pod shop/a\n")
    assert not [c for c in sim.store.history if c.key[0] == "ResourceQuota"]


def test_a_pod_stuck_past_its_grace_stops_counting_at_the_resyncs_next_tick():
    # its node is gone, so no write tells the quota the pod stopped counting (QuotaV1Pod: past deletionTimestamp
    # plus its grace): the full resync (enqueueAll every --resource-quota-sync-period, 5 m) recounts it
    sim = Simulation(kdsl.parse("node n1 cpu=16 memory=32Gi\nnamespace shop {\n  quota pods=3\n"
                                "  pod a image=nginx:1.25\n}\nat 10s: fail node n1\nat 20s: delete pod shop/a\n")
                     ).run(until=660_000)
    pod = sim.store.get("Pod", "shop", "a")
    assert pod is not None and pod.meta.deletion_ms == 50_000  # still stored: Terminating on a node that is gone
    changes = [(c.time_ms, dict(c.obj.status.used)) for c in sim.store.history if c.key == QUOTA and c.obj.status]
    assert changes[-1] == (300_000, {"pods": 0})  # the first tick after deletionTimestamp (50 s) + 30 s of grace
    assert changes[-2][1] == {"pods": 1}


def test_a_pod_deleted_within_its_grace_leaves_no_tick_behind():
    # the removal replenishes the quota; no resync tick keeps a run without a horizon going
    sim = Simulation(kdsl.parse("node n1 cpu=16 memory=32Gi\nnamespace shop {\n  quota pods=3\n"
                                "  pod a image=nginx:1.25\n}\nat 10s: delete pod shop/a\n")).run()
    assert sim.store.get("Pod", "shop", "a") is None
    assert used(sim.store.get(*QUOTA)) == {"pods": 0}
    assert sim.now < 300_000


def test_a_deleted_namespace_leaves_no_tick_behind():
    # its pods and its quota go: nothing is left to recount, and the run ends as it did
    sim = Simulation(kdsl.parse("node n1 cpu=16 memory=32Gi\nnamespace shop {\n  quota pods=3\n"
                                "  pod a image=nginx:1.25\n}\nat 1m: delete namespace shop\n")).run()
    assert sim.store.get("Namespace", None, "shop") is None
    assert sim.now < 300_000
