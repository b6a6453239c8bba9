"""Reachability on a simulated cluster at a moment: its pods, namespaces and NetworkPolicies, fed to evaluate."""

from __future__ import annotations

import re

import attrs

from kdsl.engine.netpol.evaluate import Endpoint, Verdict, judge
from kdsl.engine.routing import BUILTIN_NAMESPACES
from kdsl.engine.services import serving_endpoints, slices_at
from kdsl.core.errors import UsageError
from kdsl.model.base import Selector
from kdsl.model.network import ConnectEnd

# The API server labels every namespace with its name (pkg/registry/core/namespace/strategy.go, since 1.22),
# which is how a policy selects one namespace by name.
NAME_LABEL = "kubernetes.io/metadata.name"
_PORT = re.compile(r"^(\d+)(?:/(TCP|UDP|SCTP|tcp|udp|sctp))?$")


@attrs.frozen(kw_only=True)
class Cluster:
    """What a network plugin knows at one moment: pods with an IP, namespaces' labels, the policies."""

    pods: tuple[Endpoint, ...]
    owners: dict = attrs.field(eq=False)  # NS/NAME of a pod -> its owner group, `deployment shop/web`
    namespaces: dict = attrs.field(eq=False)
    policies: tuple = ()


def cluster_at(sim, t: int) -> Cluster:
    store = sim.store
    names = {n.name: n for n in store.kind_at("Namespace", None, t)}
    namespaces = {ns: {**(names[ns].meta.label_dict() if ns in names else {}), NAME_LABEL: ns}
                  for ns in sorted(set(names) | set(BUILTIN_NAMESPACES))}
    pods, owners = [], {}
    for ns in namespaces:
        for p in store.kind_at("Pod", ns, t):
            if p.status is None or not p.status.pod_ip or p.status.phase in ("Succeeded", "Failed"):
                continue  # a pod without an address takes and opens no connection
            ports = tuple((c.name or "", c.number, c.protocol)
                          for ctr in p.spec.template.containers for c in ctr.ports)
            pods.append(Endpoint(namespace=ns, name=p.name, labels=p.meta.labels, ip=p.status.pod_ip, ports=ports))
            owners[f"{ns}/{p.name}"] = _owner(store, p, t)
    policies = tuple(o.spec for o in store.all_at("NetworkPolicy", t))
    return Cluster(pods=tuple(pods), owners=owners, namespaces=namespaces, policies=policies)


def _owner(store, pod, t: int) -> str:
    """The group a pod is shown in: its controller, a ReplicaSet's Deployment when it has one, else the pod."""
    ref = next((o for o in pod.meta.owners if o.controller), None)
    if ref is None:
        return f"pod {pod.namespace}/{pod.name}"
    if ref.kind == "ReplicaSet":
        rs = store.at(("ReplicaSet", pod.namespace, ref.name), t)
        up = next((o for o in rs.meta.owners if o.controller), None) if rs is not None else None
        if up is not None:
            return f"{up.kind.lower()} {pod.namespace}/{up.name}"
    return f"{ref.kind.lower()} {pod.namespace}/{ref.name}"


def parse_port(port) -> tuple[int, str]:
    """`5432`, `53/UDP` or an int, as (number, protocol)."""
    m = _PORT.match(str(port))
    if not m or not 1 <= int(m.group(1)) <= 65535:
        raise UsageError(f"`{port}` is not a port: write a number 1-65535, optionally /TCP, /UDP or /SCTP")
    return int(m.group(1)), (m.group(2) or "TCP").upper()


def parse_end(text) -> ConnectEnd:
    """`pod NS/NAME`, `pods NS [k=v ...]`, `service NS/NAME` or `cidr X`, as the Python API takes them."""
    if isinstance(text, ConnectEnd):
        return text
    kind, _, rest = str(text).strip().partition(" ")
    rest = rest.strip()
    if kind == "cidr" and rest:
        return ConnectEnd(kind="cidr", name=rest)
    if kind == "pods" and rest:
        ns, _, sel = rest.partition(" ")
        pairs = [w.partition("=") for w in sel.split() if w != "all"]
        if all(eq for _, eq, _ in pairs):
            return ConnectEnd(kind="pods", namespace=ns, selector=Selector(tuple((k, v) for k, _, v in pairs)))
    if kind in ("pod", "service") and rest.count("/") == 1:
        ns, _, name = rest.partition("/")
        return ConnectEnd(kind=kind, namespace=ns, name=name)
    raise UsageError(f"`{text}` names no connection end: write `pod NS/NAME`, `pods NS k=v ...`, "
                     "`service NS/NAME` or `cidr X`")


def ends(sim, c: Cluster, end: ConnectEnd, t: int, port: int, protocol: str) -> list[tuple[Endpoint, int]]:
    """The endpoints `end` names, each with the port a connection reaches it on: a Service's port becomes each
    ready endpoint's target port (kube-proxy's DNAT happens before the policy is applied)."""
    if end.kind == "cidr":
        return [(Endpoint(ip=end.name.split("/")[0]), port)]
    if end.kind == "pod":
        return [(p, port) for p in c.pods if (p.namespace, p.name) == (end.namespace, end.name)]
    if end.kind == "pods":
        return [(p, port) for p in c.pods if p.namespace == end.namespace and end.selector.matches(dict(p.labels))]
    svc = sim.store.at(("Service", end.namespace, end.name), t)
    sp = next((p for p in svc.spec.ports if p.port == port and p.protocol == protocol), None) if svc else None
    if sp is None:
        return []
    by_ip = {p.ip: p for p in c.pods if p.namespace == end.namespace}
    slices = slices_at(sim.store, end.namespace, end.name, t)
    return [(by_ip[ep.address], target) for ep, target in serving_endpoints(svc.spec, slices, sp)
            if ep.address in by_ip and target is not None]


def verdicts(sim, src: str, dst: str, port, at: int | None = None) -> list[Verdict]:
    """Every (source pod, destination endpoint) pair's verdict, in a stable order."""
    t = sim.now if at is None else at
    number, protocol = parse_port(port)
    c = cluster_at(sim, t)
    sources = ends(sim, c, parse_end(src), t, number, protocol)
    targets = ends(sim, c, parse_end(dst), t, number, protocol)
    return [judge(s, d, p, protocol, list(c.policies), c.namespaces) for s, _ in sources for d, p in targets]


def connect_holds(exp, checker, t: int) -> tuple[bool, str]:
    """`expect connect` holds when every source reaches every destination; `cannot connect` when none does.
    With no source pod or no destination endpoint there is nothing to judge, and it does not hold."""
    found = verdicts(checker.sim, exp.source, exp.destination, f"{exp.port}/{exp.protocol}", at=t)
    if not found:
        return False, f"no connection to judge: {exp.source} -> {exp.destination} names no pod with an IP"
    passed = [v for v in found if v.allowed]
    wrong = next((v for v in found if v.allowed != exp.allowed), None)
    text = f"{len(passed)} of {len(found)} allowed"
    if wrong is not None:
        text += "; " + wrong.lines()[0] + (f" ({_why_short(wrong)})" if not wrong.allowed else "")
    return wrong is None, text


def _why_short(v: Verdict) -> str:
    denied = [d for d in (v.egress, v.ingress) if d is not None and not d.allowed]
    return "; ".join(f"{d.direction.lower()} isolated by {', '.join(d.isolating)}" for d in denied)
