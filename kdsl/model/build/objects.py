"""Builds services, ingresses, configmaps, secrets, claims and manifests of kinds kdsl does not model."""

from __future__ import annotations

import re

import yaml

from kdsl.core.values import digits
from kdsl.core import yamls
from kdsl.core import values as v
from kdsl.core.errors import suggest
from kdsl.lang.syntax import Attr, Kw, Op, Path, PortMap, Stmt, Word
from kdsl.model.build.cluster import meta
from kdsl.model.build.containers import PROTOCOLS, port_number
from kdsl.model.build.context import Ctx, Head, named, pick, split_ref, tail_word
from kdsl.model.build.scheduling import access_modes
from kdsl.model.manifest import Manifest
from kdsl.model.config import SECRET_TYPES, ConfigMap, PersistentVolumeClaim, Secret
from kdsl.model import names
from kdsl.model.names import config_key
from kdsl.model.network import SERVICE_TYPES, Ingress, IngressPath, IngressTLS, Service, ServicePort

_META = ("labels", "annotations", "yaml")
_PORT = re.compile(r"^(?:([a-z][-a-z0-9]*):)?(\d+)(?::(\d+))?(?:/(\w+))?$")
_TARGET = re.compile(r"^([A-Za-z0-9-]+)(?::(\d+))?(?:/(\w+))?$")


def _service_port(ctx: Ctx, pm: PortMap, what: str, multi: bool) -> ServicePort | None:
    """`[name:]port[->target][:nodePort][/proto]`: `80`, `http:80->8080`, `80->http`, `80->8080:30080`."""
    m = _PORT.match(pm.port.text)
    t = _TARGET.match(pm.target.text) if pm.target is not None else None
    if not m or (pm.target is not None and not t):
        ctx.error(pm, f"`{_pm_text(pm)}` is not a service port of {what}",
                  expected=["`PORT`, `PORT->TARGET`, `PORT->TARGET:NODEPORT` or `NAME:PORT->TARGET`"])
        return None
    name, port, node_port, proto = m.groups()
    tgt, node_port2, proto2 = t.groups() if t else (port, None, None)
    node_port, proto = node_port or node_port2, proto or proto2
    try:  # every number is checked before it is converted (a 5000-digit port is an error, not a crash)
        for number in (port, tgt, node_port):
            if number is not None and digits(number):
                port_number(number)
    except v.BadValue as exc:
        ctx.error(pm, f"{what}: {exc}")
        return None
    target: int | str = int(tgt) if digits(tgt) else tgt
    if name is None and isinstance(target, str):
        name = target  # kdsl names a port after its named target, so multi-port services stay valid
    if name is None and multi:
        name = f"port-{port}"
    protocol = pick(ctx, Word(proto, span=pm.span), PROTOCOLS, "protocol", "TCP") if proto else "TCP"
    return ServicePort(port=int(port), target=target, name=name, protocol=protocol,
                       node_port=int(node_port) if node_port else None, span=pm.span)


def _unique_ports(ctx: Ctx, ports: tuple[ServicePort, ...], what: str) -> None:
    """ValidateService refuses two ports of one protocol and number, and two of one name (validation.go)."""
    numbers, names = set(), set()
    for i, p in enumerate(ports):
        if (p.port, p.protocol) in numbers:
            ctx.error(p.span, f"{what}: spec.ports[{i}]: Duplicate value: port {p.port}/{p.protocol} is already a "
                              "port of the service", expected=["a port number not used twice for one protocol"])
        elif p.name is not None and p.name in names:
            ctx.error(p.span, f'{what}: spec.ports[{i}].name: Duplicate value: "{p.name}"')
        numbers.add((p.port, p.protocol))
        if p.name is not None:
            names.add(p.name)


def _pm_text(pm: PortMap) -> str:
    return pm.port.text + (f"->{pm.target.text}" if pm.target else "")


