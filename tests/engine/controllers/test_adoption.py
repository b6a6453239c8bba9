"""Orphan adoption: a ReplicaSet claims the pods its selector matches that no controller owns."""

from __future__ import annotations

import kdsl
from kdsl.engine.simulation import Simulation

NODE = "node n1 cpu=8 memory=16Gi\nnamespace shop\n"
STRAY = "pod shop/stray { labels app=front; container app image=nginx }\n"
RS = "replicaset shop/front replicas=3 { labels app=front; container app image=nginx }"


def run(text: str) -> Simulation:
    return Simulation(kdsl.parse(NODE + text)).run(60_000)


def owners(sim, name):
    return [(o.kind, o.name, o.controller) for o in sim.store.get("Pod", "shop", name).meta.owners]


def test_a_replicaset_adopts_a_matching_orphan_and_makes_only_the_rest():
    sim = run(STRAY + f"at 5s: apply {{ {RS} }}\n")
    assert owners(sim, "stray") == [("ReplicaSet", "front", True)]
    pods = sim.store.list("Pod", "shop")
    assert len(pods) == 3
    created = [e.message for e in sim.log.events if e.reason == "SuccessfulCreate"]
    assert len(created) == 2 and all(m.startswith("Created pod: front-") for m in created)
    # ClaimPods patches the ownerReference (RBAC: patch on pods) and records no event of its own
    assert not [e for e in sim.log.events if e.name == "stray" and e.reason.startswith("Failed")]


def test_pods_the_selector_does_not_match_are_left_alone():
    other = "pod shop/other { labels app=back; container app image=nginx }\n"
    sim = run(STRAY.replace("app=front", "app=back") + other.replace("other", "kept") + f"at 5s: apply {{ {RS} }}\n")
    assert owners(sim, "stray") == [] and owners(sim, "kept") == []
    assert len(sim.store.owned_by("Pod", sim.store.get("ReplicaSet", "shop", "front").meta.uid)) == 3
