"""The controller framework: the work queue's deduplication and the retry of a write that lost a race."""

from __future__ import annotations

import attrs

import kdsl
from kdsl.engine.controllers.base import CONFLICT_RETRY_MS, Controller
from kdsl.engine.simulation import Simulation


class Labeller(Controller):
    """Writes a label on ConfigMaps from a copy read before another write: the first try conflicts."""

    name = "labeller"  # writes as admin below: RBAC is not under test here
    kinds = ()

    def setup(self) -> None:
        self.runs: list[int] = []

    def reconcile(self, key) -> None:
        self.runs.append(self.sim.now)
        cm = self.store.get(*key)
        if len(self.runs) == 1:
            # Someone else writes between our read and our write, as another controller would.
            self.sim.write(attrs.evolve(cm, meta=attrs.evolve(cm.meta, labels=(("other", "x"),))), source="test")
        self.sim.submit("update", attrs.evolve(cm, meta=attrs.evolve(cm.meta, annotations=(("done", "yes"),))),
                        source=self.name, user=None, on_conflict=self.client._conflict)


def _sim() -> tuple[Simulation, Labeller]:
    sim = Simulation(kdsl.parse("configmap cfg { a = \"1\" }\n"))
    labeller = Labeller(sim)
    return sim, labeller


def test_a_key_queued_twice_runs_once():
    sim, labeller = _sim()
    labeller.runs.append(-1)  # skip the conflicting first pass
    labeller.enqueue(("ConfigMap", "default", "cfg"))
    labeller.enqueue(("ConfigMap", "default", "cfg"))
    sim.run()
    assert labeller.runs == [-1, 0]


def test_an_earlier_request_supersedes_a_later_one():
    sim, labeller = _sim()
    labeller.runs.append(-1)
    labeller.enqueue(("ConfigMap", "default", "cfg"), after_ms=1000)
    labeller.enqueue(("ConfigMap", "default", "cfg"), after_ms=10)
    sim.run()
    assert labeller.runs == [-1, 10]


def test_a_conflict_is_retried_after_5ms_and_is_no_event():
    sim, labeller = _sim()
    labeller.enqueue(("ConfigMap", "default", "cfg"))
    sim.run()
    assert labeller.runs == [0, CONFLICT_RETRY_MS] == [0, 5]
    cm = sim.store.get("ConfigMap", "default", "cfg")
    assert dict(cm.meta.annotations) == {"done": "yes"} and dict(cm.meta.labels) == {"other": "x"}
    assert not sim.rejections
    assert not any(e.reason == "FailedUpdate" for e in sim.log.events)


def test_a_superseded_wake_up_does_not_keep_the_run_going():
    # A Deployment asks to be checked again at its progress deadline (600 s); it completes at 1 s, the
    # earlier sync supersedes that check, and the run ends when the rollout does.
    sim = kdsl.simulate(kdsl.parse("cluster c { nodes pool count=2 cpu=4 memory=16Gi }\n"
                                   "deployment web replicas=2 image=nginx:1.25\n"))
    assert sim.now == 1000
    assert sim.store.get("Deployment", "default", "web").status.available_replicas == 2


def test_a_dependents_write_reconciles_its_controllers_before_and_after_once_each():
    from kdsl.engine.objects import ApiObject, Meta, OwnerRef

    class Owner(Controller):
        name = "owner"
        kinds = ("ReplicaSet",)

        def setup(self) -> None:
            self.queued: list = []

        def enqueue(self, key, after_ms: int = 0) -> None:
            self.queued.append(key)

    owner = Owner(Simulation(kdsl.parse("configmap cfg { a = \"1\" }\n")))
    web, api = (OwnerRef(kind="ReplicaSet", name=n, uid=n) for n in ("web", "api"))
    job = OwnerRef(kind="Job", name="batch", uid="batch")
    pod = ApiObject(kind="Pod", meta=Meta(name="p", namespace="shop", owners=(web, job)), spec=None)
    moved = attrs.evolve(pod, meta=attrs.evolve(pod.meta, owners=(api, web)))
    owner.on_owned("MODIFIED", pod, attrs.evolve(pod, status="Running"))  # the same owners tuple
    owner.on_owned("MODIFIED", pod, moved)
    owner.on_owned("DELETED", moved, None)
    assert owner.queued == [("ReplicaSet", "shop", "web"), ("ReplicaSet", "shop", "web"), ("ReplicaSet", "shop", "api"),
                            ("ReplicaSet", "shop", "api"), ("ReplicaSet", "shop", "web")]
