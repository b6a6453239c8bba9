"""Scale-down: utilization, the drainability rules, the removal simulation, the budgets and the delays."""

from __future__ import annotations

import kdsl
from kdsl.engine.autoscaler.simulator import BLOCK, MOVE, SKIP, Budgets, drainable, pods_to_move
from kdsl.engine.autoscaler.scaledown import Unneeded, to_delete


def pdb(name: str, ns: str, spec: str) -> str:
    return (f'manifest """\n  apiVersion: policy/v1\n  kind: PodDisruptionBudget\n'
            f'  metadata: {{name: {name}, namespace: {ns}}}\n  spec: {spec}\n"""\n')


PODS = """
cluster c { nodes pool count=1 cpu=8 memory=32Gi autoscale=1..3 }
namespace shop {
  pod bare image=app:1
  deployment web replicas=2 image=app:1
  deployment cache replicas=1 image=app:1 { volume scratch emptydir }
  pod marked image=app:1 { annotations cluster-autoscaler.kubernetes.io/safe-to-evict=true }
  deployment pinned replicas=1 image=app:1 { annotations cluster-autoscaler.kubernetes.io/safe-to-evict=false }
  daemonset agent image=agent:1
}
deployment kube-system/dns replicas=1 image=dns:1
deployment kube-system/metrics replicas=1 image=metrics:1
"""


def run(extra: str = ""):
    sim = kdsl.simulate(kdsl.parse(PODS + extra + "run 1m"))
    return sim, {p.name.rsplit("-", 2)[0] if p.meta.owners else p.name: p for p in sim.store.list("Pod")}


def test_drainability_rules_in_upstream_order():
    sim, pods = run(pdb("metrics", "kube-system", "{minAvailable: 0, selector: {matchLabels: {app: metrics}}}"))
    budgets = Budgets(sim.store)
    got = {name: drainable(p, budgets) for name, p in pods.items()}
    assert got["web"].outcome == MOVE
    assert (got["bare"].outcome, got["bare"].reason, got["bare"].message) == (
        BLOCK, "NotReplicated", "shop/bare is not replicated")
    assert (got["cache"].reason, got["cache"].message) == (
        "LocalStorageRequested", f"pod with local storage present: {pods['cache'].name}")
    assert got["marked"].outcome == MOVE  # safe-to-evict=true interrupts before the blocking rules
    assert got["pinned"].reason == "NotSafeToEvictAnnotation"
    assert got["agent"].outcome == SKIP  # DaemonSet pods go with the node
    assert (got["dns"].reason, got["dns"].message) == (
        "UnmovableKubeSystemPod", f"non-daemonset, non-mirrored, non-pdb-assigned kube-system pod present: "
                                  f"{pods['dns'].name}")
    assert got["metrics"].outcome == MOVE  # a kube-system pod with a PodDisruptionBudget may move


def test_a_budget_that_cannot_spare_the_pods_blocks():
    sim, pods = run(pdb("web", "shop", "{maxUnavailable: 1, selector: {matchLabels: {app: web}}}"))
    webs = [p for p in sim.store.list("Pod", "shop") if p.meta.label_dict().get("app") == "web"]
    budgets = Budgets(sim.store)
    move, skip, blocked = pods_to_move(webs[:1], budgets)
    assert blocked is None and len(move) == 1
    move, skip, blocked = pods_to_move(webs, budgets)
    assert blocked.reason == "NotEnoughPdb"
    assert blocked.message == f"not enough pod disruption budget to move shop/{webs[1].name}"


def unneeded(node: str, group: str = "g", empty: bool = True) -> Unneeded:
    return Unneeded(node, group, 0.1, 0.1, () if empty else (object(),), ())


def test_to_delete_waits_the_unneeded_time_and_keeps_the_min():
    since = {"g-1": 0, "g-2": 0, "g-3": 60_000}
    nodes = [unneeded("g-1"), unneeded("g-2"), unneeded("g-3")]
    empty, drain = to_delete(nodes, since, 599_999, {"g": 3}, {"g": 0}, 0)
    assert (empty, drain) == ([], [])
    empty, drain = to_delete(nodes, since, 600_000, {"g": 3}, {"g": 0}, 0)
    assert [u.node for u in empty] == ["g-1", "g-2"]
    empty, drain = to_delete(nodes, since, 700_000, {"g": 3}, {"g": 2}, 0)
    assert [u.node for u in empty] == ["g-1"]  # never below the group's min


def test_to_delete_drains_one_node_at_a_time_and_empties_in_bulk():
    nodes = [unneeded("g-1", empty=False), unneeded("g-2", empty=False)] + [unneeded(f"g-{i}") for i in range(3, 16)]
    since = {u.node: 0 for u in nodes}
    empty, drain = to_delete(nodes, since, 600_000, {"g": 15}, {"g": 0}, 0)
    assert [u.node for u in drain] == ["g-1"]
    assert len(empty) == 10  # --max-empty-bulk-delete
    empty, drain = to_delete(nodes, since, 600_000, {"g": 15}, {"g": 0}, 1)
    assert drain == []  # a drain under way: no other starts


DELAY = """
cluster c {
  nodes idle count=2 cpu=4 memory=8Gi autoscale=1..2 { labels pool=idle }
  nodes busy count=1 cpu=4 memory=8Gi autoscale=1..3 { labels pool=busy }
}
deployment web replicas=1 image=app:1 cpu=3 { node-selector pool=busy }
at 5m: scale deployment default/web replicas=2
run 20m
"""


def test_no_scale_down_within_ten_minutes_of_a_scale_up():
    sim = kdsl.simulate(kdsl.parse(DELAY))
    ups = [e.time_ms for e in sim.log.events if e.reason == "TriggeredScaleUp"]
    assert ups == [310_000]
    # An idle node is unneeded from the first loop (10 s): without the scale-up it would go at 10m10s; the
    # scale-up at 5m10s holds every scale-down until 15m10s.
    (down,) = [e for e in sim.log.events if e.reason == "ScaleDownEmpty"]
    assert down.time_ms == 310_000 + 600_000
    assert down.message == 'Scale-down: removing empty node "idle-1"'
    marked = [e for e in sim.log.events if e.reason == "ScaleDown" and e.kind == "Node"]
    assert [(e.name, e.message) for e in marked] == [("idle-1", "marked the node as toBeDeleted/unschedulable")]
    taint = next(t for t in sim.store.at(("Node", None, "idle-1"), down.time_ms).spec.taints)
    assert (taint.key, taint.value, taint.effect) == ("ToBeDeletedByClusterAutoscaler", "910", "NoSchedule")
    assert sim.store.get("Node", None, "idle-1") is None
    assert sim.store.get("Node", None, "idle-2") is not None  # the group's min is 1
    assert sim.autoscaler.group_of("busy-2") == "busy"
