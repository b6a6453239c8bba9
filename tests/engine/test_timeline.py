"""Timeline actions on a running simulation: apply, create as a user, delete by selector."""

from __future__ import annotations

import attrs
import kdsl
from kdsl.model.timeline import Rollback

SCENARIO = """
node n1
namespace shop
pod shop/a image=nginx:1.25 { labels app=web }
pod shop/b image=nginx:1.25 { labels app=web }
pod shop/c image=nginx:1.25 { labels app=db }
at 10s: apply {
  namespace extra { pod late image=nginx:1.25 }
  configmap shop/cfg { mode = "x" }
}
at 20s: apply { configmap shop/cfg { mode = "y" } }
at 30s: delete pods shop app=web
run 2m
expect pod extra/late phase=Running by 30s
expect pods shop count=1
"""


def test_apply_creates_then_updates_and_delete_by_selector():
    sim = kdsl.simulate(kdsl.parse(SCENARIO))
    assert all(r.passed for r in sim.check()), [(r.text, r.found) for r in sim.check()]
    cfg = sim.store.get("ConfigMap", "shop", "cfg")
    # Updated in place (the uid stays); a ConfigMap's strategy counts no generation.
    assert dict(cfg.spec.data) == {"mode": "y"} and cfg.meta.generation == 0
    assert cfg.meta.uid == sim.state(15_000)[("ConfigMap", "shop", "cfg")].meta.uid
    assert sim.state(15_000)[("ConfigMap", "shop", "cfg")].spec.data == (("mode", "x"),)
    assert [p.name for p in sim.store.list("Pod", "shop")] == ["c"]


def test_a_rollback_of_a_kind_kubectl_cannot_roll_back_is_its_error_for_a_python_built_scenario():
    # The language rolls back a Deployment, StatefulSet or DaemonSet only; a Rollback built in Python may name
    # any kind, and kubectl's RollbackerFor refuses the others (polymorphichelpers/rollback.go).
    scenario = kdsl.parse("node n1\nreplicaset rs image=nginx:1.25\n")
    undo = Rollback(at_ms=60_000, kind="ReplicaSet", namespace="default", name="rs")
    sim = kdsl.simulate(attrs.evolve(scenario, timeline=(undo,)), until=90_000)
    assert [(e.type, e.source, e.message) for e in sim.log.events if e.reason == "FailedRollback"] == \
        [("Warning", "kubectl", 'error: no rollbacker has been implemented for "ReplicaSet.apps"')]
