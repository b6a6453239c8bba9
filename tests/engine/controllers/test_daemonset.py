"""The DaemonSet controller (k8s-semantics §6, oracles 47-48): eligible nodes, tolerations, pinning, updates."""

from __future__ import annotations

import kdsl
from kdsl.engine.apiserver.strategy import TEMPLATE_GENERATION
from kdsl.engine.controllers.daemon_util import DAEMON_TOLERATIONS, should_run, target_node, with_tolerations
from kdsl.engine.controllers.daemon_status import DaemonSetStatus, row
from kdsl.engine.controllers.sets import REVISION_HASH
from kdsl.engine.simulation import Simulation
from kdsl.interop.state import object_manifest
from kdsl.model.base import FieldRequirement
from kdsl.model.pods import Toleration

NODES = """
node n1 cpu=4 memory=8Gi { labels disk=ssd }
node n2 cpu=4 memory=8Gi { labels disk=ssd }
node n3 cpu=4 memory=8Gi { taint dedicated=x:NoSchedule }
"""
AGENT = ("daemonset agent { labels app=agent; container agent image=fluent-bit:2.2 "
         "{ readiness exec \"true\" delay=2s period=1s } }\n")


def run(text: str, until: int | None = None) -> Simulation:
    return Simulation(kdsl.parse(text)).run(until=until)


def pods(sim, t=None):
    t = sim.now if t is None else t
    return sorted(sim.store.kind_at("Pod", "default", t), key=lambda p: p.spec.template.node_name or "")


def test_oracle_47_one_pod_per_untainted_node_and_one_for_a_node_added_later():
    sim = run(NODES + AGENT + "at 1m: add node n4 cpu=4 memory=8Gi\n")
    assert [p.spec.template.node_name for p in pods(sim, 59_000)] == ["n1", "n2"]
    assert [p.spec.template.node_name for p in pods(sim)] == ["n1", "n2", "n4"]
    for pod in pods(sim):
        t = pod.spec.template
        for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
            assert Toleration(key=key, operator="Exists", effect="NoExecute") in t.tolerations  # no seconds
        for key in ("disk-pressure", "memory-pressure", "pid-pressure", "unschedulable"):
            assert Toleration(key=f"node.kubernetes.io/{key}", operator="Exists", effect="NoSchedule") in t.tolerations
        assert t.tolerations == DAEMON_TOLERATIONS
        # Pinned by node affinity (matchFields metadata.name) and bound by the default scheduler.
        assert t.affinity.node_required == ((FieldRequirement("metadata.name", "In", (t.node_name,)),),)
        assert target_node(pod) == t.node_name
    scheduled = [e.message for e in sim.log.events if e.reason == "Scheduled"]
    assert len(scheduled) == 3 and all("Successfully assigned default/agent-" in m for m in scheduled)
    created = [e.message for e in sim.log.events if e.reason == "SuccessfulCreate" and e.kind == "DaemonSet"]
    assert sorted(created) == sorted(f"Created pod: {p.name}" for p in pods(sim))
    s = sim.store.get("DaemonSet", "default", "agent").status
    assert s == DaemonSetStatus(observed_generation=1, desired_number_scheduled=3, current_number_scheduled=3,
                                number_ready=3, updated_number_scheduled=3, number_available=3)


def test_oracle_47_an_unscheduled_daemon_pod_is_pinned_before_the_scheduler_binds_it():
    sim = run(NODES + AGENT)
    first = next(c.obj for c in sim.store.history if c.key[0] == "Pod" and c.op == "ADDED")
    assert first.spec.template.node_name is None and target_node(first) == "n1"


def test_oracle_48_a_cordoned_node_keeps_its_daemon_pod_and_takes_a_replacement():
    sim = run(NODES + AGENT + "at 30s: cordon node n1\n")
    on_n1 = [p for p in pods(sim) if p.spec.template.node_name == "n1"]
    assert len(on_n1) == 1 and on_n1[0].meta.creation_ms == 0
    name = on_n1[0].name
    sim = run(NODES + AGENT + f"at 30s: cordon node n1\nat 1m: delete pod default/{name}\n")
    on_n1 = [p for p in pods(sim) if p.spec.template.node_name == "n1"]
    assert len(on_n1) == 1 and on_n1[0].name != name and on_n1[0].meta.creation_ms == 60_000
    assert sim.store.get("Node", None, "n1").spec.unschedulable
    assert [e.message for e in sim.log.events if e.reason == "SuccessfulCreate"][-1] == f"Created pod: {on_n1[0].name}"


