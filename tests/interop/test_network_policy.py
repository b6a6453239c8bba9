"""NetworkPolicy through export: the LANGUAGE.md example exports as networking.k8s.io/v1 that the 1.33 schema
accepts in strict mode, with policyTypes as the API server stores them."""

from __future__ import annotations

import kubernetes_validate as kv

import kdsl
from kdsl.interop import to_manifests

TEXT = """namespace shop
networkpolicy shop/db-from-api selects app=db {
  allow ingress from pods app=api ports 5432
  allow ingress from namespaces team=ops pods app=prom ports 9187/TCP
  allow ingress from cidr 10.0.0.0/8 except 10.1.0.0/16
  allow egress to pods app=cache ports 6379,7000-7100
  allow egress to namespaces kubernetes.io/metadata.name=kube-system ports 53/UDP,53/TCP
}
networkpolicy shop/default-deny selects all { isolate ingress,egress }
"""


def policies():
    return [m for m in to_manifests(kdsl.parse(TEXT)) if m["kind"] == "NetworkPolicy"]


def test_export_is_valid_networking_v1():
    for m in policies():
        kv.validate(m, "1.33", strict=True)


def test_export_spec():
    db, deny = policies()
    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    assert db["spec"]["ingress"][1] == {
        "ports": [{"protocol": "TCP", "port": 9187}],
        "from": [{"namespaceSelector": {"matchLabels": {"team": "ops"}}, "podSelector": {"matchLabels": {"app": "prom"}}}]}
    assert db["spec"]["ingress"][2] == {"from": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}]}
    assert db["spec"]["egress"][0]["ports"] == [{"protocol": "TCP", "port": 6379},
                                                {"protocol": "TCP", "port": 7000, "endPort": 7100}]
    assert db["spec"]["policyTypes"] == ["Ingress", "Egress"]
