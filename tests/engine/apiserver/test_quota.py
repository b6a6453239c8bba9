"""ResourceQuota admission: compute, object counts, services, claims, updates, and the messages."""

from __future__ import annotations

import attrs
import pytest

from kdsl.engine.apiserver import quota, wrap
from kdsl.engine.apiserver.resources import resource_info
from kdsl.model.config import ConfigMap, PersistentVolumeClaim
from kdsl.model.nodes import ResourceQuota
from kdsl.model.network import Service, ServicePort
from kdsl.model.pods import PodTemplate
from kdsl.model.workloads import Deployment
from tests.engine.apiserver.helpers import Cluster, container, message, pod, with_phase

MI, GI = 2**20, 2**30


def with_quota(**hard) -> Cluster:
    return Cluster("namespace dev").add(ResourceQuota(name="compute", namespace="dev", hard=tuple(hard.items())))


def test_compute_quota_lists_only_the_exceeded_resources_sorted():
    c = Cluster("namespace dev {\n  quota name=compute cpu=1 memory=1Gi pods=10 limits.cpu=4\n}")
    c.apply(pod("a", "dev", container(cpu=750, memory=512 * MI, limit_cpu=1000)))
    assert message(c.create(pod("b", "dev", container(cpu=500, memory=768 * MI, limit_cpu=1000)))) == (
        'pods "b" is forbidden: exceeded quota: compute, requested: requests.cpu=500m,requests.memory=768Mi, '
        'used: requests.cpu=750m,requests.memory=512Mi, limited: requests.cpu=1,requests.memory=1Gi')


def test_must_specify_in_the_current_wording():
    c = with_quota(**{"requests.cpu": 4000, "limits.memory": 4 * GI})
    web = pod("web", "dev", container("app", cpu=100), container("sidecar"),
              init_containers=(container("init", cpu=100, limit_memory=MI),))
    assert message(c.create(web)) == (
        'pods "web" is forbidden: failed quota: compute: must specify limits.memory for: app,sidecar; '
        'requests.cpu for: sidecar')


def test_a_pods_only_quota_asks_nothing_of_containers():
    c = with_quota(pods=5)
    assert not hasattr(c.create(pod()), "code")


def test_terminal_and_long_deleted_pods_are_not_counted():
    c = with_quota(pods=1)
    done = with_phase(wrap(pod("done")), "Succeeded")
    gone = wrap(pod("gone"), deletion_ms=10_000, deletion_grace_ms=30_000)
    c.add(done, gone)
    assert message(c.create(pod("web"), now_ms=40_000)).endswith("used: pods=1, limited: pods=1")
    assert not hasattr(c.create(pod("web"), now_ms=40_001), "code")


def test_object_counts():
    c = Cluster("namespace dev {\n  quota name=objects configmaps=1\n}")
    c.apply(ConfigMap(name="one", namespace="dev"))
    assert message(c.create(ConfigMap(name="two", namespace="dev"))) == (
        'configmaps "two" is forbidden: exceeded quota: objects, requested: configmaps=1, used: configmaps=1, '
        'limited: configmaps=1')
    c = with_quota(**{"count/deployments.apps": 0})
    deploy = Deployment.build(name="web", namespace="dev", template=PodTemplate(containers=(container(),)))
    assert "requested: count/deployments.apps=1" in message(c.create(deploy))


def service(name: str, type_: str = "ClusterIP", ports: int = 1) -> Service:
    return Service(name=name, namespace="dev", type=type_,
                   ports=tuple(ServicePort(port=80 + i, target=80 + i, name=f"p{i}") for i in range(ports)))


def test_services_node_ports_and_load_balancers():
    c = with_quota(**{"services.nodeports": 2, "services.loadbalancers": 1})
    c.apply(service("a", "NodePort"))
    assert message(c.create(service("b", "LoadBalancer", ports=2))) == (
        'services "b" is forbidden: exceeded quota: compute, requested: services.nodeports=2, '
        'used: services.nodeports=1, limited: services.nodeports=2')
    assert not hasattr(c.create(service("c")), "code")


def test_an_update_is_charged_for_what_it_adds():
    c = with_quota(**{"services.nodeports": 1})
    stored = c.apply(service("a"))
    turned = attrs.evolve(stored, spec=attrs.evolve(stored.spec, type="NodePort", ports=stored.spec.ports * 2))
    assert message(c.ask("update", "Service", object=turned)) == (
        'services "a" is forbidden: exceeded quota: compute, requested: services.nodeports=2, '
        'used: services.nodeports=0, limited: services.nodeports=1')


def test_claims_and_storage_classes():
    c = with_quota(**{"requests.storage": 10 * GI, "gold.storageclass.storage.k8s.io/persistentvolumeclaims": 1})
    c.apply(PersistentVolumeClaim(name="a", namespace="dev", storage=8 * GI, storage_class="gold"))
    assert message(c.create(PersistentVolumeClaim(name="b", namespace="dev", storage=4 * GI,
                                                  storage_class="gold"))) == (
        'persistentvolumeclaims "b" is forbidden: exceeded quota: compute, requested: '
        'gold.storageclass.storage.k8s.io/persistentvolumeclaims=1,requests.storage=4Gi, used: '
        'gold.storageclass.storage.k8s.io/persistentvolumeclaims=1,requests.storage=8Gi, limited: '
        'gold.storageclass.storage.k8s.io/persistentvolumeclaims=1,requests.storage=10Gi')


def test_quotas_are_checked_in_name_order_and_the_first_refusal_wins():
    c = Cluster("namespace dev").add(ResourceQuota(name="b-pods", namespace="dev", hard=(("pods", 0),)),
                                     ResourceQuota(name="a-cpu", namespace="dev", hard=(("requests.cpu", 100),)))
    assert "exceeded quota: a-cpu" in message(c.create(pod("x", "dev", container(cpu=200))))


@pytest.mark.parametrize("init,expected", [
    ((), {"cpu": 300}),  # 100 + 200
    ((container("init", cpu=1000),), {"cpu": 1000}),  # an init container runs alone
    ((container("side", cpu=50, restart_policy="Always"), container("init", cpu=1000)), {"cpu": 1050}),
])
def test_pod_requests_count_init_containers_and_sidecars(init, expected):
    web = pod("web", "dev", container("a", cpu=100), container("b", cpu=200), init_containers=init)
    used = quota.usage(wrap(web), resource_info("Pod"), 0)
    assert used["requests.cpu"] == expected["cpu"] == used["cpu"]
