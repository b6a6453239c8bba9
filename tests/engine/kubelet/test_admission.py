"""The kubelet's predicate admission (pkg/kubelet/lifecycle/predicate.go): a pod a nodeName put on a node without
room, or on a node it does not select, is rejected: Failed, reason and message as upstream, and a Warning event."""

from __future__ import annotations

import attrs

import kdsl
from kdsl.engine.scheduler.podinfo import pod_requests
from kdsl.engine.simulation import Simulation

BOUND = '{{ yaml "spec: {{nodeName: worker-1}}" }}'
NODE = "cluster c {{\n  node worker-1 {node}\n}}\nnamespace shop\n"


def _run(node: str, pods: list[str], until: int = 30_000) -> Simulation:
    text = NODE.format(node=node) + "".join(f"pod shop/{p} {BOUND.format()}\n" for p in pods) + "run 30s\n"
    return Simulation(kdsl.parse(text)).run(until=until)


def _rejection(sim: Simulation, name: str) -> tuple:
    pod = sim.store.get("Pod", "shop", name)
    [event] = [e for e in sim.log.events if e.name == name and e.type == "Warning"]
    assert pod.status.message == "Pod was rejected: " + event.message
    assert pod.status.container_statuses == ()  # kubectl's STATUS shows the reason
    return pod.status.phase, pod.status.reason, event.reason, event.message


def test_the_pod_past_the_node_s_memory_is_rejected_out_of_memory():
    sim = _run("cpu=4 memory=8Gi", ["a image=nginx memory=4Gi", "b image=nginx memory=4Gi", "c image=nginx memory=4Gi"])
    assert [sim.store.get("Pod", "shop", n).status.phase for n in "ab"] == ["Running", "Running"]
    assert _rejection(sim, "c") == (
        "Failed", "OutOfmemory", "OutOfmemory",
        "Node didn't have enough resource: memory, requested: 4294967296, used: 8589934592, capacity: 8589934592")


def test_cpu_and_the_pod_count_run_out_in_noderesources_fits_order():
    sim = _run("cpu=2 memory=8Gi pods=2", ["a image=nginx cpu=1500m", "b image=nginx cpu=1", "c image=nginx",
                                           "d image=nginx cpu=1"])
    assert _rejection(sim, "b") == (
        "Failed", "OutOfcpu", "OutOfcpu",
        "Node didn't have enough resource: cpu, requested: 1000, used: 1500, capacity: 2000")
    # d lacks cpu too, but the pod count is checked first
    assert _rejection(sim, "d") == ("Failed", "OutOfpods", "OutOfpods",
                                    "Node didn't have enough resource: pods, requested: 1, used: 2, capacity: 2")
    assert sim.store.get("Pod", "shop", "c").status.phase == "Running"


def test_a_node_the_pod_does_not_select_rejects_it_node_affinity():
    text = NODE.format(node="cpu=4 memory=8Gi") + """pod shop/web image=nginx {
  node-selector disk=ssd
  yaml "spec: {nodeName: worker-1}"
}
run 30s
"""
    sim = Simulation(kdsl.parse(text)).run(until=30_000)
    assert _rejection(sim, "web") == (
        "Failed", "NodeAffinity", "NodeAffinity",
        "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector")


def test_an_untolerated_no_execute_taint_rejects_the_pod():
    text = """cluster c {
  node worker-1 cpu=4 memory=8Gi { taint dedicated=db:NoExecute }
}
namespace shop
pod shop/web image=nginx { yaml "spec: {nodeName: worker-1}" }
pod shop/db image=nginx {
  toleration dedicated=db:NoExecute
  yaml "spec: {nodeName: worker-1}"
}
run 30s
"""
    sim = Simulation(kdsl.parse(text)).run(until=30_000)
    # the kubelet rejects it and the taint eviction controller deletes it, both at once, as upstream
    assert [(e.type, e.reason, e.message) for e in sim.log.events if e.name == "web"] == [
        ("Warning", "TaintToleration",
         "Predicate TaintToleration failed: node(s) had taints that the pod didn't tolerate"),
        ("Normal", "TaintManagerEviction", "Marking for deletion Pod shop/web")]
    assert sim.store.get("Pod", "shop", "db").status.phase == "Running"


def test_a_terminal_pod_no_longer_counts_and_the_sums_equal_a_recount():
    text = NODE.format(node="cpu=2 memory=8Gi") + """pod shop/job restart=Never {
  container app image=busybox {
    requests cpu=2
    exit 0 after 5s
  }
  yaml "spec: {nodeName: worker-1}"
}
pod shop/web image=nginx cpu=500m { yaml "spec: {nodeName: worker-1}" }
"""
    sim = Simulation(kdsl.parse(text)).run(until=10_000)
    assert _rejection(sim, "web")[1] == "OutOfcpu"
    assert sim.store.get("Pod", "shop", "job").status.phase == "Succeeded"
    late = kdsl.parse("namespace shop\npod shop/late image=nginx cpu=500m").objects[1]
    sim.create(attrs.evolve(late, template=attrs.evolve(late.template, node_name="worker-1")), source="test")
    sim.run(until=20_000)
    assert sim.store.get("Pod", "shop", "late").status.phase == "Running"  # the finished job left its cpu
    # the running sums are the plain count over the kubelet's active pods (GetActivePods)
    tpls = [sim.store.get(*key).spec.template for key, _ in sim.kubelets.active("worker-1")]
    assert sim.kubelets.admitted.used["worker-1"] == [
        len(tpls), sum(pod_requests(t)[0] for t in tpls), sum(pod_requests(t)[1] for t in tpls)] == [1, 500, 0]


def test_the_one_container_shortcut_counts_what_pod_requests_counts():
    sim = _run("cpu=4 memory=8Gi", ["a image=nginx cpu=300m memory=1Gi", "b image=nginx", "c image=nginx cpu=1"])
    charged = sim.kubelets.admitted.charged
    for name in "abc":
        tpl = sim.store.get("Pod", "shop", name).spec.template
        assert charged[("Pod", "shop", name)][1] == pod_requests(tpl)[:2]
