"""Small builders of nodes and pods for the scheduler tests."""

from __future__ import annotations

from kdsl.engine.scheduler import PodInfo, Snapshot
from kdsl.model.base import Requirement, Selector
from kdsl.model.nodes import Node, Taint
from kdsl.model.pods import Affinity, Container, PodAffinityTerm, PodTemplate, Port, Resources, Toleration

GI = 2**30
MI = 2**20


def node(name: str, cpu: int = 4000, memory: int = 16 * GI, pods: int = 110, labels=(), taints=(),
         unschedulable: bool = False, images=()) -> Node:
    return Node.build(name=name, cpu=cpu, memory=memory, pods=pods, labels=tuple(dict(labels).items()),
                      taints=tuple(taints), unschedulable=unschedulable, images=tuple(images))


def pod(name: str, cpu: int | None = None, memory: int | None = None, *, namespace: str = "default",
        labels=None, priority: int = 0, host_ports=(), image: str = "nginx:1.25", start_ms: int | None = None,
        images=None, **template) -> PodInfo:
    ports = tuple(Port(number=p, host_port=p) for p in host_ports)
    containers = tuple(Container(name=f"c{i}", image=img, ports=ports if i == 0 else (),
                                 requests=Resources(cpu=cpu, memory=memory) if i == 0 else Resources())
                       for i, img in enumerate(images or (image,)))
    tpl = PodTemplate(labels=tuple(dict(labels or {}).items()), containers=containers, **template)
    return PodInfo.build(name=name, namespace=namespace, template=tpl, priority=priority, start_ms=start_ms)


def snapshot(nodes, pods=(), **kw) -> Snapshot:
    return Snapshot.build(nodes, pods, **kw)


def term(labels: dict, key: str, namespaces=()) -> PodAffinityTerm:
    return PodAffinityTerm(selector=Selector.of(labels), topology_key=key, namespaces=tuple(namespaces))


def req(key: str, op: str, *values: str) -> Requirement:
    return Requirement(key, op, tuple(values))


__all__ = ["Affinity", "GI", "MI", "Taint", "Toleration", "node", "pod", "req", "snapshot", "term"]
