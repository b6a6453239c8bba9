"""Hypothesis: a node's pod addresses are the lowest free ones, whatever was allocated and released before."""

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from kdsl.engine.ipam import PodNetwork


@given(st.lists(st.one_of(st.just(None), st.integers(0, 300)), max_size=400))
def test_allocate_takes_the_lowest_free_address_after_releases(steps):
    net = PodNetwork("10.244.0.0/16")
    net.register("n0")
    base = int(ipaddress.ip_network("10.244.0.0/24").network_address)
    taken: set[int] = set()
    for step in steps:
        if step is None:
            free = [o for o in range(2, 255) if o not in taken]
            got = net.allocate("n0")
            assert got == (str(ipaddress.ip_address(base + free[0])) if free else None)
            taken.update(free[:1])
        else:  # release an address, held or not (another node's, or one never given out, changes nothing)
            net.release("n0", str(ipaddress.ip_address(base + step)))
            taken.discard(step)
