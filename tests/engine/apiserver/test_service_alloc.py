"""ClusterIP and NodePort allocation by the API server (k8s-semantics §7.1, oracles 51 and 52)."""

from __future__ import annotations

import ipaddress
import random

import kdsl
from kdsl.engine.apiserver.service_alloc import Bitmap, ServiceAllocator, range_offset
from kdsl.engine.simulation import Simulation
from tests.unchecked import unchecked


def sim_of(text: str) -> Simulation:
    # The refusals here are `kdsl check` errors too (tests/engine/test_precheck.py); these tests watch the
    # API server make them at run time, so the scenario is built without the precheck.
    return Simulation(unchecked(text)).run(until=5_000)


def service(sim, name, ns="default"):
    return sim.store.get("Service", ns, name)


def test_oracle_51_a_node_port_out_of_range_is_refused_with_the_registry_message():
    sim = sim_of("service web nodeport selects app=web ports 80->8080:32768\n")
    assert service(sim, "web") is None
    (r,) = sim.rejections
    assert (r.code, r.reason) == (422, "Invalid")
    assert r.message == ('Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 32768: provided port is '
                         'not in the valid range. The range of valid ports is 30000-32767')


def test_oracle_51_a_node_port_already_used_is_refused():
    sim = sim_of("service a nodeport selects app=a ports 80->8080:30080\n"
                 "service b nodeport selects app=b ports 80->8080:30080\n")
    assert [p.node_port for p in service(sim, "a").spec.ports] == [30080]
    assert service(sim, "b") is None
    (r,) = sim.rejections
    assert r.message == ('Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is '
                         'already allocated')


def test_node_ports_are_allocated_in_range_and_freed_when_the_service_goes():
    sim = sim_of("""
service a nodeport selects app=a ports 80->8080,443->8443
service lb loadbalancer selects app=a ports 443->8443
at 1s: delete service default/a
at 2s: create service c nodeport selects app=a ports 80->8080:30100
""")
    ports = [p.node_port for p in service(sim, "lb").spec.ports]
    assert all(30000 + 86 <= p <= 32767 for p in ports)  # the dynamic band above the static 86
    assert sim.services().iloc[1]["EXTERNAL-IP"] == "<pending>"
    assert sim.rejections == []


def test_oracle_52_the_first_user_service_gets_an_ip_in_range_never_the_first_and_headless_gets_none():
    sim = sim_of("""
cluster lab serviceCIDR=10.0.0.0/24
service web selects app=web ports 80
service db headless selects app=db ports 5432
""")
    ip = ipaddress.ip_address(service(sim, "web").spec.cluster_ip)
    assert ip in ipaddress.ip_network("10.0.0.0/24")
    assert str(ip) not in ("10.0.0.0", "10.0.0.1", "10.0.0.255")  # .1 is the `kubernetes` Service's
    assert int(ip) - int(ipaddress.ip_address("10.0.0.1")) >= 16  # dynamic IPs come from above the static band
    db = service(sim, "db")
    assert db.spec.headless and db.spec.cluster_ip is None
    rows = {r["NAME"]: r for r in sim.services().to_dict("records")}
    assert rows["db"]["CLUSTER-IP"] == "None" and rows["web"]["CLUSTER-IP"] == str(ip)


def test_the_default_range_is_kubeadm_s_and_allocation_repeats_with_the_seed():
    text = "service web selects app=web ports 80\n"
    a = service(sim_of(text), "web").spec.cluster_ip
    assert ipaddress.ip_address(a) in ipaddress.ip_network("10.96.0.0/12")
    assert service(sim_of(text), "web").spec.cluster_ip == a


def test_a_chosen_cluster_ip_must_be_in_range_and_free():
    sim = sim_of("""
cluster lab serviceCIDR=10.0.0.0/24
service dns clusterIP=10.0.0.10 selects app=dns ports 53/UDP
service twin clusterIP=10.0.0.10 selects app=dns ports 53/UDP
service far clusterIP=10.1.0.10 selects app=dns ports 53/UDP
service api clusterIP=10.0.0.1 selects app=api ports 443
""")
    assert service(sim, "dns").spec.cluster_ip == "10.0.0.10"
    assert [r.message for r in sim.rejections] == [
        'Service "twin" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.10"}: failed to allocate IP '
        '10.0.0.10: provided IP is already allocated',
        'Service "far" is invalid: spec.clusterIPs: Invalid value: []string{"10.1.0.10"}: failed to allocate IP '
        '10.1.0.10: the provided network does not match the current range',
        'Service "api" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.1"}: failed to allocate IP '
        '10.0.0.1: provided IP is already allocated',
    ]


def test_before_1_33_an_address_outside_the_range_is_not_in_range():
    # MultiCIDRServiceAllocator (on from 1.33) says ErrMismatchedNetwork; the bitmap before it, ErrNotInRange.
    sim = sim_of("cluster lab serviceCIDR=10.0.0.0/24 version=1.32\nservice far clusterIP=10.1.0.10 selects app=dns ports 53/UDP")
    assert [r.message for r in sim.rejections] == [
        'Service "far" is invalid: spec.clusterIPs: Invalid value: []string{"10.1.0.10"}: failed to allocate IP '
        '10.1.0.10: provided IP is not in the valid range. The range of valid IPs is 10.0.0.0/24']


def test_an_update_keeps_the_cluster_ip_and_node_ports():
    sim = sim_of("""
service web nodeport selects app=web ports 80->8080
at 1s: apply { service web nodeport selects app=web ports 80->8080 { labels tier=front } }
at 2s: apply { service web selects app=web ports 80->8080 }
""")
    history = [c.obj for c in sim.store.history if c.key == ("Service", "default", "web")]
    ips = {o.spec.cluster_ip for o in history}
    assert len(ips) == 1
    assert history[0].spec.ports[0].node_port == history[1].spec.ports[0].node_port is not None
    assert history[-1].spec.ports[0].node_port is None  # ClusterIP again: the node port is released
    assert sim.rejections == []


def test_range_offsets_and_the_random_scan_fill_every_address():
    assert range_offset(254, 16, 256, 16) == 16
    assert range_offset(2 ** 20 - 2, 16, 256, 16) == 256
    assert range_offset(2768, 16, 128, 32) == 86
    assert range_offset(14, 16, 256, 16) == 0
    bits = Bitmap(40, 16, random.Random(1))
    taken = []
    for _ in range(40):
        at = bits.next_free()
        bits.used[at] = ("x",)
        taken.append(at)
    assert sorted(taken[:24]) == list(range(16, 40))  # the upper part first
    assert sorted(taken) == list(range(40)) and bits.next_free() is None


def test_a_full_range_is_an_internal_error():
    alloc = ServiceAllocator("10.0.0.0/30", random.Random(0))  # two usable addresses, one for `kubernetes`
    sim = Simulation(kdsl.parse("cluster c serviceCIDR=10.0.0.0/30\nservice a selects x=y ports 80\n"
                                "service b selects x=y ports 80\n")).run(until=1_000)
    assert alloc.ips.size == 2
    (r,) = sim.rejections
    assert (r.code, r.message) == (500, "Internal error occurred: failed to allocate a serviceIP: range is full")
