"""`drain node` as `kubectl drain --ignore-daemonsets --delete-emptydir-data [--force] [--timeout]`
(staging/src/k8s.io/kubectl/pkg/drain/drain.go and filters.go): kubectl's lines as events on the node, and the
drain's record (DrainRecord) with its outcome."""

from __future__ import annotations

import kdsl
from kdsl.engine.simulation import Simulation

BASE = """node n1 cpu=4 memory=8Gi
node n2 cpu=4 memory=8Gi
namespace shop {
  deployment web replicas=3 image=nginx:1.25 { affinity node kubernetes.io/hostname=n1 }
  daemonset agent image=busybox:1.36
  pdb web-pdb selects app=web minAvailable=2
  BODY
}
"""


def run(body: str, timeline: str) -> Simulation:
    return Simulation(kdsl.parse(BASE.replace("BODY", body) + timeline, "t.kdsl")).run()


def lines(sim) -> list[tuple[int, str]]:
    return [(e.time_ms, e.message) for e in sim.log.events if e.source == "kubectl" and e.kind == "Node"]


REFUSED = "Cannot evict pod as it would violate the pod's disruption budget."


def test_a_bare_pod_stops_the_drain_without_force():
    sim = run("pod lone image=nginx:1.25 { node-selector kubernetes.io/hostname=n1 }", "at 1m: drain node n1\nrun 2m\n")
    agent = next(p.name for p in sim.store.list("Pod", "shop") if p.name.startswith("agent")
                 and p.spec.template.node_name == "n1")
    assert lines(sim) == [
        (60_000, "node/n1 cordoned"),
        (60_000, f"Warning: ignoring DaemonSet-managed Pods: shop/{agent}"),
        (60_000, 'error: unable to drain node "n1" due to error: cannot delete Pods that declare no controller '
                 "(use --force to override): shop/lone, continuing command...")]
    [r] = sim.drainer.records
    assert (r.outcome, r.evicted, r.ignored) == ("failed", (), (f"shop/{agent}",))
    assert not sim.store.get("Pod", "shop", "lone").terminating
    assert sim.store.get("Node", None, "n1").spec.unschedulable  # the cordon stays


def test_force_deletes_the_bare_pod_and_a_budget_blocks_until_the_timeout():
    sim = run("pod lone image=nginx:1.25 { node-selector kubernetes.io/hostname=n1 }",
              "at 1m: drain node n1 force timeout=20s\nrun 3m\n")
    got = lines(sim)
    assert got[1][1].endswith("; deleting Pods that declare no controller: shop/lone")
    assert (60_000, "evicting pod shop/lone") in got and (61_000, "pod/lone evicted") in got
    retries = [m for t, m in got if "(will retry after 5s)" in m]
    assert retries and all(m.endswith(f"(will retry after 5s): {REFUSED}") for m in retries)
    [r] = sim.drainer.records
    assert r.outcome == "failed" and r.finished_ms == 80_000
    assert r.error.startswith('error when evicting pods/"web-') and r.error.endswith('global timeout reached: 20s')
    # web's pods are pinned to n1, so no replacement becomes Ready: one eviction (allowed 1), then refusals
    assert len([e for e in r.evicted if e.startswith("shop/web-")]) == 1
    assert got[-1] == (80_000, f'error: unable to drain node "n1" due to error: {r.error}, continuing command...')


def test_a_budget_blocks_then_allows_when_replacements_are_ready_elsewhere():
    text = BASE.replace("BODY", "").replace(" { affinity node kubernetes.io/hostname=n1 }", "")
    text = text.replace("node n2 cpu=4 memory=8Gi\n", "")  # n2 joins later: the replacements go there
    sim = Simulation(kdsl.parse(text + "at 1m: drain node n1\nat 1m30s: add node n2 cpu=4 memory=8Gi\nrun 4m\n",
                                "t.kdsl")).run()
    got = lines(sim)
    retries = [t for t, m in got if "(will retry after 5s)" in m]
    assert retries and min(retries) == 60_000 and max(retries) >= 90_000
    [r] = sim.drainer.records
    assert r.outcome == "drained" and len(r.evicted) == 3 and r.retries == len(retries)
    assert got[-1] == (r.finished_ms, "node/n1 drained")
    assert all(p.spec.template.node_name == "n2" for p in sim.store.list("Pod", "shop") if p.name.startswith("web"))
    assert sim.store.get("PodDisruptionBudget", "shop", "web-pdb").status.current_healthy >= 2


def test_daemonset_pods_are_left_and_emptydir_pods_deleted_with_a_warning():
    body = ("deployment cache image=nginx:1.25 { volume scratch emptydir\n"
            "  node-selector kubernetes.io/hostname=n1 }")
    sim = run(body, "at 1m: drain node n1 force\nrun 3m\n")
    cache = next(p.name for p in sim.store.state_at(59_000).values() if p.kind == "Pod" and p.name.startswith("cache"))
    assert any(m.startswith("Warning: ignoring DaemonSet-managed Pods: shop/agent-")
               and f"; deleting Pods with local storage: shop/{cache}" in m for _, m in lines(sim))
    agents = [p for p in sim.store.list("Pod", "shop") if p.name.startswith("agent")]
    assert len(agents) == 2 and not any(p.terminating for p in agents)


def test_sim_drains_is_a_table_of_each_drain():
    sim = run("pod lone image=nginx:1.25 { node-selector kubernetes.io/hostname=n1 }",
              "at 1m: drain node n1\nat 2m: drain node n2\nrun 3m\n")
    df = sim.drains()
    assert list(df.columns) == ["NODE", "STARTED", "FINISHED", "OUTCOME", "EVICTED", "IGNORED", "RETRIES", "ERROR"]
    assert list(df["NODE"]) == ["n1", "n2"] and list(df["OUTCOME"]) == ["failed", "drained"]
    assert df["ERROR"][0].startswith("cannot delete Pods that declare no controller") and df["ERROR"][1] == ""
    assert df["IGNORED"][1].startswith("shop/agent-") and df["EVICTED"][1] == ""


def test_draining_a_cordoned_node_says_already_cordoned_and_the_kubelet_records_no_second_event():
    # RunCordonOrUncordon prints `already cordoned` when UpdateIfRequired finds nothing to change; the kubelet
    # records NodeNotSchedulable only when spec.unschedulable changes.
    sim = run("", "at 1m: cordon node n2\nat 2m: drain node n2\nat 3m: uncordon node n2\nat 4m: uncordon node n2\n"
                  "run 5m\n")
    assert [m for _, m in lines(sim)][:1] == ["node/n2 already cordoned"]
    changes = [(e.time_ms, e.reason) for e in sim.log.events if e.reason in ("NodeNotSchedulable", "NodeSchedulable")
               and e.object == "node/n2"]
    assert changes == [(60_000, "NodeNotSchedulable"), (180_000, "NodeSchedulable")]
    assert [r.outcome for r in sim.drainer.records] == ["drained"]
