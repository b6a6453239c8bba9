"""NetworkPolicy as networking.k8s.io/v1 writes it: the spec a kdsl `networkpolicy` statement exports to."""

from __future__ import annotations

from kdsl.interop.pods import selector
from kdsl.model.network import NetworkPolicy, NetworkPolicyRule, PolicyPeer, PolicyPort


def network_policy_spec(obj: NetworkPolicy, out) -> dict:
    """podSelector always (`{}` selects every pod), policyTypes as stored, then the rules that are given."""
    spec: dict = {"podSelector": selector(obj.pod_selector)}
    if obj.ingress:
        spec["ingress"] = [_rule(r, "from") for r in obj.ingress]
    if obj.egress:
        spec["egress"] = [_rule(r, "to") for r in obj.egress]
    spec["policyTypes"] = list(obj.policy_types)
    return spec


def _rule(r: NetworkPolicyRule, word: str) -> dict:
    out: dict = {}
    if r.ports:
        out["ports"] = [_port(p) for p in r.ports]
    if r.peers:
        out[word] = [_peer(p) for p in r.peers]
    return out


def _peer(p: PolicyPeer) -> dict:
    if p.ip_block is not None:
        block: dict = {"cidr": p.ip_block.cidr}
        if p.ip_block.excepts:
            block["except"] = list(p.ip_block.excepts)
        return {"ipBlock": block}
    out: dict = {}
    if p.namespace_selector is not None:
        out["namespaceSelector"] = selector(p.namespace_selector)
    if p.pod_selector is not None:
        out["podSelector"] = selector(p.pod_selector)
    return out


def _port(p: PolicyPort) -> dict:
    out: dict = {"protocol": p.protocol}
    if p.port is not None:
        out["port"] = p.port
    if p.end_port is not None:
        out["endPort"] = p.end_port
    return out
