"""label node / taint node / untaint node played in a run, the taint eviction controller on user taints, and the
healthy conditions the nodes registered at one moment share."""

from __future__ import annotations

import attrs
from hypothesis import given
from hypothesis import strategies as st

import kdsl
from kdsl.engine import nodes
from kdsl.engine.nodes import HEALTHY
from kdsl.engine.simulation import Simulation
from kdsl.model.timeline import LabelNode, TaintRef, UntaintNode

NODES = """
node n1 cpu=4 memory=8Gi
node n2 cpu=4 memory=8Gi
namespace shop
"""


def run(text: str, *actions) -> Simulation:
    """`actions`: ones `kdsl check` refuses (a node gone, a taint not there), built here to see the run refuse them."""
    scenario = kdsl.parse(NODES + text)
    if actions:
        scenario = attrs.evolve(scenario, timeline=tuple(sorted(scenario.timeline + actions, key=lambda a: a.at_ms)))
    return Simulation(scenario).run()


def pods(sim, at, ns="shop", prefix=""):
    return {k[2]: o for k, o in sim.state(at).items() if k[0] == "Pod" and k[1] == ns and k[2].startswith(prefix)}


def node(sim, name, at):
    return sim.state(at)[("Node", None, name)]


def said(sim, reason=None):
    return [(e.time_ms, e.type, e.reason, e.name, e.message) for e in sim.log.events
            if e.source == "kubectl" and (reason is None or e.reason == reason)]


def tm_events(sim):
    return [(e.time_ms, e.name, e.message) for e in sim.log.events if e.reason == "TaintManagerEviction"]


# ---- labels --------------------------------------------------------------------------------------------------

DAEMON = """
daemonset shop/agent image=agent:1 { node-selector role=edge }
at 1m: label node n1 role=edge
at 3m: label node n1 role-
run 5m
"""


def test_a_label_brings_a_daemonset_pod_to_the_node_and_its_removal_takes_it_away():
    sim = run(DAEMON)
    assert not pods(sim, 59_999, prefix="agent")
    running = pods(sim, 120_000, prefix="agent")
    assert [p.spec.template.node_name for p in running.values()] == ["n1"]
    assert dict(node(sim, "n1", 60_000).meta.labels)["role"] == "edge"
    # the DaemonSet controller deletes the pod of a node that no longer matches its selector
    later = pods(sim, 300_000, prefix="agent")
    assert all(p.terminating for p in later.values())
    assert "role" not in dict(node(sim, "n1", 180_000).meta.labels)
    assert said(sim) == [(60_000, "Normal", "Label", "n1", "node/n1 labeled"),
                         (180_000, "Normal", "Label", "n1", "node/n1 labeled")]


def test_a_label_that_has_another_value_is_overwritten_and_kubectl_lines_say_what_happened():
    sim = run("node n3 { labels zone=a }\nat 1m: label node n3 zone=b\nat 2m: label node n3 zone=b\n"
              "at 3m: label node n3 gone-\nrun 4m\n")
    assert dict(node(sim, "n3", 60_000).meta.labels)["zone"] == "b"
    assert dict(node(sim, "n3", 60_000).spec.labels)["zone"] == "b"
    assert [m for *_, m in said(sim)] == ["node/n3 labeled", "node/n3 not labeled", 'label "gone" not found.',
                                         "node/n3 not labeled"]


def test_a_label_selects_the_node_for_a_node_selector_pod_pending_until_then():
    sim = run("pod shop/p image=nginx { node-selector disk=ssd }\nat 1m: label node n2 disk=ssd\nrun 2m\n")
    assert pods(sim, 59_999)["p"].spec.template.node_name is None
    assert pods(sim, 61_000)["p"].spec.template.node_name == "n2"


def test_a_label_on_a_node_that_is_gone_is_refused_not_found():
    sim = run("at 1m: delete node n2\nrun 3m\n", LabelNode(at_ms=120_000, node="n2", labels=(("a", "b"),)))
    refused = [r for r in sim.rejections if r.kind == "Node"]
    assert [(r.code, r.message) for r in refused] == [(404, 'nodes "n2" not found')]


def test_a_user_without_patch_on_nodes_is_forbidden():
    sim = run("user alice\nat 1m as alice: label node n1 a=b\nrun 2m\n")
    assert [(r.verb, r.code) for r in sim.rejections] == [("patch", 403)]
    assert "a" not in dict(node(sim, "n1", 120_000).meta.labels)
    assert not said(sim)


