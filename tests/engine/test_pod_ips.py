"""Pod addresses: a node whose `pods=` passes its /24's 253 addresses holds the rest at the sandbox, as CNI does."""

from __future__ import annotations

import kdsl
from kdsl.engine.ipam import PodNetwork

FULL = """
node worker-1 cpu=64 memory=256Gi pods=260
namespace shop {
  deployment web replicas=253 image=nginx:1.25 cpu=10m memory=16Mi
  pod extra image=nginx:1.25 cpu=10m memory=16Mi
}
at 1m: delete pod shop/extra
run 3m
"""


def test_a_full_range_gives_no_address_and_says_whose_range():
    net = PodNetwork("10.244.0.0/16")
    net.register("n1")
    ips = [net.allocate("n1") for _ in range(253)]
    assert (ips[0], ips[-1], len(set(ips))) == ("10.244.0.2", "10.244.0.254", 253)
    assert net.allocate("n1") is None
    assert net.range_set("n1") == "10.244.0.1-10.244.0.254"  # host-local's RangeStart-RangeEnd
    net.release("n1", "10.244.0.7")
    assert net.allocate("n1") == "10.244.0.7"


def test_the_pod_past_the_range_waits_at_its_sandbox_and_runs_once_an_address_is_given_back():
    sim = kdsl.simulate(kdsl.parse(FULL))
    failed = [e for e in sim.log.events if e.reason == "FailedCreatePodSandBox"]
    stuck = {e.name for e in failed}
    assert len(stuck) == 1 and stuck < {p.name for p in sim.store.list("Pod")} and {e.type for e in failed} == {"Warning"}
    assert failed[0].message.startswith("Failed to create pod sandbox: rpc error: code = Unknown desc = failed to "
                                        'setup network for sandbox "')
    assert failed[0].message.endswith('plugin type="bridge" failed (add): failed to allocate for range 0: no IP '
                                      "addresses available in range set: 10.244.0.1-10.244.0.254")
    # the pod worker tries again every backOffPeriod (10 s) until the deleted pod gives its address back
    times = [e.time_ms for e in failed]
    assert all(b - a == 10_000 for a, b in zip(times, times[1:]))
    waited = sim.store.get("Pod", "shop", stuck.pop())
    assert waited.status.phase == "Running" and waited.status.pod_ip.startswith("10.244.0.")
    started = [e.time_ms for e in sim.log.events if e.reason == "Started" and e.name == waited.name]
    assert times[-1] < 60_000 < started[0] <= times[-1] + 10_000 + 1_000  # the first try after the delete, then up
