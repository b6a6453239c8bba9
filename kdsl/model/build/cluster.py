"""Builds the cluster (settings, nodes, pools, storage classes, PVs) and namespaces with quota and limits."""

from __future__ import annotations

import ipaddress

from kdsl.core import values as v
from kdsl.lang.syntax import Stmt, Word
from kdsl.model.build.context import Ctx, Head, named, pick, tail_word
from kdsl.model.build.scheduling import EFFECT_NAMES, access_modes
from kdsl.model.names import label_key, label_value
from kdsl.model.nodes import QUOTA_RESOURCES, Cluster, LimitRange, Namespace, Node, NodePool, ResourceQuota, Taint
from kdsl.model.config import PersistentVolume, StorageClass

BINDING_MODES = {"immediate": "Immediate", "waitforfirstconsumer": "WaitForFirstConsumer"}
READY = {"true": "True", "false": "False", "unknown": "Unknown"}  # a node's Ready condition (`ready=`)
RECLAIM = {"delete": "Delete", "retain": "Retain", "recycle": "Recycle"}
_LIMIT_SECTIONS = {"default": "default", "request": "default_request", "default-request": "default_request",
                   "defaultrequest": "default_request", "min": "min", "max": "max", "ratio": "max_ratio",
                   "maxlimitrequestratio": "max_ratio"}
_SECTION_WORD = {"default": "default", "default_request": "request", "min": "min", "max": "max", "max_ratio": "ratio"}


def meta(ctx: Ctx, block, what: str, allowed: tuple[str, ...] = ("labels", "annotations", "yaml")) -> dict:
    """Labels, annotations and extra YAML from a block; any other statement is reported."""
    out: dict = {"labels": [], "annotations": []}
    for s in block or ():
        if s.kind in ("labels", "annotations") and s.kind in allowed:
            h = Head(ctx, s, f"{s.kind} of {what}")
            out[s.kind].extend(ctx.labels(h, what) if s.kind == "labels" else h.pairs())
            h.done()
        elif s.kind == "yaml" and "yaml" in allowed:
            out["yaml"] = ctx.yaml_patch(s, what)
    out["labels"], out["annotations"] = tuple(out["labels"]), tuple(out["annotations"])
    return out


def build_cluster(ctx: Ctx, stmt: Stmt) -> Cluster:
    head = Head(ctx, stmt, "cluster")
    w = head.word()
    cluster = Cluster(
        name=w.text if w else "default",
        node_grace_ms=head.take("nodeGrace", v.duration_ms, 50_000, "node-grace"),
        service_cidr=head.take("serviceCIDR", service_cidr, "10.96.0.0/12", "service-cidr"),
        pod_cidr=head.take("podCIDR", pod_cidr, "10.244.0.0/16", "pod-cidr"),
        kube_version=head.take("version", kube_version, "1.33"),
    )
    head.done()
    return cluster


def kube_version(text: str) -> str:
    """A Kubernetes minor version, `1.33`: the scheduler words its messages by it (docs/scheduler.md)."""
    major, _, minor = text.partition(".")
    if major != "1" or not v.digits(minor):
        raise v.BadValue(f"`{text}` is not a Kubernetes version; write it as 1.33")
    return text


def _network(text: str, example: str):
    try:
        return ipaddress.ip_network(text)
    except ValueError as exc:  # `foo`, or host bits set (`10.244.0.1/16`)
        raise v.BadValue(f"{exc}; write a CIDR such as {example}") from None


def pod_cidr(text: str) -> str:
    """The pod range: IPv4, wide enough for one node's /24 (kube-controller-manager's node-cidr-mask-size)."""
    net = _network(text, "10.244.0.0/16")
    if net.version != 4 or net.prefixlen > 24:
        raise v.BadValue(f"{text} cannot hold a node's /24 of pod addresses; give an IPv4 range of /24 or wider, "
                         "such as 10.244.0.0/16")
    return text


def service_cidr(text: str) -> str:
    """The Service range, at most 2^20 addresses as kube-apiserver allows (--service-cluster-ip-range)."""
    net = _network(text, "10.96.0.0/12")
    least = 12 if net.version == 4 else 108
    if net.prefixlen < least:
        raise v.BadValue(f"{text} is too large; for {net.max_prefixlen}-bit addresses, the mask must be >= {least}")
    return text


