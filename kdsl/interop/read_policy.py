"""NetworkPolicy and PodDisruptionBudget manifests read into the `networkpolicy` and `pdb` statements' objects."""

from __future__ import annotations

import re

import attrs

from kdsl.core.values import Percent, digits
from kdsl.model.base import Selector
from kdsl.model.manifest import PodDisruptionBudget
from kdsl.model.network import IPBlock, NetworkPolicy, NetworkPolicyRule, PolicyPeer, PolicyPort, policy_types
from kdsl.interop.read_workloads import spec_of

_PROTOCOLS = ("TCP", "UDP", "SCTP")
_DIRECTIONS = (("Ingress", "ingress", "from"), ("Egress", "egress", "to"))


@attrs.frozen
class Unsaid:
    """What a reader found that its statement cannot say: the field's path and why. The manifest is then
    kept whole as a `manifest`, with a warning naming the field (never a silent loss)."""

    field: str
    why: str


def _int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _extra(d: dict, known: tuple[str, ...], where: str, why: str) -> Unsaid | None:
    key = next((k for k in d if k not in known), None)
    return Unsaid(f"{where}{key}", why) if key is not None else None


# ---- NetworkPolicy ---------------------------------------------------------------------------------------

def read_network_policy(d, m) -> NetworkPolicy | Unsaid:
    """The whole spec or nothing: the simulation enforces what it reads, so a rule it cannot say makes
    the object a `manifest` (not enforced) rather than a policy that lets other traffic through. A rule
    with several peers is written as one `allow` per peer: rules are ORed and a rule matches any of its
    peers (types.go, NetworkPolicyIngressRule), so the same traffic passes."""
    spec = spec_of(d)
    no_word = "the `networkpolicy` statement has no word for it"
    bad = _extra(spec, ("podSelector", "ingress", "egress", "policyTypes"), "spec.", no_word)
    if bad:
        return bad
    pod_selector = _selector(spec.get("podSelector") or {}, "spec.podSelector")
    if isinstance(pod_selector, Unsaid):
        return pod_selector
    rules: dict[str, tuple] = {}
    for direction, key, word in _DIRECTIONS:
        out = []
        for i, raw in enumerate(spec.get(key) or []):
            got = _rule(raw, f"spec.{key}[{i}]", word)
            if isinstance(got, Unsaid):
                return got
            out.extend(got)
        rules[direction] = tuple(out)
    given = spec.get("policyTypes") or []
    if not given:  # SetDefaults_NetworkPolicySpec (pkg/apis/networking/v1/defaults.go)
        types = policy_types(rules["Ingress"], rules["Egress"])
    else:
        unknown = next((t for t in given if t not in ("Ingress", "Egress")), None)
        if unknown is not None:
            return Unsaid("spec.policyTypes", f"{unknown!r} is neither Ingress nor Egress")
        types = tuple(t for t in ("Ingress", "Egress") if t in given)
        left = next((t for t in ("Ingress", "Egress") if rules[t] and t not in types), None)
        if left is not None:
            return Unsaid("spec.policyTypes", f"it leaves out {left}, so the rules of spec.{left.lower()} do "
                                              "nothing; `isolate` cannot say that")
    return NetworkPolicy(**m.common(), pod_selector=pod_selector, ingress=rules["Ingress"], egress=rules["Egress"],
                         policy_types=types)


def _selector(d, field: str) -> Selector | Unsaid:
    sel = Selector.from_manifest(d)
    if sel is None:
        return Unsaid(field, "not a label selector kdsl can read")
    bad = _extra(d, ("matchLabels", "matchExpressions"), f"{field}.", "not a part of a label selector")
    return bad or sel


def _rule(raw, field: str, word: str) -> list[NetworkPolicyRule] | Unsaid:
    if not isinstance(raw, dict):
        return Unsaid(field, "not a rule")
    bad = _extra(raw, ("ports", word), f"{field}.", "the `allow` rule has no word for it")
    if bad:
        return bad
    ports = []
    for j, p in enumerate(raw.get("ports") or []):
        port = _port(p, f"{field}.ports[{j}]")
        if isinstance(port, Unsaid):
            return port
        ports.append(port)
    peers = []
    for k, p in enumerate(raw.get(word) or []):
        peer = _peer(p, f"{field}.{word}[{k}]")
        if isinstance(peer, Unsaid):
            return peer
        peers.append(peer)
    if not peers:
        return [NetworkPolicyRule(ports=tuple(ports))]
    return [NetworkPolicyRule(peers=(p,), ports=tuple(ports)) for p in peers]


