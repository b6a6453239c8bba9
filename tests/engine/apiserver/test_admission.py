"""The admission plugins one by one, and the chain's order."""

from __future__ import annotations

import attrs

import pytest

from kdsl.engine.apiserver import admission, wrap
from kdsl.engine.apiserver.admission import (CREATE, DELETE, UPDATE, Attributes, default_storage_class,
                                             default_toleration_seconds, namespace_lifecycle, priority_admit,
                                             service_account_admit)
from kdsl.engine.apiserver.authn import DEFAULT_ADMIN
from kdsl.engine.apiserver.errors import ApiError
from kdsl.engine.apiserver.resources import resource_info
from kdsl.engine.objects import Meta
from kdsl.model.nodes import Namespace
from kdsl.model.pods import Toleration
from kdsl.model.config import PersistentVolumeClaim, StorageClass
from tests.engine.apiserver.helpers import Cluster, message, pod


def attributes(obj, op=CREATE, **fields) -> Attributes:
    api = wrap(obj) if not hasattr(obj, "meta") else obj
    return Attributes(operation=op, info=resource_info(api.kind), namespace=api.namespace, name=api.name,
                      user=DEFAULT_ADMIN, object=api, **fields)


def test_chain_order_is_kube_apiservers():
    assert [n for n, _ in admission.MUTATING] == ["NamespaceLifecycle", "LimitRanger", "ServiceAccount", "Priority",
                                                  "DefaultTolerationSeconds", "DefaultStorageClass",
                                                  "StorageObjectInUseProtection"]
    assert [n for n, _ in admission.VALIDATING] == ["LimitRanger", "ResourceQuota"]


# ---- NamespaceLifecycle ---------------------------------------------------------------------------

def test_lifecycle_lets_the_system_namespaces_exist_undeclared():
    c = Cluster()
    for ns in ("default", "kube-system", "kube-public", "kube-node-lease"):
        assert not isinstance(namespace_lifecycle(attributes(pod("web", ns)), c.view), ApiError)


@pytest.mark.parametrize("name", ["default", "kube-system", "kube-public"])
def test_lifecycle_protects_the_immortal_namespaces(name):
    a = Attributes(operation=DELETE, info=resource_info("Namespace"), namespace=None, name=name, user=DEFAULT_ADMIN)
    assert message(namespace_lifecycle(a, Cluster().view)) == (
        f'namespaces "{name}" is forbidden: this namespace may not be deleted')


def test_lifecycle_allows_updates_and_deletes_in_a_terminating_namespace():
    c = Cluster().add(wrap(Namespace(name="dev"), deletion_ms=0))
    web = wrap(pod("web"))
    assert namespace_lifecycle(attributes(web, UPDATE, old=web), c.view).object == web
    assert namespace_lifecycle(attributes(web, DELETE), c.view).object == web


# ---- ServiceAccount ---------------------------------------------------------------------------------

def test_service_account_defaults_and_must_exist():
    c = Cluster("namespace dev {\n  serviceaccount builder\n}")
    assert service_account_admit(attributes(pod()), c.view).object.spec.template.service_account == "default"
    named = pod(service_account="builder")
    assert service_account_admit(attributes(named), c.view).object.spec.template.service_account == "builder"
    missing = service_account_admit(attributes(pod("web", service_account="deployer")), c.view)
    assert missing == ApiError(403, "Forbidden", 'pods "web" is forbidden: error looking up service account '
                                                 'dev/deployer: serviceaccount "deployer" not found')


def test_service_account_looks_only_at_pod_creates():
    c = Cluster("namespace dev")
    web = wrap(pod("web", service_account="ghost"))
    assert service_account_admit(attributes(web, UPDATE, old=web), c.view).object == web


# ---- Priority and DefaultTolerationSeconds ----------------------------------------------------------

def test_priority_defaults_to_zero_and_keeps_a_given_value():
    view = Cluster().view
    assert priority_admit(attributes(pod()), view).object.spec.template.priority == 0
    assert priority_admit(attributes(pod(priority=1000)), view).object.spec.template.priority == 1000


CLASSES = '''manifest """
  apiVersion: scheduling.k8s.io/v1
  kind: PriorityClass
  metadata: {name: high}
  value: 1000
"""
manifest """
  apiVersion: scheduling.k8s.io/v1
  kind: PriorityClass
  metadata: {name: polite}
  value: 500
  preemptionPolicy: Never
"""
'''
DEFAULTS = CLASSES.replace("value: 1000", "value: 1000\n  globalDefault: true").replace(
    "value: 500", "value: 500\n  globalDefault: true")


def classed(name: str | None, priority: int | None = None):
    p = pod(priority=priority)
    return attrs.evolve(p, template=attrs.evolve(p.template, priority_class=name))


def test_priority_comes_from_the_named_class_or_a_system_class():
    # plugin/pkg/admission/priority/admission.go admitPod; the words are the v1.34.4 recordings'
    view = Cluster(CLASSES).view
    got = priority_admit(attributes(classed("high")), view).object.spec.template
    assert (got.priority, got.priority_class, got.preemption_policy) == (1000, "high", None)
    got = priority_admit(attributes(classed("polite")), view).object.spec.template
    assert (got.priority, got.preemption_policy) == (500, "Never")
    got = priority_admit(attributes(classed("system-cluster-critical")), view).object.spec.template
    assert got.priority == 2_000_000_000
    assert message(priority_admit(attributes(classed("ghost")), view)) == (
        'pods "web" is forbidden: no PriorityClass with name ghost was found')
    assert message(priority_admit(attributes(classed("high", priority=5)), view)) == (
        'pods "web" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority '
        "admission controller computed 1000 from the given PriorityClass name")
    assert priority_admit(attributes(classed("high", priority=1000)), view).object.spec.template.priority == 1000


