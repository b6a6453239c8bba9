"""Names the control plane makes: UIDs and generateName suffixes, from the simulation's seeded RNG."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable

from kdsl.model.names import GENERATED_ALPHABET as ALPHABET

MAX_NAME_LENGTH = 63
RANDOM_LENGTH = 5
MAX_GENERATED_BASE = MAX_NAME_LENGTH - RANDOM_LENGTH  # 58: names/generate.go cuts the base to this


def generate_name(base: str, rng: random.Random) -> str:
    """`web-` → `web-x7k2p`: the base cut to 58 characters, then 5 random characters."""
    if len(base) > MAX_GENERATED_BASE:
        base = base[:MAX_GENERATED_BASE]
    return base + "".join(rng.choice(ALPHABET) for _ in range(RANDOM_LENGTH))


def generate_free_name(base: str, rng: random.Random, taken: Callable[[str], bool]) -> str:
    """A generated name no object holds yet. The API server retries a generateName that collides
    (RetryGenerateName, GA in 1.32: apiserver/pkg/registry/generic/registry/store.go), so a controller's
    create never meets 409 AlreadyExists for a name it did not choose; thousands of pods make that likely."""
    name = generate_name(base, rng)
    while taken(name):
        name = generate_name(base, rng)
    return name


def new_uid(rng: random.Random) -> str:
    """A version-4 UUID drawn from the seeded RNG, so runs repeat byte for byte."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))
