"""The Deployment controller: k8s-semantics section 4 and oracles 33-40 and 42."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import attrs
import pytest

import kdsl
from kdsl.engine.controllers.deployment_util import (HASH_LABEL, REVISION, REVISION_HISTORY, annotation,
                                                     compute_hash, resolve_fenceposts, revision, safe_encode)
from kdsl.engine.apiserver.defaults import ALPHABET
from kdsl.engine.simulation import Simulation
from kdsl.core.errors import KdslError
from kdsl.model.timeline import Rollback

SAFE = f"[{ALPHABET}]"


def run(text: str, seed: int = 0) -> Simulation:
    return Simulation(kdsl.parse(text), seed=seed).run()


def at(sim, kind, name, t, ns="default"):
    return sim.store.at((kind, ns, name), t)


def replicasets(sim, t=None, ns="default"):
    t = sim.now if t is None else t
    return sorted(sim.store.kind_at("ReplicaSet", ns, t), key=revision)


def pods(sim, t=None, ns="default"):
    return sim.store.kind_at("Pod", ns, sim.now if t is None else t)


def messages(sim, reason):
    return [e.message for e in sim.log.events if e.reason == reason]


def spec(text: str):
    return kdsl.parse(text).objects[-1]


# ---- fenceposts ---------------------------------------------------------------------------------


def test_oracle_33_ten_replicas_resolve_to_surge_3_unavailable_2_and_the_rollout_stays_within():
    assert resolve_fenceposts(spec("deployment web replicas=10 image=nginx:1.25")) == (3, 2)
    sim = run("""
nodes n count=3 cpu=8 memory=16Gi
deployment web replicas=10 {
  container web image=nginx:1.25 { readiness http / port=80 period=5s; ready after 10s }
}
at 1m: set image default/web web=nginx:1.26
""")
    moments = [t for t in sim.store.moments() if t >= 60_000]
    assert max(len(pods(sim, t)) for t in moments) == 13
    assert min(at(sim, "Deployment", "web", t).status.available_replicas for t in moments) == 8
    end = at(sim, "Deployment", "web", sim.now).status
    assert (end.replicas, end.updated_replicas, end.available_replicas) == (10, 10, 10)


def test_oracle_34_one_replica_surges_first_and_deletes_the_old_pod_once_the_new_one_is_available():
    assert resolve_fenceposts(spec("deployment web replicas=1 image=nginx:1.25")) == (1, 0)
    sim = run("""
node n1 cpu=8 memory=16Gi
deployment web replicas=1 {
  container web image=nginx:1.25 { readiness http / port=80 period=5s; ready after 10s }
}
at 1m: set image default/web web=nginx:1.26
""")
    old, new = replicasets(sim)
    scaled = [(e.time_ms, e.message) for e in sim.log.events if e.reason == "ScalingReplicaSet"]
    assert scaled[1] == (60_000, f"Scaled up replica set {new.name} from 0 to 1")
    down_at, down = scaled[2]
    assert down == f"Scaled down replica set {old.name} from 1 to 0"
    new_pod = next(p for p in pods(sim) if p.meta.owners[0].name == new.name)
    assert new_pod.status.condition("Ready").last_transition_ms == down_at > 60_000
    # Never fewer than one available pod while rolling.
    assert all(at(sim, "Deployment", "web", t).status.available_replicas >= 1
               for t in sim.store.moments() if t >= 30_000)


def test_oracle_35_surge_0_and_25_percent_of_2_unavailable_round_to_the_fencepost_1():
    d = spec("deployment web replicas=2 image=nginx:1.25 { strategy rolling maxSurge=0 maxUnavailable=25% }")
    assert resolve_fenceposts(d) == (0, 1)
    with pytest.raises(KdslError) as err:
        kdsl.parse("deployment web replicas=2 image=nginx:1.25 { strategy rolling maxSurge=0 maxUnavailable=0 }")
    assert ("deployment default/web: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 "
            "when `maxSurge` is 0") in err.value.format()
    sim = run("""