def build_service(ctx: Ctx, stmt: Stmt, namespace: str | None) -> Service | None:
    sections: dict[str, list] = {"head": [], "selects": [], "ports": [], "after": []}
    current = "head"
    for p in stmt.head[1:]:
        if isinstance(p, Kw):
            current = {"selects": "selects", "ports": "after"}.get(p.text, current)
        elif isinstance(p, PortMap):
            sections["ports"].append(p)
        elif not isinstance(p, Op):
            sections[current].append(p)
    head = Head(ctx, stmt, "service", sections["head"] + sections["after"])
    w = head.name()
    if w is None:
        return None
    ns, name = split_ref(ctx, w, namespace, "service")
    head.what = f"service {ns}/{name}"
    type_word = head.flag(*SERVICE_TYPES)
    cluster_ip = head.take("clusterIP", str, None, "clusterip")
    head.known_flags.update(("selects", "ports"))  # `selcts app=web` is a misspelt `selects`, then its selector
    if any(suggest(w.text, ("selects",)) == "selects" for w in head.words):
        head.attrs = {}
    head.done()
    stype = SERVICE_TYPES.get(type_word or "clusterip")
    sel = Head(ctx, stmt, f"selector of {head.what}", sections["selects"])
    sel.known_flags.add("ports")  # `port 80` for `ports 80` lands here: suggest the keyword
    selector = ctx.labels(sel, head.what, "spec.selector")
    sel.done()
    ports = tuple(p for pm in sections["ports"]
                  for p in [_service_port(ctx, pm, head.what, len(sections["ports"]) > 1)] if p)
    _unique_ports(ctx, ports, head.what)
    if stype == "ClusterIP" and any(p.node_port for p in ports):
        ctx.error(stmt, f"{head.what}: a nodePort needs a `nodeport` or `loadbalancer` service")
    has_selects = next((p for p in stmt.head if isinstance(p, Kw) and p.text == "selects"), None)
    if has_selects is not None and not selector and not sections["selects"]:
        # Kubernetes stores an empty selector as none, so `selects` alone would not mean what it says
        ctx.error(has_selects, f"`selects` of {head.what} needs key=value pairs; a service without `selects` "
                               "has no selector")
    headless = type_word == "headless" or cluster_ip == "None"  # clusterIP=None is how YAML says headless
    return Service(name=name, namespace=ns, type=stype, headless=headless,
                   selector=selector if has_selects else None, ports=ports,
                   cluster_ip="None" if headless else cluster_ip, span=stmt.span,
                   **meta(ctx, stmt.block, head.what, _META))


def _backend(ctx: Ctx, w: Word, what: str) -> tuple[str, int | str] | None:
    svc, _, port = w.text.partition(":")
    if not port:
        ctx.error(w, f"an ingress backend is written `SERVICE:PORT` in {what}")
        return None
    if digits(port):
        number = ctx.convert(tail_word(w, port), port_number, f"backend port of {what}")
        return (svc, number) if number is not None else None
    return svc, port


def build_ingress(ctx: Ctx, stmt: Stmt, namespace: str | None) -> Ingress | None:
    got = named(ctx, stmt, "ingress", namespace)
    if got is None:
        return None
    head, ns, name = got
    class_name = head.take("class", str, None, "ingressClassName")
    head.done()
    what = head.what
    rules, tls, default = [], [], None
    for s in stmt.block or ():
        if s.kind == "rule":
            words = [p for p in s.head if isinstance(p, (Word, Path))]
            host = words[0].text if isinstance(words[0], Word) and len(words) == 3 else ""
            path: Path = next(p for p in words if isinstance(p, Path))
            backend = _backend(ctx, words[-1], what)
            extra = [p for p in s.head if isinstance(p, Attr)]
            for a in extra:
                ctx.error(a, f"unknown attribute `{a.key.text}` for an ingress rule")
            if host and (host == "*" or "*" in host[1:] or (host.startswith("*") and not host.startswith("*."))):
                ctx.error(words[0], f"`{host}` is not a valid ingress host; a wildcard is `*.example.com`")
            if not path.path.text.startswith("/"):
                ctx.error(path, f"ingress path `{path.path.text}` must start with `/`")
            if backend:
                rules.append(IngressPath(host=host, path=path.path.text, path_type="Exact" if path.exact else "Prefix",
                                         service=backend[0], port=backend[1], span=s.span))
        elif s.kind == "ingress_default":
            default = _backend(ctx, s.args[0], what)
        elif s.kind == "tls":
            h = Head(ctx, s, f"tls of {what}")
            secret = h.take("secret", str)
            hosts = tuple(w.text for w in h.words)
            h.words = []
            h.done()
            tls.append(IngressTLS(hosts=hosts, secret=secret))
    if not any(s.kind in ("rule", "ingress_default") for s in stmt.block or ()):  # not when one was wrong
        ctx.error(stmt, f"{what} needs a `rule` or a `default` backend")
    return Ingress(name=name, namespace=ns, class_name=class_name, rules=tuple(rules), default_backend=default,
                   tls=tuple(tls), span=stmt.span, **meta(ctx, stmt.block, what, _META))


