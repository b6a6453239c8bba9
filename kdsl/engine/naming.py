"""Names the control plane makes: UIDs and generateName suffixes, from the simulation's seeded RNG."""

from __future__ import annotations

import random
from collections.abc import Callable

from kdsl.model.names import GENERATED_ALPHABET as ALPHABET

MAX_NAME_LENGTH = 63
RANDOM_LENGTH = 5
MAX_GENERATED_BASE = MAX_NAME_LENGTH - RANDOM_LENGTH  # 58: names/generate.go cuts the base to this
_ALPHABET_LENGTH = len(ALPHABET)
_BITS = _ALPHABET_LENGTH.bit_length()
# CPython's Random draws a number below n as getrandbits(n.bit_length()), again while it is n or more
_BELOW_BY_BITS = random.Random._randbelow is random.Random._randbelow_with_getrandbits
# uuid.UUID(int=..., version=4)'s variant and version bits (RFC 4122): kept clear, then set
_UUID4_CLEAR = ~((0xc000 << 48) | (0xf000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)


def generate_name(base: str, rng: random.Random) -> str:
    """`web-` → `web-x7k2p`: the base cut to 58 characters, then 5 random characters."""
    if len(base) > MAX_GENERATED_BASE:
        base = base[:MAX_GENERATED_BASE]
    # rng.choice(ALPHABET) five times, without its checks: Random.choice is `seq[self._randbelow(len(seq))]`,
    # so the draws (and the RNG's state after them) are the same; a controller names every pod with it
    a = ALPHABET
    if type(rng) is not random.Random or not _BELOW_BY_BITS:
        below, n = rng._randbelow, _ALPHABET_LENGTH
        return base + a[below(n)] + a[below(n)] + a[below(n)] + a[below(n)] + a[below(n)]
    # Random._randbelow_with_getrandbits(27) inlined: getrandbits(5) drawn again while it is 27 or more
    bits, drawn = rng.getrandbits, []
    while len(drawn) < RANDOM_LENGTH:
        r = bits(_BITS)
        if r < _ALPHABET_LENGTH:
            drawn.append(a[r])
    return base + "".join(drawn)


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
    # str(uuid.UUID(int=rng.getrandbits(128), version=4)), without the UUID: the same bits set, the same text
    h = "%032x" % ((rng.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
