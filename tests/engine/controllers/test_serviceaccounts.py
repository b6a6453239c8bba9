"""The service accounts controller: `default` in every active namespace, as its own account, recreated."""

from __future__ import annotations

import kdsl
from kdsl.engine.apiserver.authn import ADMIN
from kdsl.engine.simulation import Simulation
from kdsl.model.nodes import SYSTEM_NAMESPACES

SCENARIO = """
node n1 cpu=8 memory=16Gi
namespace apps {
  pod web image=nginx
}
at 20s: delete namespace apps
"""


def _accounts(sim, name="default"):
    return [c for c in sim.store.history if c.key[0] == "ServiceAccount" and c.key[2] == name]


def test_every_namespace_gets_default_at_once_as_the_controllers_account():
    sim = Simulation(kdsl.parse(SCENARIO)).run(10_000)
    made = {c.key[1]: c for c in _accounts(sim) if c.op == "ADDED"}
    assert set(made) == set(SYSTEM_NAMESPACES) | {"apps"}
    assert {c.time_ms for c in made.values()} == {0}  # within the moment the namespace appears
    requests = [r for r in sim.traces.requests if r.kind == "ServiceAccount" and r.verb == "create"]
    users = {getattr(r.user, "name", r.user) for r in requests}
    assert users == {"system:serviceaccount:kube-system:service-account-controller"}
    pod = sim.store.get("Pod", "apps", "web")
    assert pod.spec.template.service_account == "default"


def test_a_deleted_default_account_is_recreated_but_not_in_a_terminating_namespace():
    sim = Simulation(kdsl.parse(SCENARIO)).run(10_000)
    first = sim.store.get("ServiceAccount", "apps", "default")
    sim.delete("ServiceAccount", "apps", "default", source="test", user=ADMIN)
    sim.run(11_000)
    again = sim.store.get("ServiceAccount", "apps", "default")
    assert again is not None and again.meta.uid != first.meta.uid
    assert again.meta.creation_ms == 10_000
    sim.run(60_000)
    assert [c.op for c in _accounts(sim) if c.key[1] == "apps"] == ["ADDED", "DELETED", "ADDED", "DELETED"]
    assert sim.store.get("Namespace", None, "apps") is None
    assert not [r for r in sim.rejections if r.kind == "ServiceAccount"]


def test_the_accounts_take_no_draw_of_the_simulations_random_names():
    # the simulation's RNG names pods and gives uids: the accounts (and kube-root-ca.crt) have streams of their own
    sim = Simulation(kdsl.parse("namespace other"))
    before = sim.rng.getstate()
    sim.run(1_000)
    assert len(_accounts(sim)) == len(SYSTEM_NAMESPACES) + 1
    assert len(sim.store.list("ConfigMap", "other")) == 1
    assert sim.rng.getstate() == before
