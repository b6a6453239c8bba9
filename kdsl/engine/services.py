"""Services as the data plane sees them: EndpointSlice values, which pods are endpoints, DNS names, shares."""

from __future__ import annotations

import re
from fractions import Fraction

import attrs

from kdsl.engine.kubelet.status_text import human_duration
from kdsl.engine.objects import ApiObject
from kdsl.engine.podview import is_ready

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"
MANAGED_BY = "endpointslice-controller.k8s.io"
ZONE_LABEL = "topology.kubernetes.io/zone"
MAX_ENDPOINTS_PER_SLICE = 100  # kube-controller-manager --max-endpoints-per-slice default
CLUSTER_DOMAIN = "cluster.local"
_PUBLISH_NOT_READY = re.compile(r"^\s*publishNotReadyAddresses\s*:\s*true\s*$", re.MULTILINE | re.IGNORECASE)


@attrs.frozen(kw_only=True)
class EndpointPort:
    name: str | None
    port: int
    protocol: str = "TCP"


@attrs.frozen(kw_only=True)
class Endpoint:
    """One pod as an endpoint: its address, the three conditions, and where it runs."""

    address: str
    ready: bool
    serving: bool
    terminating: bool
    pod: str  # the targetRef's name (same namespace as the slice)
    node: str | None = None
    zone: str | None = None
    hostname: str | None = None  # a pod whose subdomain is the Service (a StatefulSet's), for its DNS name


@attrs.frozen(kw_only=True)
class EndpointSlice:
    """discovery.k8s.io/v1 EndpointSlice: the spec of a stored `EndpointSlice` object. Every endpoint of
    a slice exposes the same `ports`, which is why pods that resolve a named port differently land in
    different slices."""

    service: str
    address_type: str = "IPv4"
    endpoints: tuple[Endpoint, ...] = ()
    ports: tuple[EndpointPort, ...] = ()


@attrs.frozen(kw_only=True)
class Backend:
    """One endpoint that would take traffic, and its share of it (kube-proxy picks endpoints with equal
    probability, so n endpoints get 1/n each)."""

    pod: str  # NS/NAME
    address: str
    port: int | None
    node: str | None
    share: Fraction


# ---- which pods are endpoints, and how -----------------------------------------------------------


def selector_matches(selector, labels: dict[str, str]) -> bool:
    for k, v in selector:  # a loop, not all(genexpr): asked for every pod write and Service of a namespace
        if labels.get(k) != v:
            return False
    return True


def publish_not_ready(service) -> bool:
    """`publishNotReadyAddresses: true`: the language has no word for it; a `yaml` block says it."""
    return bool(service.yaml) and _PUBLISH_NOT_READY.search(service.yaml) is not None


def should_be_endpoint(pod: ApiObject) -> bool:
    """ShouldPodBeInEndpoints with includeTerminating (what the EndpointSlice controller asks): not
    Succeeded or Failed, and has an IP. A pod being deleted stays, as a terminating endpoint."""
    status = pod.status
    return status is not None and status.phase not in ("Succeeded", "Failed") and bool(status.pod_ip)


def endpoint_of(pod: ApiObject, service, node: ApiObject | None) -> Endpoint:
    """podToEndpoint: serving = Ready (or publishNotReadyAddresses), terminating = deletionTimestamp set,
    ready = publishNotReadyAddresses or (serving and not terminating)."""
    publish = publish_not_ready(service)
    serving = publish or is_ready(pod)
    terminating = pod.terminating
    zone = dict(node.meta.labels).get(ZONE_LABEL) if node is not None else None
    t = pod.spec.template
    # ShouldSetHostname: the pod names this Service as its subdomain, in the same namespace.
    hostname = t.hostname if t.hostname and t.subdomain == service.name and pod.namespace == service.namespace else None
    return Endpoint(address=pod.status.pod_ip, ready=publish or (serving and not terminating), serving=serving,
                    terminating=terminating, pod=pod.name, node=t.node_name, zone=zone, hostname=hostname)


def find_port(pod: ApiObject, port) -> int | None:
    """podutil.FindPort: a number is used as is; a name is looked up among the containers' ports of the
    same protocol, and a pod without it has no endpoint for that service port."""
    if isinstance(port.target, int):
        return port.target
    for c in pod.spec.template.containers:
        for p in c.ports:
            if p.name == port.target and p.protocol == port.protocol:
                return p.number
    return None


