"""kubectl rollout restart, pause and resume (polymorphichelpers/objectrestarter.go, objectpauser.go,
objectresumer.go), and `rollout undo` of StatefulSets and DaemonSets through their ControllerRevisions
(polymorphichelpers/rollback.go)."""

from __future__ import annotations

import attrs

import kdsl
from kdsl.engine.controllers.deployment_util import revision
from kdsl.engine.controllers.sets import REVISION_HASH
from kdsl.engine.controllers.statefulset_util import ordinal
from kdsl.engine.rollouts import RESTARTED_AT, rfc3339
from kdsl.engine.simulation import Simulation
from kdsl.model.timeline import Rollback, Rollout
from tests.golden import check_golden

NODES = "node n1 cpu=8 memory=16Gi\nnode n2 cpu=8 memory=16Gi\n"
WEB = NODES + """deployment web replicas=3 {
  container web image=nginx:1.0 { readiness http / port=80 period=5s; ready after 10s }
}
"""
DB = NODES + """statefulset db replicas=3 {
  container db image=postgres:16 { readiness exec true period=5s; ready after 10s }
}
"""
AGENT = NODES + "node n3 cpu=8 memory=16Gi\ndaemonset agent image=busybox:1.36\n"


def run(text: str) -> Simulation:
    return Simulation(kdsl.parse(text, "t.kdsl")).run()


def run_unchecked(text: str, *actions) -> Simulation:
    """A scenario with actions built in Python: not checked, so kubectl's run-time refusals show."""
    scenario = kdsl.parse(text, "t.kdsl")
    return Simulation(attrs.evolve(scenario, timeline=scenario.timeline + actions)).run()


def replicasets(sim, t=None):
    return sorted(sim.store.kind_at("ReplicaSet", "default", sim.now if t is None else t), key=revision)


def pods(sim, t=None):
    return sim.store.kind_at("Pod", "default", sim.now if t is None else t)


def events(sim, reason):
    return [(e.time_ms, e.type, e.source, e.message) for e in sim.log.events if e.reason == reason]


def scaled(sim):
    return [(e.time_ms, e.message) for e in sim.log.events if e.reason == "ScalingReplicaSet" and e.time_ms]


def test_rfc3339_is_the_simulated_moment_in_utc():
    assert rfc3339(0) == "1970-01-01T00:00:00Z"
    assert rfc3339(90_500) == "1970-01-01T00:01:30Z"  # metav1.Time: whole seconds
    assert rfc3339(86_400_000 + 3_600_000) == "1970-01-02T01:00:00Z"


# ---- restart ------------------------------------------------------------------------------------------------


def test_restart_rolls_a_deployment_to_a_new_replicaset_with_the_annotation_one_pod_at_a_time():
    sim = run(WEB + "at 1m: rollout restart default/web\nrun 2m\n")
    old, new = replicasets(sim)
    assert dict(old.spec.template.annotations).get(RESTARTED_AT) is None
    assert dict(new.spec.template.annotations)[RESTARTED_AT] == "1970-01-01T00:01:00Z"
    assert revision(new) == 2 and new.spec.template.containers == old.spec.template.containers
    # Every pod replaced, each carrying the annotation; none of the old ones left.
    assert len(pods(sim)) == 3 and all(dict(p.meta.annotations)[RESTARTED_AT] == "1970-01-01T00:01:00Z"
                                       for p in pods(sim))
    # 3 replicas: maxSurge 1, maxUnavailable 0, so one new pod, Ready 10 s after it starts (1 s), then one old goes.
    assert scaled(sim) == [
        (60_000, f"Scaled up replica set {new.name} from 0 to 1"),
        (71_000, f"Scaled down replica set {old.name} from 3 to 2"),
        (71_000, f"Scaled up replica set {new.name} from 1 to 2"),
        (82_000, f"Scaled down replica set {old.name} from 2 to 1"),
        (82_000, f"Scaled up replica set {new.name} from 2 to 3"),
        (93_000, f"Scaled down replica set {old.name} from 1 to 0")]
    d = sim.store.get("Deployment", "default", "web")
    assert (d.status.updated_replicas, d.status.available_replicas) == (3, 3)


