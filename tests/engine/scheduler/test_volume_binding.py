"""The scheduler's VolumeBinding plugin (k8s-semantics §3.2, §9.2): PreFilter and Filter reasons, PreBind."""

from __future__ import annotations

import kdsl
from kdsl.engine.controllers.pv_index import SELECTED_NODE, annotation
from kdsl.engine.scheduler.volume_binding import BIND_CONFLICT, NODE_CONFLICT, VolumeBindingPlugin


def scheduled(sim, pod):
    obj = sim.store.get("Pod", "default", pod)
    cond = obj.status.condition("PodScheduled")
    return obj.spec.template.node_name, cond.message if cond is not None else ""


def test_a_missing_claim_fails_prefilter():
    sim = kdsl.simulate(kdsl.parse("node n1\nnode n2\npod p image=nginx:1.25 { volume d pvc=nope }\n"))
    assert scheduled(sim, "p")[1].startswith('0/2 nodes are available: persistentvolumeclaim "nope" not found.')


def test_a_local_volume_pins_its_pod_to_the_volumes_node():
    sim = kdsl.simulate(kdsl.parse("node n1\nnode n2\nnode n3\npv disk 5Gi class=none node=n2\n"
                                   "pvc data 1Gi class=none\npod p image=nginx:1.25 { volume d pvc=data }\n"))
    assert scheduled(sim, "p")[0] == "n2"
    assert [(n.node, n.failure.reasons if n.failure else ()) for n in sim.explanation("default/p").nodes] == [
        ("n1", (NODE_CONFLICT,)), ("n2", ()), ("n3", (NODE_CONFLICT,))]
    assert NODE_CONFLICT == "node(s) didn't match PersistentVolume's node affinity"


def test_wait_for_first_consumer_takes_a_static_volume_on_a_node_that_has_one():
    sim = kdsl.simulate(kdsl.parse(
        "node n1\nnode n2 { labels disk=ssd }\nstorageclass local provisioner=none binding=WaitForFirstConsumer\n"
        "pv far 5Gi class=local node=n1\npv near 2Gi class=local node=n2\npv tiny 1Gi class=local node=n2\n"
        "pvc data 2Gi class=local\npod p image=nginx:1.25 { node-selector disk=ssd\n volume d pvc=data }\n"))
    assert scheduled(sim, "p")[0] == "n2"
    pvc = sim.store.get("PersistentVolumeClaim", "default", "data")
    assert pvc.spec.volume_name == "near" and annotation(pvc, SELECTED_NODE) is None
    assert sim.store.get("Pod", "default", "p").status.phase == "Running"


def test_without_a_volume_or_a_provisioner_no_node_fits():
    sim = kdsl.simulate(kdsl.parse(
        "node n1\nnode n2\nstorageclass local provisioner=none binding=WaitForFirstConsumer\n"
        "pv small 1Gi class=local node=n1\npvc data 2Gi class=local\npod p image=nginx:1.25 { volume d pvc=data }\n"))
    node, message = scheduled(sim, "p")
    assert node is None
    assert message.startswith(f"0/2 nodes are available: 2 {BIND_CONFLICT}.")
    assert BIND_CONFLICT == "node(s) didn't find available persistent volumes to bind"


def test_an_immediate_claim_that_binds_later_lets_the_pod_schedule():
    sim = kdsl.simulate(kdsl.parse("node n1\npvc data 1Gi class=none\npod p image=nginx:1.25 { volume d pvc=data }\n"
                                   "at 20s: apply { pv disk 1Gi class=none }\n"))
    pod = sim.store.at(("Pod", "default", "p"), 19_999)
    assert "pod has unbound immediate PersistentVolumeClaims" in pod.status.condition("PodScheduled").message
    assert scheduled(sim, "p")[0] == "n1"


def test_prebind_hears_only_bindings_in_namespaces_that_hold_a_claim(monkeypatch):
    heard = []
    plain = VolumeBindingPlugin.on_pod

    def on_pod(self, op, old, new):
        heard.append((new or old).namespace)
        plain(self, op, old, new)

    monkeypatch.setattr(VolumeBindingPlugin, "on_pod", on_pod)
    sim = kdsl.simulate(kdsl.parse(
        "node n1\nnode n2 { labels disk=ssd }\nstorageclass local provisioner=none binding=WaitForFirstConsumer\n"
        "pv near 2Gi class=local node=n2\npvc data 2Gi class=local\n"
        "pod p image=nginx:1.25 { node-selector disk=ssd\n volume d pvc=data }\n"
        "namespace dev {\n  pod q image=nginx:1.25\n}\n"))
    assert heard == ["default"]  # the binding of dev/q, where no claim is, is not heard
    assert sim.store.get("PersistentVolumeClaim", "default", "data").spec.volume_name == "near"
    assert sim.store.get("Pod", "dev", "q").spec.template.node_name is not None
