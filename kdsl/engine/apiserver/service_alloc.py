"""The Service registry's allocators: ClusterIPs from the service CIDR and NodePorts, at create and update."""

from __future__ import annotations

import ipaddress
import random

import attrs

from kdsl.engine.apiserver.errors import DEFAULT_MINOR, ApiError, FieldError, Printed, go_json, invalid
from kdsl.engine.objects import ApiObject

NODE_PORT_BASE, NODE_PORT_SIZE = 30000, 2768  # --service-node-port-range 30000-32767
INVALID = "Invalid value"
MULTI_CIDR = 33  # the minor from which MultiCIDRServiceAllocator is on by default (GA)


def range_offset(size: int, low: int, high: int, step: int) -> int:
    """The static band at the start of a range (KEP-3070/3668): min(max(low, size/step), high); dynamic
    allocation prefers the addresses above it, leaving the band to users who pick their own."""
    if size <= low:
        return 0
    return min(max(low, size // step), high)


class Bitmap:
    """allocator.AllocationBitmap with randomScanStrategyWithOffset: a random start in the upper part
    of the range, scanning forward; the lower band only when the upper part is full."""

    def __init__(self, size: int, offset: int, rng: random.Random) -> None:
        self.size, self.offset, self.rng = size, offset, rng
        self.used: dict[int, tuple] = {}  # offset -> the service key holding it

    def next_free(self) -> int | None:
        upper = self.size - self.offset
        if upper > 0:
            start = self.rng.randrange(upper)
            for i in range(upper):
                at = self.offset + (start + i) % upper
                if at not in self.used:
                    return at
        if self.offset > 0:
            start = self.rng.randrange(self.offset)
            for i in range(self.offset):
                at = (start + i) % self.offset
                if at not in self.used:
                    return at
        return None


class ServiceAllocator:
    """What the Service REST storage allocates before the object is stored. It reads what is taken
    from the Services in the store (a watch keeps its bitmaps current), so a refused request takes
    nothing and a deleted Service frees its IP and ports."""

    def __init__(self, cidr: str, rng: random.Random, store=None, minor: int = DEFAULT_MINOR) -> None:
        self.cidr, self.minor = cidr, minor  # minor: the cluster's Kubernetes version words the refusals
        net = ipaddress.ip_network(cidr, strict=False)
        self.net = net
        # The network and broadcast addresses are never handed out (IPv4); the first usable one
        # belongs to the `kubernetes` Service of the default namespace.
        self.base = int(net.network_address) + (1 if net.version == 4 else 0)
        size = net.num_addresses - (2 if net.version == 4 else 1)
        self.ips = Bitmap(max(size, 0), range_offset(max(size, 0), 16, 256, 16), rng)
        self.ips.used[0] = ("Service", "default", "kubernetes")
        self.ports = Bitmap(NODE_PORT_SIZE, range_offset(NODE_PORT_SIZE, 16, 128, 32), rng)
        if store is not None:
            store.watch("Service", self.on_service)

    # ---- what is taken ---------------------------------------------------------------------------
    def on_service(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if old is not None:
            self._forget(old)
        if new is not None:
            self._take(new)

    def _ip_offset(self, ip: str | None) -> int | None:
        try:
            addr = ipaddress.ip_address(ip) if ip else None
        except ValueError:
            return None
        if addr is None or addr not in self.net:
            return None
        at = int(addr) - self.base
        return at if 0 <= at < self.ips.size else None

    def _take(self, obj: ApiObject) -> None:
        at = self._ip_offset(obj.spec.cluster_ip)
        if at is not None:
            self.ips.used[at] = obj.key
        for p in obj.spec.ports:
            if p.node_port is not None:
                self.ports.used[p.node_port - NODE_PORT_BASE] = obj.key

    def _forget(self, obj: ApiObject) -> None:
        at = self._ip_offset(obj.spec.cluster_ip)
        if at is not None and self.ips.used.get(at) == obj.key:
            del self.ips.used[at]
        for p in obj.spec.ports:
            if p.node_port is not None and self.ports.used.get(p.node_port - NODE_PORT_BASE) == obj.key:
                del self.ports.used[p.node_port - NODE_PORT_BASE]

    # ---- requests --------------------------------------------------------------------------------
    def allocate(self, obj: ApiObject, old: ApiObject | None = None) -> ApiObject | ApiError:
        """The Service with its ClusterIP and NodePorts filled in, or the registry's 422. An update keeps
        what the stored Service holds (the ClusterIP may not change; node ports of the same port stay)."""
        spec = obj.spec
        ip = spec.cluster_ip
        if spec.headless:
            ip = "None"
        elif old is not None and not old.spec.headless and old.spec.cluster_ip:
            if ip and ip != old.spec.cluster_ip:
                return self._invalid(obj, "spec.clusterIPs[0]", _ips(ip),
                                     "may not change once set")
            ip = old.spec.cluster_ip
        elif ip:
            error = self._claim_ip(obj, ip)
            if error is not None:
                return error
        else:
            at = self.ips.next_free()
            if at is None:
                return ApiError(500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: "
                                                      "range is full")
            ip = str(ipaddress.ip_address(self.base + at))
        ports = self._node_ports(obj, old)
        if isinstance(ports, ApiError):
            return ports
        new_spec = attrs.evolve(spec, cluster_ip=None if spec.headless else ip, ports=ports)
        return attrs.evolve(obj, spec=new_spec) if new_spec != spec else obj

    def _claim_ip(self, obj: ApiObject, ip: str) -> ApiError | None:
        value = _ips(ip)
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            return self._invalid(obj, "spec.clusterIPs[0]", ip,
                                 "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")
        at = self._ip_offset(ip)
        if at is None:
            return self._invalid(obj, "spec.clusterIPs", value, f"failed to allocate IP {ip}: {self._not_in_range()}")
        if self.ips.used.get(at, obj.key) != obj.key or at == 0:
            return self._invalid(obj, "spec.clusterIPs", value,
                                 f"failed to allocate IP {ip}: provided IP is already allocated")
        return None

    def _node_ports(self, obj: ApiObject, old: ApiObject | None) -> tuple | ApiError:
        """initNodePorts / updateNodePorts: a requested port must be in range and free; a port without one
        gets the one an earlier entry of the same port number got, else the old Service's, else a new one."""
        spec = obj.spec
        if spec.type not in ("NodePort", "LoadBalancer"):
            return tuple(attrs.evolve(p, node_port=None) if p.node_port else p for p in spec.ports)
        kept = {(p.port, p.protocol): p.node_port for p in (old.spec.ports if old is not None else ())
                if p.node_port}
        mine = set(kept.values())
        taken: dict[int, int] = {}  # this request's ports: service port -> node port
        out = []
        for i, p in enumerate(spec.ports):
            np = p.node_port or taken.get(p.port) or kept.get((p.port, p.protocol))
            if np is None:
                at = self.ports.next_free()
                while at is not None and at + NODE_PORT_BASE in taken.values():
                    at = self.ports.next_free()  # rare: the random pick hit a port this request just took
                if at is None:
                    return ApiError(500, "InternalError", "Internal error occurred: failed to allocate a nodePort: "
                                                          "range is full")
                np = NODE_PORT_BASE + at
            elif np not in mine and taken.get(p.port) != np:
                if not NODE_PORT_BASE <= np < NODE_PORT_BASE + NODE_PORT_SIZE:
                    return self._invalid(obj, f"spec.ports[{i}].nodePort", np,
                                         "provided port is not in the valid range. The range of valid ports is "
                                         f"{NODE_PORT_BASE}-{NODE_PORT_BASE + NODE_PORT_SIZE - 1}")
                holder = self.ports.used.get(np - NODE_PORT_BASE)
                if (holder is not None and holder != obj.key) or np in taken.values():
                    return self._invalid(obj, f"spec.ports[{i}].nodePort", np, "provided port is already allocated")
            taken[p.port] = np
            out.append(attrs.evolve(p, node_port=np) if p.node_port != np else p)
        return tuple(out)

    def _not_in_range(self) -> str:
        """From 1.33 the ClusterIPs come from ServiceCIDR objects (MultiCIDRServiceAllocator, on by default):
        an address in none of them is ErrMismatchedNetwork; before, the one range's bitmap said ErrNotInRange
        (pkg/registry/core/service/ipallocator/interfaces.go, cidrallocator.go)."""
        if self.minor >= MULTI_CIDR:
            return "the provided network does not match the current range"
        return f"provided IP is not in the valid range. The range of valid IPs is {self.cidr}"

    def _invalid(self, obj: ApiObject, field: str, value, detail: str) -> ApiError:
        return invalid("Service", "", obj.name, [FieldError(field, INVALID, value, detail)], self.minor)


def _ips(ip: str) -> Printed:
    """spec.clusterIPs as field.Invalid prints the []string."""
    return Printed(go=f'[]string{{"{ip}"}}', json=go_json([ip]))
