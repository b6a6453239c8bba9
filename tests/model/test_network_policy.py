"""NetworkPolicy in the model: what `networkpolicy` builds (peers, ports, ranges, policyTypes as the API server
defaults them), `kdsl fmt` giving it back, and the API server's validation messages, each the case's only error."""

import pytest

import kdsl
from kdsl.lang.fmt import format_document
from kdsl.lang.parser import parse_document
from kdsl.model import IPBlock, NetworkPolicy, NetworkPolicyRule, PolicyPeer, PolicyPort, Selector

NS = "namespace shop\n"
POLICY = """networkpolicy shop/db-from-api selects app=db {
  allow ingress from pods app=api ports 5432
  allow ingress from namespaces team=ops pods app=prom ports 9187/TCP
  allow ingress from cidr 10.0.0.0/8 except 10.1.0.0/16
  allow egress to pods app=cache ports 6379,7000-7100
  allow egress to namespaces kubernetes.io/metadata.name=kube-system ports 53/UDP,53/TCP
}
networkpolicy shop/default-deny selects all {
  isolate ingress,egress
}
"""


def parse(text: str):
    return kdsl.parse(text, "t.kdsl")


def policies(text: str) -> list[NetworkPolicy]:
    return [o for o in parse(NS + text).objects if o.kind == "NetworkPolicy"]


def test_the_language_example_builds_networking_v1():
    db, deny = policies(POLICY)
    assert (db.namespace, db.name, db.api_version, db.plural) == ("shop", "db-from-api", "networking.k8s.io/v1",
                                                                  "networkpolicies")
    assert db.pod_selector == Selector.of({"app": "db"})
    assert db.policy_types == ("Ingress", "Egress")
    assert db.ingress == (
        NetworkPolicyRule(peers=(PolicyPeer(pod_selector=Selector.of({"app": "api"})),), ports=(PolicyPort(port=5432),)),
        NetworkPolicyRule(peers=(PolicyPeer(namespace_selector=Selector.of({"team": "ops"}),
                                            pod_selector=Selector.of({"app": "prom"})),),
                          ports=(PolicyPort(port=9187, protocol="TCP"),)),
        NetworkPolicyRule(peers=(PolicyPeer(ip_block=IPBlock(cidr="10.0.0.0/8", excepts=("10.1.0.0/16",))),)))
    assert db.egress[0].ports == (PolicyPort(port=6379), PolicyPort(port=7000, end_port=7100))
    assert db.egress[1] == NetworkPolicyRule(
        peers=(PolicyPeer(namespace_selector=Selector.of({"kubernetes.io/metadata.name": "kube-system"})),),
        ports=(PolicyPort(port=53, protocol="UDP"), PolicyPort(port=53, protocol="TCP")))
    assert deny.pod_selector == Selector() and deny.ingress == deny.egress == ()
    assert deny.policy_types == ("Ingress", "Egress")


@pytest.mark.parametrize(("body", "types"), [
    ("", ("Ingress",)),                                   # defaults.go: Ingress always
    ("{ allow ingress }", ("Ingress",)),
    ("{ allow egress to pods app=x }", ("Ingress", "Egress")),  # Egress when there are egress rules
    ("{ isolate egress }", ("Egress",)),                  # named: exactly what isolate says
    ("{ isolate egress; allow ingress from pods }", ("Ingress", "Egress")),
])
def test_policy_types_default_as_the_api_server(body, types):
    (p,) = policies(f"networkpolicy shop/p selects all {body}")
    assert p.policy_types == types


def test_named_ports_and_an_allow_everything_rule():
    (p,) = policies("networkpolicy shop/p selects app=db { allow ingress ports metrics/TCP; allow ingress }")
    assert p.ingress == (NetworkPolicyRule(ports=(PolicyPort(port="metrics"),)), NetworkPolicyRule())


def test_fmt_gives_the_statement_back():
    text = NS + POLICY
    assert format_document(parse_document(text)) == text


@pytest.mark.parametrize(("line", "message", "column", "suggestion"), [
    ("allow ingress to pods app=a", "an ingress rule names its peers with `from`, not `to`", 17,
     "`allow ingress from ...`"),
    ("allow ingress ports 80/ICMP", 'networkpolicy shop/p: spec.ingress[0].ports[0].protocol: Unsupported value: '
     '"ICMP": supported values: "TCP", "UDP", "SCTP"', 23, None),
    ("allow egress ports 0", "networkpolicy shop/p: spec.egress[0].ports[0].port: Invalid value: 0: must be "
     "between 1 and 65535, inclusive", 22, None),
    ("allow egress ports 90-80", "networkpolicy shop/p: spec.egress[0].ports[0].endPort: Invalid value: 90: must "
     "be greater than or equal to `port`", 22, None),
    ("allow egress ports 80-70000", "networkpolicy shop/p: spec.egress[0].ports[0].endPort: Invalid value: 70000: "
     "must be between 1 and 65535, inclusive", 22, None),
    ("allow ingress ports Web_Port", 'networkpolicy shop/p: spec.ingress[0].ports[0].port: Invalid value: '
     '"Web_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 23, None),
    ("allow ingress from cidr 10.0.0/8", 'networkpolicy shop/p: spec.ingress[0].from[0].ipBlock.cidr: Invalid '
     'value: "10.0.0/8": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)', 27, None),
    ("allow ingress from cidr 10.0.0.0/16 except 10.0.0.0/16", "networkpolicy shop/p: spec.ingress[0].from[0]."
     'ipBlock.except[0]: Invalid value: "10.0.0.0/16": must be a strict subset of `cidr`', 46, None),
    ("allow egress to cidr 10.0.0.0/8 except 192.168.0.0/24", "networkpolicy shop/p: spec.egress[0].to[0]."
     'ipBlock.except[0]: Invalid value: "192.168.0.0/24": must be a strict subset of `cidr`', 42, None),
    ("isolate ingres", "networkpolicy shop/p: `isolate` takes `ingress` and/or `egress`, not `ingres`", 11,
     "`ingress`"),
])
def test_the_api_servers_messages(line, message, column, suggestion):
    with pytest.raises(kdsl.ScenarioError) as info:
        parse(NS + "networkpolicy shop/p selects all {\n  " + line + "\n}\n")
    (d,) = [d for d in info.value.diagnostics if d.severity == "error"]
    assert (d.message, d.line, d.column, d.suggestion) == (message, 3, column, suggestion)
