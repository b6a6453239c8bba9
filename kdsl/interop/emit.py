"""Model objects written as kdsl text (then laid out by `kdsl fmt`): what `kdsl import` prints, policies too."""

from __future__ import annotations

from kdsl.lang.fmt import bare, format_document
from kdsl.lang.parser import parse_document
from kdsl.core.values import Percent, format_bytes
from kdsl.model import access, config, network, nodes
from kdsl.model.config import ACCESS_SHORT, SECRET_TYPES
from kdsl.model.manifest import Manifest, PodDisruptionBudget
from kdsl.interop.emit_base import KEYWORDS, Writer, cpu, meta, pairs, quote, ref_name, selector, triple, word
from kdsl.interop.emit_pods import KIND_WORD, workload
from kdsl.interop.autoscaling import emit_hpa
from kdsl.model.autoscaling import HorizontalPodAutoscaler
from kdsl.model.network import NetworkPolicy, NetworkPolicyRule, PolicyPeer, PolicyPort, policy_types


_SECRET_SHORT = {v: k for k, v in SECRET_TYPES.items()}


def _service(w: Writer, obj, depth: int, ns: str | None) -> None:
    head = ["service", ref_name(obj, ns)]
    if obj.headless:
        head.append("headless")
    elif obj.type != "ClusterIP":
        head.append(obj.type.lower())
    if obj.cluster_ip and not obj.headless:
        head.append(f"clusterIP={obj.cluster_ip}")
    if obj.selector is not None:
        head += ["selects", pairs(obj.selector)]
    if obj.ports:
        ports = []
        for p in obj.ports:
            text = (f"{p.name}:" if p.name else "") + str(p.port)
            if p.target != p.port or p.node_port is not None:
                text += f"->{p.target}"
            if p.node_port is not None:
                text += f":{p.node_port}"
            if p.protocol != "TCP":
                text += f"/{p.protocol}"
            ports.append(text)
        head += ["ports", ",".join(ports)]
    w.block(depth, " ".join(head), meta(obj, depth))


def _ingress(w: Writer, obj, depth: int, ns: str | None) -> None:
    head = f"ingress {ref_name(obj, ns)}" + (f" class={word(obj.class_name)}" if obj.class_name else "")
    body = []
    for r in obj.rules:
        path = ("=" if r.path_type == "Exact" else "") + word(r.path)  # `=` marks Exact outside the word
        body.append((0, "rule " + (f"{word(r.host)} " if r.host else "") + f"{path} -> {r.service}:{r.port}"))
    if obj.default_backend:
        body.append((0, f"default -> {obj.default_backend[0]}:{obj.default_backend[1]}"))
    for t in obj.tls:
        body.append((0, "tls " + " ".join(word(h) for h in t.hosts) + (f" secret={word(t.secret)}" if t.secret else "")))
    w.block(depth, head, body + meta(obj, depth))


def _data(w: Writer, obj, depth: int, ns: str | None) -> None:
    head = [obj.kind.lower(), ref_name(obj, ns)]
    if isinstance(obj, config.Secret) and obj.type != "Opaque":
        head.append(f"type={_SECRET_SHORT.get(obj.type, obj.type)}")
    if obj.immutable:
        head.append("immutable")
    data = obj.merged().data if isinstance(obj, config.Secret) else obj.data
    body = [(0, f"{quote(k) if k in KEYWORDS or not bare(k) else k} = {quote(x)}") for k, x in data]
    w.block(depth, " ".join(head), body + meta(obj, depth))


def _pvc(w: Writer, obj, depth: int, ns: str | None) -> None:
    head = f"pvc {ref_name(obj, ns)} {format_bytes(obj.storage)}"
    if obj.storage_class is not None:
        head += f" class={word(obj.storage_class) if obj.storage_class else 'none'}"
    head += f" access={','.join(ACCESS_SHORT[m] for m in obj.access_modes)}"
    if obj.volume_name:
        head += f" volume={word(obj.volume_name)}"
    w.block(depth, head, meta(obj, depth))


def _role(w: Writer, obj, depth: int, ns: str | None) -> None:
    body = []
    for r in obj.rules:
        line = f"allow {','.join(r.verbs)} on {','.join(_resource(x, r) for x in r.resources)}"
        if r.resource_names:
            line += f" names={','.join(word(n) for n in r.resource_names)}"
        if list(r.api_groups) != _inferred(r):
            line += f" groups={','.join(word(g) for g in r.api_groups)}"
        body.append((0, line))
    w.block(depth, f"{obj.kind.lower()} {ref_name(obj, ns)}", body + meta(obj, depth))


def _resource(res: str, r) -> str:
    return res if res in access.RESOURCE_GROUPS else f"{res}.{r.api_groups[0]}"


def _inferred(r) -> list[str]:
    out: list[str] = []
    for x in r.resources:
        g = access.RESOURCE_GROUPS.get(x, r.api_groups[0] if r.api_groups else "")
        if g not in out:
            out.append(g)
    return out


