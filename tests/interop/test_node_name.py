"""An imported pod that names its node (`spec.nodeName`) is created bound to it: no scheduler places it, as in
Kubernetes. It used to be kept in the yaml block only and scheduled like any pod (found by tests/oracle, issue 16)."""

from __future__ import annotations

import kdsl
from kdsl.engine.simulation import Simulation

CLUSTER = "cluster c {\n  node n1 cpu=4 memory=8Gi\n  node n2 cpu=4 memory=8Gi\n}\n"
POD = """\
apiVersion: v1
kind: Pod
metadata: {{name: web, namespace: default}}
spec:
  nodeName: {node}
  containers: [{{name: app, image: nginx, resources: {{requests: {{cpu: "1"}}}}}}]
"""


def test_a_pod_that_names_its_node_runs_there_without_the_scheduler():
    scenario = kdsl.from_manifests(text=POD.format(node="n2"), cluster=CLUSTER)
    sim = Simulation(scenario).run(until=30_000)
    pod = sim.store.get("Pod", "default", "web")
    assert pod.spec.template.node_name == "n2" and pod.status.phase == "Running"
    assert not [e for e in sim.log.events if e.reason == "Scheduled"]
    assert "nodeName: n2" in kdsl.interop.dump_manifests(kdsl.interop.to_manifests(scenario))


def test_a_node_the_scenario_never_has_is_accepted_and_the_pod_stays_pending():
    # The API server accepts a nodeName it cannot find (tests/oracle scheduling/nodename/missing-node): no kubelet
    # runs the pod, no scheduler places it. kdsl says so in a warning. The pod GC deletes it at 60 s
    # (tests/engine/controllers/test_podgc.py).
    scenario = kdsl.from_manifests(text=POD.format(node="ghost"), cluster=CLUSTER)
    warning = next(w for w in scenario.warnings if 'spec.nodeName names node "ghost", which the scenario never has'
                   in w.message)
    assert (warning.line, warning.column, warning.line_text.strip()) == (5, 13, "nodeName: ghost")  # at the value
    sim = Simulation(scenario).run(until=59_999)
    pod = sim.store.get("Pod", "default", "web")
    assert pod.spec.template.node_name == "ghost" and pod.status.phase == "Pending"
    assert not [e for e in sim.log.events if e.name == "web"]


def test_a_node_that_registers_later_runs_the_pod_bound_to_it():
    text = CLUSTER + 'pod web {\n  container app image=nginx cpu=1\n  yaml """\n    spec:\n      nodeName: late\n  """\n}\n'
    text += "at 10s: add node late cpu=4 memory=8Gi\n"
    sim = Simulation(kdsl.parse(text, "t.kdsl")).run(until=60_000)
    pod = sim.store.get("Pod", "default", "web")
    assert pod.spec.template.node_name == "late" and pod.status.phase == "Running"
    assert sim.scheduler.snapshot.node_of("default/web") == "late"