node n1 cpu=8 memory=16Gi
deployment web replicas=2 image=nginx:1.25 { strategy rolling maxSurge=0 maxUnavailable=25% }
at 1m: set image default/web web=nginx:1.26
""")
    assert max(len(pods(sim, t)) for t in sim.store.moments()) == 2
    old, new = replicasets(sim)
    assert messages(sim, "ScalingReplicaSet")[1] == f"Scaled down replica set {old.name} from 2 to 1"


# ---- names, revisions, rollback, history ----------------------------------------------------------


def test_oracle_36_a_deployment_makes_one_replicaset_named_by_its_template_hash_and_pods_under_it():
    sim = run("node n1 cpu=8 memory=16Gi\ndeployment web replicas=3 image=nginx:1.25\n")
    (rs,) = replicasets(sim)
    d = at(sim, "Deployment", "web", sim.now)
    pod_hash = compute_hash(d.spec.template, None)
    assert re.fullmatch(f"{SAFE}{{6,10}}", pod_hash)
    assert rs.name == f"web-{pod_hash}"
    assert (HASH_LABEL, pod_hash) in rs.meta.labels and (HASH_LABEL, pod_hash) in rs.spec.selector.match_labels
    assert annotation(rs, REVISION) == "1" and annotation(d, REVISION) == "1"
    assert annotation(rs, "deployment.kubernetes.io/desired-replicas") == "3"
    assert annotation(rs, "deployment.kubernetes.io/max-replicas") == "4"
    assert rs.meta.owners[0].kind == "Deployment" and rs.meta.owners[0].uid == d.meta.uid
    names = sorted(p.name for p in pods(sim))
    assert len(names) == 3 and all(re.fullmatch(f"web-{pod_hash}-{SAFE}{{5}}", n) for n in names)
    assert all(dict(p.meta.labels)[HASH_LABEL] == pod_hash for p in pods(sim))
    assert messages(sim, "ScalingReplicaSet") == [f"Scaled up replica set {rs.name} from 0 to 3"]
    assert sorted(messages(sim, "SuccessfulCreate")) == [f"Created pod: {n}" for n in names]
    assert {e.source for e in sim.log.events if e.reason == "SuccessfulCreate"} == {"replicaset-controller"}
    status = d.status
    assert (status.replicas, status.ready_replicas, status.updated_replicas, status.available_replicas) == (3, 3, 3, 3)
    assert [(c.type, c.status, c.reason, c.message) for c in status.conditions] == [
        ("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
        ("Progressing", "True", "NewReplicaSetAvailable", f'ReplicaSet "{rs.name}" has successfully progressed.')]


def test_the_hash_is_fnv32a_printed_in_decimal_and_safely_encoded():
    assert safe_encode("0123456789") == "".join(ALPHABET[ord(c) % 27] for c in "0123456789")
    a = spec("deployment web image=nginx:1.25").template
    b = spec("deployment web image=nginx:1.26").template
    assert compute_hash(a, None) == compute_hash(a, None) != compute_hash(b, None)
    assert compute_hash(a, 1) != compute_hash(a, None)


ROLLBACKS = """
node n1 cpu=8 memory=16Gi
deployment web replicas=2 image=nginx:1.0
at 1m: set image default/web web=nginx:2.0
at 2m: set image default/web web=nginx:3.0
at 3m: rollback default/web
at 4m: rollback default/web
"""


def test_oracle_37_undo_restores_the_previous_template_and_moves_its_revision_to_the_end():
    sim = run(ROLLBACKS)
    by_image = {rs.spec.template.containers[0].image: rs.name for rs in replicasets(sim)}
    a, b, c = by_image["nginx:1.0"], by_image["nginx:2.0"], by_image["nginx:3.0"]
    after_undo = {rs.name: rs for rs in replicasets(sim, 179_999 + 30_000)}
    assert at(sim, "Deployment", "web", 200_000).spec.template.containers[0].image == "nginx:2.0"
    assert annotation(after_undo[b], REVISION) == "4" and annotation(after_undo[b], REVISION_HISTORY) == "2"
    assert sorted(revision(rs) for rs in after_undo.values()) == [1, 3, 4]  # rollout history: 2 is gone
    assert annotation(at(sim, "Deployment", "web", 200_000), REVISION) == "4"
    end = {rs.name: rs for rs in replicasets(sim)}
    assert annotation(end[c], REVISION) == "5" and annotation(end[c], REVISION_HISTORY) == "3"
    assert annotation(end[a], REVISION) == "1"
    assert at(sim, "Deployment", "web", sim.now).spec.template.containers[0].image == "nginx:3.0"
    assert all(dict(p.meta.labels)[HASH_LABEL] == end[c].name.rsplit("-", 1)[1] for p in pods(sim))


def test_rollback_to_a_revision_and_the_errors_kubectl_gives():
    sim = run(ROLLBACKS.replace("at 4m: rollback default/web", "at 4m: rollback default/web to revision 1\n"
                                "at 5m: rollback default/web to revision 9"))
    d = at(sim, "Deployment", "web", sim.now)
    assert d.spec.template.containers[0].image == "nginx:1.0" and annotation(d, REVISION) == "5"
    assert messages(sim, "FailedRollback") == ["error: unable to find specified revision 9 in history"]
    # `kdsl check` refuses a rollback of a Deployment nothing declares; a Scenario built in Python is not checked,
    # and kubectl's GET of it is refused by the API server at run time.
    with pytest.raises(KdslError, match='deployments.apps "nope" not found in namespace default'):
        kdsl.parse(ROLLBACKS + "at 6m: rollback default/nope\n")
    scenario = kdsl.parse(ROLLBACKS)
    nope = Rollback(at_ms=360_000, kind="Deployment", namespace="default", name="nope")
    python_built = Simulation(attrs.evolve(scenario, timeline=scenario.timeline + (nope,))).run()
    assert messages(python_built, "FailedGet") == ['deployments.apps "nope" not found']
    first = run("node n1\ndeployment web image=nginx:1.0\nat 1m: rollback default/web\n")
    assert messages(first, "FailedRollback") == ['error: no rollout history found for deployment "web"']


def test_oracle_38_twelve_template_changes_keep_ten_old_replicasets():
    text = "node n1 cpu=8 memory=16Gi\ndeployment web replicas=1 image=nginx:1.0\n" + "".join(
        f"at {i}m: set image default/web web=nginx:1.{i}\n" for i in range(1, 13))
    sim = run(text)
    rss = replicasets(sim)
    assert len(rss) == 11
    assert [rs.spec.replicas for rs in rss] == [0] * 10 + [1]
    assert [revision(rs) for rs in rss] == list(range(3, 14))  # 13 revisions made; 1 and 2 were cleaned up
    assert rss[-1].spec.template.containers[0].image == "nginx:1.12"


# ---- progress, availability, Recreate -------------------------------------------------------------


def test_oracle_39_pods_that_never_become_ready_exceed_the_progress_deadline_without_rollback():
    sim = run("""