# ---- taints --------------------------------------------------------------------------------------------------

WEB = """
deployment shop/web replicas=1 image=nginx { node-selector kubernetes.io/hostname=n1 }
"""


def test_a_noschedule_taint_keeps_new_pods_off_and_leaves_running_ones():
    sim = run("pod shop/old image=nginx { node-selector kubernetes.io/hostname=n1 }\n"
              "at 1m: taint node n1 dedicated=gpu:NoSchedule\n"
              "at 2m: create pod shop/new image=nginx { node-selector kubernetes.io/hostname=n1 }\nrun 3m\n")
    now = pods(sim, 180_000)
    assert now["old"].spec.template.node_name == "n1" and not now["old"].terminating
    assert now["new"].spec.template.node_name is None
    assert [str(t) for t in node(sim, "n1", 60_000).spec.taints] == ["dedicated=gpu:NoSchedule"]
    assert said(sim, "Taint") == [(60_000, "Normal", "Taint", "n1", "node/n1 tainted")]


NOEXEC = """
pod shop/plain image=nginx { node-selector kubernetes.io/hostname=n1 }
pod shop/patient image=nginx {
  node-selector kubernetes.io/hostname=n1
  toleration dedicated=gpu:NoExecute for=30s
}
pod shop/forever image=nginx {
  node-selector kubernetes.io/hostname=n1
  toleration dedicated:NoExecute
}
at 1m: taint node n1 dedicated=gpu:NoExecute
"""


def test_noexecute_evicts_at_once_what_does_not_tolerate_it_and_after_toleration_seconds_what_does():
    sim = run(NOEXEC + "run 3m\n")
    assert not pods(sim, 59_999)["plain"].terminating
    plain = pods(sim, 60_000).get("plain")
    assert plain is None or plain.terminating
    assert not pods(sim, 89_999)["patient"].terminating
    patient = pods(sim, 90_000).get("patient")
    assert patient is None or patient.terminating
    assert not pods(sim, 180_000)["forever"].terminating
    assert tm_events(sim) == [(60_000, "plain", "Marking for deletion Pod shop/plain"),
                              (90_000, "patient", "Marking for deletion Pod shop/patient")]
    deleted = [c.obj for c in sim.store.history if c.obj is not None and c.key[2] == "patient"
               and c.obj.status.condition("DisruptionTarget") is not None][0]
    cond = deleted.status.condition("DisruptionTarget")
    assert (cond.status, cond.reason, cond.message) == (
        "True", "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint")


def test_an_untaint_before_the_toleration_runs_out_cancels_the_deletion():
    sim = run(NOEXEC + "at 70s: untaint node n1 dedicated:NoExecute\nrun 3m\n")
    assert not pods(sim, 180_000)["patient"].terminating
    assert tm_events(sim) == [(60_000, "plain", "Marking for deletion Pod shop/plain"),
                              (70_000, "patient", "Cancelling deletion of Pod shop/patient")]
    assert said(sim, "Untaint") == [(70_000, "Normal", "Untaint", "n1", "node/n1 untainted")]
    assert not node(sim, "n1", 70_000).spec.taints


def test_a_second_taint_does_not_restart_the_toleration_clock_but_one_not_tolerated_evicts_at_once():
    # the plan made at the first taint stands for a pod that tolerates both (processPodOnNode keeps a deletion
    # planned earlier); a pod that does not tolerate the new one has its plan cancelled and goes at once
    sim = run(NOEXEC + "pod shop/any image=nginx {\n  node-selector kubernetes.io/hostname=n1\n"
                       "  toleration *:NoExecute for=30s\n}\nat 80s: taint node n1 other:NoExecute\nrun 3m\n")
    assert [e for e in tm_events(sim) if e[1] != "plain"] == [
        (80_000, "patient", "Cancelling deletion of Pod shop/patient"),
        (80_000, "patient", "Marking for deletion Pod shop/patient"),
        (80_000, "forever", "Marking for deletion Pod shop/forever"),
        (90_000, "any", "Marking for deletion Pod shop/any")]


