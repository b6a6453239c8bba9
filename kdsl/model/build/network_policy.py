"""Builds `networkpolicy` with its `allow` and `isolate` rules, refused as the API server refuses a NetworkPolicy."""

from __future__ import annotations

import ipaddress
import re

from kdsl.core.values import digits
from kdsl.core.errors import suggest
from kdsl.lang.syntax import Kw, Op, Stmt, Values, Word
from kdsl.model.base import Selector
from kdsl.model.build.cluster import meta
from kdsl.model.build.context import Ctx, Head, split_ref
from kdsl.model.build.scheduling import selector
from kdsl.model.names import port_name, port_number
from kdsl.model.network import IPBlock, NetworkPolicy, PolicyPeer, PolicyPort, NetworkPolicyRule, policy_types

_RANGE = re.compile(r"^([0-9]+)-([0-9]+)(?:/(\w+))?$")
_PORT = re.compile(r"^([^/]+)(?:/(\w+))?$")
_PROTOCOLS = ("TCP", "UDP", "SCTP")  # the order of validation.go's NotSupported list
_DIRECTIONS = {"ingress": "Ingress", "egress": "Egress"}
_CIDR_MSG = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"  # IsValidCIDRForLegacyField


def build_network_policy(ctx: Ctx, stmt: Stmt, namespace: str | None) -> NetworkPolicy | None:
    head_parts: list = []
    sel_parts: list = []
    current = head_parts
    for p in stmt.head[1:]:
        if isinstance(p, Kw) and p.text == "selects":
            current = sel_parts
        elif not isinstance(p, (Kw, Op)):
            current.append(p)
    head = Head(ctx, stmt, "networkpolicy", head_parts)
    w = head.name()
    if w is None:
        return None
    ns, name = split_ref(ctx, w, namespace, "networkpolicy")
    head.what = f"networkpolicy {ns}/{name}"
    head.done()
    what = head.what
    pod_selector = _selector(ctx, sel_parts, f"podSelector of {what}")
    rules: dict[str, list[NetworkPolicyRule]] = {"Ingress": [], "Egress": []}
    isolate: list[str] = []
    for s in stmt.block or ():
        if s.kind == "np_allow":
            direction = _DIRECTIONS[s.head[1].text]
            rule = _rule(ctx, s, direction, f"spec.{direction.lower()}[{len(rules[direction])}]", what)
            if rule is not None:
                rules[direction].append(rule)
        elif s.kind == "np_isolate":
            for w in s.head[1]:
                d = _DIRECTIONS.get(w.text.lower())
                if d is None:
                    near = suggest(w.text.lower(), _DIRECTIONS)
                    ctx.error(w, f"{what}: `isolate` takes `ingress` and/or `egress`, not `{w.text}`",
                              suggestion=f"`{near}`" if near else None)
                elif d not in isolate:
                    isolate.append(d)
    ingress, egress = tuple(rules["Ingress"]), tuple(rules["Egress"])
    return NetworkPolicy(name=name, namespace=ns, pod_selector=pod_selector, ingress=ingress, egress=egress,
                         policy_types=policy_types(ingress, egress, tuple(isolate)), span=stmt.span,
                         **meta(ctx, stmt.block, what))


def _selector(ctx: Ctx, parts: list, what: str) -> Selector:
    """`all` (or nothing) is the empty selector, which selects every pod (or namespace)."""
    if len(parts) == 1 and isinstance(parts[0], Word) and parts[0].text == "all" and not parts[0].quoted:
        return Selector()
    return selector(ctx, parts, what)