def endpoint_ports(pod: ApiObject, service) -> tuple[EndpointPort, ...]:
    """getEndpointPorts: every service port the pod resolves, named as the service port."""
    out = []
    for sp in service.ports:
        number = find_port(pod, sp)
        if number is not None:
            out.append(EndpointPort(name=sp.name or "", port=number, protocol=sp.protocol))
    return tuple(out)


# ---- what a service offers at one moment ---------------------------------------------------------


def dns_name(namespace: str, name: str) -> str:
    """The cluster DNS name of a service: `<svc>.<ns>.svc.cluster.local`."""
    return f"{name}.{namespace}.svc.{CLUSTER_DOMAIN}"


def slices_at(store, namespace: str, name: str, t: int) -> list[ApiObject]:
    """The service's EndpointSlices as they stood at `t`, by name."""
    found = [s for s in store.kind_at("EndpointSlice", namespace, t)
             if dict(s.meta.labels).get(SERVICE_NAME_LABEL) == name]
    return sorted(found, key=lambda s: s.name)


def serving_endpoints(service, slices: list[ApiObject], port=None) -> list[tuple[Endpoint, int | None]]:
    """The endpoints that take traffic for one service port (all ports when None), each with its
    target port: the ready ones; when none is ready, kube-proxy falls back to serving terminating ones."""
    want = [port] if port is not None else list(service.ports)
    ready, fallback = [], []
    for s in slices:
        for ep in s.spec.endpoints:
            target = _target_in(s.spec.ports, want)
            if want and target is None:
                continue  # this slice's pods do not expose the port asked about
            if ep.ready:
                ready.append((ep, target))
            elif ep.serving and ep.terminating:
                fallback.append((ep, target))
    return ready or fallback


def _target_in(ports: tuple[EndpointPort, ...], want: list) -> int | None:
    for sp in want:
        for p in ports:
            if p.name == (sp.name or "") and p.protocol == sp.protocol:
                return p.port
    return None


def balance(namespace: str, picked: list[tuple[Endpoint, int | None]]) -> tuple[Backend, ...]:
    """Which endpoints serve, in order (by pod name), each with an equal share."""
    if not picked:
        return ()
    share = Fraction(1, len(picked))
    return tuple(Backend(pod=f"{namespace}/{ep.pod}", address=ep.address, port=port, node=ep.node, share=share)
                 for ep, port in sorted(picked, key=lambda x: x[0].pod))


def service_values(obj: ApiObject, checker, t: int) -> dict:
    """`expect service`: `endpoints` counts ready endpoints that serve at least one of its ports (every
    endpoint when the service has no ports), `notready` the others in its slices, `clusterip` its IP."""
    spec = obj.spec
    slices = slices_at(checker.sim.store, obj.namespace, obj.name, t)
    ready = notready = 0
    want = list(spec.ports)
    for s in slices:
        if want and _target_in(s.spec.ports, want) is None:
            continue
        for ep in s.spec.endpoints:
            if ep.ready:
                ready += 1
            else:
                notready += 1
    ip = "None" if spec.headless else spec.cluster_ip
    return {"endpoints": ready, "notready": notready, "clusterip": ip}


def service_row(obj: ApiObject, now: int) -> dict:
    """kubectl get services: TYPE, CLUSTER-IP, EXTERNAL-IP (`<pending>` for a LoadBalancer, as no cloud
    provider answers in kdsl), PORT(S) and AGE."""
    spec = obj.spec
    ports = ",".join(f"{p.port}:{p.node_port}/{p.protocol}" if p.node_port else f"{p.port}/{p.protocol}"
                     for p in spec.ports) or "<none>"
    return {"NAMESPACE": obj.namespace, "NAME": obj.name, "TYPE": spec.type,
            "CLUSTER-IP": "None" if spec.headless else (spec.cluster_ip or "<none>"),
            "EXTERNAL-IP": "<pending>" if spec.type == "LoadBalancer" else "<none>", "PORT(S)": ports,
            "AGE": human_duration(now - obj.meta.creation_ms)}
