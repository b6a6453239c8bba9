"""What an imported manifest says that decides where pods go: a Node's Ready condition (a node not Ready starts
tainted, as the node lifecycle controller leaves it) and a pod's matchFields node terms. Both were dropped and the
pods went to any node (found by tests/oracle, issue 16)."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.engine.simulation import Simulation
from kdsl.interop import dump_manifests, import_manifests, to_manifests

NODE = """\
apiVersion: v1
kind: Node
metadata: {{name: {name}}}
status:
  allocatable: {{cpu: "4", memory: 8Gi, pods: "110"}}
  conditions: [{{type: Ready, status: "{ready}", reason: KubeletNotReady, message: not ready}}]
"""
POD = """\
apiVersion: v1
kind: Pod
metadata: {{name: web, namespace: default}}
spec:
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms: {terms}
  containers: [{{name: app, image: nginx}}]
"""


def _nodes(*pairs) -> str:
    return "---\n".join(NODE.format(name=n, ready=r) for n, r in pairs)


@pytest.mark.parametrize(("ready", "taint"), [("False", "node.kubernetes.io/not-ready"),
                                              ("Unknown", "node.kubernetes.io/unreachable")])
def test_a_node_whose_status_is_not_ready_gets_no_pod(ready, taint):
    text = _nodes(("n1", ready), ("n2", "True")) + "---\n" + POD.format(terms="[{matchExpressions: "
                                                                               "[{key: kubernetes.io/os, operator: "
                                                                               "In, values: [linux]}]}]")
    imported = import_manifests(text=text)
    assert f"node n1 memory=8Gi ready={ready.lower()}" in imported.text
    sim = Simulation(kdsl.from_manifests(text=text)).run(until=30_000)
    n1 = sim.store.get("Node", None, "n1")
    assert n1.status.condition("Ready").status == ready
    assert (taint, "NoSchedule") in {(t.key, t.effect) for t in n1.spec.taints}
    assert sim.store.get("Pod", "default", "web").spec.template.node_name == "n2"


def test_a_ready_node_stays_as_it_was_and_the_state_round_trips():
    scenario = kdsl.parse("node n1 ready=false\nnode n2\n")
    again = kdsl.from_manifests(text=dump_manifests(to_manifests(scenario)))
    assert [(n.name, n.ready) for n in again.nodes] == [("n1", "False"), ("n2", "True")]
    assert not Simulation(kdsl.parse("node n2\n")).store.get("Node", None, "n2").spec.taints


@pytest.mark.parametrize(("terms", "where"), [
    ("[{matchFields: [{key: metadata.name, operator: In, values: [n3]}]}]", {"n3"}),
    ("[{matchFields: [{key: metadata.name, operator: NotIn, values: [n1, n2]}]}]", {"n3"}),
    # terms are ORed: the label term alone would allow n1 only
    ("[{matchFields: [{key: metadata.name, operator: In, values: [n3]}]}, "
     "{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [n1]}]}]", {"n1", "n3"}),
])
def test_matchfields_node_terms_are_read_from_the_yaml_block(terms, where):
    text = _nodes(("n1", "True"), ("n2", "True"), ("n3", "True")) + "---\n" + POD.format(terms=terms)
    scenario = kdsl.from_manifests(text=text)
    pod = next(o for o in scenario.objects if o.kind == "Pod")
    allowed = {n for n in ("n1", "n2", "n3")
               if any(all(_holds(r, n) for r in term) for term in pod.template.affinity.node_required)}
    assert allowed == where
    sim = Simulation(scenario).run(until=30_000)
    assert sim.store.get("Pod", "default", "web").spec.template.node_name in where


def _holds(r, node: str) -> bool:
    if type(r).__name__ == "FieldRequirement":
        return (node in r.values) == (r.operator == "In")
    return r.matches({"kubernetes.io/hostname": node})
