"""The ReplicaSet and ReplicationController controllers: pods, status, scale-down ranking (oracle 41)."""

from __future__ import annotations

import re

import attrs

import kdsl
from kdsl.engine.controllers.replicaset import pods_to_delete
from kdsl.engine.apiserver.defaults import ALPHABET
from kdsl.engine.objects import ApiObject, Condition, Meta, PodStatus
from kdsl.engine.simulation import Simulation
from kdsl.model.workloads import Pod


def run(text: str) -> Simulation:
    return Simulation(kdsl.parse(text)).run()


def messages(sim, reason, kind=None):
    return [e.message for e in sim.log.events if e.reason == reason and (kind is None or e.kind == kind)]


TEMPLATE = kdsl.parse("pod p image=nginx:1.0").objects[-1].template


def pod(name: str, node: str | None, phase: str, ready_ms: int | None, created: int = 0,
        annotations: tuple = ()) -> ApiObject:
    conditions = (Condition(type="Ready", status="True" if ready_ms is not None else "False",
                            last_transition_ms=ready_ms or 0),)
    template = attrs.evolve(TEMPLATE, node_name=node)
    return ApiObject(kind="Pod", meta=Meta(name=name, namespace="default", uid=name, creation_ms=created,
                                           annotations=annotations),
                     spec=Pod(name=name, template=template), status=PodStatus(phase=phase, conditions=conditions))


def test_oracle_41_unscheduled_then_not_ready_pods_go_first():
    p1 = pod("p1", None, "Pending", None)
    p2 = pod("p2", "n1", "Running", 1_000)
    p3 = pod("p3", "n1", "Running", None)
    everyone = [p1, p2, p3]
    assert [p.name for p in pods_to_delete(everyone, everyone, 2, 60_000)] == ["p1", "p3"]
    assert [p.name for p in pods_to_delete([p2, p3, p1], everyone, 1, 60_000)] == ["p1"]


def test_oracle_41_a_pod_from_a_doubled_up_node_goes_first():
    a = pod("a", "n1", "Running", 1_000)
    b = pod("b", "n2", "Running", 1_000)
    c = pod("c", "n2", "Running", 1_000)
    assert [p.name for p in pods_to_delete([a, b, c], [a, b, c], 1, 60_000)] == ["b"]
    # The rank counts the pods of every ReplicaSet of the same Deployment on that node.
    other = pod("o", "n1", "Running", 1_000)
    other2 = pod("o2", "n1", "Running", 1_000)
    assert [p.name for p in pods_to_delete([a, b, c], [a, b, c, other, other2], 1, 60_000)] == ["a"]


def test_the_rest_of_the_ranking_cost_ready_time_restarts_and_age():
    cheap = pod("cheap", "n1", "Running", 1_000, annotations=(("controller.kubernetes.io/pod-deletion-cost", "-5"),))
    dear = pod("dear", "n2", "Running", 1_000)
    assert pods_to_delete([dear, cheap], [dear, cheap], 1, 60_000)[0].name == "cheap"
    # Ready more recently goes first, compared in powers of two of the time since (LogarithmicScaleDown).
    early = pod("early", "n1", "Running", 1_000)
    late = pod("late", "n2", "Running", 50_000)
    assert pods_to_delete([early, late], [early, late], 1, 60_000)[0].name == "late"
    old = pod("old", "n1", "Running", 1_000, created=0)
    young = pod("young", "n2", "Running", 1_000, created=30_000)
    assert pods_to_delete([old, young], [old, young], 1, 60_000)[0].name == "young"


def test_oracle_41_scaling_a_replicaset_down_deletes_the_pending_pod_first():
    sim = run("""
node n1 cpu=1 memory=4Gi
replicaset rs replicas=3 image=nginx:1.0 cpu=400m
at 1m: scale replicaset default/rs replicas=2
""")
    pending = [p for p in sim.store.kind_at("Pod", "default", 59_000) if p.spec.template.node_name is None]
    assert len(pending) == 1
    assert messages(sim, "SuccessfulDelete") == [f"Deleted pod: {pending[0].name}"]
    rs = sim.store.get("ReplicaSet", "default", "rs")
    assert (rs.status.replicas, rs.status.ready_replicas, rs.status.available_replicas) == (2, 2, 2)


