"""NetworkPolicy evaluation, table-driven over the examples of the Kubernetes NetworkPolicy page
(kubernetes.io/docs/concepts/services-networking/network-policies/) and of the network-policy recipes
(github.com/ahmetb/kubernetes-network-policy-recipes): each case's policies, then its allow/deny matrix."""

import pytest

import kdsl
from kdsl.engine.netpol.evaluate import Endpoint, judge

NAMESPACES = {"default": {"kubernetes.io/metadata.name": "default"},
              "myproject": {"kubernetes.io/metadata.name": "myproject", "project": "myproject"},
              "prod": {"kubernetes.io/metadata.name": "prod", "purpose": "production"},
              "other": {"kubernetes.io/metadata.name": "other"}}


def pod(ref: str, ip: str, ports=(), **labels) -> Endpoint:
    ns, name = ref.split("/")
    return Endpoint(namespace=ns, name=name, labels=tuple(sorted(labels.items())), ip=ip, ports=tuple(ports))


def cidr(ip: str) -> Endpoint:
    return Endpoint(ip=ip)


PODS = {
    "db": pod("default/db", "10.244.0.10", role="db", app="db"),
    "frontend": pod("default/frontend", "10.244.0.11", role="frontend", app="web"),
    "other": pod("default/other", "10.244.0.12", role="other"),
    "client": pod("myproject/client", "10.244.1.10", role="client"),
    "alice": pod("myproject/alice", "10.244.1.11", role="other"),
    "prod": pod("prod/api", "10.244.2.10", app="api"),
    "elsewhere": pod("other/x", "10.244.3.10", app="web"),
    "metrics": pod("default/metrics", "10.244.0.13", [("metrics", 9090, "TCP"), ("dns", 53, "UDP")], app="m"),
    "in-block": cidr("172.17.0.5"),
    "excepted": cidr("172.17.1.5"),
    "outside": cidr("8.8.8.8"),
    "db-net": cidr("10.0.0.5"),
}