def _binding(w: Writer, obj, depth: int, ns: str | None) -> None:
    role = "clusterrole" if obj.role_kind == "ClusterRole" else "role"
    subjects = []
    for s in obj.subjects:
        if s.kind == "ServiceAccount":
            subjects.append(f"serviceaccount:{s.namespace}/{s.name}")
        else:
            subjects.append(f"{s.kind.lower()}:{s.name}")
    head = f"{obj.kind.lower()} {ref_name(obj, ns)} {role}={word(obj.role_name)} to {','.join(subjects)}"
    w.block(depth, head, meta(obj, depth))


def _serviceaccount(w: Writer, obj, depth: int, ns: str | None) -> None:
    w.block(depth, f"serviceaccount {ref_name(obj, ns)}", meta(obj, depth))


def _quota(w: Writer, obj, depth: int) -> None:
    hard = " ".join(f"{k}={cpu(x) if k.endswith('cpu') else format_bytes(x) if k.endswith(('memory', 'storage')) else x}"
                    for k, x in obj.hard)
    w.line(depth, f"quota name={word(obj.name)} {hard}".rstrip())


def _limits(w: Writer, obj, depth: int) -> None:
    parts = [f"limits name={word(obj.name)}"]
    for section, field in (("default", "default"), ("request", "default_request"), ("min", "min"), ("max", "max"),
                           ("ratio", "max_ratio")):
        values = getattr(obj, field)
        if values:
            parts.append(section + " " + " ".join(f"{k}={cpu(x) if k == 'cpu' or section == 'ratio' else format_bytes(x)}"
                                                  for k, x in values))
    w.line(depth, " ".join(parts))


def _node(w: Writer, n, depth: int) -> None:
    head = f"node {word(n.name)}"
    for key, value, default in (("cpu", cpu(n.cpu), "4"), ("memory", format_bytes(n.memory), "16Gi"),
                                ("pods", str(n.pods), "110")):
        if value != default:
            head += f" {key}={value}"
    if n.images:
        head += " images=" + ",".join(word(i) for i in n.images)
    if n.unschedulable:
        head += " unschedulable"
    if n.ready != "True":
        head += f" ready={n.ready.lower()}"
    own = {"kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"}
    labels = [(k, x) for k, x in n.labels if own.get(k) != x]
    body = [(0, "labels " + pairs(labels))] if labels else []
    body += [(0, f"taint {t}") for t in n.taints]
    w.block(depth, head, body + meta(n, depth, labels=False))


def _storageclass(w: Writer, obj, depth: int) -> None:
    head = f"storageclass {word(obj.name)} provisioner={word(obj.provisioner)}"
    if obj.binding_mode != "Immediate":
        head += f" binding={obj.binding_mode}"
    if obj.reclaim_policy != "Delete":
        head += f" reclaim={obj.reclaim_policy}"
    if obj.default:
        head += " default"
    if obj.allow_expansion:
        head += " expandable"
    w.block(depth, head, meta(obj, depth))


def _pv(w: Writer, obj, depth: int) -> None:
    head = f"pv {word(obj.name)} {format_bytes(obj.capacity)}"
    if obj.storage_class:
        head += f" class={word(obj.storage_class)}"
    head += f" access={','.join(ACCESS_SHORT[m] for m in obj.access_modes)}"
    if obj.reclaim_policy != "Retain":
        head += f" reclaim={obj.reclaim_policy}"
    if obj.claim:
        head += f" claim={word(obj.claim)}"
    if obj.node:
        head += f" node={word(obj.node)}"
    w.block(depth, head, meta(obj, depth))


def emit_network_policy(w: Writer, obj: NetworkPolicy, depth: int, ns: str | None) -> None:
    """`isolate` only when policyTypes is not what the API server would default it to (read_policy
    refuses the policies whose types `isolate` cannot give)."""
    head = f"networkpolicy {ref_name(obj, ns)} selects {selector(obj.pod_selector) or 'all'}"
    body = [(0, _allow(r, "ingress", "from")) for r in obj.ingress]
    body += [(0, _allow(r, "egress", "to")) for r in obj.egress]
    if obj.policy_types != policy_types(obj.ingress, obj.egress):
        body.append((0, "isolate " + ",".join(t.lower() for t in obj.policy_types)))
    w.block(depth, head, body + meta(obj, depth))


def _allow(r: NetworkPolicyRule, direction: str, word_: str) -> str:
    assert len(r.peers) <= 1, "read_policy writes one peer a rule"
    out = f"allow {direction}"
    if r.peers:
        out += f" {word_} {_peer(r.peers[0])}"
    if r.ports:
        out += " ports " + ",".join(_port(p) for p in r.ports)
    return out


