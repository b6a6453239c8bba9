"""The root CA publisher: kube-root-ca.crt in every namespace, put back when deleted or changed, and counted."""

from __future__ import annotations

import base64

import attrs

import kdsl
from kdsl.engine.apiserver.authn import ADMIN
from kdsl.engine.controllers.root_ca_publisher import (
    CA_CRT,
    DESCRIPTION_ANNOTATION,
    NAME,
)
from kdsl.engine.simulation import Simulation
from kdsl.model.nodes import SYSTEM_NAMESPACES

SCENARIO = """
node n1 cpu=8 memory=16Gi
namespace apps
at 20s: delete namespace apps
"""


def _history(sim, ns):
    return [c for c in sim.store.history if c.key == ("ConfigMap", ns, NAME)]


def test_every_namespace_gets_the_ca_bundle_as_the_publishers_account():
    sim = Simulation(kdsl.parse(SCENARIO)).run(10_000)
    for ns in (*SYSTEM_NAMESPACES, "apps"):
        cm = sim.store.get("ConfigMap", ns, NAME)
        assert dict(cm.spec.data) == {"ca.crt": CA_CRT} and cm.meta.creation_ms == 0
        assert dict(cm.meta.annotations)[DESCRIPTION_ANNOTATION].startswith("Contains a CA bundle")
    users = {getattr(r.user, "name", r.user) for r in sim.traces.requests if r.kind == "ConfigMap"}
    assert users == {"system:serviceaccount:kube-system:root-ca-cert-publisher"}


def test_the_placeholder_is_pem_shaped_and_says_what_it_is():
    lines = CA_CRT.splitlines()
    assert lines[0] == "-----BEGIN CERTIFICATE-----" and lines[-1] == "-----END CERTIFICATE-----"
    assert all(len(line) <= 64 for line in lines[1:-1])
    assert b"not a certificate" in base64.b64decode("".join(lines[1:-1]))


def test_deleted_or_changed_it_is_put_back_until_the_namespace_goes():
    sim = Simulation(kdsl.parse(SCENARIO)).run(5_000)
    sim.delete("ConfigMap", "apps", NAME, source="test", user=ADMIN)
    sim.run(6_000)
    assert sim.store.get("ConfigMap", "apps", NAME).meta.creation_ms == 5_000
    cm = sim.store.get("ConfigMap", "apps", NAME)
    sim.submit("update", attrs.evolve(cm, spec=attrs.evolve(cm.spec, data=(("ca.crt", "edited"),))),
               source="test", user=ADMIN)
    sim.run(7_000)
    assert dict(sim.store.get("ConfigMap", "apps", NAME).spec.data) == {"ca.crt": CA_CRT}
    sim.run(60_000)
    assert [c.op for c in _history(sim, "apps")] == ["ADDED", "DELETED", "ADDED", "MODIFIED", "MODIFIED", "DELETED"]
    assert not [r for r in sim.rejections if r.kind == "ConfigMap"]  # nothing made in the terminating namespace


def test_a_quota_on_configmaps_counts_it():
    sim = Simulation(kdsl.parse("""
namespace team {
  quota configmaps=2
  configmap one { a = b }
}
""")).run(5_000)
    quota = sim.store.list("ResourceQuota", "team")[0]
    assert dict(quota.status.used)["configmaps"] == 2  # one, and kube-root-ca.crt
