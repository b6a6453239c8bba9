"""The namespace controller: Terminating, emptied (pods gracefully), then removed (oracle 73 meanwhile)."""

from __future__ import annotations

import kdsl
from kdsl.engine.simulation import Simulation

SCENARIO = """
node n1 cpu=8 memory=16Gi
namespace extra {
  configmap cfg { a = b }
  pod solo image=nginx
  job batch parallelism=2 completions=4 image=busybox
}
at 20s: delete namespace extra
at 20s: create pod extra/late image=nginx
"""


def test_a_deleted_namespace_is_terminating_until_emptied_then_removed():
    sim = Simulation(kdsl.parse(SCENARIO)).run(60_000)
    changes = [c for c in sim.store.history if c.key == ("Namespace", None, "extra")]
    marked = next(c.obj for c in changes if c.obj is not None and c.obj.terminating)
    assert marked.meta.deletion_ms == 20_000
    phases = [c.obj.status.phase for c in changes if c.obj is not None and c.obj.status is not None]
    assert phases == ["Terminating"]
    removed = next(c for c in changes if c.op == "DELETED")
    contents = [c for c in sim.store.history if c.key[1] == "extra" and c.op == "DELETED"]
    assert {c.key[0] for c in contents} >= {"ConfigMap", "Pod", "Job"}
    assert all(c.resource_version < removed.resource_version for c in contents)
    pod_marked = next(c.obj for c in sim.store.history if c.key == ("Pod", "extra", "solo") and c.obj is not None
                      and c.obj.terminating)
    assert pod_marked.meta.deletion_grace_ms == 30_000  # gracefully
    assert sim.store.get("Namespace", None, "extra") is None


def test_oracle_73_creating_in_a_terminating_namespace_is_refused():
    sim = Simulation(kdsl.parse(SCENARIO)).run(60_000)
    (late,) = [r for r in sim.rejections if r.name == "late"]
    assert (late.code, late.message) == (403, 'pods "late" is forbidden: unable to create new content in namespace '
                                              "extra because it is being terminated")


def test_a_namespace_waits_for_pods_that_cannot_terminate():
    sim = Simulation(kdsl.parse("""
node n1
namespace extra { pod solo image=nginx }
at 5s: fail node n1
at 20s: delete namespace extra
at 3m: recover node n1
""")).run(400_000)
    ns = sim.store.at(("Namespace", None, "extra"), 170_000)
    assert ns is not None and ns.status.phase == "Terminating"
    gone = next(c.time_ms for c in sim.store.history if c.key == ("Namespace", None, "extra") and c.op == "DELETED")
    assert gone >= 180_000


def test_default_cannot_be_deleted():
    sim = Simulation(kdsl.parse("node n1\nat 1s: delete namespace default\n")).run(10_000)
    assert sim.rejections[0].message == 'namespaces "default" is forbidden: this namespace may not be deleted'