node n1 cpu=8 memory=16Gi
deployment web replicas=4 image=nginx:1.0
at 1m: apply {
  deployment web replicas=4 {
    container web image=nginx:9.9 { pull fails }
  }
}
run 12m
""")
    old, new = replicasets(sim)

    def progressing(t):
        return at(sim, "Deployment", "web", t).status.condition("Progressing")

    assert (progressing(60_000).reason, progressing(60_000).message) == (
        "ReplicaSetUpdated", f'ReplicaSet "{new.name}" is progressing.')
    assert progressing(660_000).status == "True"
    # The deadline passes at 1m + 600 s; the controller looks again a second later, as Kubernetes does.
    late = progressing(661_000)
    assert (late.status, late.reason, late.message) == (
        "False", "ProgressDeadlineExceeded", f'ReplicaSet "{new.name}" has timed out progressing.')
    end = at(sim, "Deployment", "web", sim.now)
    assert end.spec.template.containers[0].image == "nginx:9.9"  # no automatic rollback
    assert (at(sim, "ReplicaSet", old.name, sim.now).spec.replicas, end.status.available_replicas) == (3, 3)
    assert end.status.condition("Available").status == "True"


def test_oracle_40_min_ready_seconds_delays_availability():
    sim = run("node n1 cpu=8 memory=16Gi\ndeployment web replicas=1 image=nginx:1.0 minReady=30s\n")
    (pod,) = pods(sim)
    ready = pod.status.condition("Ready").last_transition_ms
    d_before = at(sim, "Deployment", "web", ready + 30_000).status
    assert (d_before.ready_replicas, d_before.available_replicas) == (1, 0)
    assert d_before.condition("Available").reason == "MinimumReplicasUnavailable"
    # IsPodAvailable is strict (ready + 30 s < now); the controller re-syncs minReady + 1 s after Ready.
    d_after = at(sim, "Deployment", "web", ready + 31_000).status
    assert d_after.available_replicas == 1
    assert d_after.condition("Available").message == "Deployment has minimum availability."


def test_oracle_42_recreate_stops_every_old_pod_before_creating_a_new_one():
    sim = run("""
