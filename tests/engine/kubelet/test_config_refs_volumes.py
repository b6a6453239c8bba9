"""A pod's volumes wait for the objects they mount (k8s-semantics §8, oracle 58's kubelet side)."""

import kdsl
from kdsl.engine.kubelet import config_refs
from kdsl.engine.objects import ApiObject, Meta
from kdsl.engine.store import Store


def test_missing_volume_objects_are_named_with_the_kubelets_message():
    scenario = kdsl.parse('configmap have { a = "1" }\npod p image=nginx {\n'
                          '  volume a configmap=have\n  volume b configmap=cfg\n  volume c secret=creds optional\n'
                          '  volume d pvc=data\n  volume e emptydir\n}\n')
    store = Store()
    for obj in scenario.objects:
        store.put(ApiObject(kind=obj.kind, meta=Meta(name=obj.name, namespace=obj.namespace), spec=obj), now=0)
    pod = store.get("Pod", "default", "p")
    assert config_refs.missing(pod, store) == [
        ("b", 'MountVolume.SetUp failed for volume "b" : configmap "cfg" not found'),
        ("d", 'MountVolume.SetUp failed for volume "d" : persistentvolumeclaim "data" not found'),
    ]


def test_a_pod_waits_in_container_creating_until_its_configmap_appears():
    sim = kdsl.simulate(kdsl.parse(
        'node n1\npod p image=nginx:1.25 { volume cfg configmap=web-config }\n'
        'at 30s: create configmap default/web-config { mode = "x" }\n'
        'expect pod default/p status=ContainerCreating at 20s\n'
        'expect pod default/p phase=Running ready by 35s\n'
        'expect events default reason=FailedMount message~"configmap \\"web-config\\" not found"\n'))
    assert [r.passed for r in sim.check()] == [True, True, True], [(r.text, r.found) for r in sim.check()]