def test_a_pod_bound_later_to_a_tainted_node_it_tolerates_for_a_while_goes_when_that_runs_out():
    sim = run("at 1m: taint node n1 dedicated=gpu:NoExecute\n"
              "at 2m: create pod shop/late image=nginx {\n  node-selector kubernetes.io/hostname=n1\n"
              "  toleration dedicated=gpu:NoExecute for=30s\n}\nrun 4m\n")
    assert tm_events(sim) == [(150_000, "late", "Marking for deletion Pod shop/late")]


def test_a_deployment_replacement_of_an_evicted_pod_lands_on_another_node():
    sim = run("deployment shop/web replicas=2 image=nginx\nat 1m: taint node n1 maintenance=now:NoExecute\nrun 2m\n")
    evicted = [name for _, name, m in tm_events(sim) if m.startswith("Marking")]
    assert evicted  # the pods the scheduler spread onto n1
    live = [p for p in pods(sim, 120_000, prefix="web").values() if not p.terminating]
    assert len(live) == 2 and {p.spec.template.node_name for p in live} == {"n2"}
    assert all(p.status.phase == "Running" for p in live)


def test_taint_of_an_existing_key_and_effect_overwrites_its_value_and_says_modified():
    sim = run("at 1m: taint node n1 a=x:NoSchedule\nat 2m: taint node n1 a=y:NoSchedule\nrun 3m\n")
    assert [str(t) for t in node(sim, "n1", 120_000).spec.taints] == ["a=y:NoSchedule"]
    assert [m for *_, m in said(sim)] == ["node/n1 tainted", "node/n1 modified"]


def test_untaint_of_a_taint_that_is_not_there_is_kubectls_error_and_changes_nothing():
    sim = run("at 1m: taint node n1 a:NoSchedule\nrun 3m\n",
              UntaintNode(at_ms=120_000, node="n1", taints=(TaintRef(key="a", effect="NoExecute"), TaintRef(key="b"))))
    assert said(sim, "FailedUntaint") == [
        (120_000, "Warning", "FailedUntaint", "n1", 'error: [taint "a:NoExecute" not found, taint "b:" not found]')]
    assert [str(t) for t in node(sim, "n1", 120_000).spec.taints] == ["a:NoSchedule"]


def test_untaint_by_key_removes_every_effect_of_it():
    sim = run("at 1m: taint node n1 a:NoSchedule a:PreferNoSchedule b:NoSchedule\nat 2m: untaint node n1 a\nrun 3m\n")
    assert [str(t) for t in node(sim, "n1", 120_000).spec.taints] == ["b:NoSchedule"]


def test_add_node_with_a_block_registers_its_labels_and_taints():
    sim = run("at 1m: add node n4 cpu=4 memory=16Gi { labels zone=b; taint dedicated=gpu:NoSchedule }\nrun 2m\n")
    n4 = node(sim, "n4", 60_000)
    assert dict(n4.meta.labels)["zone"] == "b"
    assert [str(t) for t in n4.spec.taints] == ["dedicated=gpu:NoSchedule"]


def test_the_expectations_read_labels_and_taints():
    sim = run("at 1m: label node n1 zone=b\nat 2m: taint node n1 dedicated=gpu:NoSchedule\n"
              "expect nodes zone=b count=1 at 90s\nexpect node n1 taints~\"dedicated=gpu:NoSchedule\" at 150s\n"
              "expect node n1 taints=\"\" at 90s\nrun 3m\n")
    assert [r.passed for r in sim.check()] == [True, True, True]


def test_a_node_that_recovers_before_the_toleration_runs_out_cancels_the_lifecycle_taints_evictions():
    # the same controller serves the node lifecycle's unreachable taint: 300 s of DefaultTolerationSeconds
    sim = run("pod shop/p image=nginx { node-selector kubernetes.io/hostname=n1 }\n"
              "at 10s: fail node n1\nat 2m: recover node n1\nrun 10m\n")
    assert tm_events(sim) == [(120_000, "p", "Cancelling deletion of Pod shop/p")]
    assert not pods(sim, 600_000)["p"].terminating


@given(st.lists(st.integers(min_value=0, max_value=200), min_size=1, max_size=100))
def test_the_shared_healthy_conditions_are_the_plain_ones(moments):
    for now in moments:
        got, want = nodes.healthy_conditions(now), nodes._healthy(now)
        assert got == want and got is nodes.healthy_conditions(now)
        assert [c.last_transition_ms for c in got] == [now] * len(HEALTHY) and repr(got) == repr(want)
    assert nodes.healthy_conditions.cache_info().currsize <= 64
