"""A ReplicaSet's counts, kept pod write by pod write, are what counting its pods again gives, at every sync of every
golden scenario; a sync reads the counts, not its pods (issue 17: 65,535 replicas rescanned at every sync)."""

from __future__ import annotations

import attrs
import pytest

import kdsl
from kdsl.engine.controllers import replicaset
from kdsl.engine.controllers.deployment_util import is_active, is_available, ready_since
from kdsl.engine.controllers.replicaset import ReplicaSetController, pods_to_delete
from kdsl.engine.simulation import Simulation
from tests.engine.controllers.test_replicaset import pod
from tests.engine.test_golden_runs import _files, _stories


def recount(ctrl, rs, now):
    """calculateStatus's counts from the pods themselves, as the controller counted them before."""
    active = [p for p in ctrl.owned("Pod", rs) if is_active(p)]
    wanted = set(rs.spec.template.labels)
    waits = [s + rs.spec.min_ready_ms for p in active
             if (s := ready_since(p)) is not None and not is_available(p, rs.spec.min_ready_ms, now)]
    return (len(active), sum(1 for p in active if wanted <= set(p.meta.labels)),
            sum(1 for p in active if ready_since(p) is not None),
            sum(1 for p in active if is_available(p, rs.spec.min_ready_ms, now)), min(waits, default=None))


def kept(ctrl, rs, now):
    counts = ctrl.counts.of(rs.meta.uid)
    return (counts.active, counts.fully_labeled(set(rs.spec.template.labels)), counts.ready,
            *counts.available(rs.spec.min_ready_ms, now))


MIXED = """
node n1 cpu=2 memory=4Gi
node n2 cpu=2 memory=4Gi
namespace shop {
  deployment web replicas=4 image=nginx:1.25 minReady=7s cpu=300m { labels app=web }
  replicaset solo replicas=3 image=nginx:1.25 minReady=3s { labels app=solo }
  replicationcontroller older replicas=2 image=nginx:1.25 minReady=2s
}
at 20s: set image shop/web web=nginx:1.26
at 40s: scale shop/web replicas=9
at 50s: fail node n2
at 1m30s: recover node n2
at 2m: apply {
  namespace shop { replicaset solo replicas=4 image=nginx:1.25 minReady=3s { labels app=solo; annotations a=b } }
}
at 2m10s: scale shop/web replicas=2
at 2m20s: delete pods shop app=solo
run 5m
"""


def test_the_counts_are_a_recount_at_every_sync_of_a_busy_scenario(monkeypatch):
    checked = []
    real = ReplicaSetController.reconcile

    def reconcile(self, key):
        rs = self.store.get(*key)
        if rs is not None:
            assert kept(self, rs, self.sim.now) == recount(self, rs, self.sim.now), (key, self.sim.now)
            checked.append(key)
        real(self, key)

    monkeypatch.setattr(ReplicaSetController, "reconcile", reconcile)
    sim = Simulation(kdsl.parse(MIXED)).run()
    kinds = {k[0] for k in checked}
    assert kinds == {"ReplicaSet", "ReplicationController"} and len(checked) > 30
    web = [rs for rs in sim.store.list("ReplicaSet") if rs.name.startswith("web-")]
    assert len(web) == 2 and sum(rs.status.replicas for rs in web) == 2


@pytest.mark.parametrize("name,text", _files()[::7] + _stories()[::5], ids=lambda v: v if "\n" not in v else "")
def test_the_counts_are_a_recount_in_golden_scenarios(monkeypatch, name, text):
    real = ReplicaSetController.reconcile

    def reconcile(self, key):
        rs = self.store.get(*key)
        if rs is not None:
            assert kept(self, rs, self.sim.now) == recount(self, rs, self.sim.now), (name, key, self.sim.now)
        real(self, key)

    monkeypatch.setattr(ReplicaSetController, "reconcile", reconcile)
    try:
        Simulation(kdsl.parse(text, f"{name}.kdsl")).run()
    except kdsl.KdslError:
        pass  # a scenario that is an error is a golden too; its syncs up to the error were checked


def test_scaling_up_lists_no_pod(monkeypatch):
    """Before, every sync listed every owned pod (twice when it created some) and read each one's Ready condition
    three times: the work of a sync grew with the pods, and 65,535 replicas took minutes. Now a sync reads its
    counts; only a scale-down lists the pods it ranks."""
    sim = Simulation(kdsl.parse("nodes pool count=20 cpu=64 memory=256Gi pods=110\n"
                                "deployment web replicas=1 image=nginx:1.25 cpu=10m\n"
                                "at 10s: scale deployment web replicas=2000\nrun 3m\n"))
    listed = []
    owned_by = sim.store.owned_by

    def counting(kind, uid):
        found = owned_by(kind, uid)
        if kind == "Pod":
            listed.append(len(found))
        return found

    monkeypatch.setattr(sim.store, "owned_by", counting)
    sim.run()
    (rs,) = sim.store.list("ReplicaSet")
    assert rs.status.ready_replicas == 2000
    assert sum(listed) == 0, f"{sum(listed):,} pods listed in {len(listed)} lists"  # before: 12,010 in 12