def taint(ctx: Ctx, stmt: Stmt, what: str) -> Taint | None:
    head = Head(ctx, stmt, f"taint of {what}")
    if head.attrs:
        key, a = next(iter(head.attrs.items()))
        head.attrs.pop(key)
        spec, value, where = key, a.text, a
    elif head.words:
        w = head.words.pop(0)
        spec, value, where = w.text, None, w
    else:
        head.done()
        ctx.error(stmt, "a taint is written `key[=value]:Effect`")
        return None
    head.done()
    text = value if value is not None else spec
    if ":" not in text:
        ctx.error(where, "a taint needs an effect: `key[=value]:NoSchedule|PreferNoSchedule|NoExecute`")
        return None
    rest, _, eff = text.rpartition(":")
    effect = pick(ctx, tail_word(where, eff), EFFECT_NAMES, "taint effect", "NoSchedule")
    key, value = (rest, None) if value is None else (spec, rest)
    for msg in label_key(key):  # Kubernetes checks a taint's key and value as a label's
        ctx.error(where, f'{what}: taint key: Invalid value: "{key}": {msg}')
    for msg in label_value(value or ""):
        ctx.error(where, f'{what}: taint value: Invalid value: "{value}": {msg}')
    return Taint(key, value, effect)


def _count_quantity(text: str) -> int:
    """`pods=` and object counts of a quota: quantities, so an int64 (apimachinery resource/quantity.go)."""
    return v.integer(text, minimum=0, maximum=v.INT64_MAX)


def _node(ctx: Ctx, stmt: Stmt, head: Head, name: str, what: str) -> Node:
    cpu = head.take("cpu", v.millicores, 4000)
    memory = head.take("memory", v.byte_count, 16 * 2**30)
    pods = head.take("pods", _count_quantity, 110)
    images = head.take_list("images")
    unschedulable = head.flag("unschedulable", "cordoned") is not None
    ready = head.choice("ready", READY, "True")
    stray = head.attr("labels")  # `labels` is a block statement; `labels=` on the head would be lost
    if stray is not None:
        ctx.error(stray, f"labels of {what} are written in its block: `{{ labels key=value }}`")
    head.done()
    m = meta(ctx, stmt.block, what)
    taints = tuple(t for s in stmt.block or () if s.kind == "taint" for t in [taint(ctx, s, what)] if t)
    return Node.build(name=name, cpu=cpu, memory=memory, pods=pods, images=images, unschedulable=unschedulable,
                      ready=ready, labels=m["labels"], annotations=m["annotations"], yaml=m.get("yaml"), taints=taints,
                      span=stmt.span)


# Far beyond Kubernetes' 5,000 nodes a cluster: only stops a slip (count=10000000000) from expanding forever.
MAX_POOL = 100_000


def _pool_size(text: str) -> int:
    n = v.integer(text, minimum=1, maximum=None)
    if n > MAX_POOL:
        raise v.BadValue(f"{n} is more than the {MAX_POOL:,} nodes a pool may have "
                         "(Kubernetes supports clusters of up to 5,000 nodes)")
    return n


def build_node(ctx: Ctx, stmt: Stmt) -> Node | NodePool | None:
    pool = stmt.kind == "nodes"
    head = Head(ctx, stmt, "node pool" if pool else "node")
    w = head.name()
    if w is None:
        return None
    head.what = f"{'node pool' if pool else 'node'} {w.text}"
    count = head.take("count", _pool_size, 1, required=True) if pool else None
    autoscale = head.attr("autoscale") if pool else None
    provision = head.take("provision", v.duration_ms, None) if pool else None
    node = _node(ctx, stmt, head, w.text, head.what)
    if pool:
        bounds = _autoscale(ctx, autoscale, count, head.what) if autoscale is not None else None
        if provision is not None and autoscale is None:
            ctx.error(stmt, f"`provision=` of {head.what} is how long the cluster autoscaler's new nodes take; "
                            "give the pool `autoscale=MIN..MAX` too")
        return NodePool(name=w.text, count=count, template=node, autoscale=bounds, provision_ms=provision or 0,
                        span=stmt.span)
    return node


def _autoscale(ctx: Ctx, a, count: int, what: str) -> tuple[int, int] | None:
    """`autoscale=MIN..MAX`, with MIN <= count <= MAX (the node group's size starts within its bounds)."""
    lo, sep, hi = a.value.text.partition("..")
    try:
        if not sep:
            raise v.BadValue(f"`{a.value.text}` is not a range; write MIN..MAX, such as 3..10")
        low, high = v.integer(lo, minimum=0), _pool_size(hi)
    except v.BadValue as exc:
        ctx.error(a.value, f"`autoscale` of {what}: {exc}")
        return None
    if high < low:
        ctx.error(a.value, f"`autoscale` of {what}: the maximum {high} is less than the minimum {low}")
    elif not low <= count <= high:
        ctx.error(a.value, f"{what} has count={count}, outside its autoscale range {low}..{high}; "
                           "the node group starts within its bounds")
    return low, high