def _peer(p: PolicyPeer) -> str:
    if p.ip_block is not None:
        b = p.ip_block
        return f"cidr {b.cidr}" + (f" except {','.join(b.excepts)}" if b.excepts else "")
    parts = []
    if p.namespace_selector is not None:
        parts.append(f"namespaces {selector(p.namespace_selector) or 'all'}")
    if p.pod_selector is not None:
        parts.append(f"pods {selector(p.pod_selector) or 'all'}")
    return " ".join(parts)


def _port(p: PolicyPort) -> str:
    out = str(p.port) if isinstance(p.port, int) else word(p.port)
    if p.end_port is not None:
        out += f"-{p.end_port}"
    return out + (f"/{p.protocol}" if p.protocol != "TCP" else "")


def _budget(x: int | Percent) -> str:
    return f"{x.value}%" if isinstance(x, Percent) else str(x)


def emit_pdb(w: Writer, obj: PodDisruptionBudget, depth: int, ns: str | None) -> None:
    """The budget before `selects`, so a label key never reads as the budget; no `selects` for a budget
    without a selector (it selects no pod), a bare `selects` for the empty one (every pod)."""
    head = [f"pdb {ref_name(obj, ns)}"]
    if obj.min_available is not None:
        head.append(f"minAvailable={_budget(obj.min_available)}")
    if obj.max_unavailable is not None:
        head.append(f"maxUnavailable={_budget(obj.max_unavailable)}")
    if obj.selector is not None:
        head.append(f"selects {selector(obj.selector)}".rstrip())
    w.block(depth, " ".join(head), meta(obj, depth, with_yaml=False))


_NAMESPACED = {network.Service: _service, network.Ingress: _ingress, config.ConfigMap: _data, config.Secret: _data,
               config.PersistentVolumeClaim: _pvc, access.Role: _role, access.RoleBinding: _binding,
               access.ServiceAccount: _serviceaccount, NetworkPolicy: emit_network_policy,
               PodDisruptionBudget: emit_pdb}


def _object(w: Writer, obj, depth: int, ns: str | None) -> None:
    if type(obj) in _NAMESPACED:  # a PodDisruptionBudget is a Manifest with a statement of its own
        _NAMESPACED[type(obj)](w, obj, depth, ns)
    elif isinstance(obj, Manifest):
        w.line(depth, "manifest " + triple(obj.yaml, "  " * depth))
    elif obj.kind in KIND_WORD:
        workload(w, obj, depth, ns)
    elif isinstance(obj, access.ClusterRole):
        _role(w, obj, depth, ns)
    elif isinstance(obj, access.ClusterRoleBinding):
        _binding(w, obj, depth, ns)
    elif isinstance(obj, config.StorageClass):
        _storageclass(w, obj, depth)
    elif isinstance(obj, config.PersistentVolume):
        _pv(w, obj, depth)
    elif isinstance(obj, HorizontalPodAutoscaler):
        emit_hpa(w, obj, depth, ns)
    else:
        raise TypeError(f"kdsl cannot write a {obj.kind}")


def _load(ld) -> str:
    parts = [f"cpu={cpu(ld.cpu)}"] * bool(ld.cpu) + [f"memory={format_bytes(ld.memory)}"] * bool(ld.memory)
    return f"load {KIND_WORD[ld.kind]} {word(ld.namespace)}/{word(ld.name)} " + (" ".join(parts) or "cpu=0")


def emit(objects, nodes_=(), header: str = "", loads=()) -> str:
    """kdsl text for nodes and objects, laid out as `kdsl fmt` does. Declared namespaces hold their
    objects, quota and limits; objects of other namespaces are written `ns/name` (`default` bare); the
    workloads' loads come last."""
    w = Writer()
    for line in header.splitlines():
        w.line(0, f"# {line}".rstrip())
    for n in nodes_:
        _node(w, n, 0)
    declared = [o for o in objects if isinstance(o, nodes.Namespace)]
    names = {o.name for o in declared}
    extra = sorted({o.namespace for o in objects if isinstance(o, (nodes.ResourceQuota, nodes.LimitRange))
                    and o.namespace not in names})
    inside = {n: [] for n in [o.name for o in declared] + extra}
    top = []
    for o in objects:
        ns = getattr(o, "namespace", None) if o.namespaced and (not isinstance(o, Manifest)
                                                                or isinstance(o, PodDisruptionBudget)) else None
        if isinstance(o, nodes.Namespace):
            continue
        (inside[ns] if ns in inside else top).append(o)
    for o in top:
        _object(w, o, 0, "default")
    for ns in inside:
        decl = next((o for o in declared if o.name == ns), None)
        w.line(0, f"namespace {word(ns)} {{")
        for d, text in meta(decl, 0) if decl is not None else []:
            w.line(1 + d, text)
        for o in inside[ns]:
            if isinstance(o, nodes.ResourceQuota):
                _quota(w, o, 1)
            elif isinstance(o, nodes.LimitRange):
                _limits(w, o, 1)
            else:
                _object(w, o, 1, ns)
        w.line(0, "}")
    for ld in loads:
        w.line(0, _load(ld))
    return format_document(parse_document(w.text()))