def test_ranking_pods_for_deletion_reads_each_pod_once(monkeypatch):
    """getPodsToDelete sorts n pods with n log n comparisons; each comparison used to read both pods' Ready
    condition, cost annotation and container statuses again."""
    pods = [pod(f"p{i:04}", f"n{i % 7}", "Running", 1_000 * (i % 13) or None, created=i * 10) for i in range(1000)]
    reads = []
    monkeypatch.setattr(replicaset, "ready_since", lambda p: reads.append(p) or ready_since(p))
    victims = pods_to_delete(pods, pods, 10, 600_000)
    assert len(reads) == len(pods)
    assert len(victims) == 10 and all(ready_since(p) is None for p in victims[:1])
    assert victims == pods_to_delete(list(pods), list(pods), 10, 600_000)


def test_a_pod_write_moves_the_counts_and_says_whether_what_a_sync_reads_moved():
    from kdsl.engine.controllers.replica_counts import Tally
    from kdsl.engine.objects import Condition, OwnerRef
    tally = Tally(("ReplicaSet",))
    made = pod("p1", "n1", "Pending", None)
    p1 = attrs.evolve(made, meta=attrs.evolve(made.meta, owners=(OwnerRef(kind="ReplicaSet", name="web", uid="u1"),)))
    assert tally.moved(None, p1) and tally.of("u1").active == 1
    running = attrs.evolve(p1, status=attrs.evolve(p1.status, phase="Running"))
    assert not tally.moved(p1, running)  # a phase the sync does not tell from Pending: nothing read moved
    progress = attrs.evolve(running, status=attrs.evolve(running.status, pod_ip="10.0.0.2"))
    assert not tally.moved(running, progress)  # the same conditions: not even read again
    ready = attrs.evolve(progress, status=attrs.evolve(progress.status, conditions=(
        Condition(type="Ready", status="True", last_transition_ms=5_000),)))
    assert tally.moved(progress, ready) and tally.of("u1").ready == 1
    relabeled = attrs.evolve(ready, meta=attrs.evolve(ready.meta, labels=(("app", "web"),)))
    assert not tally.moved(ready, relabeled) and tally.of("u1").labels == {(("app", "web"),): 1}
    assert tally.moved(relabeled, None) and tally.of("u1").active == 0


def test_the_binding_is_not_heard_a_status_write_is_and_the_counts_are_a_recount(monkeypatch):
    """counted: the binding keeps the pod's Meta and sets only spec.nodeName and PodScheduled, so the ReplicaSet
    controller is not called for it; it is for the creation and the kubelet's two status writes of each pod."""
    heard = []
    real = ReplicaSetController.on_pod
    monkeypatch.setattr(ReplicaSetController, "on_pod",
                        lambda self, op, old, new: heard.append((op, new is not None and new.spec.template.node_name
                                                                 is not None)) or real(self, op, old, new))
    sim = Simulation(kdsl.parse("node n1 cpu=8 memory=16Gi\n"
                                "deployment web replicas=3 image=nginx:1.25 { labels app=web }\nrun 1m\n")).run()
    (rs,) = sim.store.list("ReplicaSet")
    ctrl = sim.controllers[ReplicaSetController.name]
    assert rs.status.ready_replicas == 3
    assert kept(ctrl, rs, sim.now) == recount(ctrl, rs, sim.now)
    assert sorted(heard) == [("ADDED", False)] * 3 + [("MODIFIED", True)] * 6
    writes = [c for c in sim.store.history if c.key[0] == "Pod"]
    assert len(writes) == 12  # created, bound, then two status writes: all but the binding heard


def _state(tally) -> dict:
    return {uid: (c.active, c.labels, c.ready, c.since, c.times) for uid, c in tally._by_owner.items()}


@pytest.mark.parametrize("text", [MIXED, "node n1 cpu=8 memory=16Gi\nnode n2 cpu=8 memory=16Gi\n"
                                         "deployment web replicas=30 image=nginx:1.25 minReady=5s { labels app=web }\n"
                                         "at 30s: set image web web=nginx:1.26\nat 1m: scale web replicas=5\nrun 3m\n"])
def test_the_ready_times_kept_by_conditions_tuple_move_the_counts_as_reading_each_write_does(monkeypatch, text):
    """Tally.moved keeps the Ready times of the last write's two conditions tuples (the kubelet's alike pods share
    theirs): a shadow Tally that reads every write's conditions (its kept tuples cleared before each) says the same
    and holds the same counts at every write."""
    from kdsl.engine.controllers.replica_counts import Tally
    shadows: dict = {}
    hits = []
    real = Tally.moved

    def moved(self, old, new):
        shadow = shadows.setdefault(id(self), (self, Tally(self.kinds)))[1]
        if old is not None and new is not None:
            r = self._read
            hits.append(any(c is r[0] or c is r[2] for c in (old.status.conditions, new.status.conditions)
                            if c))
        shadow._read = (None, None, None, None)  # nothing kept: every write's conditions read
        said = real(self, old, new)
        assert real(shadow, old, new) == said and _state(shadow) == _state(self)
        return said

    monkeypatch.setattr(Tally, "moved", moved)
    Simulation(kdsl.parse(text)).run()
    assert sum(hits) > 10 and not all(hits)