def _port(p, field: str) -> PolicyPort | Unsaid:
    if not isinstance(p, dict):
        return Unsaid(field, "not a port")
    bad = _extra(p, ("port", "protocol", "endPort"), f"{field}.", "not a part of a port")
    if bad:
        return bad
    port, protocol, end = p.get("port"), p.get("protocol", "TCP"), p.get("endPort")
    if port is None:
        return Unsaid(f"{field}.port", "every port of a protocol: `ports` takes a number, a range or a name")
    if protocol not in _PROTOCOLS:
        return Unsaid(f"{field}.protocol", f"{protocol!r} is not TCP, UDP or SCTP")
    if not _int(port) and not (isinstance(port, str) and not digits(port)):
        return Unsaid(f"{field}.port", f"{port!r} is neither a number nor a port's name")
    if end is not None and not (_int(end) and _int(port)):
        return Unsaid(f"{field}.endPort", "an endPort needs a numeric port")
    return PolicyPort(port=port, protocol=protocol, end_port=end)


def _peer(p, field: str) -> PolicyPeer | Unsaid:
    if not isinstance(p, dict) or not p:
        return Unsaid(field, "a peer with none of podSelector, namespaceSelector and ipBlock")
    if "ipBlock" in p:
        b = p["ipBlock"]
        if len(p) > 1:
            return Unsaid(field, "an ipBlock together with a selector, which the API server refuses")
        if not isinstance(b, dict) or not isinstance(b.get("cidr"), str):
            return Unsaid(f"{field}.ipBlock", "an ipBlock without a cidr")
        excepts = b.get("except") or []
        bad = _extra(b, ("cidr", "except"), f"{field}.ipBlock.", "not a part of an ipBlock")
        if bad or not all(isinstance(x, str) for x in excepts):
            return bad or Unsaid(f"{field}.ipBlock.except", "not a list of CIDRs")
        return PolicyPeer(ip_block=IPBlock(cidr=b["cidr"], excepts=tuple(excepts)))
    bad = _extra(p, ("podSelector", "namespaceSelector"), f"{field}.", "not a part of a peer")
    if bad:
        return bad
    sels = {}
    for key in ("podSelector", "namespaceSelector"):
        if key in p:
            sels[key] = _selector(p[key] if p[key] is not None else {}, f"{field}.{key}")
            if isinstance(sels[key], Unsaid):
                return sels[key]
    return PolicyPeer(pod_selector=sels.get("podSelector"), namespace_selector=sels.get("namespaceSelector"))


# ---- PodDisruptionBudget -------------------------------------------------------------------------------

def read_pdb(d, m) -> PodDisruptionBudget | Unsaid:
    """A `pdb` holds no `yaml` block (its manifest is built from its fields), so anything besides the name,
    labels, annotations, selector and budget keeps the whole object a `manifest` — which the disruption
    controller and the Eviction API read all the same."""
    no_word = "the `pdb` statement has no word for it"
    bad = (_extra(d, ("apiVersion", "kind", "metadata", "spec"), "", no_word)
           or _extra(d["metadata"], ("name", "namespace", "labels", "annotations"), "metadata.", no_word)
           or _extra(spec_of(d), ("minAvailable", "maxUnavailable", "selector"), "spec.", no_word))
    if bad:
        return bad
    for key in ("labels", "annotations"):
        values = d["metadata"].get(key) or {}
        if not all(isinstance(x, str) for x in values.values()):
            return Unsaid(f"metadata.{key}", "a value that is not a string")
    spec = spec_of(d)
    budget = {}
    for key in ("minAvailable", "maxUnavailable"):
        if key in spec:
            x = spec[key]
            if _int(x):
                budget[key] = x
            elif isinstance(x, str) and re.fullmatch(r"\d+%", x, re.ASCII):
                budget[key] = Percent(int(x[:-1]))
            else:
                return Unsaid(f"spec.{key}", f"{x!r} is neither a number nor a percentage")
    if not budget:  # the API accepts it (no disruption allowed); docs/maintenance.md
        return Unsaid("spec", "neither minAvailable nor maxUnavailable: the `pdb` statement asks for one")
    selector = None
    if "selector" in spec:
        selector = _selector(spec["selector"] if spec["selector"] is not None else {}, "spec.selector")
        if isinstance(selector, Unsaid):
            return selector
    return PodDisruptionBudget.build(name=m.name, namespace=m.ns, selector=selector,
                                     min_available=budget.get("minAvailable"),
                                     max_unavailable=budget.get("maxUnavailable"), labels=m.labels,
                                     annotations=m.annotations)
