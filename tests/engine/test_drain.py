"""`drain node` as `kubectl drain --ignore-daemonsets --delete-emptydir-data [--force] [--timeout]`
(staging/src/k8s.io/kubectl/pkg/drain/drain.go and filters.go): kubectl's lines as events on the node, and the
drain's record (DrainRecord) with its outcome."""

from __future__ import annotations

import attrs

import kdsl
from kdsl.engine.apiserver.eviction import TOO_MANY_PDBS
from kdsl.engine.drain import evict
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


NODE = "node n1 cpu=4 memory=8Gi\n"


def sim_of(body: str, until: int = 60_000, extra: str = "") -> Simulation:
    return Simulation(kdsl.parse(NODE + "namespace shop {\n" + body + "\n}\n" + extra, "t.kdsl")).run(until=until)


def pods(sim) -> list[str]:
    return sorted(p.name for p in sim.store.list("Pod", "shop") if not p.terminating)


def pdb(sim, name="web-pdb"):
    s = sim.store.get("PodDisruptionBudget", "shop", name).status
    return s.disruptions_allowed, s.current_healthy, s.desired_healthy


WEB3 = "deployment web replicas=3 image=nginx:1.25\npdb web-pdb selects app=web minAvailable=2"


def test_an_allowed_eviction_spends_the_budget_and_deletes_the_pod_with_grace():
    sim = sim_of(WEB3)
    first = pods(sim)[0]
    assert pdb(sim) == (1, 3, 2)
    assert evict(sim, "shop", first, source="test") is None
    pod = sim.store.get("Pod", "shop", first)
    assert pod.terminating and pod.meta.deletion_grace_ms == 30_000
    cond = pod.status.condition("DisruptionTarget")
    assert (cond.status, cond.reason, cond.message) == ("True", "EvictionByEvictionAPI", "Eviction API: evicting")
    assert sim.store.get("PodDisruptionBudget", "shop", "web-pdb").status.disruptions_allowed == 0


def test_a_second_eviction_in_the_same_moment_is_refused_with_429():
    sim = sim_of(WEB3)
    a, b = pods(sim)[:2]
    assert evict(sim, "shop", a, source="test") is None
    err = evict(sim, "shop", b, source="test")
    assert (err.code, err.reason, err.message) == (429, "TooManyRequests", REFUSED)
    # the budget still says 3 healthy (the controller has not synced): disruptionDeniedMessage's default case
    assert err.cause == "The disruption budget web-pdb does not allow evicting pods currently"
    [rej] = sim.rejections
    assert (rej.verb, rej.kind, rej.name, rej.code, rej.message) == (
        "create", "Pod", b, 429, REFUSED + " The disruption budget web-pdb does not allow evicting pods currently")
    [ev] = [e for e in sim.log.events if e.reason == "FailedEviction"]
    assert (ev.type, ev.name, ev.message) == ("Warning", b, rej.message)


def test_a_budget_without_room_refuses_with_its_numbers_then_allows_once_a_replacement_is_ready():
    sim = sim_of("deployment web replicas=2 image=nginx:1.25\npdb web-pdb selects app=web minAvailable=2")
    a = pods(sim)[0]
    err = evict(sim, "shop", a, source="test")
    assert err.message == "Cannot evict pod as it would violate the pod's disruption budget."
    assert err.cause == "The disruption budget web-pdb needs 2 healthy pods and has 2 currently"
    assert not sim.store.get("Pod", "shop", a).terminating
    sim.submit("update", _scaled(sim, 3), source="test")
    sim.run(until=120_000)
    assert pdb(sim) == (1, 3, 2)
    assert evict(sim, "shop", a, source="test") is None


def _scaled(sim, n):
    dep = sim.store.get("Deployment", "shop", "web")
    return attrs.evolve(dep, spec=attrs.evolve(dep.spec, replicas=n))


def test_two_budgets_selecting_a_pod_are_an_internal_error():
    sim = sim_of(WEB3 + "\npdb other selects app=web maxUnavailable=1")
    err = evict(sim, "shop", pods(sim)[0], source="test")
    assert (err.code, err.reason, err.message) == (500, "InternalError", TOO_MANY_PDBS)


def test_a_pod_no_budget_selects_is_deleted():
    sim = sim_of("pod lone image=nginx:1.25")
    assert evict(sim, "shop", "lone", source="test") is None
    assert sim.store.get("Pod", "shop", "lone").terminating


def test_a_pending_pod_ignores_the_budget():
    sim = sim_of("deployment web replicas=2 image=nginx:1.25 cpu=3\npdb web-pdb selects app=web minAvailable=2")
    pending = [p.name for p in sim.store.list("Pod", "shop") if p.status.phase == "Pending"]
    assert len(pending) == 1
    assert evict(sim, "shop", pending[0], source="test") is None


def test_evict_pod_in_the_timeline_goes_through_the_eviction_api():
    base = sim_of(WEB3)
    a, b = pods(base)[:2]
    timeline = f"at 1m: evict pod shop/{a}\nat 1m: evict pod shop/{b}\nat 1m10s: evict pod shop/{b}\nrun 2m\n"
    sim = Simulation(kdsl.parse(NODE + "namespace shop {\n" + WEB3 + "\n}\n" + timeline, "t.kdsl")).run()
    assert [(r.time_ms, r.name, r.code) for r in sim.rejections] == [(60_000, b, 429)]
    assert sim.store.get("Pod", "shop", a) is None and sim.store.get("Pod", "shop", b) is None
    assert pdb(sim) == (1, 3, 2)  # both replaced and Ready again


def test_evict_pod_of_a_missing_pod_is_not_found():
    sim = sim_of(WEB3, extra="at 1m: evict pod shop/nope\nrun 2m\n")
    sim.run()
    [rej] = sim.rejections
    assert (rej.code, rej.message) == (404, 'pods "nope" not found')