def build_data(ctx: Ctx, stmt: Stmt, namespace: str | None) -> ConfigMap | Secret | None:
    kind = stmt.kind
    if kind == "secret":  # first: whatever is wrong with the statement, its values are never quoted
        ctx.secret_values += [w.span for s in stmt.block or () if s.kind == "entry" for w in s.head[0].values
                              if w.span is not None]
        ctx.secret_values += [a.span for s in stmt.block or () if s.kind == "yaml" for a in s.args[:1]
                              if a.span is not None]  # its yaml block may hold stringData or binary data
    got = named(ctx, stmt, kind, namespace)
    if got is None:
        return None
    head, ns, name = got
    immutable = head.flag("immutable") is not None
    stype = head.choice("type", SECRET_TYPES, "Opaque") if kind == "secret" else None
    head.done()
    data, seen = [], {}
    for s in stmt.block or ():
        if s.kind != "entry":
            continue
        a: Attr = s.head[0]
        key = a.key.text
        if key in seen:
            ctx.error(a.key, f"key `{key}` is given twice in {head.what}")
        for msg in config_key(key):
            ctx.error(a.key, f'{head.what}: data[{key}]: Invalid value: "{key}": {msg}')
        seen[key] = a
        data.append((key, a.text))
    common = dict(name=name, namespace=ns, data=tuple(data), immutable=immutable, span=stmt.span,
                  **meta(ctx, stmt.block, head.what, _META))
    return Secret(type=stype, **common) if kind == "secret" else ConfigMap(**common)


def build_pvc(ctx: Ctx, stmt: Stmt, namespace: str | None) -> PersistentVolumeClaim | None:
    got = named(ctx, stmt, "pvc", namespace)
    if got is None:
        return None
    head, ns, name = got
    size = head.word("a size, e.g. 5Gi")
    storage = ctx.convert(size, v.byte_count, "claim size", 0) if size else 0
    cls = head.take("class", str)
    pvc = PersistentVolumeClaim(
        name=name, namespace=ns, storage=storage, storage_class="" if cls == "none" else cls,
        access_modes=head.take_list("access", access_modes, ("ReadWriteOnce",)),
        volume_name=head.take("volume", str), span=stmt.span, **meta(ctx, stmt.block, head.what, _META))
    head.done()
    return pvc


def build_manifest(ctx: Ctx, stmt: Stmt, namespace: str | None) -> Manifest | None:
    """`manifest '''YAML'''` (triple double quotes): an object of a kind kdsl does not model, kept whole."""
    text = stmt.args[0].text if stmt.args else ""
    try:
        doc = yamls.safe_load(text)
    except yaml.YAMLError as exc:
        ctx.error(stmt, f"manifest is not YAML: {str(exc).splitlines()[0]}")
        return None
    meta_ = doc.get("metadata") if isinstance(doc, dict) else None
    name = meta_.get("name") if isinstance(meta_, dict) else None
    if not (isinstance(doc, dict) and isinstance(doc.get("kind"), str) and isinstance(doc.get("apiVersion"), str)
            and isinstance(name, str)):
        ctx.error(stmt, "a manifest needs `apiVersion`, `kind` and `metadata.name`")
        return None
    kind = doc["kind"]
    if names.dns1035_label(kind.lower()):
        # apiextensions' ValidateCustomResourceDefinitionNames: the kind any API server can serve; it also names
        # the file `kdsl export -o DIR` writes, which must stay inside DIR
        ctx.error(stmt, f'a manifest\'s kind "{kind}" cannot be served: may have mixed case, but should '
                        f"otherwise match: {names.MSG_1035}")
        return None
    ns = meta_.get("namespace") or namespace
    return Manifest(name=name, namespace=ns if isinstance(ns, str) else None, manifest_kind=doc["kind"],
                    manifest_api_version=doc["apiVersion"], yaml=text, span=stmt.span)
