"""Refusals of the pods a controller names from generateName: admission names the prefix or the name, as upstream."""

from __future__ import annotations

import kdsl

QUOTA = """
cluster c { node n1 cpu=4 memory=8Gi }
namespace shop {
  quota pods=1
  deployment web replicas=2 { container web image=nginx:1.25 cpu=100m memory=64Mi }
}
run 1s
"""

MISSING_ACCOUNT = """
cluster c { node n1 cpu=4 memory=8Gi }
namespace shop {
  deployment web replicas=1 {
    serviceaccount ghost
    container web image=nginx:1.25 cpu=100m memory=64Mi
  }
}
run 1s
"""


def _replicaset(sim) -> str:
    return next(o.name for o in sim.store.list("ReplicaSet", "shop"))


def test_a_mutating_plugin_names_the_generate_name_prefix():
    # ServiceAccount admits before rest.BeforeCreate generates the name (apiserver/pkg/admission/errors.go)
    sim = kdsl.simulate(kdsl.parse(MISSING_ACCOUNT))
    rs = _replicaset(sim)
    refused = [r for r in sim.rejections if r.kind == "Pod"]
    assert refused and {r.message for r in refused} == {
        f'pods "{rs}-" is forbidden: error looking up service account shop/ghost: serviceaccount "ghost" not found'}


def test_a_validating_plugin_names_the_generated_name():
    # ResourceQuota validates inside the registry's Create, after the name was generated
    sim = kdsl.simulate(kdsl.parse(QUOTA))
    rs = _replicaset(sim)
    refused = [r for r in sim.rejections if r.kind == "Pod"]
    assert refused
    for r in refused:
        assert r.message.startswith(f'pods "{r.name}" is forbidden: exceeded quota: quota, requested: pods=1')
        assert r.name.startswith(f"{rs}-") and len(r.name) == len(rs) + 6


def test_a_controllers_refusal_is_its_own_event_only():
    # the API server writes no Event for a refused request: the ReplicaSet controller's FailedCreate is the one
    sim = kdsl.simulate(kdsl.parse(QUOTA))
    failed = [e for e in sim.log.occurrences if e.reason == "FailedCreate"]
    assert failed and {e.kind for e in failed} == {"ReplicaSet"}
    assert len(failed) == len([r for r in sim.rejections if r.kind == "Pod"])


def test_a_scenario_request_refused_is_still_an_event():
    sim = kdsl.simulate(kdsl.parse(QUOTA.replace("run 1s", "at 2s: create pod shop/extra image=nginx:1.25\nrun 3s")))
    assert any(e.reason == "FailedCreate" and e.kind == "Pod" and e.name == "extra" for e in sim.log.occurrences)
