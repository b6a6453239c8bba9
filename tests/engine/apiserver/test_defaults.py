"""What the registry writes into an object's metadata: the generation by kind, the namespace name label, a DaemonSet's
template generation, and the generated names and UIDs (k8s-semantics oracle 78) drawn from the seeded RNG."""

from __future__ import annotations

import random
import uuid

import attrs

import kdsl
from kdsl.engine.apiserver.defaults import ALPHABET, NAME_LABEL, generate_name, new_uid
from kdsl.engine.apiserver.strategy import TEMPLATE_GENERATION
from kdsl.engine.objects import wrap
from tests.engine.apiserver.helpers import Cluster, pod

TEXT = """
namespace dev {
  labels team=web
  configmap cfg {
    LOG = "info"
  }
  deployment web replicas=2 image=nginx:1.25
  daemonset agent image=agent:1
  service web selects app=web ports 80
}
"""


def objects() -> dict:
    return {f"{o.kind}": o for o in kdsl.parse(TEXT).objects}


def test_only_kinds_whose_strategy_counts_have_a_generation():
    c = Cluster()
    made = [c.apply(o) for o in objects().values()]
    assert {o.kind: o.meta.generation for o in made} == {"Namespace": 0, "ConfigMap": 0, "Deployment": 1,
                                                         "DaemonSet": 1, "Service": 0}
    assert c.apply(pod("p")).meta.generation == 1  # pods count since v1.33 (updatePodGeneration)


def test_a_spec_change_counts_a_label_change_does_not():
    c = Cluster()
    c.apply(objects()["Namespace"])
    stored = c.apply(objects()["DaemonSet"])
    relabelled = attrs.evolve(stored, spec=attrs.evolve(stored.spec, labels=(("tier", "x"),)),
                              meta=attrs.evolve(stored.meta, labels=(("tier", "x"),)))
    same = c.ask("update", "DaemonSet", object=relabelled).object
    assert same.meta.generation == 1 and dict(same.meta.annotations)[TEMPLATE_GENERATION] == "1"
    c.view.add(same)
    template = attrs.evolve(same.spec.template, annotations=(("rev", "2"),))
    bumped = c.ask("update", "DaemonSet", object=attrs.evolve(same, spec=attrs.evolve(same.spec,
                                                                                       template=template))).object
    assert bumped.meta.generation == 2 and dict(bumped.meta.annotations)[TEMPLATE_GENERATION] == "2"


def test_a_configmap_keeps_generation_zero_through_updates_and_deletion():
    c = Cluster()
    c.apply(objects()["Namespace"])
    stored = c.apply(objects()["ConfigMap"])
    changed = attrs.evolve(stored, spec=attrs.evolve(stored.spec, data=(("LOG", "debug"),)))
    updated = c.ask("update", "ConfigMap", object=changed).object
    assert (stored.meta.generation, updated.meta.generation) == (0, 0)


def test_a_namespace_is_labelled_with_its_name():
    c = Cluster()
    ns = c.apply(objects()["Namespace"])
    assert dict(ns.meta.labels) == {"team": "web", NAME_LABEL: "dev"}
    forged = attrs.evolve(ns, meta=attrs.evolve(ns.meta, labels=((NAME_LABEL, "other"),)))
    assert dict(c.ask("update", "Namespace", object=forged).object.meta.labels) == {NAME_LABEL: "dev"}


def test_deleting_moves_the_generation_only_where_there_is_one():
    c = Cluster()
    ns = c.apply(wrap(kdsl.parse("namespace gone").objects[0]))
    c.view.add(ns)
    deleted = c.ask("delete", "Namespace", name="gone").object
    assert ns.meta.generation == 0 and deleted.meta.generation == 0 and deleted.meta.deletion_ms is not None


# ---- generated names and UIDs ----------------------------------------------------------------

def test_oracle_78_generate_name_appends_five_characters_from_the_alphabet():
    name = generate_name("web-", random.Random(0))
    assert name.startswith("web-") and len(name) == 9
    assert all(c in ALPHABET for c in name[4:])


def test_oracle_78_a_long_base_is_cut_to_58_characters():
    name = generate_name("x" * 70, random.Random(0))
    assert len(name) == 63 and name[:58] == "x" * 58


def test_the_same_seed_gives_the_same_names_and_uids():
    a, b = random.Random(7), random.Random(7)
    assert [generate_name("p-", a) for _ in range(5)] == [generate_name("p-", b) for _ in range(5)]
    assert new_uid(a) == new_uid(b)


def test_names_and_uids_are_the_draws_of_random_choice_and_uuid4():
    """generate_name skips rng.choice's checks and new_uid the UUID object: the same draws, text and RNG state."""
    for seed in range(20):
        ours, theirs = random.Random(seed), random.Random(seed)
        for length in (0, 5, 57, 58, 59, 80):
            base = "w" * length
            assert generate_name(base, ours) == base[:58] + "".join(theirs.choice(ALPHABET) for _ in range(5))
            assert new_uid(ours) == str(uuid.UUID(int=theirs.getrandbits(128), version=4))
        assert ours.getstate() == theirs.getstate()


def test_another_random_class_names_by_its_own_randbelow():
    """The inlined draw is Random's own: a subclass (which may draw below n its own way) goes through _randbelow."""

    class Floats(random.Random):
        def random(self) -> float:  # a class that overrides random() alone draws below n from it
            return super().random()

    ours, theirs = Floats(3), Floats(3)
    assert [generate_name("p-", ours) for _ in range(50)] == \
        ["p-" + "".join(theirs.choice(ALPHABET) for _ in range(5)) for _ in range(50)]
    assert ours.getstate() == theirs.getstate()