def test_a_pod_naming_no_class_gets_the_global_default_of_the_smallest_value():
    got = priority_admit(attributes(classed(None)), Cluster(DEFAULTS).view).object.spec.template
    assert (got.priority_class, got.priority, got.preemption_policy) == ("polite", 500, "Never")
    # kdsl's `priority N` stands for a class's value: kept, where Kubernetes would refuse it (docs/fidelity.md)
    assert priority_admit(attributes(classed(None, 7)), Cluster(DEFAULTS).view).object.spec.template.priority == 7


NOT_READY = Toleration(key="node.kubernetes.io/not-ready", operator="Exists", effect="NoExecute", toleration_ms=300_000)
UNREACHABLE = Toleration(key="node.kubernetes.io/unreachable", operator="Exists", effect="NoExecute",
                         toleration_ms=300_000)


@pytest.mark.parametrize("own,added", [
    ((), (NOT_READY, UNREACHABLE)),
    ((Toleration(key=None, operator="Exists"),), ()),  # tolerates everything
    ((Toleration(key=None, operator="Exists", effect="NoExecute"),), ()),  # empty key
    ((Toleration(key="node.kubernetes.io/not-ready", operator="Exists"),), (UNREACHABLE,)),  # empty effect
    ((Toleration(key="node.kubernetes.io/unreachable", operator="Exists", effect="NoSchedule"),),
     (NOT_READY, UNREACHABLE)),
    ((Toleration(key="dedicated", operator="Equal", value="db", effect="NoExecute"),), (NOT_READY, UNREACHABLE)),
])
def test_default_toleration_seconds(own, added):
    result = default_toleration_seconds(attributes(pod(tolerations=own)), Cluster().view)
    assert result.object.spec.template.tolerations == own + added


def test_pods_without_tolerations_of_their_own_share_the_two_defaults():
    first, second = (default_toleration_seconds(attributes(pod(name=n)), Cluster().view) for n in ("a", "b"))
    assert first.object.spec.template.tolerations is second.object.spec.template.tolerations


def test_default_toleration_seconds_runs_on_update_but_not_on_status():
    web = wrap(pod())
    assert len(default_toleration_seconds(attributes(web, UPDATE, old=web), Cluster().view)
               .object.spec.template.tolerations) == 2
    status = attributes(web, UPDATE, old=web, subresource="status")
    assert default_toleration_seconds(status, Cluster().view).object == web


# ---- DefaultStorageClass ----------------------------------------------------------------------------

def claim(storage_class=None):
    return PersistentVolumeClaim(name="data", namespace="dev", storage=2**30, storage_class=storage_class)


def test_default_storage_class():
    c = Cluster().add(StorageClass(name="slow"), StorageClass(name="standard", default=True))
    assert default_storage_class(attributes(claim()), c.view).object.spec.storage_class == "standard"
    assert default_storage_class(attributes(claim("")), c.view).object.spec.storage_class == ""
    assert default_storage_class(attributes(claim("slow")), c.view).object.spec.storage_class == "slow"
    assert default_storage_class(attributes(claim()), Cluster().view).object.spec.storage_class is None


def test_the_newest_of_several_default_classes_wins():
    older = wrap(StorageClass(name="a", default=True), creation_ms=10)
    newer = wrap(StorageClass(name="b", default=True), creation_ms=20)
    c = Cluster().add(older, newer)
    assert default_storage_class(attributes(claim()), c.view).object.spec.storage_class == "b"


def test_a_claim_through_the_api_gets_the_default_class():
    c = Cluster("namespace dev\nstorageclass standard default")
    assert c.create(claim()).object.spec.storage_class == "standard"


# ---- the whole chain ----------------------------------------------------------------------------------

def test_mutation_happens_in_order_and_validation_sees_the_result():
    c = Cluster("namespace dev {\n  limits default cpu=500m\n  quota name=q cpu=1\n}")
    first = c.apply(pod("a"))
    assert first.spec.template.containers[0].requests.cpu == 500  # LimitRanger before ResourceQuota
    c.apply(pod("b"))
    assert message(c.create(pod("c"))) == ('pods "c" is forbidden: exceeded quota: q, requested: requests.cpu=500m, '
                                           'used: requests.cpu=1, limited: requests.cpu=1')


def test_delete_of_a_namespaced_object_skips_the_lifecycle_existence_check():
    a = Attributes(operation=DELETE, info=resource_info("Pod"), namespace="gone", name="web", user=DEFAULT_ADMIN)
    assert admission.mutate(a, Cluster().view) == a


def test_attributes_are_named_unknown_without_an_object():
    a = Attributes(operation=DELETE, info=resource_info("Pod"), namespace="dev", name="web", user=DEFAULT_ADMIN)
    assert admission.forbidden(a, "no").message == 'pods "Unknown" is forbidden: no'


def test_meta_is_untouched_by_plugins_that_do_not_annotate():
    c = Cluster("namespace dev")
    obj = wrap(pod(), uid="u", creation_ms=5)
    assert admission.mutate(attributes(obj), c.view).object.meta == Meta(
        name="web", namespace="dev", uid="u", creation_ms=5)
