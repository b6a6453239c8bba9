"""Reachability on a simulated cluster: `expect [cannot] connect`, sim.connectivity() and sim.why_connect(),
with pods grouped by owner, named ports resolved per pod and a Service judged through its endpoints."""

import pytest

import kdsl
from kdsl.core.errors import UsageError

SCENARIO = """cluster c { node n1 cpu=8 memory=16Gi }
namespace shop {
  deployment web replicas=2 image=nginx
  deployment api replicas=1 { container api image=api { port http 8080 } }
  deployment db replicas=1 { container db image=postgres { port 5432 } }
  service db selects app=db ports 5432
  service api selects app=api ports 80->http
  pod debug image=busybox
}
networkpolicy shop/default-deny selects all { isolate ingress }
networkpolicy shop/db-from-api selects app=db { allow ingress from pods app=api ports 5432 }
networkpolicy shop/api-from-web selects app=api { allow ingress from pods app=web ports http }
networkpolicy shop/debug-dns-only selects app=debug { allow egress ports 53/UDP }
run 1m
"""


@pytest.fixture(scope="module")
def sim():
    return kdsl.simulate(kdsl.parse(SCENARIO, "t.kdsl"))


@pytest.mark.parametrize(("line", "passed", "found"), [
    ("expect connect pods shop app=api -> pods shop app=db port=5432", True, "1 of 1 allowed"),
    ("expect cannot connect pods shop app=web -> service shop/db port=5432", True, "0 of 2 allowed"),
    ("expect connect pods shop app=web -> service shop/api port=80", True, "2 of 2 allowed"),  # 80 -> http (8080)
    ("expect cannot connect pods shop app=web -> pods shop app=api port=9090", True, "0 of 2 allowed"),
    ("expect connect pod shop/debug -> cidr 8.8.8.8 port=53/UDP", True, "1 of 1 allowed"),
    ("expect cannot connect pod shop/debug -> cidr 8.8.8.8 port=443", True, "0 of 1 allowed"),
    ("expect cannot connect cidr 1.2.3.4 -> pods shop app=web port=80", True, "0 of 2 allowed"),
    ("expect connect pods shop app=nothing -> pods shop app=db port=5432", False,
     "no connection to judge: pods shop app=nothing -> pods shop app=db names no pod with an IP"),
])
def test_expect_connect(line, passed, found):
    (r,) = kdsl.simulate(kdsl.parse(SCENARIO + line + "\n", "t.kdsl")).check()
    assert (r.passed, r.found) == (passed, found)


def test_a_failed_expectation_names_the_denied_pair_and_the_isolating_policies():
    (r,) = kdsl.simulate(kdsl.parse(SCENARIO + "expect connect pod shop/debug -> pods shop app=db port=5432\n",
                                    "t.kdsl")).check()
    assert not r.passed
    assert r.found.startswith("0 of 1 allowed; pod shop/debug -> pod shop/db-")
    assert r.found.endswith("port 5432/TCP: denied (egress isolated by shop/debug-dns-only; ingress isolated by "
                            "shop/db-from-api, shop/default-deny)")


def test_connectivity_groups_pods_by_owner(sim):
    df = sim.connectivity(namespace="shop")
    rows = {(r.SOURCE, r.DESTINATION, r.PORT): r.ALLOWED for r in df.itertuples()}
    assert rows[("deployment shop/web", "deployment shop/api", "8080/TCP")] == "allowed"
    assert rows[("deployment shop/web", "deployment shop/db", "5432/TCP")] == "denied"
    assert rows[("deployment shop/api", "deployment shop/db", "5432/TCP")] == "allowed"
    assert rows[("pod shop/debug", "deployment shop/api", "8080/TCP")] == "denied"
    assert len(rows) == 8  # 4 groups as sources × the 2 groups that declare a port
    wide = sim.connectivity(namespace="shop", wide=True)
    assert list(wide.columns) == ["SOURCE", "DESTINATION", "PORT", "ALLOWED", "PAIRS", "POLICIES"]


def test_why_connect_names_each_policy(sim):
    text = sim.why_connect("pod shop/debug", "service shop/api", 80)
    lines = text.splitlines()
    assert lines[0].startswith("pod shop/debug -> pod shop/api-") and lines[0].endswith("port 8080/TCP: denied")
    assert lines[1:] == [
        "  egress: networkpolicy shop/debug-dns-only selects pod shop/debug and isolates it for egress",
        "  egress: no rule of those policies allows it, so it is denied",
        "  ingress: networkpolicy shop/api-from-web selects " + lines[0].split(" -> ")[1].split(" port")[0]
        + " and isolates it for ingress",
        "  ingress: networkpolicy shop/default-deny selects " + lines[0].split(" -> ")[1].split(" port")[0]
        + " and isolates it for ingress",
        "  ingress: no rule of those policies allows it, so it is denied"]


def test_why_connect_refuses_what_is_not_an_end(sim):
    with pytest.raises(UsageError, match="names no connection end"):
        sim.why_connect("deployment shop/web", "pod shop/debug", 80)
    with pytest.raises(UsageError, match="is not a port"):
        sim.why_connect("pod shop/debug", "pod shop/debug", "80/ICMP")


@pytest.mark.parametrize(("line", "message"), [
    ("expect connect pod shop/debug -> pod shop/x", "`expect connect` needs the port: `port=5432` or `port=53/UDP`"),
    ("expect connect pod shop/debug -> pod shop/x port=http", "`http` is not a port: write a number 1-65535, "
     "optionally /TCP, /UDP or /SCTP"),
    ("expect connect service shop/db -> pod shop/x port=80", "a connection starts at a pod (`pod`, `pods`) or an "
     "address (`cidr`), not at a Service"),
])
def test_expect_connect_errors(line, message):
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse(SCENARIO + line + "\n", "t.kdsl")
    assert [d.message for d in info.value.diagnostics if d.severity == "error"] == [message]
