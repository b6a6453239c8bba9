"""Generated names and UIDs (k8s-semantics oracle 78) come from the simulation's seeded RNG."""

import random
import uuid

from kdsl.engine.naming import ALPHABET, generate_name, new_uid


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
