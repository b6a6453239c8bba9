"""Does a NetworkPolicy set let traffic through? Pure functions of pods, namespaces' labels and policies.

The rules are networking.k8s.io/v1's (staging/src/k8s.io/api/networking/v1/types.go and the NetworkPolicy
concept page): policies only allow, their rules add up; a pod is isolated for a direction when any policy that
selects it has that direction in policyTypes; a connection passes when the source's egress (when the source is a
pod) and the destination's ingress both allow it. kdsl plays a network plugin that enforces every policy.
"""

from __future__ import annotations

import ipaddress

import attrs

from kdsl.model.network import NetworkPolicy, NetworkPolicyRule, PolicyPeer, PolicyPort


@attrs.frozen(kw_only=True)
class Endpoint:
    """One end of a connection: a pod (namespace, name, labels, IP, container ports) or an address
    outside the pods (`namespace` None), such as `cidr 8.8.8.8`."""

    namespace: str | None = None
    name: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    ip: str | None = None
    ports: tuple[tuple[str, int, str], ...] = ()  # the containers' ports: (name or "", number, protocol)

    @property
    def is_pod(self) -> bool:
        return self.namespace is not None

    @property
    def text(self) -> str:
        return f"pod {self.namespace}/{self.name}" if self.is_pod else f"cidr {self.ip}"


@attrs.frozen(kw_only=True)
class Decision:
    """One direction's verdict: the policies that isolate the pod, those whose rules allow it, and why."""

    direction: str  # Ingress | Egress
    pod: str  # the pod this direction is judged on
    isolating: tuple[str, ...] = ()  # NS/NAME of each policy that selects the pod for this direction
    allowing: tuple[tuple[str, str], ...] = ()  # (NS/NAME, the rule that matched)

    @property
    def allowed(self) -> bool:
        return not self.isolating or bool(self.allowing)

    def lines(self) -> list[str]:
        d = self.direction.lower()
        if not self.isolating:
            return [f"{d}: {self.pod} is not isolated for {d} (no policy selects it with policyTypes {self.direction})"]
        out = [f"{d}: networkpolicy {p} selects {self.pod} and isolates it for {d}" for p in self.isolating]
        out += [f"{d}: networkpolicy {p} allows it: {why}" for p, why in self.allowing]
        if not self.allowing:
            out.append(f"{d}: no rule of those policies allows it, so it is denied")
        return out


@attrs.frozen(kw_only=True)
class Verdict:
    """A connection's outcome: the source's egress (None when the source is not a pod) and the destination's
    ingress (None when the destination is not a pod); it passes when both allow it."""

    source: Endpoint
    destination: Endpoint
    port: int
    protocol: str
    egress: Decision | None
    ingress: Decision | None

    @property
    def allowed(self) -> bool:
        return all(d is None or d.allowed for d in (self.egress, self.ingress))

    def lines(self) -> list[str]:
        head = (f"{self.source.text} -> {self.destination.text} port {self.port}/{self.protocol}: "
                + ("allowed" if self.allowed else "denied"))
        body = [ln for d in (self.egress, self.ingress) if d is not None for ln in d.lines()]
        return [head] + ["  " + ln for ln in body]


def selects(policy: NetworkPolicy, pod: Endpoint) -> bool:
    """spec.podSelector selects pods of the policy's own namespace only."""
    return pod.namespace == policy.namespace and policy.pod_selector.matches(dict(pod.labels))


def peer_matches(peer: PolicyPeer, policy_ns: str, other: Endpoint, namespaces: dict[str, dict[str, str]]) -> bool:
    """NetworkPolicyPeer: ipBlock by address; a podSelector alone means pods of the policy's namespace; a
    namespaceSelector alone every pod of the namespaces it selects; both, those pods in those namespaces."""
    if peer.ip_block is not None:
        return other.ip is not None and in_block(other.ip, peer.ip_block.cidr, peer.ip_block.excepts)
    if not other.is_pod:
        return False  # selectors select pods; an address outside them matches only an ipBlock
    if peer.namespace_selector is None:
        in_ns = other.namespace == policy_ns
    else:
        in_ns = peer.namespace_selector.matches(namespaces.get(other.namespace, {}))
    return in_ns and (peer.pod_selector is None or peer.pod_selector.matches(dict(other.labels)))


