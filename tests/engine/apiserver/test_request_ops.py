"""The /scale subresource (request_ops.py): an autoscaling/v1 Scale read from and written to spec.replicas, RBAC."""

from __future__ import annotations

import attrs
import pytest

from kdsl.engine.apiserver.errors import ApiError
from kdsl.engine.apiserver.request_ops import Scale
from tests.engine.apiserver.helpers import Cluster, message

TEXT = """
user jane
user joe
namespace shop {
  deployment web replicas=3 image=nginx:1.25 { labels app=web tier=front }
  statefulset db replicas=1 image=postgres:16
  replicaset worker replicas=2 image=shop/worker:1 { labels app=worker }
  daemonset agent image=shop/agent:1
  role scaler {
    allow get,update on deployments/scale
  }
  role reader {
    allow get on deployments
  }
  rolebinding jane-scales role=scaler to user:jane
  rolebinding joe-reads role=reader to user:joe
}
"""


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(TEXT)


@pytest.mark.parametrize("kind,name,replicas,selector", [
    ("Deployment", "web", 3, "app=web,tier=front"), ("StatefulSet", "db", 1, "app=db"),
    ("ReplicaSet", "worker", 2, "app=worker")])
def test_get_reads_spec_replicas_and_the_selector(cluster, kind, name, replicas, selector):
    result = cluster.ask("get", kind, namespace="shop", name=name, subresource="scale")
    scale = result.object.spec
    assert isinstance(scale, Scale)
    assert (scale.replicas, scale.status_replicas, scale.selector_text) == (replicas, 0, selector)


def test_update_writes_spec_replicas_and_moves_the_generation(cluster):
    got = cluster.ask("get", "Deployment", namespace="shop", name="web", subresource="scale", user="jane").object
    new = attrs.evolve(got, spec=attrs.evolve(got.spec, replicas=5))
    result = cluster.ask("update", "Deployment", object=new, subresource="scale", user="jane")
    assert not isinstance(result, ApiError)
    assert (result.object.kind, result.object.spec.replicas, result.object.spec.template) == (
        "Deployment", 5, cluster.view.get("Deployment", "shop", "web").spec.template)
    assert result.object.meta.generation == got.meta.generation + 1


def test_rbac_names_the_subresource(cluster):
    got = cluster.ask("get", "Deployment", namespace="shop", name="web", subresource="scale").object
    new = attrs.evolve(got, spec=attrs.evolve(got.spec, replicas=5))
    assert message(cluster.ask("update", "Deployment", object=new, subresource="scale", user="joe")) == (
        'deployments.apps "web" is forbidden: User "joe" cannot update resource "deployments/scale" in API group '
        '"apps" in the namespace "shop"')
    # reading the deployment does not grant reading its scale, nor the reverse
    assert isinstance(cluster.ask("get", "Deployment", namespace="shop", name="web", subresource="scale", user="joe"),
                      ApiError)
    assert isinstance(cluster.ask("get", "Deployment", namespace="shop", name="web", user="jane"), ApiError)


def test_negative_replicas_are_invalid(cluster):
    got = cluster.ask("get", "Deployment", namespace="shop", name="web", subresource="scale").object
    new = attrs.evolve(got, spec=attrs.evolve(got.spec, replicas=-1))
    assert message(cluster.ask("update", "Deployment", object=new, subresource="scale")) == (
        'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0')


def test_kinds_without_scale_and_missing_objects(cluster):
    assert message(cluster.ask("get", "DaemonSet", namespace="shop", name="agent", subresource="scale")) == (
        "the server could not find the requested resource")
    assert message(cluster.ask("get", "Deployment", namespace="shop", name="wbe", subresource="scale")) == (
        'deployments.apps "wbe" not found')
