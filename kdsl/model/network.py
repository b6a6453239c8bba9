"""Services and Ingresses."""

from __future__ import annotations

from typing import ClassVar

import attrs

from kdsl.core.errors import Span
from kdsl.model.base import NamespacedObject, Pairs, span_field

SERVICE_TYPES = {"clusterip": "ClusterIP", "headless": "ClusterIP", "nodeport": "NodePort",
                 "loadbalancer": "LoadBalancer"}


@attrs.frozen(kw_only=True)
class ServicePort:
    """`target` defaults to `port`, as Kubernetes defaults targetPort; a name resolves per pod."""

    port: int
    target: int | str
    name: str | None = None
    protocol: str = "TCP"
    node_port: int | None = None
    span: Span | None = span_field()  # where the port is written, for messages about it


@attrs.frozen(kw_only=True)
class Service(NamespacedObject):
    kind: ClassVar[str] = "Service"
    plural: ClassVar[str] = "services"
    type: str = "ClusterIP"
    headless: bool = False
    selector: Pairs | None = None  # None: no selector (endpoints managed by hand)
    ports: tuple[ServicePort, ...] = ()
    cluster_ip: str | None = None


@attrs.frozen(kw_only=True)
class IngressPath:
    """One rule path: host ("" for every host), path and pathType, and the backend it serves."""

    host: str
    path: str
    path_type: str  # Prefix | Exact
    service: str
    port: int | str
    span: Span | None = span_field()


@attrs.frozen(kw_only=True)
class IngressTLS:
    hosts: tuple[str, ...]
    secret: str | None = None


@attrs.frozen(kw_only=True)
class Ingress(NamespacedObject):
    kind: ClassVar[str] = "Ingress"
    api_version: ClassVar[str] = "networking.k8s.io/v1"
    plural: ClassVar[str] = "ingresses"
    class_name: str | None = None
    rules: tuple[IngressPath, ...] = ()
    default_backend: tuple[str, int | str] | None = None
    tls: tuple[IngressTLS, ...] = ()