def test_a_replicaset_names_its_pods_after_itself_and_reports_events():
    sim = run("node n1 cpu=8 memory=16Gi\nreplicaset legacy replicas=2 image=nginx:1.25\n")
    names = sorted(p.name for p in sim.store.list("Pod"))
    assert len(names) == 2 and all(re.fullmatch(f"legacy-[{ALPHABET}]{{5}}", n) for n in names)
    assert sorted(messages(sim, "SuccessfulCreate")) == [f"Created pod: {n}" for n in names]
    rs = sim.store.get("ReplicaSet", "default", "legacy")
    assert all(p.meta.owners[0].uid == rs.meta.uid and p.meta.owners[0].controller for p in sim.store.list("Pod"))
    assert rs.status.observed_generation == rs.meta.generation == 1


def test_a_replication_controller_is_the_same_under_its_own_account():
    sim = run("node n1 cpu=8 memory=16Gi\nreplicationcontroller rc replicas=3 image=nginx:1.25\n"
              "at 1m: delete pods default app=rc\n")
    creates = [e for e in sim.log.events if e.reason == "SuccessfulCreate"]
    assert len(creates) == 6 and {(e.kind, e.source) for e in creates} == {
        ("ReplicationController", "replication-controller")}
    rc = sim.store.get("ReplicationController", "default", "rc")
    assert (rc.status.replicas, rc.status.ready_replicas) == (3, 3)


def test_a_refused_create_is_a_failed_create_event_and_a_replica_failure_retried_with_back_off():
    sim = run("node n1 cpu=8 memory=16Gi\nnamespace q { quota pods=2 }\nreplicaset q/rs replicas=3 image=nginx:1.0\n"
              "at 1m: scale replicaset q/rs replicas=2\n")
    failed = [e for e in sim.log.events if e.reason == "FailedCreate" and e.kind == "ReplicaSet"]
    assert failed[0].message.startswith('Error creating: pods "rs-')
    assert failed[0].message.endswith('" is forbidden: exceeded quota: quota, requested: pods=1, used: pods=2, '
                                      'limited: pods=2')
    # The work queue retries 5 ms x 2^(failures - 1) after each failure: the second failure at 0 s
    # comes from the sync that the first pod's creation woke, as in Kubernetes.
    times = [e.time_ms for e in failed]
    assert times[:5] == [0, 0, 10, 30, 70]
    during = sim.store.at(("ReplicaSet", "q", "rs"), 30_000).status.condition("ReplicaFailure")
    assert (during.status, during.reason) == ("True", "FailedCreate")
    assert "exceeded quota" in during.message
    end = sim.store.get("ReplicaSet", "q", "rs").status
    assert end.condition("ReplicaFailure") is None and end.replicas == 2
    assert max(times) < 60_000


def test_a_deployment_copies_the_replica_failure_of_its_replicaset():
    sim = run("node n1 cpu=8 memory=16Gi\nnamespace q { quota pods=1 }\ndeployment q/web replicas=2 image=nginx:1.0\n"
              "run 1m\n")
    cond = sim.store.get("Deployment", "q", "web").status.condition("ReplicaFailure")
    assert (cond.status, cond.reason) == ("True", "FailedCreate") and "exceeded quota" in cond.message


def test_expect_replicasets_counts_and_reads_a_replicaset():
    sim = run("""
node n1 cpu=8 memory=16Gi
replicaset rs replicas=2 image=nginx:1.25
deployment web replicas=2 image=nginx:1.0
at 1m: set image default/web web=nginx:1.1
expect replicaset default/rs replicas=2 ready=2 available=2 updated=2 image=nginx:1.25
expect replicasets default app=web count=2
expect replicasets default app=rs count=1
expect deployment default/web replicas=2 ready=2 updated=2 available=2 revision=2 image=nginx:1.1
""")
    results = sim.check()
    assert [r.passed for r in results] == [True] * 4, [r.found for r in results]
