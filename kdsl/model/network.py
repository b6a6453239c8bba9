"""The network: Services, Ingresses, NetworkPolicies (networking.k8s.io/v1) and the `expect connect` they answer."""

from __future__ import annotations

from typing import ClassVar

import attrs

from kdsl.core.errors import Span
from kdsl.model.base import NamespacedObject, Pairs, Selector, span_field
from kdsl.model.expectations import Timing

SERVICE_TYPES = {"clusterip": "ClusterIP", "headless": "ClusterIP", "nodeport": "NodePort",
                 "loadbalancer": "LoadBalancer"}


@attrs.frozen(kw_only=True, weakref_slot=False)
class ServicePort:
    """`target` defaults to `port`, as Kubernetes defaults targetPort; a name resolves per pod."""

    port: int
    target: int | str
    name: str | None = None
    protocol: str = "TCP"
    node_port: int | None = None
    span: Span | None = span_field()  # where the port is written, for messages about it


@attrs.frozen(kw_only=True, weakref_slot=False)
class Service(NamespacedObject):
    kind: ClassVar[str] = "Service"
    plural: ClassVar[str] = "services"
    type: str = "ClusterIP"
    headless: bool = False
    selector: Pairs | None = None  # None: no selector (endpoints managed by hand)
    ports: tuple[ServicePort, ...] = ()
    cluster_ip: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class IngressPath:
    """One rule path: host ("" for every host), path and pathType, and the backend it serves."""

    host: str
    path: str
    path_type: str  # Prefix | Exact
    service: str
    port: int | str
    span: Span | None = span_field()


@attrs.frozen(kw_only=True, weakref_slot=False)
class IngressTLS:
    hosts: tuple[str, ...]
    secret: str | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class Ingress(NamespacedObject):
    kind: ClassVar[str] = "Ingress"
    api_version: ClassVar[str] = "networking.k8s.io/v1"
    plural: ClassVar[str] = "ingresses"
    class_name: str | None = None
    rules: tuple[IngressPath, ...] = ()
    default_backend: tuple[str, int | str] | None = None
    tls: tuple[IngressTLS, ...] = ()


@attrs.frozen(kw_only=True, weakref_slot=False)
class IPBlock:
    """`cidr 10.0.0.0/8 except 10.1.0.0/16`: the CIDR, less the excepted ranges inside it."""

    cidr: str
    excepts: tuple[str, ...] = ()


@attrs.frozen(kw_only=True, weakref_slot=False)
class PolicyPeer:
    """One peer of a rule (NetworkPolicyPeer): an ipBlock, or pod and/or namespace selectors.

    A pod selector alone selects pods of the policy's namespace; a namespace selector alone, every pod of
    the namespaces it selects; both, the pods it selects in those namespaces (types.go, NetworkPolicyPeer).
    """

    pod_selector: Selector | None = None
    namespace_selector: Selector | None = None
    ip_block: IPBlock | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class PolicyPort:
    """A port (number or a container port's name), its protocol, and `end_port` for a range `7000-7100`."""

    port: int | str | None = None  # None: every port of the protocol
    protocol: str = "TCP"
    end_port: int | None = None
    span: Span | None = span_field()


@attrs.frozen(kw_only=True, weakref_slot=False)
class NetworkPolicyRule:
    """An ingress (`from`) or egress (`to`) rule: empty peers match every peer, empty ports every port."""

    peers: tuple[PolicyPeer, ...] = ()
    ports: tuple[PolicyPort, ...] = ()
    span: Span | None = span_field()


@attrs.frozen(kw_only=True, weakref_slot=False)
class NetworkPolicy(NamespacedObject):
    """policy_types holds what the API server stores: as pkg/apis/networking/v1/defaults.go (SetDefaults_NetworkPolicySpec)
    defaults it when the spec gives none, Ingress always, and Egress when there are egress rules."""

    kind: ClassVar[str] = "NetworkPolicy"
    api_version: ClassVar[str] = "networking.k8s.io/v1"
    plural: ClassVar[str] = "networkpolicies"
    pod_selector: Selector = Selector()
    ingress: tuple[NetworkPolicyRule, ...] = ()
    egress: tuple[NetworkPolicyRule, ...] = ()
    policy_types: tuple[str, ...] = ("Ingress",)

    def isolates(self, direction: str) -> bool:
        """Whether the pods it selects are isolated for `Ingress` or `Egress`."""
        return direction in self.policy_types

    def rules(self, direction: str) -> tuple[NetworkPolicyRule, ...]:
        return self.ingress if direction == "Ingress" else self.egress


def policy_types(ingress: tuple, egress: tuple, isolate: tuple[str, ...] = ()) -> tuple[str, ...]:
    """policyTypes as stored. Without `isolate` the spec names none, so the API server defaults them (Ingress
    always, Egress when there are egress rules); `isolate` names them, and kdsl adds each direction that has
    rules, since a rule of a direction the policy does not isolate would do nothing."""
    types = set(isolate) | ({"Ingress"} if ingress else set()) if isolate else {"Ingress"}
    types |= {"Egress"} if egress else set()
    return tuple(t for t in ("Ingress", "Egress") if t in types)


@attrs.frozen(kw_only=True, weakref_slot=False)
class ConnectEnd:
    """One end of `expect connect`: `pod NS/NAME`, `pods NS SELECTOR`, `service NS/NAME` or `cidr X`."""

    kind: str  # pod | pods | service | cidr
    namespace: str | None = None
    name: str | None = None  # pod or service name; the address for a cidr
    selector: Selector | None = None

    def __str__(self) -> str:
        if self.kind == "cidr":
            return f"cidr {self.name}"
        if self.kind == "pods":
            return f"pods {self.namespace} {str(self.selector) or 'all'}"
        return f"{self.kind} {self.namespace}/{self.name}"


@attrs.frozen(kw_only=True, weakref_slot=False)
class ConnectExpectation:
    """`expect [cannot] connect SRC -> DST port=P[/PROTO]`: every source pod reaches (or none reaches) every
    destination pod; a Service's endpoints are each judged on the port the Service sends them."""

    allowed: bool
    source: ConnectEnd
    destination: ConnectEnd
    port: int
    protocol: str = "TCP"
    timing: Timing = Timing()
    text: str = ""
    span: Span | None = span_field()
