"""Ingress routing (k8s-semantics §7.3, oracles 54 and 55): path types, precedence, wildcard hosts,
default backends, and what `Simulation.route` and `expect route` report."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.engine.routing import host_matches, path_matches, split_url
from kdsl.engine.simulation import Simulation

BACKENDS = """
node n1 cpu=8 memory=16Gi
namespace shop {
  pod a image=nginx:1.25 { labels app=a }
  pod b image=nginx:1.25 { labels app=b }
  pod c image=nginx:1.25 { labels app=c }
  service svc-a selects app=a ports 80
  service svc-b selects app=b ports 80
  service svc-c selects app=c ports 80
%s
}
"""


def sim_of(ingress: str, extra: str = "") -> Simulation:
    return Simulation(kdsl.parse(BACKENDS % ingress + extra)).run(until=30_000)


ORACLE_54 = """  ingress paths {
    rule / -> svc-a:80
    rule /api -> svc-b:80
    rule =/api/v1 -> svc-c:80
  }"""


@pytest.mark.parametrize(("path", "service"), [
    ("/api/v1", "shop/svc-c"), ("/api/v1/", "shop/svc-b"), ("/api/users", "shop/svc-b"), ("/apis", "shop/svc-a"),
    ("/", "shop/svc-a"),
])
def test_oracle_54_longest_path_wins_and_exact_needs_the_whole_path(path, service):
    route = sim_of(ORACLE_54).route(f"anything.example.com{path}")
    assert route.service == service
    assert route.served and route.backends[0].pod == f"shop/{service[-1]}"


def test_oracle_54_exact_beats_prefix_of_the_same_length():
    sim = sim_of("""  ingress both {
    rule /login -> svc-a:80
    rule =/login -> svc-b:80
  }""")
    assert sim.route("x.com/login").service == "shop/svc-b"
    assert sim.route("x.com/login/now").service == "shop/svc-a"


WILDCARD = """  ingress wild {
    rule *.example.com / -> svc-a:80
    rule shop.example.com /api -> svc-b:80
    default -> svc-c:80
  }"""


@pytest.mark.parametrize(("host", "service"), [
    ("a.example.com", "shop/svc-a"), ("example.com", "shop/svc-c"), ("a.b.example.com", "shop/svc-c"),
    ("shop.example.com", "shop/svc-c"),  # the precise host has its own rules; /x matches none of them
])
def test_oracle_55_a_wildcard_host_matches_exactly_one_more_label(host, service):
    route = sim_of(WILDCARD).route(f"{host}/x")
    assert route.service == service


def test_oracle_55_without_a_default_backend_nothing_serves():
    sim = sim_of("""  ingress wild {
    rule *.example.com / -> svc-a:80
  }""")
    route = sim.route("example.com/")
    assert not route.served and route.service is None
    assert route.reason == "no ingress rule matches example.com/ and no ingress has a default backend (404)"
    assert sim.route("a.example.com/").service == "shop/svc-a"


def test_matching_helpers():
    assert path_matches("/foo/bar", "Prefix", "/foo/bar/baz")
    assert not path_matches("/foo/bar", "Prefix", "/foo/barbaz")
    assert path_matches("/foo/", "Prefix", "/foo") and path_matches("/foo", "Prefix", "/foo/")
    assert path_matches("/", "Prefix", "/anything")
    assert not path_matches("/Foo", "Exact", "/foo") and path_matches("/foo", "Exact", "/foo")
    assert host_matches("", "any.host") and host_matches("Shop.Example.com", "shop.example.com")
    assert not host_matches("*.example.com", ".example.com")
    assert split_url("https://Shop.Example.com:8443/api?q=1#top") == ("shop.example.com", "/api")
    assert split_url("shop.example.com") == ("shop.example.com", "/")


def test_route_reports_the_rule_the_port_and_equal_shares():
    text = BACKENDS.replace("pod a image=nginx:1.25 { labels app=a }",
                            "pod a image=nginx:1.25 { labels app=a }\n  pod a2 image=nginx:1.25 { labels app=a }")
    sim = Simulation(kdsl.parse(text % ORACLE_54)).run(until=30_000)
    route = sim.route("shop.example.com/")
    assert route.rule == "ingress shop/paths rule * / (Prefix) -> svc-a:80"
    assert (route.ingress, route.port) == ("shop/paths", 80)
    assert [(r["POD"], r["PORT"], r["SHARE"]) for r in route.rows()] == [("shop/a", 80, "50.0%"),
                                                                         ("shop/a2", 80, "50.0%")]


def test_why_nothing_serves():
    sim = sim_of("""  ingress gw {
    rule /gone -> nowhere:80
    rule /port -> svc-a:8080
    rule /idle -> idle:80
  }
  service idle selects app=idle ports 80""")
    assert sim.route("x/gone").reason == "service shop/nowhere does not exist (503)"
    assert sim.route("x/port").reason == "service shop/svc-a has no port 8080 (503)"
    assert sim.route("x/idle").reason == "service shop/idle has no ready endpoints (503)"
    assert Simulation(kdsl.parse("node n1\n")).route("x/").reason == "no ingress exists"


def test_a_route_at_a_past_moment_reads_the_cluster_as_it_was():
    sim = sim_of(ORACLE_54, "at 10s: delete service shop/svc-b\n")
    assert sim.route("x/api", at=5_000).served
    assert sim.route("x/api", at=15_000).reason == "service shop/svc-b does not exist (503)"
    assert not sim.route("x/api", at=0).served  # the pods were not ready yet


def test_expect_route_with_timing():
    text = BACKENDS % ORACLE_54 + """
at 10s: delete service shop/svc-b
expect route x.example.com/api/v1 -> shop/svc-c
expect route x.example.com/api -> shop/svc-b at 5s
expect route x.example.com/api -> none
expect route x.example.com/api -> shop/svc-b by 3s
expect route x.example.com/api -> shop/svc-a
"""
    results = Simulation(kdsl.parse(text)).run(until=30_000).check()
    assert [r.passed for r in results] == [True, True, True, True, False], [r.found for r in results]
    assert results[2].found == "none: service shop/svc-b does not exist (503)"
    assert results[3].at_ms == 1_000
    assert results[0].found == ("shop/svc-c (1 ready) via ingress shop/paths rule * /api/v1 (Exact) -> svc-c:80")


def test_cluster_dns_names_reach_a_service_or_one_statefulset_pod():
    text = """
node n1 cpu=8 memory=16Gi
namespace shop {
  service db headless selects app=db ports 5432
  statefulset db replicas=2 service=db image=postgres:16 port=5432 { labels app=db }
}
"""
    sim = Simulation(kdsl.parse(text)).run(until=60_000)
    eps = {e.pod: e.hostname for s in sim.store.list("EndpointSlice", "shop") for e in s.spec.endpoints}
    assert eps == {"db-0": "db-0", "db-1": "db-1"}  # their subdomain is this Service
    one = sim.route("db-1.db.shop.svc.cluster.local/")
    assert [(b.pod, b.port) for b in one.backends] == [("shop/db-1", 5432)] and one.ingress is None
    assert [b.pod for b in sim.route("db.shop.svc:5432/").backends] == ["shop/db-0", "shop/db-1"]
    assert sim.route("db-7.db.shop.svc/").reason == "service shop/db has no ready endpoint named db-7 (503)"
    assert sim.route("db.other.svc/").reason == "service other/db does not exist (503)"
