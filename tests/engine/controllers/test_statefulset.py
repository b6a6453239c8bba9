"""The StatefulSet controller (k8s-semantics §5, oracles 43-46): order, identity, claims, updates."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import kdsl
from kdsl.engine.controllers.statefulset_util import POD_INDEX, POD_NAME, StatefulSetStatus, ordinal, pod_dns_name
from kdsl.engine.controllers.sets import HISTORY_HASH, REVISION_HASH, template_hash
from kdsl.engine.simulation import Simulation
from kdsl.interop.state import object_manifest
from tests.engine.test_determinism import PROGRAM

CLUSTER = """
node n1 cpu=8 memory=16Gi
node n2 cpu=8 memory=16Gi
storageclass standard provisioner=dynamic default
service nginx headless selects app=nginx ports 80
"""


def sts(replicas=3, head="", body="", timeline=""):
    return CLUSTER + f"""
statefulset web replicas={replicas} service=nginx {head} {{
  labels app=nginx
  container nginx image=nginx:1.25 {{
    port web 80
    readiness http / port=80 delay=2s period=1s
    mount www at /usr/share/nginx/html
  }}
  claim www 1Gi
  {body}
}}
{timeline}
"""


def run(text: str, until: int | None = None) -> Simulation:
    return Simulation(kdsl.parse(text)).run(until=until)


def pod_at(sim, name, t):
    return sim.store.at(("Pod", "default", name), t)


def created_ms(sim, name) -> list[int]:
    """Every moment a pod of that name was created (it may be created again after a deletion)."""
    return [c.time_ms for c in sim.store.history if c.key == ("Pod", "default", name) and c.op == "ADDED"]


def gone_rv(sim, name) -> list[int]:
    return [c.resource_version for c in sim.store.history if c.key == ("Pod", "default", name) and c.op == "DELETED"]


def marked_rv(sim, name) -> int:
    """The resourceVersion at which the pod was first marked for deletion."""
    return next(c.resource_version for c in sim.store.history
                if c.key == ("Pod", "default", name) and c.obj is not None and c.obj.terminating)


def ready_ms(sim, name) -> int:
    return next(c.time_ms for c in sim.store.history if c.key == ("Pod", "default", name) and c.obj is not None
                and c.obj.status.condition("Ready") is not None and c.obj.status.condition("Ready").status == "True")


def messages(sim, reason=None):
    return [e.message for e in sim.log.events if e.kind == "StatefulSet" and (reason is None or e.reason == reason)]


def test_oracle_43_pods_one_after_another_with_claims_and_stable_dns_names():
    sim = run(sts())
    assert created_ms(sim, "web-1")[0] >= ready_ms(sim, "web-0") > created_ms(sim, "web-0")[0]
    assert created_ms(sim, "web-2")[0] >= ready_ms(sim, "web-1")
    claims = [o for o in sim.store.list("PersistentVolumeClaim", "default")]
    assert [c.name for c in claims] == ["www-web-0", "www-web-1", "www-web-2"]
    assert claims[0].spec.storage == 2**30 and claims[0].spec.storage_class == "standard"
    # Each claim is created before its pod, and the pod mounts it by name.
    for n in range(3):
        claim_rv = next(c.resource_version for c in sim.store.history
                        if c.key == ("PersistentVolumeClaim", "default", f"www-web-{n}"))
        pod_rv = next(c.resource_version for c in sim.store.history if c.key == ("Pod", "default", f"web-{n}"))
        assert claim_rv < pod_rv
    web1 = sim.store.get("Pod", "default", "web-1")
    assert pod_dns_name(web1) == "web-1.nginx.default.svc.cluster.local"
    t = web1.spec.template
    assert (t.hostname, t.subdomain) == ("web-1", "nginx")
    assert [(v.name, v.source, v.ref) for v in t.volumes] == [("www", "pvc", "www-web-1")]
    labels = web1.meta.label_dict()
    assert labels["app"] == "nginx" and labels[POD_NAME] == "web-1" and labels[POD_INDEX] == "1"
    assert labels[REVISION_HASH] == f"web-{template_hash(sim.store.get('StatefulSet', 'default', 'web').spec.template)}"
    assert [(o.kind, o.name, o.controller) for o in web1.meta.owners] == [("StatefulSet", "web", True)]
    assert messages(sim, "SuccessfulCreate")[:2] == ["create Claim www-web-0 Pod web-0 in StatefulSet web success",
                                                     "create Pod web-0 in StatefulSet web successful"]
    status = sim.store.get("StatefulSet", "default", "web").status
    assert (status.replicas, status.ready_replicas, status.available_replicas, status.updated_replicas) == (3, 3, 3, 3)
    assert status.current_revision == status.update_revision == labels[REVISION_HASH]


def test_a_pod_without_a_service_has_no_dns_name():
    sim = run(CLUSTER + "pod solo image=busybox:1.36")
    assert pod_dns_name(sim.store.get("Pod", "default", "solo")) is None


def test_oracle_44_scale_down_highest_first_one_at_a_time_and_claims_come_back():
    sim = run(sts(timeline="at 1m: scale statefulset default/web replicas=1\n"
                           "at 2m: scale statefulset default/web replicas=3"))
    # web-2 goes first; web-1 is marked for deletion only once web-2 is fully gone.
    assert gone_rv(sim, "web-2")[0] < marked_rv(sim, "web-1")
    assert pod_at(sim, "web-0", 90_000) is not None and pod_at(sim, "web-1", 90_000) is None
    claims_at = {c.name: c.meta.uid for c in sim.store.kind_at("PersistentVolumeClaim", "default", 90_000)}
    assert sorted(claims_at) == ["www-web-0", "www-web-1", "www-web-2"]  # Retain: kept on scale-down
    # Scaled back up: the same claim objects (same uids) are mounted again, none is created anew.
    claims = {c.name: c.meta.uid for c in sim.store.list("PersistentVolumeClaim", "default")}
    assert claims == claims_at
    assert sum("create Claim" in m for m in messages(sim)) == 3
    assert created_ms(sim, "web-2")[1] >= ready_ms_after(sim, "web-1", 120_000)
    assert [v.ref for v in sim.store.get("Pod", "default", "web-2").spec.template.volumes] == ["www-web-2"]
    assert messages(sim, "SuccessfulDelete") == ["delete Pod web-2 in StatefulSet web successful",
                                                 "delete Pod web-1 in StatefulSet web successful"]


def ready_ms_after(sim, name, t):
    return next(c.time_ms for c in sim.store.history if c.key == ("Pod", "default", name) and c.time_ms >= t
                and c.obj is not None and c.obj.status.condition("Ready") is not None
                and c.obj.status.condition("Ready").status == "True")


def test_oracle_45_parallel_creates_and_deletes_all_at_once():
    sim = run(sts(head="policy=Parallel", timeline="at 1m: scale statefulset default/web replicas=1"))
    assert [created_ms(sim, f"web-{n}")[0] for n in range(3)] == [0, 0, 0]
    marked = [next(c.time_ms for c in sim.store.history if c.key == ("Pod", "default", f"web-{n}")
                   and c.obj is not None and c.obj.terminating) for n in (1, 2)]
    assert marked == [60_000, 60_000]
    assert sorted(c.name for c in sim.store.list("PersistentVolumeClaim", "default")) == [
        "www-web-0", "www-web-1", "www-web-2"]


ROLLING = CLUSTER + """
statefulset web replicas=5 service=nginx {
  labels app=nginx
  strategy rolling partition=3
  container nginx image=nginx:1.25 { readiness http / port=80 delay=2s period=1s }
}
at 2m: apply {
  statefulset web replicas=5 service=nginx {
    labels app=nginx
    strategy rolling partition=3
    container nginx image=nginx:1.26 { readiness http / port=80 delay=2s period=1s }
  }
}
"""


def test_oracle_46_rolling_update_from_the_top_down_to_the_partition():
    sim = run(ROLLING)
    images = {p.name: p.spec.template.containers[0].image for p in sim.store.list("Pod", "default")}
    assert images == {"web-0": "nginx:1.25", "web-1": "nginx:1.25", "web-2": "nginx:1.25", "web-3": "nginx:1.26",
                      "web-4": "nginx:1.26"}
    # web-4 is replaced first, web-3 only once the new web-4 is Running and Ready.
    assert gone_rv(sim, "web-4")[0] < marked_rv(sim, "web-3")
    assert created_ms(sim, "web-3")[1] >= ready_ms_after(sim, "web-4", 120_000)
    s = sim.store.get("StatefulSet", "default", "web").status
    assert (s.replicas, s.updated_replicas, s.current_replicas, s.ready_replicas) == (5, 2, 3, 5)
    assert s.current_revision != s.update_revision  # the partition holds the rollout
    revisions = sorted((r.spec.revision, r.name) for r in sim.store.list("ControllerRevision", "default"))
    assert revisions == [(1, s.current_revision), (2, s.update_revision)]
    for r in sim.store.list("ControllerRevision", "default"):  # history.NewControllerRevision's hash label
        labels = dict(r.meta.labels)
        assert labels[HISTORY_HASH] == r.name.rsplit("-", 1)[1] and REVISION_HASH not in labels
    status = object_manifest(sim.store.get("StatefulSet", "default", "web"), sim)["status"]
    assert status["collisionCount"] == 0 and status["availableReplicas"] == 5


def test_oracle_46_a_deleted_pod_below_the_partition_comes_back_on_the_old_revision():
    sim = run(ROLLING + "at 4m: delete pod default/web-1\n")
    assert len(created_ms(sim, "web-1")) == 2
    assert sim.store.get("Pod", "default", "web-1").spec.template.containers[0].image == "nginx:1.25"


def test_on_delete_replaces_a_pod_only_when_it_is_deleted():
    text = ROLLING.replace("strategy rolling partition=3", "strategy ondelete") + "at 4m: delete pod default/web-1\n"
    sim = run(text)
    images = {p.name: p.spec.template.containers[0].image for p in sim.store.list("Pod", "default")}
    assert images == {"web-0": "nginx:1.25", "web-1": "nginx:1.26", "web-2": "nginx:1.25", "web-3": "nginx:1.25",
                      "web-4": "nginx:1.25"}


def test_a_full_rolling_update_makes_the_update_revision_current():
    sim = run(ROLLING.replace("strategy rolling partition=3", ""))
    s = sim.store.get("StatefulSet", "default", "web").status
    assert s.current_revision == s.update_revision and s.updated_replicas == s.current_replicas == 5
    order = sorted((marked_rv(sim, f"web-{n}"), n) for n in range(5))
    assert [n for _, n in order] == [4, 3, 2, 1, 0]


def test_ordinals_start_and_retention_delete_make_the_set_an_owner_of_its_claims():
    sim = run(sts(replicas=2, head="start=5 retain=Delete"))
    assert sorted(p.name for p in sim.store.list("Pod", "default")) == ["web-5", "web-6"]
    claim = sim.store.get("PersistentVolumeClaim", "default", "www-web-5")
    assert [(o.kind, o.name, o.controller) for o in claim.meta.owners] == [("StatefulSet", "web", False)]


def test_retention_delete_on_scale_down_makes_the_condemned_pod_its_claims_owner():
    sim = run(sts(head="retain=Delete", timeline="at 1m: scale statefulset default/web replicas=2"))
    key = ("PersistentVolumeClaim", "default", "www-web-2")
    owners = [[o.kind for o in c.obj.meta.owners] for c in sim.store.history if c.key == key and c.obj is not None]
    assert ["StatefulSet", "Pod"] in owners
    # once the pod is gone, the garbage collector drops the dangling reference (the set still owns the claim)
    assert [o.kind for o in sim.store.get(*key).meta.owners] == ["StatefulSet"]
    kept = sim.store.get("PersistentVolumeClaim", "default", "www-web-1")
    assert [o.kind for o in kept.meta.owners] == ["StatefulSet"]


def test_ordered_ready_waits_for_a_pod_that_never_becomes_ready():
    sim = run(sts(body="").replace("readiness http / port=80 delay=2s period=1s",
                                   "readiness http / port=80 delay=2s period=1s\n    unready after 0s"),
              until=300_000)
    assert [p.name for p in sim.store.list("Pod", "default")] == ["web-0"]
    s = sim.store.get("StatefulSet", "default", "web").status
    assert (s.replicas, s.ready_replicas) == (1, 0)


def test_a_refused_pod_is_a_failed_create_event_and_is_retried():
    text = "namespace q { quota pods=2 }\n" + sts().replace("statefulset web", "statefulset q/web").replace(
        "service nginx headless", "service q/nginx headless")
    sim = run(text, until=120_000)
    assert sorted(p.name for p in sim.store.list("Pod", "q")) == ["web-0", "web-1"]
    failed = [e for e in sim.log.events if e.reason == "FailedCreate" and e.kind == "StatefulSet"]
    assert failed and failed[0].type == "Warning"
    assert failed[0].message.startswith("create Pod web-2 in StatefulSet web failed error: pods \"web-2\" is "
                                        "forbidden: exceeded quota")


def test_ordinal_parsing():
    sim = run(sts(replicas=1))
    pod = sim.store.get("Pod", "default", "web-0")
    assert ordinal("web", pod) == 0 and ordinal("we", pod) is None


def test_expect_statefulset_reads_the_status_and_the_revision_number():
    sim = run(ROLLING + "expect statefulset default/web replicas=5 ready=5 updated=2 revision=2 image=nginx:1.26\n"
                        "expect statefulset default/web revision=1 at 1m\n"
                        "expect statefulset default/web ready=3 by 25s\n")
    assert [(r.passed, r.found) for r in sim.check()] == [
        (True, "replicas=5, ready=5, updated=2, revision=2, image=nginx:1.26"), (True, "revision=1"),
        (True, "ready=3")]


def test_status_defaults():
    assert StatefulSetStatus().replicas == 0


def test_scaled_sets_are_byte_identical_across_processes(tmp_path: Path):
    path = tmp_path / "sts.kdsl"
    path.write_text(sts(head="policy=Parallel", timeline="at 1m: scale statefulset default/web replicas=1\n"
                                                         "at 2m: scale statefulset default/web replicas=3"))
    outputs = set()
    for seed in ("0", "99"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        outputs.add(subprocess.run([sys.executable, "-c", PROGRAM, str(path), "0"], env=env, capture_output=True,
                                   text=True, check=True).stdout)
    assert len(outputs) == 1 and "create Claim www-web-2" in outputs.pop()