def test_daemon_pods_stay_on_a_failed_node():
    sim = run(NODES + AGENT + "at 10s: fail node n1\nrun 10m\n")
    on_n1 = [p for p in pods(sim) if p.spec.template.node_name == "n1"]
    assert len(on_n1) == 1 and not on_n1[0].terminating  # unreachable:NoExecute tolerated without seconds
    assert not any(e.reason == "TaintManagerEviction" for e in sim.log.events)
    # Its unreachable:NoSchedule taint is not tolerated: the node is no longer desired, the pod misscheduled.
    s = sim.store.get("DaemonSet", "default", "agent").status
    assert (s.desired_number_scheduled, s.current_number_scheduled, s.number_misscheduled) == (1, 1, 1)


def test_node_selector_and_affinity_pick_the_nodes():
    sim = run(NODES + "daemonset agent { node-selector disk=ssd; container a image=busybox:1.36 }\n"
                      "daemonset other { affinity node disk notin (ssd); toleration dedicated=x:NoSchedule\n"
                      "  container a image=busybox:1.36 }\n")
    by_owner = {}
    for p in pods(sim):
        by_owner.setdefault(p.meta.owners[0].name, []).append(p.spec.template.node_name)
    assert by_owner == {"agent": ["n1", "n2"], "other": ["n3"]}
    assert row(sim.store.get("DaemonSet", "default", "agent"), sim.now)["NODE SELECTOR"] == "disk=ssd"


def test_a_deleted_node_gets_no_new_pod():
    sim = run(NODES + AGENT + "at 30s: delete node n2\nat 40s: delete pods default app=agent\n")
    assert [p.spec.template.node_name for p in pods(sim)] == ["n1"]
    assert sim.store.get("DaemonSet", "default", "agent").status.desired_number_scheduled == 1


def test_should_run_and_should_continue_running():
    sim = run(NODES + "node n5 { taint evict=me:NoExecute }\n" + AGENT)
    ds = sim.store.get("DaemonSet", "default", "agent")
    tolerations = with_tolerations(ds.spec.template.tolerations)
    verdicts = {n.name: should_run(ds.spec.template, tolerations, n) for n in sim.store.list("Node")}
    assert verdicts == {"n1": (True, True), "n2": (True, True), "n3": (False, True), "n5": (False, False)}


def test_should_run_reads_a_matchfields_term_as_the_nodes_name():
    # NodeShouldRunDaemonPod asks GetRequiredNodeAffinity(pod).Match(node), which reads matchFields metadata.name
    # (engine/nodes.required_affinity_matches, the kubelet's admission's check too)
    import attrs

    sim = run(NODES + AGENT)
    template = sim.store.get("DaemonSet", "default", "agent").spec.template
    for operator, runs_on in (("In", {"n2"}), ("NotIn", {"n1"})):
        pinned = attrs.evolve(template, affinity=attrs.evolve(
            template.affinity, node_required=((FieldRequirement("metadata.name", operator, ("n2",)),),)))
        tolerations = with_tolerations(pinned.tolerations)
        assert {n.name for n in sim.store.list("Node") if should_run(pinned, tolerations, n)[0]} == runs_on


def test_with_tolerations_replaces_an_equal_toleration_and_appends_the_rest():
    own = (Toleration(key="node.kubernetes.io/unreachable", operator="Exists", effect="NoExecute",
                      toleration_ms=60_000), Toleration(key="a", operator="Exists"))
    out = with_tolerations(own)
    assert out[1] == own[1] and len(out) == 2 + len(DAEMON_TOLERATIONS) - 1
    # Replaced in place by the daemon's own, without seconds: a daemon pod is never evicted by the taint.
    assert out[0] == Toleration(key="node.kubernetes.io/unreachable", operator="Exists", effect="NoExecute")


