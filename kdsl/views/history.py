"""One pass over the store's history: each pod as it changes, with the nodes as they stood then."""

from __future__ import annotations

from collections.abc import Iterator

from kdsl.engine.objects import ApiObject
from kdsl.views.common import selector as parse


def pod_changes(sim, namespace=None, selector=None) -> Iterator[tuple[int, tuple, ApiObject | None, dict]]:
    """(time_ms, key, pod, nodes) in the order of the writes, each time what a pod shows may change: a
    write of the pod, or of its node (a node lost or found changes its pods' phase). `pod` is None when
    the pod is deleted or relabelled out of the selection; `nodes` is the live map of nodes by name, as
    they stand after the write. Nothing is rebuilt per moment, so a run of thousands of pods stays quick."""
    sel = parse(selector)
    nodes: dict[str, ApiObject] = {}
    current: dict[tuple, ApiObject] = {}
    on_node: dict[str, dict[tuple, None]] = {}
    for change in sim.store.history:
        kind = change.key[0]
        if kind == "Node":
            name = change.key[2]
            if change.obj is None:
                nodes.pop(name, None)
            else:
                nodes[name] = change.obj
            for key in on_node.get(name, {}):
                yield change.time_ms, key, current[key], nodes
        elif kind == "Pod":
            key, pod = change.key, change.obj
            if namespace is not None and key[1] != namespace:
                continue
            old = current.get(key)
            if pod is not None and sel is not None and not sel.matches(dict(pod.meta.labels)):
                if old is None:
                    continue
                pod = None  # relabelled out of the selection: it leaves as if deleted
            if old is not None and old.spec.template.node_name:
                on_node.get(old.spec.template.node_name, {}).pop(key, None)
            if pod is None:
                if current.pop(key, None) is not None:
                    yield change.time_ms, key, None, nodes
                continue
            current[key] = pod
            if pod.spec.template.node_name:
                on_node.setdefault(pod.spec.template.node_name, {})[key] = None
            yield change.time_ms, key, pod, nodes