def build_storageclass(ctx: Ctx, stmt: Stmt) -> StorageClass | None:
    got = named(ctx, stmt, "storageclass", cluster_scoped=True)
    if got is None:
        return None
    head, _, name = got
    sc = StorageClass(
        name=name,
        provisioner=head.take("provisioner", str, "dynamic"),
        binding_mode=head.choice("binding", BINDING_MODES, "Immediate", "volumeBindingMode"),
        reclaim_policy=head.choice("reclaim", RECLAIM, "Delete"),
        default=head.flag("default") is not None,
        allow_expansion=head.flag("expandable") is not None,
        span=stmt.span, **meta(ctx, stmt.block, head.what, ("labels", "annotations", "yaml")))
    head.done()
    return sc


def build_pv(ctx: Ctx, stmt: Stmt) -> PersistentVolume | None:
    got = named(ctx, stmt, "pv", cluster_scoped=True)
    if got is None:
        return None
    head, _, name = got
    size = head.word("a capacity, e.g. 100Gi")
    capacity = ctx.convert(size, v.byte_count, "capacity", 0) if size else 0
    cls = head.take("class", str, "")
    pv = PersistentVolume(
        name=name, capacity=capacity, storage_class="" if cls == "none" else cls,
        access_modes=head.take_list("access", access_modes, ("ReadWriteOnce",)),
        reclaim_policy=head.choice("reclaim", RECLAIM, "Retain"),
        claim=head.take("claim", str), node=head.take("node", str),
        span=stmt.span, **meta(ctx, stmt.block, head.what, ("labels", "annotations", "yaml")))
    head.done()
    return pv


def build_namespace(ctx: Ctx, stmt: Stmt) -> Namespace | None:
    head = Head(ctx, stmt, "namespace")
    w = head.name()
    head.done()
    if w is None:
        return None
    return Namespace(name=w.text, span=stmt.span, **meta(ctx, stmt.block, f"namespace {w.text}"))


def build_quota(ctx: Ctx, stmt: Stmt, ns: str) -> ResourceQuota:
    head = Head(ctx, stmt, f"quota of namespace {ns}")
    name = head.take("name", str, "quota")
    hard = []
    for key, a in list(head.attrs.items()):
        resource = QUOTA_RESOURCES.get(key)
        if resource is None:
            head.known.update(QUOTA_RESOURCES)
            continue
        del head.attrs[key]
        conv = v.millicores if resource.endswith("cpu") else (
            v.byte_count if resource.endswith(("memory", "storage")) else _count_quantity)
        value = ctx.convert(a.value, conv, f"quota {key}")
        if any(r == resource for r, _ in hard):
            # `cpu` and `requests.cpu` (and the other short names) are one resource of `spec.hard`
            ctx.error(a, f"`{key}` gives {resource} of quota {name} a second time")
        elif value is not None:
            hard.append((resource, value))
    head.done()
    return ResourceQuota(name=name, namespace=ns, hard=tuple(hard), span=stmt.span)


def build_limits(ctx: Ctx, stmt: Stmt, ns: str) -> LimitRange:
    """`limits default cpu=500m memory=256Mi request cpu=100m min ... max ...`, in any order."""
    sections: dict[str, list] = {k: [] for k in ("default", "default_request", "min", "max", "max_ratio")}
    current, name = None, "limits"
    for p in stmt.args:
        if current is None and getattr(getattr(p, "key", None), "text", None) == "name":
            name = p.value.text  # `limits name=NAME ...`: the LimitRange's name (default `limits`, kdsl)
            continue
        if isinstance(p, Word) and not p.quoted:
            current = _LIMIT_SECTIONS.get(p.text.lower())
            if current is None:
                ctx.error(p, f"`{p.text}` is not a section of limits",
                          expected=["`default`, `request`, `min`, `max` or `ratio`"])
            continue
        key = getattr(getattr(p, "key", None), "text", None)
        if current is None or key not in ("cpu", "memory", "ephemeral-storage"):
            ctx.error(p, "limits are written `limits default cpu=.. memory=.. request ... min ... max ...`")
            continue
        # a ratio is a plain quantity (`2`, `1500m`), held in thousandths as millicores are
        conv = v.millicores if key == "cpu" or current == "max_ratio" else v.byte_count
        value = ctx.convert(p.value, conv, f"limits {key}")
        if any(k == key for k, _ in sections[current]):
            # a LimitRange item maps each resource once: a second value would be silently lost
            ctx.error(p, f"`{_SECTION_WORD[current]} {key}` is given twice in limits {name}")
        elif value is not None:
            sections[current].append((key, value))
    return LimitRange(name=name, namespace=ns, span=stmt.span,
                      **{k: tuple(x) for k, x in sections.items()})