node n1 cpu=8 memory=16Gi
deployment web replicas=3 image=nginx:1.25 { strategy recreate }
at 1m: set image default/web web=nginx:1.26
""")
    old, new = replicasets(sim)
    first_new = min(c.time_ms for c in sim.store.history if c.key[0] == "Pod" and c.key[2].startswith(new.name))
    assert first_new == 60_000
    # At that moment, before the first new pod, every old pod is gone or terminated (phase terminal).
    i = next(i for i, c in enumerate(sim.store.history) if c.key[0] == "Pod" and c.key[2].startswith(new.name))
    live = {}
    for c in sim.store.history[:i]:
        if c.key[0] == "Pod":
            live[c.key] = c.obj
    olds = [p for p in live.values() if p is not None and p.name.startswith(old.name)]
    assert all(p.status.phase in ("Succeeded", "Failed") for p in olds)
    assert messages(sim, "ScalingReplicaSet")[1:] == [f"Scaled down replica set {old.name} from 3 to 0",
                                                     f"Scaled up replica set {new.name} from 0 to 3"]


# ---- scaling, pausing, self-healing, determinism -------------------------------------------------


def test_scale_resizes_the_replicaset_with_kubernetes_messages():
    sim = run("node n1 cpu=8 memory=16Gi\ndeployment web replicas=3 image=nginx:1.0\n"
              "at 1m: scale default/web replicas=5\nat 2m: scale default/web replicas=1\n")
    (rs,) = replicasets(sim)
    assert messages(sim, "ScalingReplicaSet")[1:] == [f"Scaled up replica set {rs.name} from 3 to 5",
                                                     f"Scaled down replica set {rs.name} from 5 to 1"]
    assert len(messages(sim, "SuccessfulDelete")) == 4
    assert annotation(rs, "deployment.kubernetes.io/desired-replicas") == "1"


def test_scaling_in_the_middle_of_a_rollout_is_proportional():
    sim = run("""
node n1 cpu=32 memory=64Gi
deployment web replicas=10 {
  container web image=nginx:1.0 { readiness http / port=80 period=5s; ready after 10s }
}
at 1m: set image default/web web=nginx:1.1 { }
""".replace(" { }", "") + "at 61s: scale default/web replicas=20\n")
    old, new = replicasets(sim, 61_000)
    # 13 pods (8 old + 5 new) become 25 = 20 + surge 5, spread by each ReplicaSet's fraction.
    assert (old.spec.replicas, new.spec.replicas) == (15, 10)


def test_a_paused_deployment_creates_nothing_and_says_so():
    sim = run("node n1\ndeployment web image=nginx:1.0 paused\n")
    d = at(sim, "Deployment", "web", sim.now)
    assert replicasets(sim) == [] and pods(sim) == []
    cond = d.status.condition("Progressing")
    assert (cond.status, cond.reason, cond.message) == ("Unknown", "DeploymentPaused", "Deployment is paused")


def test_a_deleted_pod_is_replaced():
    sim = run("node n1 cpu=8 memory=16Gi\ndeployment web replicas=2 image=nginx:1.0\n"
              "at 1m: delete pods default app=web\n")
    assert len(messages(sim, "SuccessfulCreate")) == 4
    d = at(sim, "Deployment", "web", sim.now).status
    assert (d.replicas, d.available_replicas) == (2, 2)


def test_deployments_are_no_longer_listed_as_not_simulated():
    sim = Simulation(kdsl.parse("node n1\ndeployment web image=nginx:1.0\nreplicaset rs image=nginx:1.0\n"
                                "replicationcontroller rc image=nginx:1.0\n"))
    assert sim.not_simulated == {}


PROGRAM = """
import sys, kdsl
from kdsl.engine.simulation import Simulation
sim = Simulation(kdsl.load(sys.argv[1])).run()
sys.stdout.write(sim.log.text())
for obj in sim.store:
    sys.stdout.write(f"{obj.kind} {obj.meta.key} {obj.meta.uid} {obj.resource_version}\\n")
"""


def test_the_event_log_is_identical_across_processes():
    scenario = os.path.join(os.path.dirname(__file__), "..", "..", "scenarios", "test_deployments.kdsl")
    outs = {subprocess.run([sys.executable, "-c", PROGRAM, scenario], env=dict(os.environ, PYTHONHASHSEED=h),
                           capture_output=True, text=True, check=True).stdout for h in ("0", "4242")}
    assert len(outs) == 1 and "Scaled up replica set web-" in outs.pop()
