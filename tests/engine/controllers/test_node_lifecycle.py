"""Node failure (k8s-semantics §10, oracle 64's node part), recovery and cordoning."""

from __future__ import annotations

import kdsl
from kdsl.engine.nodes import UNREACHABLE, status_text
from kdsl.engine.simulation import Simulation

SCENARIO = """
cluster lab nodeGrace=50s {
  node n1 cpu=4 memory=8Gi
  node n2 cpu=4 memory=8Gi
}
at 10s: fail node n1
at 2m: recover node n1
at 3m: cordon node n2
at 4m: uncordon node n2
"""


def node(sim, name, at):
    return sim.state(at)[("Node", None, name)]


def test_oracle_64_a_node_without_heartbeats_goes_unknown_after_the_grace_period():
    sim = Simulation(kdsl.parse(SCENARIO)).run()
    before = node(sim, "n1", 59_999)
    assert before.status.condition("Ready").status == "True"
    after = node(sim, "n1", 60_000)  # failed at 10 s + 50 s grace
    ready = after.status.condition("Ready")
    assert (ready.status, ready.reason, ready.message) == (
        "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
    assert {c.status for c in after.status.conditions} == {"Unknown"}
    assert {(t.key, t.effect) for t in after.spec.taints} == {(UNREACHABLE, "NoSchedule"),
                                                              (UNREACHABLE, "NoExecute")}
    assert ready.last_transition_ms == 60_000


def test_recovery_lifts_the_taints_and_posts_ready():
    sim = Simulation(kdsl.parse(SCENARIO)).run()
    n1 = node(sim, "n1", 120_000)
    assert n1.status.condition("Ready").status == "True" and not n1.spec.taints
    assert status_text(n1) == "Ready"


def test_a_node_that_recovers_within_the_grace_period_never_goes_unknown():
    sim = Simulation(kdsl.parse("node n1\nat 10s: fail node n1\nat 30s: recover node n1\n")).run()
    assert all(n.status.condition("Ready").status == "True"
               for t in sim.store.moments() for n in [node(sim, "n1", t)])


def test_cordon_adds_the_unschedulable_taint_and_uncordon_removes_it():
    sim = Simulation(kdsl.parse(SCENARIO)).run()
    cordoned = node(sim, "n2", 180_000)
    assert cordoned.spec.unschedulable and status_text(cordoned) == "Ready,SchedulingDisabled"
    assert [(t.key, t.effect) for t in cordoned.spec.taints] == [("node.kubernetes.io/unschedulable", "NoSchedule")]
    assert not node(sim, "n2", 240_000).spec.taints


def test_the_event_log_is_the_same_for_the_same_seed():
    a = Simulation(kdsl.parse(SCENARIO), seed=3).run()
    b = Simulation(kdsl.parse(SCENARIO), seed=3).run()
    assert a.log.text() == b.log.text() and "NodeNotReady" in a.log.text()
    assert [o.meta.uid for o in a.store] == [o.meta.uid for o in b.store]


PODS = """
node n1
node n2
namespace shop
pod shop/plain image=nginx:1.25 { node-selector kubernetes.io/hostname=n1 }
pod shop/patient image=nginx:1.25 {
  node-selector kubernetes.io/hostname=n1
  toleration node.kubernetes.io/unreachable:NoExecute for=300s
}
pod shop/brief image=nginx:1.25 {
  node-selector kubernetes.io/hostname=n1
  toleration node.kubernetes.io/unreachable:NoExecute for=10s
}
pod shop/forever image=nginx:1.25 {
  node-selector kubernetes.io/hostname=n1
  toleration node.kubernetes.io/unreachable:NoExecute
}
at 10s: fail node n1
run 10m
"""


def pod(sim, name, at):
    return sim.state(at).get(("Pod", "shop", name))


def test_oracle_64_pods_on_a_lost_node_get_ready_false_and_keep_their_phase():
    sim = Simulation(kdsl.parse(PODS)).run()
    before = pod(sim, "forever", 59_999)
    after = pod(sim, "forever", 60_000)
    assert before.status.condition("Ready").status == "True"
    assert after.status.condition("Ready").status == "False" and after.status.phase == "Running"


def test_oracles_65_66_noexecute_eviction_after_the_toleration_runs_out():
    sim = Simulation(kdsl.parse(PODS)).run()
    # DefaultTolerationSeconds gave the plain pod 300 s: it goes with the patient one
    assert not pod(sim, "plain", 359_999).terminating and pod(sim, "plain", 360_000).terminating
    assert not pod(sim, "brief", 69_999).terminating and pod(sim, "brief", 70_000).terminating
    assert not pod(sim, "patient", 359_999).terminating and pod(sim, "patient", 360_000).terminating
    assert not pod(sim, "forever", 600_000).terminating
    evicted = pod(sim, "brief", 70_000)
    cond = evicted.status.condition("DisruptionTarget")
    assert (cond.status, cond.reason) == ("True", "DeletionByTaintManager")
    # the kubelet cannot confirm: the pod stays Terminating while its node is down
    assert pod(sim, "plain", 600_000) is not None and pod(sim, "plain", 600_000).terminating
    assert any(e.reason == "TaintManagerEviction" and e.name == "brief" for e in sim.log.events)


def test_oracle_67_a_kubelet_reporting_not_ready_gets_the_not_ready_taint_at_once():
    sim = Simulation(kdsl.parse("node n1\nnode n2\npod p image=nginx { node-selector kubernetes.io/hostname=n1 }\n"
                                "at 10s: notready node n1\nrun 7m\n")).run()
    n1 = node(sim, "n1", 10_000)
    ready = n1.status.condition("Ready")
    assert (ready.status, ready.reason) == ("False", "KubeletNotReady")
    assert {(t.key, t.effect) for t in n1.spec.taints} == {("node.kubernetes.io/not-ready", "NoSchedule"),
                                                           ("node.kubernetes.io/not-ready", "NoExecute")}
    p = sim.state(10_000)[("Pod", "default", "p")]
    assert p.status.condition("Ready").status == "False" and p.status.phase == "Running"
    # DefaultTolerationSeconds gave the pod 300 s on not-ready too
    assert not sim.state(309_999)[("Pod", "default", "p")].terminating
    assert sim.state(310_000)[("Pod", "default", "p")].terminating


def test_each_pod_of_a_lost_node_gets_its_own_node_not_ready_event():
    # pkg/controller/util/node/controller_utils.go MarkPodsNotReady: Warning NodeNotReady "Node is not ready"
    sim = Simulation(kdsl.parse(PODS)).run()
    on_pods = [(e.time_ms, e.type, e.name, e.message, e.source) for e in sim.log.events
               if e.reason == "NodeNotReady" and e.kind == "Pod"]
    assert on_pods == [(60_000, "Warning", name, "Node is not ready", "node-controller")
                       for name in ("plain", "patient", "brief", "forever")]
    node_event = [e for e in sim.log.events if e.reason == "NodeNotReady" and e.kind == "Node"]
    assert [e.message for e in node_event] == ["Node n1 status is now: NodeNotReady"]
    rows = sim.events(namespace="shop").query("REASON == 'NodeNotReady'")
    assert rows["OBJECT"].tolist() == ["pod/plain", "pod/patient", "pod/brief", "pod/forever"]


def test_a_pod_already_not_ready_gets_no_node_not_ready_event():
    # UpdatePodCondition reports no change for a Ready=False pod, and MarkPodsNotReady records nothing for it
    sim = Simulation(kdsl.parse("node n1\npod p {\n  container app image=nginx {\n    readiness http /healthz "
                                "port=80\n    ready after 10m\n  }\n}\nat 10s: fail node n1\nrun 2m\n")).run()
    assert sim.state(59_000)[("Pod", "default", "p")].status.condition("Ready").status == "False"
    assert [e.kind for e in sim.log.events if e.reason == "NodeNotReady"] == ["Node"]


NOT_READY_AT_START = """
node n1 ready=false
node n2 ready=unknown
node n3
namespace apps {
  deployment web replicas=2 {
    container app image=nginx
  }
}
"""


def test_a_node_registered_not_ready_starts_tainted_and_gets_no_pod():
    sim = Simulation(kdsl.parse(NOT_READY_AT_START)).run(until=30_000)
    n1, n2 = node(sim, "n1", 0), node(sim, "n2", 0)
    assert (n1.status.condition("Ready").status, n1.status.condition("Ready").reason) == ("False", "KubeletNotReady")
    assert {(t.key, t.effect) for t in n1.spec.taints} == {("node.kubernetes.io/not-ready", "NoSchedule"),
                                                           ("node.kubernetes.io/not-ready", "NoExecute")}
    assert {c.status for c in n2.status.conditions} == {"Unknown"}
    assert {(t.key, t.effect) for t in n2.spec.taints} == {(UNREACHABLE, "NoSchedule"), (UNREACHABLE, "NoExecute")}
    assert status_text(n1) == status_text(n2) == "NotReady"
    assert {p.spec.template.node_name for p in sim.store.list("Pod")} == {"n3"}
    # the controller never saw it Ready: no NodeNotReady event (monitorNodeHealth records only the transition)
    assert not [e for e in sim.log.occurrences if e.reason == "NodeNotReady"]


def test_a_node_registered_not_ready_recovers_as_a_failed_one_does():
    sim = Simulation(kdsl.parse("node n1 ready=false\nat 10s: recover node n1\n")).run()
    n1 = node(sim, "n1", 10_000)
    assert n1.status.condition("Ready").status == "True" and not n1.spec.taints
