"""Node groups: the autoscaled pools, their members, their size bounds and the template a new node is made from."""

from __future__ import annotations

import attrs

from kdsl.engine.controllers.daemon_util import should_run, with_tolerations
from kdsl.engine.nodes import register
from kdsl.engine.scheduler.nodeinfo import NodeInfo
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.model.nodes import Node, NodePool


@attrs.define
class NodeGroup:
    """One `nodes NAME ... autoscale=MIN..MAX` pool as the cloud provider's node group: its registered
    members, the nodes asked for and not registered yet (`upcoming`, name -> registration time) and the
    members being deleted. Node names never repeat: a new node takes the pool's next index, as
    `NAME-<n>` (a cloud provider's instance names are new ones too)."""

    pool: NodePool
    members: set[str] = attrs.Factory(set)
    upcoming: dict[str, int] = attrs.Factory(dict)
    deleting: set[str] = attrs.Factory(set)
    next_index: int = 1

    @property
    def name(self) -> str:
        return self.pool.name

    @property
    def min_size(self) -> int:
        return self.pool.autoscale[0]

    @property
    def max_size(self) -> int:
        return self.pool.autoscale[1]

    def target_size(self) -> int:
        """The cloud provider's TargetSize: registered nodes not being deleted, plus the upcoming ones."""
        return len(self.members - self.deleting) + len(self.upcoming)

    def new_names(self, n: int, taken) -> list[str]:
        """The next `n` node names of the pool, skipping any name a node already has."""
        out, i = [], self.next_index
        while len(out) < n:
            name = f"{self.name}-{i}"
            i += 1
            if name not in taken and name not in self.upcoming:
                out.append(name)
        return out

    def claim(self, names: list[str]) -> None:
        """Names handed to new nodes: the index moves past them."""
        for name in names:
            self.next_index = max(self.next_index, int(name.rsplit("-", 1)[1]) + 1)

    def node(self, name: str) -> Node:
        """The model Node of a new member: the pool's template with its own name (and hostname label)."""
        return self.pool.node(int(name.rsplit("-", 1)[1]))

    def template(self, name: str) -> NodeInfo:
        """The template NodeInfo of a node to come: what the scheduler's filters are asked about."""
        return NodeInfo.of(self.node(name))

    def daemon_pods(self, store, name: str) -> list[PodInfo]:
        """The DaemonSet pods a new node `name` would run (simulator/node_info_utils.go adds them to the
        template): each DaemonSet whose pod, with the daemon tolerations, should run there
        (NodeShouldRunDaemonPod)."""
        node = register(self.node(name), "", None, 0)
        out = []
        for ds in store.list("DaemonSet"):
            if ds.terminating:
                continue
            tpl = ds.spec.template
            tolerations = with_tolerations(tpl.tolerations)
            if should_run(tpl, tolerations, node)[0]:
                out.append(PodInfo.build(name=f"{ds.name}-{name}", namespace=ds.namespace,
                                         template=attrs.evolve(tpl, tolerations=tolerations, node_name=name)))
        return out


def node_groups(scenario) -> dict[str, NodeGroup]:
    """The scenario's autoscaled pools by name, in declaration order, each with its declared nodes."""
    groups = {}
    for spec in scenario.node_specs:
        if isinstance(spec, NodePool) and spec.autoscale is not None:
            groups[spec.name] = NodeGroup(pool=spec, members={n.name for n in spec.nodes()},
                                          next_index=spec.count + 1)
    return groups
