"""The pod garbage collector (pkg/controller/podgc/gc_controller.go): orphans and out-of-service nodes."""

from __future__ import annotations

import kdsl
from kdsl.engine.simulation import Simulation

CLUSTER = "cluster c {\n  node n1 cpu=4 memory=8Gi\n  node n2 cpu=4 memory=8Gi\n}\n"
# A StatefulSet's pod on n2, which goes down at 10 s: the taint manager evicts it at 360 s (300 s of toleration).
DOWN = CLUSTER + ("statefulset db replicas=1 { node-selector kubernetes.io/hostname=n2\n"
                  "  container db image=postgres:16 cpu=1 }\n"
                  "at 10s: fail node n2\n")
GHOST = CLUSTER + 'pod web {\n  container app image=nginx cpu=1\n  yaml """\n    spec:\n      nodeName: ghost\n  """\n}\n'


def test_a_pod_bound_to_a_missing_node_is_failed_and_deleted_after_the_quarantine():
    # Created at 0; the pass at 20 s quarantines node "ghost" for 40 s; the pass at 60 s finds it still missing.
    sim = Simulation(kdsl.parse(GHOST, "t.kdsl")).run(until=59_999)
    assert sim.store.get("Pod", "default", "web").status.phase == "Pending"
    sim = Simulation(kdsl.parse(GHOST, "t.kdsl")).run(until=60_000)
    assert sim.store.get("Pod", "default", "web") is None
    last = sim.store.at(("Pod", "default", "web"), 60_000 - 1)
    assert last.status.phase == "Pending"
    writes = [c for c in sim.store.history if c.key == ("Pod", "default", "web")]
    assert [c.op for c in writes][-2:] == ["MODIFIED", "DELETED"] and writes[-1].time_ms == 60_000
    failed = writes[-2].obj
    assert failed.status.phase == "Failed"
    cond = failed.status.condition("DisruptionTarget")
    assert (cond.status, cond.reason, cond.message) == ("True", "DeletionByPodGC", "PodGC: node no longer exists")


def test_a_node_that_registers_within_the_quarantine_keeps_its_pod():
    text = GHOST.replace("ghost", "late") + "at 50s: add node late cpu=4 memory=8Gi\n"
    sim = Simulation(kdsl.parse(text, "t.kdsl")).run(until=120_000)
    pod = sim.store.get("Pod", "default", "web")
    assert pod is not None and pod.status.phase == "Running"


def test_terminating_pods_on_an_out_of_service_node_are_deleted_at_the_next_pass():
    # The non-graceful node shutdown: the node is down, its pods were evicted but their kubelet never confirms; the
    # out-of-service taint lets the pod GC delete them (force), so the StatefulSet can make its pod again.
    text = DOWN + "at 400s: taint node n2 node.kubernetes.io/out-of-service=nodeshutdown:NoExecute\n"
    sim = Simulation(kdsl.parse(text, "t.kdsl")).run(until=419_999)
    pod = sim.store.get("Pod", "default", "db-0")
    assert pod is not None and pod.terminating
    sim = Simulation(kdsl.parse(text, "t.kdsl")).run(until=420_000)
    pod = sim.store.get("Pod", "default", "db-0")
    assert pod is None or not pod.terminating  # deleted at 420 s (the StatefulSet may already have made it again)


def test_without_the_taint_the_terminating_pod_stays():
    text = DOWN
    sim = Simulation(kdsl.parse(text, "t.kdsl")).run(until=900_000)
    pod = sim.store.get("Pod", "default", "db-0")
    assert pod is not None and pod.terminating
