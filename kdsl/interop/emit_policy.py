"""NetworkPolicies and PodDisruptionBudgets written as `networkpolicy` and `pdb` statements."""

from __future__ import annotations

from kdsl.core.values import Percent
from kdsl.model.disruption import PodDisruptionBudget
from kdsl.model.network import NetworkPolicy, NetworkPolicyRule, PolicyPeer, PolicyPort, policy_types
from kdsl.interop.emit_base import Writer, meta, ref_name, selector, word


def emit_network_policy(w: Writer, obj: NetworkPolicy, depth: int, ns: str | None) -> None:
    """`isolate` only when policyTypes is not what the API server would default it to (read_policy
    refuses the policies whose types `isolate` cannot give)."""
    head = f"networkpolicy {ref_name(obj, ns)} selects {selector(obj.pod_selector) or 'all'}"
    body = [(0, _allow(r, "ingress", "from")) for r in obj.ingress]
    body += [(0, _allow(r, "egress", "to")) for r in obj.egress]
    if obj.policy_types != policy_types(obj.ingress, obj.egress):
        body.append((0, "isolate " + ",".join(t.lower() for t in obj.policy_types)))
    w.block(depth, head, body + meta(obj, depth))


def _allow(r: NetworkPolicyRule, direction: str, word_: str) -> str:
    assert len(r.peers) <= 1, "read_policy writes one peer a rule"
    out = f"allow {direction}"
    if r.peers:
        out += f" {word_} {_peer(r.peers[0])}"
    if r.ports:
        out += " ports " + ",".join(_port(p) for p in r.ports)
    return out


def _peer(p: PolicyPeer) -> str:
    if p.ip_block is not None:
        b = p.ip_block
        return f"cidr {b.cidr}" + (f" except {','.join(b.excepts)}" if b.excepts else "")
    parts = []
    if p.namespace_selector is not None:
        parts.append(f"namespaces {selector(p.namespace_selector) or 'all'}")
    if p.pod_selector is not None:
        parts.append(f"pods {selector(p.pod_selector) or 'all'}")
    return " ".join(parts)


def _port(p: PolicyPort) -> str:
    out = str(p.port) if isinstance(p.port, int) else word(p.port)
    if p.end_port is not None:
        out += f"-{p.end_port}"
    return out + (f"/{p.protocol}" if p.protocol != "TCP" else "")


def _budget(x: int | Percent) -> str:
    return f"{x.value}%" if isinstance(x, Percent) else str(x)


def emit_pdb(w: Writer, obj: PodDisruptionBudget, depth: int, ns: str | None) -> None:
    """The budget before `selects`, so a label key never reads as the budget; no `selects` for a budget
    without a selector (it selects no pod), a bare `selects` for the empty one (every pod)."""
    head = [f"pdb {ref_name(obj, ns)}"]
    if obj.min_available is not None:
        head.append(f"minAvailable={_budget(obj.min_available)}")
    if obj.max_unavailable is not None:
        head.append(f"maxUnavailable={_budget(obj.max_unavailable)}")
    if obj.selector is not None:
        head.append(f"selects {selector(obj.selector)}".rstrip())
    w.block(depth, " ".join(head), meta(obj, depth, with_yaml=False))
