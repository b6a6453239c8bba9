"""A node's scheduling facts (NodeInfo) and the node-level indexes over labels, taints and images."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from kdsl.engine.objects import ApiObject
from kdsl.engine.scheduler.podinfo import normalized_image
from kdsl.model.nodes import Node, Taint

UNSCHEDULABLE_TAINT = Taint("node.kubernetes.io/unschedulable", None, "NoSchedule")
HARD_EFFECTS = frozenset({"NoSchedule", "NoExecute"})


@attrs.frozen(eq=False)
class NodeInfo:
    """A node's scheduling facts; `taints` are the effective ones, with the cordon taint if cordoned."""

    name: str
    labels: dict[str, str] = attrs.field(factory=dict)
    taints: tuple[Taint, ...] = ()
    unschedulable: bool = False
    cpu: int = 4000
    memory: int = 16 * 2**30
    pods: int = 110
    ephemeral_storage: int | None = None
    images: tuple[str, ...] = ()

    @classmethod
    def of(cls, node: Any) -> NodeInfo:
        """From a model Node, an ApiObject of a Node (allocatable and images from its status), or a NodeInfo."""
        if isinstance(node, NodeInfo):
            return node
        status = None
        labels: dict[str, str] = {}
        if isinstance(node, ApiObject):
            status = node.status
            labels.update(node.spec.labels)
            labels.update(node.meta.labels)
            node = node.spec
        elif isinstance(node, Node):
            labels.update(node.labels)
        else:
            raise TypeError(f"not a node: {node!r}")
        src = status if status is not None else node
        images = (status.images if status is not None and status.images else node.images)
        taints = tuple(node.taints)
        # The node lifecycle controller mirrors spec.unschedulable as this taint (TaintNodesByCondition).
        if node.unschedulable and not any(t.key == UNSCHEDULABLE_TAINT.key and t.effect == "NoSchedule"
                                          for t in taints):
            taints += (UNSCHEDULABLE_TAINT,)
        return cls(name=node.name, labels=labels, taints=taints, unschedulable=node.unschedulable,
                   cpu=src.cpu, memory=src.memory, pods=src.pods,
                   images=tuple(normalized_image(i) for i in images))


@attrs.frozen(eq=False)
class NodeIndex:
    """Node-level indexes (labels, taints, images); refilled in place when a node changes."""

    by_label: dict[str, dict[str, np.ndarray]] = attrs.field(factory=dict)
    hard_taints: dict[Taint, np.ndarray] = attrs.field(factory=dict)
    soft_taints: dict[Taint, np.ndarray] = attrs.field(factory=dict)
    images: dict[str, np.ndarray] = attrs.field(factory=dict)
    cache: dict[Any, np.ndarray] = attrs.field(factory=dict)

    def refill(self, nodes: list[NodeInfo]) -> None:
        labels: dict[str, dict[str, list[int]]] = {}
        hard: dict[Taint, list[int]] = {}
        soft: dict[Taint, list[int]] = {}
        images: dict[str, list[int]] = {}
        for i, n in enumerate(nodes):
            for k, v in n.labels.items():
                labels.setdefault(k, {}).setdefault(v, []).append(i)
            for t in n.taints:
                (hard if t.effect in HARD_EFFECTS else soft).setdefault(t, []).append(i)
            for image in dict.fromkeys(n.images):  # once each, in order (no set iteration)
                images.setdefault(image, []).append(i)
        arr = lambda ix: np.asarray(ix, dtype=np.int64)  # noqa: E731
        for target, source in ((self.hard_taints, hard), (self.soft_taints, soft), (self.images, images)):
            target.clear()
            target.update({k: arr(v) for k, v in source.items()})
        self.by_label.clear()
        self.by_label.update({k: {v: arr(ix) for v, ix in vals.items()} for k, vals in labels.items()})
        self.cache.clear()
