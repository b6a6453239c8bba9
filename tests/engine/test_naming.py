"""Generated names and UIDs (k8s-semantics oracle 78) come from the simulation's seeded RNG."""

import random

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