def in_block(ip: str, cidr: str, excepts: tuple[str, ...] = ()) -> bool:
    addr = _address(ip)
    net = ipaddress.ip_network(cidr, strict=False)
    if addr is None or addr.version != net.version or addr not in net:
        return False
    return not any(addr in ipaddress.ip_network(e, strict=False) for e in excepts
                   if ipaddress.ip_network(e, strict=False).version == addr.version)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.split("/")[0])
    except ValueError:
        return None


def port_matches(p: PolicyPort, port: int, protocol: str, destination: Endpoint) -> bool:
    """NetworkPolicyPort: the protocol must agree; no port means every port; endPort makes a range; a name is
    resolved on the destination pod's containers (so it never matches an address outside the pods)."""
    if p.protocol != protocol:
        return False
    if p.port is None:
        return True
    if isinstance(p.port, str):
        return any(n == p.port and num == port and proto == protocol for n, num, proto in destination.ports)
    return p.port <= port <= (p.end_port if p.end_port is not None else p.port)


def rule_matches(rule: NetworkPolicyRule, policy_ns: str, peer: Endpoint, port: int, protocol: str,
                 destination: Endpoint, namespaces: dict[str, dict[str, str]]) -> bool:
    """An empty `from`/`to` matches every peer, an empty `ports` every port; otherwise any of each."""
    return ((not rule.peers or any(peer_matches(p, policy_ns, peer, namespaces) for p in rule.peers))
            and (not rule.ports or any(port_matches(p, port, protocol, destination) for p in rule.ports)))


def decide(direction: str, pod: Endpoint, peer: Endpoint, port: int, protocol: str, destination: Endpoint,
           policies: list[NetworkPolicy], namespaces: dict[str, dict[str, str]]) -> Decision:
    """`pod`'s side of a connection: isolated for `direction` by each policy that selects it with that
    policyType; allowed by each of those whose rules of that direction admit `peer` on the port."""
    isolating = [p for p in sorted(policies, key=lambda p: p.key) if p.isolates(direction) and selects(p, pod)]
    allowing = []
    for p in isolating:
        for i, rule in enumerate(p.rules(direction)):
            if rule_matches(rule, p.namespace, peer, port, protocol, destination, namespaces):
                allowing.append((p.key, describe_rule(direction, i, rule)))
                break
    return Decision(direction=direction, pod=pod.text, isolating=tuple(p.key for p in isolating),
                    allowing=tuple(allowing))


def judge(source: Endpoint, destination: Endpoint, port: int, protocol: str, policies: list[NetworkPolicy],
          namespaces: dict[str, dict[str, str]]) -> Verdict:
    """Whether `source` may open a connection to `destination` on port/protocol."""
    egress = decide("Egress", source, destination, port, protocol, destination, policies, namespaces) \
        if source.is_pod else None
    ingress = decide("Ingress", destination, source, port, protocol, destination, policies, namespaces) \
        if destination.is_pod else None
    return Verdict(source=source, destination=destination, port=port, protocol=protocol, egress=egress,
                   ingress=ingress)


def describe_rule(direction: str, index: int, rule: NetworkPolicyRule) -> str:
    """A rule as kdsl writes it, for why_connect: `allow ingress from pods app=api ports 5432`."""
    word = "from" if direction == "Ingress" else "to"
    text = f"{direction.lower()}[{index}]: allow {direction.lower()}"
    if rule.peers:
        text += " " + word + " " + " or ".join(peer_text(p) for p in rule.peers)
    if rule.ports:
        text += " ports " + ",".join(port_text(p) for p in rule.ports)
    return text


def peer_text(p: PolicyPeer) -> str:
    if p.ip_block is not None:
        return f"cidr {p.ip_block.cidr}" + (f" except {','.join(p.ip_block.excepts)}" if p.ip_block.excepts else "")
    out = []
    if p.namespace_selector is not None:
        out.append(f"namespaces {str(p.namespace_selector) or 'all'}")
    if p.pod_selector is not None:
        out.append(f"pods {str(p.pod_selector) or 'all'}")
    return " ".join(out)


def port_text(p: PolicyPort) -> str:
    text = "all" if p.port is None else str(p.port)
    if p.end_port is not None:
        text += f"-{p.end_port}"
    return text if p.protocol == "TCP" else f"{text}/{p.protocol}"
