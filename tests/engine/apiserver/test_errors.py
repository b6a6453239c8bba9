"""Error shapes: apimachinery's StatusError messages, Go's %q, aggregates, field errors, quantities."""

from __future__ import annotations

import pytest

from kdsl.engine.apiserver.errors import (ApiError, FieldError, aggregate, already_exists, conflict, forbidden,
                                          go_quote, invalid, not_found, unauthorized)
from kdsl.engine.apiserver.resources import format_quantity, parse_resource, resource_info


def test_forbidden_messages():
    assert forbidden("pods", "", None, "create", "alice", "shop").message == (
        'pods is forbidden: User "alice" cannot create resource "pods" in API group "" in the namespace "shop"')
    assert forbidden("deployments", "apps", None, "list", "alice", "shop").message.startswith(
        "deployments.apps is forbidden: ")
    assert forbidden("nodes", "", None, "list", "alice", None).message.endswith(
        'cannot list resource "nodes" in API group "" at the cluster scope')
    assert forbidden("pods", "", "web", "get", "alice", "shop").message.startswith('pods "web" is forbidden: ')


def test_forbidden_subresource_and_reason():
    e = forbidden("pods", "", "web", "get", "bob", "dev", subresource="log",
                  reason='RBAC: role.rbac.authorization.k8s.io "x" not found')
    assert e == ApiError(403, "Forbidden", 'pods "web" is forbidden: User "bob" cannot get resource "pods/log" in '
                                           'API group "" in the namespace "dev": RBAC: '
                                           'role.rbac.authorization.k8s.io "x" not found')


def test_other_errors():
    assert unauthorized() == ApiError(401, "Unauthorized", "Unauthorized")
    assert not_found("namespaces", "", "dev").message == 'namespaces "dev" not found'
    assert already_exists("deployments", "apps", "web") == ApiError(409, "AlreadyExists",
                                                                     'deployments.apps "web" already exists')
    assert conflict("pods", "", "web", "boom").message == 'Operation cannot be fulfilled on pods "web": boom'


def test_invalid_joins_field_errors_as_an_aggregate():
    one = invalid("Pod", "", "x", [FieldError("metadata.name", "Invalid value", "x", "bad")])
    assert one.code == 422 and one.reason == "Invalid"
    assert one.message == 'Pod "x" is invalid: metadata.name: Invalid value: "x": bad'
    two = invalid("Deployment", "apps", "x", [FieldError("spec.replicas", "Invalid value", -1, "must be >= 0"),
                                              FieldError("spec.template.spec.containers", "Required value")])
    assert two.message == ('Deployment.apps "x" is invalid: [spec.replicas: Invalid value: -1: must be >= 0, '
                           'spec.template.spec.containers: Required value]')


def test_api_errors_are_values_and_exceptions():
    e = not_found("pods", "", "web")
    assert e == not_found("pods", "", "web") and str(e) == 'pods "web" not found'
    with pytest.raises(ApiError):
        raise e


@pytest.mark.parametrize("text,quoted", [("web", '"web"'), ('a"b', '"a\\"b"'), ("tab\there", '"tab\\there"'),
                                         ("é", '"é"'), ("\x01", '"\\x01"')])
def test_go_quote(text, quoted):
    assert go_quote(text) == quoted


def test_aggregate():
    assert aggregate(["a"]) == "a"
    assert aggregate(["a", "b", "a"]) == "[a, b]"


@pytest.mark.parametrize("resource,value,text", [
    ("cpu", 500, "500m"), ("requests.cpu", 2000, "2"), ("limits.cpu", 1500, "1500m"),
    ("memory", 2**30, "1Gi"), ("requests.memory", 1536 * 2**20, "1536Mi"), ("requests.storage", 10**9, "1G"),
    ("memory", 0, "0"), ("pods", 2, "2"), ("services.nodeports", 3, "3"),
    ("gold.storageclass.storage.k8s.io/requests.storage", 5 * 2**30, "5Gi"),
])
def test_format_quantity(resource, value, text):
    assert format_quantity(resource, value) == text


def test_resource_names():
    assert resource_info("Deployment").plural == "deployments" and resource_info("deploy").group == "apps"
    assert resource_info("pvcs").kind == "PersistentVolumeClaim" and not resource_info("nodes").namespaced
    assert resource_info("widgets") is None
    ref = parse_resource("pods/log")
    assert (ref.resource, ref.group, ref.subresource) == ("pods", "", "log")
    ref = parse_resource("widgets.example.com")
    assert (ref.resource, ref.group) == ("widgets", "example.com")
    assert parse_resource("sts").group == "apps"