def test_the_event_log_of_a_restart():
    sim = run(WEB + "at 1m: rollout restart default/web\nrun 2m\n")
    lines = [f"{e.time_ms / 1000:>5.0f}s {e.type:<7} {e.reason:<18} {e.kind.lower()}/{e.name}: {e.message} "
             f"({e.source})" for e in sim.log.events if e.time_ms >= 60_000]
    check_golden("engine/rollout-restart-events.txt", "\n".join(lines) + "\n")


def test_restart_a_second_time_is_a_new_revision_again():
    sim = run(WEB + "at 1m: rollout restart default/web\nat 3m: rollout restart deployment default/web\nrun 5m\n")
    assert [revision(rs) for rs in replicasets(sim)] == [1, 2, 3]
    assert dict(replicasets(sim)[-1].spec.template.annotations)[RESTARTED_AT] == "1970-01-01T00:03:00Z"


def test_restart_a_statefulset_replaces_its_pods_from_the_highest_ordinal_down():
    sim = run(DB + "at 1m: rollout restart statefulset default/db\nrun 3m\n")
    deleted = [e.message for e in sim.log.events if e.reason == "SuccessfulDelete" and e.time_ms >= 60_000]
    assert deleted == [f"delete Pod db-{n} in StatefulSet db successful" for n in (2, 1, 0)]
    revisions = sorted(sim.store.list("ControllerRevision", "default"), key=lambda r: r.spec.revision)
    assert [r.spec.revision for r in revisions] == [1, 2]
    assert dict(revisions[1].spec.data.annotations)[RESTARTED_AT] == "1970-01-01T00:01:00Z"
    assert all(dict(p.meta.labels)[REVISION_HASH] == revisions[1].name for p in pods(sim))


def test_restart_a_daemonset_replaces_one_node_at_a_time():
    sim = run(AGENT + "at 1m: rollout restart daemonset default/agent\nrun 2m\n")
    deleted = [e.time_ms for e in sim.log.events if e.reason == "SuccessfulDelete"]
    assert len(deleted) == 3 and len(set(deleted)) == 3  # maxUnavailable 1: never two nodes at once
    assert all(dict(p.meta.annotations)[RESTARTED_AT] == "1970-01-01T00:01:00Z" for p in pods(sim))
    ds = sim.store.get("DaemonSet", "default", "agent")
    assert (ds.status.updated_number_scheduled, ds.status.number_available) == (3, 3)


# ---- pause and resume ---------------------------------------------------------------------------------------


def test_a_paused_deployment_takes_no_new_template_until_it_is_resumed():
    sim = run(WEB + "at 1m: rollout pause default/web\nat 2m: set image default/web web=nginx:2.0\n"
                    "at 4m: rollout resume default/web\nrun 6m\n")
    assert len(replicasets(sim, 239_999)) == 1  # paused: the new template makes no ReplicaSet
    assert {p.spec.template.containers[0].image for p in pods(sim, 239_999)} == {"nginx:1.0"}
    old, new = replicasets(sim)
    assert new.spec.template.containers[0].image == "nginx:2.0"
    assert scaled(sim)[0] == (240_000, f"Scaled up replica set {new.name} from 0 to 1")
    assert {p.spec.template.containers[0].image for p in pods(sim)} == {"nginx:2.0"}


def test_a_paused_deployment_still_scales():
    sim = run(WEB + "at 1m: rollout pause default/web\nat 2m: set image default/web web=nginx:2.0\n"
                    "at 3m: scale default/web replicas=5\nrun 4m\n")
    (rs,) = replicasets(sim)
    assert rs.spec.replicas == 5 and len(pods(sim)) == 5
    assert {p.spec.template.containers[0].image for p in pods(sim)} == {"nginx:1.0"}


