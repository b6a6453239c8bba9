"""Addresses: each node's pod CIDR (a /24 of the cluster's pod range) and the pod IPs within it."""

from __future__ import annotations

import ipaddress

from kdsl.model.timeline import AddNode


class CIDRExhausted(Exception):
    """More nodes than the cluster's pod range can give a /24 to (CIDRNotAvailable in Kubernetes)."""


class PodNetwork:
    """Hands each registered node the next /24 of the pod range (kube-controller-manager's
    --allocate-node-cidrs with the default node-cidr-mask-size of 24), and each pod on a node the
    lowest free address of that /24 after the gateway (.1), as host-local IPAM does. `planned` is how
    many nodes the scenario registers in all, for the message when they do not fit."""

    def __init__(self, cluster_cidr: str = "10.244.0.0/16", mask: int = 24, planned: int = 0):
        self.cluster_cidr, self.mask, self.planned = cluster_cidr, mask, planned
        self._subnets = ipaddress.ip_network(cluster_cidr).subnets(new_prefix=mask)
        self.node_cidrs: dict[str, ipaddress.IPv4Network] = {}
        self._host_ips: dict[str, str] = {}
        self._used: dict[str, set[int]] = {}
        # Per node: every offset below it is taken (the scan for the lowest free one starts there), and the
        # first offset past the usable ones; so that a node's hundredth pod does not test 99 taken addresses.
        self._low: dict[str, int] = {}
        self._end: dict[str, int] = {}
        self._base: dict[str, int | None] = {}  # an IPv4 /24's network address as an int (None: IPv6)

    @property
    def room(self) -> int:
        """How many nodes the range gives a /24 to."""
        return 2 ** (self.mask - ipaddress.ip_network(self.cluster_cidr).prefixlen)

    def register(self, node: str) -> str:
        if node not in self.node_cidrs:
            subnet = next(self._subnets, None)
            if subnet is None:
                raise CIDRExhausted(self.exhausted(node))
            self.node_cidrs[node] = subnet
            self._used[node] = set()
            self._low[node], self._end[node] = 2, subnet.num_addresses - 1
            self._base[node] = int(subnet.network_address) if subnet.version == 4 else None
        return str(self.node_cidrs[node])

    def exhausted(self, node: str) -> str:
        """Kubernetes logs CIDRNotAvailable and leaves the node without pod addresses; kdsl stops, saying
        how far the range falls short and a range that would hold every node of the scenario."""
        wanted = max(self.planned, len(self.node_cidrs) + 1)
        bits = max((wanted - 1).bit_length(), 1)
        return (f"node {node}: the pod range {self.cluster_cidr} has room for {self.room:,} nodes (a /{self.mask} "
                f"each) and the scenario has {wanted:,}; give the cluster a larger one, e.g. `cluster NAME "
                f"podCIDR=10.128.0.0/{max(self.mask - bits, 9)}`")

    def host_ip(self, node: str) -> str:
        """The node's InternalIP: 192.168.0.10, .11, ... in the order nodes registered (kdsl's choice)."""
        i = list(self.node_cidrs).index(node) if node not in self._host_ips else None
        if i is not None:
            self._host_ips[node] = str(ipaddress.ip_address("192.168.0.10") + i)
        return self._host_ips[node]

    def allocate(self, node: str) -> str | None:
        """The lowest free address of the node's /24 after the gateway, or None when every one is taken."""
        used = self._used[node]
        for offset in range(self._low[node], self._end[node]):
            if offset not in used:
                used.add(offset)
                self._low[node] = offset + 1
                base = self._base[node]
                if base is not None:  # written out: an IPv4Address made to be printed costs more than the rest
                    n = base + offset
                    return f"{n >> 24}.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
                return str(self.node_cidrs[node].network_address + offset)
        self._low[node] = self._end[node]
        return None  # a node whose `pods=` passes its 253 addresses: the sandbox waits for one (kubelets.py)

    def range_set(self, node: str) -> str:
        """host-local's range set for the node, as its error prints it (RangeStart-RangeEnd: the /24 less its
        network and broadcast addresses; plugins/ipam/host-local/backend/allocator/range.go)."""
        net = self.node_cidrs[node]
        return f"{net.network_address + 1}-{net.broadcast_address - 1}"

    def release(self, node: str, ip: str) -> None:
        net = self.node_cidrs.get(node)
        if net is not None:
            offset, used = int(ipaddress.ip_address(ip)) - int(net.network_address), self._used[node]
            if offset in used:
                used.remove(offset)
                self._low[node] = min(self._low[node], offset)


def pod_network(scenario) -> PodNetwork:
    """The pod range of a scenario's cluster, sized for its nodes and those its timeline adds."""
    added = sum(isinstance(a, AddNode) for a in scenario.timeline)
    return PodNetwork(scenario.cluster.pod_cidr, planned=len(scenario.nodes) + added)
