"""The Eviction API (pkg/registry/core/pod/storage/eviction.go): a budget that allows a disruption spends one and
the pod is deleted with grace and a DisruptionTarget condition; one that does not refuses with 429 and upstream's
message and cause; two budgets are a 500; a pending pod ignores budgets; `evict pod` in the timeline goes through it."""

from __future__ import annotations

import attrs

import kdsl
from kdsl.engine.apiserver.eviction import REFUSED, TOO_MANY_PDBS
from kdsl.engine.evictions import evict
from kdsl.engine.simulation import Simulation

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
