"""Graceful shutdown in the whole cluster: Terminating pods, terminating endpoints, rollouts and namespaces."""

from __future__ import annotations

from pathlib import Path

import kdsl
from kdsl.engine.objects import Terminated
from kdsl.engine.services import slices_at
from kdsl.engine.simulation import Simulation

SCENARIO = (Path(__file__).parents[1] / "scenarios" / "test_shutdown.kdsl").read_text(encoding="utf-8")


def _sim() -> Simulation:
    return Simulation(kdsl.parse(SCENARIO, "test_shutdown.kdsl")).run(300_000)


def _last_state(sim: Simulation, ns: str, name: str) -> Terminated:
    """The container's state in the pod's last stored version, before the kubelet removed it."""
    last = [c.obj for c in sim.store.history if c.key == ("Pod", ns, name) and c.obj is not None][-1]
    return last.status.container_statuses[0].state


def _endpoints(sim: Simulation, t: int) -> dict[str, tuple[bool, bool, bool]]:
    return {ep.pod: (ep.ready, ep.serving, ep.terminating)
            for s in slices_at(sim.store, "shop", "api", t) for ep in s.spec.endpoints}


def test_a_pod_with_shutdown_20s_is_terminating_for_20s_with_a_serving_terminating_endpoint():
    sim = _sim()
    assert [t for t in (59_999, 60_000, 79_999, 80_000) if sim.store.at(("Pod", "shop", "api"), t)] == \
        [59_999, 60_000, 79_999]
    assert sim.store.at(("Pod", "shop", "api"), 60_000).terminating
    for t in (60_000, 79_999):  # as the EndpointSlice controller writes a deleted pod that is still Ready
        assert _endpoints(sim, t) == {"api": (False, True, True), "api-2": (True, True, False)}
    assert _endpoints(sim, 80_000) == {"api-2": (True, True, False)}
    state = _last_state(sim, "shop", "api")
    assert (state.exit_code, state.finished_ms) == (143, 80_000)


def test_with_grace_10s_it_is_killed_at_10s_with_exit_137():
    sim = _sim()
    assert sim.store.at(("Pod", "shop", "stubborn"), 69_999).terminating
    assert sim.store.at(("Pod", "shop", "stubborn"), 70_000) is None
    state = _last_state(sim, "shop", "stubborn")
    assert (state.exit_code, state.reason, state.finished_ms) == (137, "Error", 70_000)


def test_a_rollout_does_not_wait_for_terminating_pods():
    """FilterActivePods (pkg/controller/controller_utils.go): a terminating pod is no replica, so maxSurge 1
    of 2 still lets 4 pods stand while the old ones shut down."""
    sim = _sim()
    pods = sim.store.kind_at("Pod", "shop", 122_000)
    web = sorted((p.terminating, p.meta.label_dict()["pod-template-hash"]) for p in pods if p.name.startswith("web"))
    assert [t for t, _ in web] == [False, False, True, True] and len({h for _, h in web}) == 2
    d = sim.store.at(("Deployment", "shop", "web"), 122_000).status
    assert (d.replicas, d.updated_replicas, d.available_replicas) == (2, 2, 2)


def test_a_deleted_namespace_stays_terminating_until_its_last_pod_is_gone():
    sim = _sim()
    key = ("Namespace", None, "scratch")
    assert sim.store.at(key, 180_000).status.phase == "Terminating"
    assert sim.store.at(key, 204_999).status.phase == "Terminating"
    assert sim.store.at(("Pod", "scratch", "slow"), 204_999) is not None
    assert sim.store.at(key, 205_000) is None and sim.store.at(("Pod", "scratch", "slow"), 205_000) is None


def test_the_pods_table_shows_terminating_as_kubectl_does():
    sim = _sim()
    table = sim.pods(at=79_000, namespace="shop")
    row = table[table["NAME"] == "api"].iloc[0]
    assert (row["STATUS"], row["READY"]) == ("Terminating", "1/1")


def test_why_says_when_each_container_exits_or_is_killed():
    sim = _sim()
    assert str(sim.why("shop/api", at=70_000)).endswith(
        "app takes 20s to exit after SIGTERM (`shutdown 20s`): it exits at 1m20s.")
    assert str(sim.why("shop/stubborn", at=65_000)).endswith(
        "app takes 20s to exit after SIGTERM (`shutdown 20s`), longer than the grace period: it is killed (SIGKILL, "
        "exit 137) at 1m10s.")


def test_the_namespaces_table_shows_it_terminating_while_its_pod_shuts_down():
    sim = _sim()
    during = sim.namespaces(at=200_000).set_index("NAME")
    assert (during.loc["scratch", "STATUS"], during.loc["scratch", "PODS"]) == ("Terminating", 1)
    assert "scratch" not in set(sim.namespaces(at=205_000)["NAME"])