CASES = {
    # kubernetes.io: the "test-network-policy" example (ingress from ipBlock/namespace/pods on 6379, egress to 5978)
    "docs-example": ("""networkpolicy default/test-network-policy selects role=db {
  allow ingress from cidr 172.17.0.0/16 except 172.17.1.0/24 ports 6379
  allow ingress from namespaces project=myproject ports 6379
  allow ingress from pods role=frontend ports 6379
  allow egress to cidr 10.0.0.0/24 ports 5978
}""", [("frontend", "db", "6379", True), ("frontend", "db", "5432", False), ("client", "db", "6379", True),
       ("in-block", "db", "6379", True), ("excepted", "db", "6379", False), ("other", "db", "6379", False),
       ("elsewhere", "db", "6379", False), ("frontend", "db", "6379/UDP", False),
       ("db", "db-net", "5978", True), ("db", "db-net", "80", False), ("db", "frontend", "80", False),
       ("frontend", "other", "80", True)]),
    # kubernetes.io: default deny all ingress traffic
    "default-deny-ingress": ("networkpolicy default/default-deny-ingress selects all",
                             [("frontend", "db", "80", False), ("client", "db", "80", False),
                              ("db", "outside", "443", True), ("db", "client", "80", True)]),
    # kubernetes.io: allow all ingress traffic (beside a default deny)
    "allow-all-ingress": ("networkpolicy default/default-deny-ingress selects all\n"
                          "networkpolicy default/allow-all-ingress selects all { allow ingress }",
                          [("frontend", "db", "80", True), ("outside", "db", "80", True)]),
    # kubernetes.io: default deny all egress traffic
    "default-deny-egress": ("networkpolicy default/default-deny-egress selects all { isolate egress }",
                            [("db", "outside", "443", False), ("db", "frontend", "80", False),
                             ("client", "db", "80", True), ("client", "elsewhere", "80", True)]),
    # kubernetes.io: default deny all ingress and all egress traffic
    "default-deny-all": ("networkpolicy default/default-deny-all selects all { isolate ingress,egress }",
                         [("db", "frontend", "80", False), ("client", "db", "80", False),
                          ("client", "elsewhere", "80", True)]),
    # kubernetes.io: targeting a range of ports (endPort)
    "port-range": ("""networkpolicy default/multi-port-egress selects role=db {
  allow egress to cidr 10.0.0.0/24 ports 32000-32768
}""", [("db", "db-net", "32000", True), ("db", "db-net", "32768", True), ("db", "db-net", "32769", False),
       ("db", "db-net", "31999", False), ("db", "db-net", "32000/UDP", False), ("db", "outside", "32000", False),
       ("frontend", "db", "80", False)]),  # an egress rule defaults policyTypes to Ingress and Egress
    # kubernetes.io: namespaceSelector AND podSelector in one peer, against two peers (OR)
    "namespace-and-pods": ("""networkpolicy default/and selects role=db {
  allow ingress from namespaces project=myproject pods role=client
}""", [("client", "db", "80", True), ("alice", "db", "80", False), ("frontend", "db", "80", False)]),
    "namespace-or-pods": ("""networkpolicy default/or selects role=db {
  allow ingress from namespaces project=myproject
  allow ingress from pods role=client
}""", [("client", "db", "80", True), ("alice", "db", "80", True), ("frontend", "db", "80", False)]),
    # recipes 01/02: deny all traffic to an application, then limit it to some pods
    "recipe-deny-app": ("networkpolicy default/web-deny-all selects app=web",
                        [("db", "frontend", "80", False), ("frontend", "db", "80", True)]),
    "recipe-limit-app": ("networkpolicy default/api-allow selects app=db { allow ingress from pods app=web }",
                         [("frontend", "db", "80", True), ("other", "db", "80", False)]),
    # recipe 04: deny traffic from other namespaces (`pods` alone: pods of the policy's namespace)
    "recipe-deny-other-namespaces": ("networkpolicy default/deny-from-other-namespaces selects all "
                                     "{ allow ingress from pods }",
                                     [("frontend", "db", "80", True), ("client", "db", "80", False),
                                      ("outside", "db", "80", False)]),
    # recipe 06: allow traffic from a namespace
    "recipe-allow-from-namespace": ("networkpolicy default/web-allow-prod selects app=web "
                                    "{ allow ingress from namespaces purpose=production }",
                                    [("prod", "frontend", "80", True), ("client", "frontend", "80", False),
                                     ("db", "frontend", "80", False)]),
    # recipe 07: allow traffic from all namespaces
    "recipe-allow-all-namespaces": ("networkpolicy default/web-allow-all-namespaces selects app=web "
                                    "{ allow ingress from namespaces all }",
                                    [("client", "frontend", "80", True), ("outside", "frontend", "80", False)]),
    # recipe 09: allow traffic only to a port (a named port resolved on the destination pod)
    "recipe-allow-port": ("networkpolicy default/api-allow-metrics selects app=m { allow ingress ports metrics }",
                          [("frontend", "metrics", "9090", True), ("frontend", "metrics", "80", False),
                           ("frontend", "metrics", "9090/UDP", False)]),
    # recipe 11: deny egress except DNS
    "recipe-egress-dns-only": ("networkpolicy default/foo-deny-egress selects app=web "
                               "{ allow egress ports 53/UDP,53/TCP }",
                               [("frontend", "metrics", "53/UDP", True), ("frontend", "outside", "53/TCP", True),
                                ("frontend", "db", "5432", False), ("frontend", "outside", "443", False)]),
    # recipe 14: deny external egress (to the cluster's namespaces only)
    "recipe-deny-external-egress": ("networkpolicy default/foo-deny-external-egress selects app=web "
                                    "{ allow egress to namespaces all }",
                                    [("frontend", "client", "80", True), ("frontend", "outside", "443", False)]),
    # ipBlock with except, for egress: everything outside but 10.0.0.0/8
    "ipblock-except": ("networkpolicy default/egress-outside selects app=db "
                       "{ allow egress to cidr 0.0.0.0/0 except 10.0.0.0/8 }",
                       [("db", "outside", "443", True), ("db", "db-net", "443", False),
                        ("db", "frontend", "80", False)]),  # a pod IP in 10.0.0.0/8 is excepted too
}


def _policies(text: str):
    s = kdsl.parse("namespace myproject\nnamespace prod\n" + text)
    return [o for o in s.objects if o.kind == "NetworkPolicy"]


@pytest.mark.parametrize(("case", "src", "dst", "port", "allowed"), [
    (case, *row) for case, (_, rows) in CASES.items() for row in rows])
def test_matrix(case, src, dst, port, allowed):
    number, _, proto = port.partition("/")
    verdict = judge(PODS[src], PODS[dst], int(number), proto or "TCP", _policies(CASES[case][0]), NAMESPACES)
    assert verdict.allowed is allowed, "\n".join(verdict.lines())


def test_why_names_each_policy_that_isolates_or_allows():
    text = CASES["allow-all-ingress"][0]
    verdict = judge(PODS["frontend"], PODS["db"], 80, "TCP", _policies(text), NAMESPACES)
    assert verdict.lines() == [
        "pod default/frontend -> pod default/db port 80/TCP: allowed",
        "  egress: pod default/frontend is not isolated for egress (no policy selects it with policyTypes Egress)",
        "  ingress: networkpolicy default/allow-all-ingress selects pod default/db and isolates it for ingress",
        "  ingress: networkpolicy default/default-deny-ingress selects pod default/db and isolates it for ingress",
        "  ingress: networkpolicy default/allow-all-ingress allows it: ingress[0]: allow ingress"]
    denied = judge(PODS["other"], PODS["db"], 6379, "TCP", _policies(CASES["docs-example"][0]), NAMESPACES)
    assert denied.lines()[0] == "pod default/other -> pod default/db port 6379/TCP: denied"
    assert denied.lines()[-1] == "  ingress: no rule of those policies allows it, so it is denied"