ROLL = NODES.replace("{ taint dedicated=x:NoSchedule }", "") + """
daemonset agent {
  labels app=agent
  container agent image=fluent-bit:2.2 { readiness exec "true" delay=5s period=1s }
}
at 1m: apply {
  daemonset agent {
    labels app=agent
    container agent image=fluent-bit:3.0 { readiness exec "true" delay=5s period=1s }
  }
}
"""


def test_rolling_update_replaces_one_node_at_a_time():
    sim = run(ROLL)
    assert sorted(p.spec.template.containers[0].image for p in pods(sim)) == ["fluent-bit:3.0"] * 3
    for t in [m for m in sim.store.moments() if m >= 60_000]:
        ds = sim.store.at(("DaemonSet", "default", "agent"), t)
        live = [p for p in sim.store.kind_at("Pod", "default", t) if not p.terminating
                and p.status.condition("Ready") is not None and p.status.condition("Ready").status == "True"]
        assert len(live) >= 2, t  # maxUnavailable 1
        assert ds.status.number_unavailable <= 1
    deletes = [e.message for e in sim.log.events if e.reason == "SuccessfulDelete" and e.kind == "DaemonSet"]
    assert len(deletes) == 3 and all(m.startswith("Deleted pod: agent-") for m in deletes)
    s = sim.store.get("DaemonSet", "default", "agent").status
    assert (s.updated_number_scheduled, s.number_available, s.observed_generation) == (3, 3, 2)
    hashes = {p.meta.label_dict()[REVISION_HASH] for p in pods(sim)}
    assert len(hashes) == 1 and all(p.meta.label_dict()["pod-template-generation"] == "2" for p in pods(sim))
    results = [(r.passed, r.found) for r in Simulation(kdsl.parse(
        ROLL + "expect daemonset default/agent replicas=3 updated=3 revision=2 image=fluent-bit:3.0\n"
               "expect daemonset default/agent revision=1 at 30s\n")).run().check()]
    assert results == [(True, "replicas=3, updated=3, revision=2, image=fluent-bit:3.0"), (True, "revision=1")]


def test_the_template_generation_counts_template_changes_and_each_revision_copies_the_annotations():
    sim = run(ROLL)
    ds = sim.store.get("DaemonSet", "default", "agent")
    assert dict(ds.meta.annotations)[TEMPLATE_GENERATION] == "2"
    first = sim.store.at(("DaemonSet", "default", "agent"), 30_000)
    assert dict(first.meta.annotations)[TEMPLATE_GENERATION] == "1"
    revisions = sorted(sim.store.list("ControllerRevision", "default"), key=lambda r: r.spec.revision)
    assert [dict(r.meta.annotations)[TEMPLATE_GENERATION] for r in revisions] == ["1", "2"]
    assert all(dict(r.meta.labels)[REVISION_HASH] == r.name.rsplit("-", 1)[1] for r in revisions)
    data = object_manifest(revisions[0], sim)["data"]["spec"]["template"]
    assert data["$patch"] == "replace" and data["metadata"]["labels"] == {"app": "agent"}


def test_on_delete_keeps_old_pods_until_they_are_deleted():
    sim = run(ROLL.replace("daemonset agent {", "daemonset agent {\n  strategy ondelete"))
    assert sorted(p.spec.template.containers[0].image for p in pods(sim)) == ["fluent-bit:2.2"] * 3
    assert sim.store.get("DaemonSet", "default", "agent").status.updated_number_scheduled == 0


def test_a_crashing_daemon_pod_restarts_in_place_and_is_not_replaced():
    sim = run(NODES + "daemonset job { container a image=busybox:1.36 { crash after 5s } }\n", until=60_000)
    assert not any(e.reason == "FailedDaemonPod" for e in sim.log.events)  # restartPolicy Always: restarts
    assert len(pods(sim)) == 2


def test_kubectl_columns():
    sim = run(NODES + AGENT)
    r = row(sim.store.get("DaemonSet", "default", "agent"), sim.now)
    assert {k: r[k] for k in ("NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR")} \
        == {"NAME": "agent", "DESIRED": 2, "CURRENT": 2, "READY": 2, "UP-TO-DATE": 2, "AVAILABLE": 2,
            "NODE SELECTOR": "<none>"}