def _rule(ctx: Ctx, s: Stmt, direction: str, field: str, what: str) -> NetworkPolicyRule | None:
    """One `allow` line: `allow ingress [from PEER] [ports P,...]`."""
    sections: dict[str, list] = {}
    current = None
    for p in s.head[2:]:
        if isinstance(p, Kw):
            current = p.text  # the grammar allows each keyword once in a rule
            sections[current] = [p]
        else:
            sections.setdefault(current, []).append(p)
    word = "from" if direction == "Ingress" else "to"
    other = "to" if word == "from" else "from"
    if other in sections:
        ctx.error(sections[other][0], f"an {direction.lower()} rule names its peers with `{word}`, not `{other}`",
                  suggestion=f"`allow {direction.lower()} {word} ...`")
    peer_field = f"{field}.{word}[0]"
    peer = None
    if "cidr" in sections:
        peer = _ip_block(ctx, sections["cidr"][1], sections.get("except", [None, ()])[1], f"{peer_field}.ipBlock",
                         what)
    elif "namespaces" in sections or "pods" in sections:
        ns_sel = _selector(ctx, sections["namespaces"][1:], f"namespaceSelector of {what}") \
            if "namespaces" in sections else None
        pod_sel = _selector(ctx, sections["pods"][1:], f"podSelector of {what}") if "pods" in sections else None
        peer = PolicyPeer(pod_selector=pod_sel, namespace_selector=ns_sel)
    ports = tuple(p for i, w in enumerate(sections.get("ports", [None, ()])[1])
                  for p in [_port(ctx, w, f"{field}.ports[{i}]", what)] if p is not None)
    return NetworkPolicyRule(peers=(peer,) if peer is not None else (), ports=ports, span=s.span)


def _ip_block(ctx: Ctx, cidr: Word, excepts: Values | tuple, field: str, what: str) -> PolicyPeer:
    """pkg/apis/networking/validation/validation.go, ValidateIPBlock: each except a strict subset of cidr."""
    net = _network(cidr.text)
    if net is None:
        ctx.error(cidr, f'{what}: {field}.cidr: Invalid value: "{cidr.text}": {_CIDR_MSG}')
    for i, w in enumerate(excepts):
        ex = _network(w.text)
        at = f"{field}.except[{i}]"
        if ex is None:
            ctx.error(w, f'{what}: {at}: Invalid value: "{w.text}": {_CIDR_MSG}')
        elif net is not None and (ex.version != net.version or not net.supernet_of(ex)
                                  or ex.prefixlen <= net.prefixlen):
            ctx.error(w, f'{what}: {at}: Invalid value: "{w.text}": must be a strict subset of `cidr`')
    return PolicyPeer(ip_block=IPBlock(cidr=cidr.text, excepts=tuple(w.text for w in excepts)))


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if "/" not in text:
        return None
    try:
        return ipaddress.ip_network(text, strict=False)  # ParseCIDRSloppy: host bits may be set
    except ValueError:
        return None


def _port(ctx: Ctx, w: Word, field: str, what: str) -> PolicyPort | None:
    """`5432`, `9187/TCP`, `53/UDP`, `metrics` (a container port's name), `7000-7100` (port and endPort);
    validation.go, ValidateNetworkPolicyPort."""
    m = _RANGE.match(w.text)
    if m:
        port_text, end_text, proto = m.groups()
    elif (p := _PORT.match(w.text)) is not None:
        (port_text, proto), end_text = p.groups(), None
    else:  # two protocols (`53/UDP/TCP`): no port kdsl or Kubernetes can read
        ctx.error(w, f"{what}: `{w.text}` is not a port: write a number (`5432`), a number and a protocol "
                     "(`53/UDP`), a container port's name (`metrics`) or a range (`7000-7100`)")
        return None
    protocol = "TCP"
    if proto is not None:
        protocol = proto.upper() if proto.upper() in _PROTOCOLS else proto
        if protocol not in _PROTOCOLS:
            supported = ", ".join(f'"{p}"' for p in _PROTOCOLS)
            ctx.error(w, f'{what}: {field}.protocol: Unsupported value: "{proto}": supported values: {supported}',
                      suggestion=f"`{port_text}/{suggest(proto.upper(), _PROTOCOLS)}`"
                      if suggest(proto.upper(), _PROTOCOLS) else None)
    ok = True
    if digits(port_text):
        port: int | str = int(port_text)
        for msg in port_number(port):
            ctx.error(w, f"{what}: {field}.port: Invalid value: {port}: {msg}")
            ok = False
    else:
        port = port_text
        for msg in port_name(port_text):
            ctx.error(w, f'{what}: {field}.port: Invalid value: "{port_text}": {msg}')
            ok = False
    end = int(end_text) if end_text is not None else None
    if end is not None:
        if end < port:  # upstream reports the port's value under endPort
            ctx.error(w, f"{what}: {field}.endPort: Invalid value: {port}: must be greater than or equal to `port`")
            ok = False
        for msg in port_number(end):
            ctx.error(w, f"{what}: {field}.endPort: Invalid value: {end}: {msg}")
            ok = False
    return PolicyPort(port=port, protocol=protocol, end_port=end, span=w.span) if ok else None
