"""Writes from the scenario and the timeline go through the API server (oracles 71-74 in a run)."""

from __future__ import annotations

import kdsl

SCENARIO = """
node n1 cpu=8 memory=16Gi
namespace shop {
  quota pods=2
  limits default cpu=500m memory=256Mi max cpu=1
  pod a image=nginx:1.25
  pod b image=nginx:1.25
  pod c image=nginx:1.25
}
namespace dev
user alice token=t-1
role dev/reader { allow get,list on pods }
rolebinding dev/alice-reads role=reader to user:alice
at 10s as alice: create pod dev/probe image=busybox:1.36
at 20s: create pod dev/big image=busybox:1.36 cpu=2
expect events shop reason=FailedCreate message~"exceeded quota: quota, requested: pods=1, used: pods=2, limited: pods=2"
expect events dev reason=FailedCreate message~"User \\"alice\\" cannot create resource \\"pods\\""
expect as alice: can list pods in dev
expect as alice: cannot create pods in dev
expect as alice: cannot list pods in shop
expect pods dev count=1
"""


def test_admission_and_rbac_shape_and_refuse_writes():
    sim = kdsl.simulate(kdsl.parse(SCENARIO))
    results = sim.check()
    assert [r.passed for r in results] == [True] * 6, [(r.text, r.found) for r in results]
    a = sim.store.get("Pod", "shop", "a")
    assert a.spec.template.containers[0].limits.cpu == 500  # LimitRanger's default (oracle 72)
    assert a.spec.template.service_account == "default"  # ServiceAccount admission (oracle 74)
    assert {(t.key, t.toleration_ms) for t in a.spec.template.tolerations} == {
        ("node.kubernetes.io/not-ready", 300_000), ("node.kubernetes.io/unreachable", 300_000)}
    assert sim.store.get("Pod", "shop", "c") is None
    quota = next(r for r in sim.rejections if r.name == "c")
    assert (quota.code, quota.message) == (403, 'pods "c" is forbidden: exceeded quota: quota, requested: pods=1, '
                                                'used: pods=2, limited: pods=2')
    alice = next(r for r in sim.rejections if r.user == "alice")
    assert alice.message == ('pods is forbidden: User "alice" cannot create resource "pods" in API group "" in '
                             'the namespace "dev"')
    assert sim.store.get("Pod", "dev", "big") is not None  # dev has no limits: cpu=2 is fine