def test_progressing_says_paused_then_resumed_then_rolls_the_template_set_while_paused():
    sim = run(WEB + "at 1m: rollout pause default/web\nat 2m: set image default/web web=nginx:2.0\n"
                    "at 3m: rollout resume default/web\nrun 5m\n")
    seen = []  # each change of the Progressing condition, as the API server stored it (pkg/controller/deployment
    for c in sim.store.history:  # progress.go and sync.go: checkPausedConditions, then syncRolloutStatus)
        if c.key == ("Deployment", "default", "web") and c.obj is not None and c.obj.status is not None:
            cond = c.obj.status.condition("Progressing")
            if cond is not None and (not seen or seen[-1][1:] != (cond.status, cond.reason)):
                seen.append((c.time_ms, cond.status, cond.reason))
    old, new = replicasets(sim)
    assert seen[2:] == [(11_000, "True", "NewReplicaSetAvailable"), (60_000, "Unknown", "DeploymentPaused"),
                        (180_000, "Unknown", "DeploymentResumed"), (180_000, "True", "NewReplicaSetCreated"),
                        (180_000, "True", "ReplicaSetUpdated"), (213_000, "True", "NewReplicaSetAvailable")]
    paused = sim.store.at(("Deployment", "default", "web"), 120_000)
    assert paused.spec.paused and paused.status.condition("Progressing").message == "Deployment is paused"
    resumed = [c.obj for c in sim.store.history if c.key == ("Deployment", "default", "web") and c.time_ms == 180_000]
    assert resumed[1].status.condition("Progressing").message == "Deployment is resumed"
    assert not sim.store.get("Deployment", "default", "web").spec.paused


def test_kubectls_refusals_at_run_time():
    # `kdsl check` refuses each of these before a run (tests/model/test_checks_timeline.py); built in Python, they
    # reach kubectl, which prints its error and changes nothing.
    sim = run_unchecked(WEB + DB.replace(NODES, ""), *[
        Rollout(at_ms=t * 1000, verb=verb, kind=kind, namespace="default", name=name) for t, verb, kind, name in [
            (10, "resume", "Deployment", "web"), (20, "pause", "Deployment", "web"),
            (30, "pause", "Deployment", "web"), (40, "restart", "Deployment", "web"),
            (50, "pause", "StatefulSet", "db"), (60, "resume", "StatefulSet", "db"),
            (70, "restart", "Deployment", "ghost")]])
    refused = [(e.time_ms, e.reason, e.message) for e in sim.log.events if e.source == "kubectl"]
    assert refused == [
        (10_000, "FailedResume", 'error: deployments.apps "web" is not paused'),
        (30_000, "FailedPause", 'error: deployments.apps "web" is already paused'),
        (40_000, "FailedRestart", 'error: deployments.apps "web" can\'t restart paused deployment '
                                  "(run rollout resume first)"),
        (50_000, "FailedPause", 'error: statefulsets.apps "db" pausing is not supported'),
        (60_000, "FailedResume", 'error: statefulsets.apps "db" resuming is not supported')]
    assert events(sim, "FailedGet") == [(70_000, "Warning", "apiserver", 'deployments.apps "ghost" not found')]
    assert len(replicasets(sim)) == 1


def test_kubectl_finds_the_revision_before_it_refuses_to_roll_back_a_paused_deployment():
    undo = [Rollback(at_ms=t, kind="Deployment", namespace="default", name="web", revision=r)
            for t, r in ((150_000, 7), (160_000, None))]
    sim = run_unchecked(WEB + "at 1m: set image default/web web=nginx:2.0\nat 2m: rollout pause default/web\n", *undo)
    assert [(t, m) for t, _, _, m in events(sim, "FailedRollback")] == [
        (150_000, "error: unable to find specified revision 7 in history"),
        (160_000, "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume "
                  "deployment/web' and try again")]


# ---- rollback of StatefulSets and DaemonSets -------------------------------------------------------------------


def test_statefulset_rollback_returns_the_pods_to_the_earlier_image_in_reverse_ordinal_order():
    sim = run(DB + "at 1m: set image statefulset default/db db=postgres:17\n"
                   "at 3m: rollback statefulset default/db\nrun 5m\n")
    made = [(e.time_ms, e.message) for e in sim.log.events if e.reason == "SuccessfulCreate" and e.time_ms >= 180_000]
    assert [m for _, m in made] == [f"create Pod db-{n} in StatefulSet db successful" for n in (2, 1, 0)]
    assert [t for t, _ in made] == [180_000, 191_000, 202_000]  # each waits for the one above to be Ready
    assert sorted((ordinal("db", p), p.spec.template.containers[0].image) for p in pods(sim)) == \
        [(0, "postgres:16"), (1, "postgres:16"), (2, "postgres:16")]
    # The first revision's template is back, renumbered the newest (3), as the controller's history does.
    revisions = {r.spec.data.containers[0].image: r.spec.revision for r in sim.store.list("ControllerRevision")}
    assert revisions == {"postgres:16": 3, "postgres:17": 2}
    s = sim.store.get("StatefulSet", "default", "db").status
    assert s.current_revision == s.update_revision and s.updated_replicas == 3


def test_statefulset_rollback_to_a_revision_and_kubectls_errors():
    sim = run(DB + "at 1m: set image statefulset default/db db=postgres:17\n"
                   "at 2m: set image statefulset default/db db=postgres:18\n"
                   "at 4m: rollback statefulset default/db to revision 1\n"
                   "at 6m: rollback statefulset default/db to revision 9\n"
                   "at 6m: rollback statefulset default/db to revision 4\nrun 7m\n")
    assert {p.spec.template.containers[0].image for p in pods(sim)} == {"postgres:16"}
    assert [(t, m) for t, _, _, m in events(sim, "FailedRollback")] == [
        (360_000, "error: unable to find specified revision 9 in history")]
    assert [(t, m) for t, _, _, m in events(sim, "RollbackSkipped")] == [
        (360_000, "statefulset.apps/db skipped rollback (current template already matches revision 4)")]


def test_a_set_with_one_revision_has_no_last_revision_to_roll_back_to():
    sim = run(DB + "at 1m: rollback statefulset default/db\nrun 2m\n")
    assert events(sim, "FailedRollback") == [(60_000, "Warning", "kubectl", "error: no last revision to roll back to")]


def test_daemonset_rollback_replaces_each_node_with_the_earlier_template():
    sim = run(AGENT + "at 1m: set image daemonset default/agent agent=busybox:1.37\n"
                      "at 3m: rollback daemonset default/agent\n"
                      "at 5m: rollback daemonset default/agent to revision 1\nrun 6m\n")
    deleted = [e.time_ms for e in sim.log.events if e.reason == "SuccessfulDelete" and e.time_ms >= 180_000]
    assert len(deleted) == 3 and len(set(deleted)) == 3  # maxUnavailable 1
    assert {p.spec.template.containers[0].image for p in pods(sim)} == {"busybox:1.36"}
    revisions = {r.spec.data.containers[0].image: r.spec.revision for r in sim.store.list("ControllerRevision")}
    assert revisions == {"busybox:1.36": 3, "busybox:1.37": 2}  # revision 1 is 3 now, so 1 is not found
    assert events(sim, "FailedRollback") == [
        (300_000, "Warning", "kubectl", "error: unable to find specified revision 1 in history")]
    ds = sim.store.get("DaemonSet", "default", "agent")
    assert (ds.status.updated_number_scheduled, ds.status.number_available) == (3, 3)


def test_a_deployment_rollback_that_changes_nothing_says_it_skipped():
    sim = run(WEB + "at 1m: set image default/web web=nginx:2.0\nat 2m: rollback default/web to revision 2\n"
                    "run 3m\n")
    assert events(sim, "RollbackSkipped") == [
        (120_000, "Normal", "kubectl",
         "deployment.apps/web skipped rollback (current template already matches revision 2)")]


def test_rollback_of_a_set_nothing_declares_is_refused_by_the_api_server():
    sim = run_unchecked(NODES, Rollback(at_ms=1000, kind="DaemonSet", namespace="default", name="nope"))
    assert events(sim, "FailedGet") == [(1000, "Warning", "apiserver", 'daemonsets.apps "nope" not found')]
