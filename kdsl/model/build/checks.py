"""Checks after building: names, labels, duplicates, namespaces, references (errors and warnings)."""

from __future__ import annotations

from kdsl.model import names
from kdsl.model.access import ClusterRoleBinding, RoleBinding
from kdsl.model.base import Object
from kdsl.model.build.context import Ctx
from kdsl.model.namespaces import SYSTEM_NAMESPACES, Namespace
from kdsl.model.network import Ingress, Service
from kdsl.model.nodes import NodePool
from kdsl.model.storage import PersistentVolumeClaim
from kdsl.model.timeline import AddNode, Apply, Create, Delete, Rollback, Scale, SetImage
from kdsl.model.workloads import CronJob, StatefulSet


def _name(ctx: Ctx, obj, kind: str, name: str, where) -> bool:
    """Report a name Kubernetes would refuse, under the name itself; True when the name is valid."""
    if not name:
        ctx.error(ctx.name_span(where), f'{kind} "" is invalid: metadata.name: Required value: '
                                        "name or generateName is required")
        return False
    errors = names.object_name(kind, name)
    for msg in errors:
        ctx.error(ctx.name_span(where), f'{kind} "{name}" is invalid: metadata.name: Invalid value: "{name}": {msg}')
    return not errors


# Labels, node selectors and data keys are checked by the builders, where each key and value is written.


def _template(ctx: Ctx, obj, what: str, name_ok: bool = True) -> None:
    tpl = obj.template
    seen: dict[str, object] = {}
    vols = {v.name for v in tpl.volumes}
    for c in tpl.init_containers + tpl.containers:
        where = c.span or obj.span
        shorthand = c.span is not None and c.span == obj.span  # `deployment NAME image=...` names it NAME
        if shorthand and not name_ok:
            pass  # the name is reported once, as the object's
        else:
            for msg in names.dns1123_label(c.name):
                ctx.error(ctx.name_span(where), f'{what}: container name: Invalid value: "{c.name}": {msg}'
                          + (" (the one-container shorthand names the container after the workload; "
                             "write a `container NAME` block to name it)" if shorthand else ""))
        if c.name in seen:
            ctx.error(where, f'{what}: spec.containers: Duplicate value: "{c.name}"')
        seen[c.name] = c
        for p in c.ports:
            for msg in names.port_name(p.name) if p.name else ():
                ctx.error(where, f'{what}: container {c.name} port name: Invalid value: "{p.name}": {msg}')
        for m in c.mounts:
            if m.volume not in vols:
                claim = isinstance(obj, StatefulSet) and any(t.name == m.volume for t in obj.claims)
                if not claim:
                    ctx.error(m.span or where, f'{what}: container {c.name} mounts volume "{m.volume}", which the '
                                               "pod does not declare; add `volume "
                                               f"{m.volume} configmap=|secret=|pvc=|emptydir`")


class _Index:
    """What the scenario declares anywhere (at 0s or later in the timeline), for references."""

    def __init__(self, scenario):
        self.objects: list[Object] = list(scenario.objects)
        for a in scenario.timeline:
            if isinstance(a, Create):
                self.objects.append(a.object)
            elif isinstance(a, Apply):
                self.objects.extend(a.objects)
        self.keys = {(o.kind, getattr(o, "namespace", None), o.name) for o in self.objects}
        self.pod_labels: dict[str, list[dict[str, str]]] = {}
        for o in self.objects:
            tpl = getattr(o, "template", None)
            if tpl is not None:
                self.pod_labels.setdefault(o.namespace, []).append(dict(tpl.labels))
        self.namespaces = set(SYSTEM_NAMESPACES) | {o.name for o in self.objects if isinstance(o, Namespace)}

    def has(self, kind: str, ns: str | None, name: str) -> bool:
        return (kind, ns, name) in self.keys


def _references(ctx: Ctx, obj, idx: _Index, what: str) -> None:
    ns = obj.namespace
    tpl = obj.template
    for v in tpl.volumes:
        kind = {"configmap": "ConfigMap", "secret": "Secret", "pvc": "PersistentVolumeClaim"}.get(v.source)
        if kind and not v.optional and not idx.has(kind, ns, v.ref):
            ctx.warn(v.span or obj.span, f"{what} refers to {v.source} {v.ref}, which is not declared")
    for c in tpl.init_containers + tpl.containers:
        for e in c.env:
            if e.source_kind and not e.optional and not idx.has(_KIND[e.source_kind], ns, e.source_name):
                ctx.warn(e.span or obj.span, f"{what} refers to {e.source_kind} {e.source_name}, which is not declared")
        for e in c.env_from:
            if not e.optional and not idx.has(_KIND[e.source_kind], ns, e.source_name):
                ctx.warn(e.span or obj.span, f"{what} refers to {e.source_kind} {e.source_name}, which is not declared")
    sa = tpl.service_account
    if sa and sa != "default" and not idx.has("ServiceAccount", ns, sa):
        ctx.warn(obj.span, f"{what} refers to serviceaccount {sa}, which is not declared")
    if isinstance(obj, StatefulSet) and obj.service_name and not idx.has("Service", ns, obj.service_name):
        ctx.warn(obj.span, f"{what} refers to service {obj.service_name}, which is not declared")


_KIND = {"configmap": "ConfigMap", "secret": "Secret"}


def _service_selects(ctx: Ctx, svc: Service, idx: _Index) -> None:
    if not svc.selector:
        return
    wanted = dict(svc.selector)
    for labels in idx.pod_labels.get(svc.namespace, ()):
        if all(labels.get(k) == v for k, v in wanted.items()):
            return
    sel = ",".join(f"{k}={v}" for k, v in svc.selector)
    ctx.warn(svc.span, f"service {svc.namespace}/{svc.name} selects {sel}, which matches no pod template "
                       f"in namespace {svc.namespace}")


def check(ctx: Ctx, scenario) -> None:
    idx = _Index(scenario)
    first: dict[tuple, Object] = {}
    for obj in idx.objects:
        kind, ns = obj.kind, getattr(obj, "namespace", None)
        what = f"{kind.lower()} {obj.key}"
        name_ok = _name(ctx, obj, kind, obj.name, obj.span)
        k = (kind, ns, obj.name)
        if k in first and not _replaced_later(obj, scenario):
            prev = first[k].span
            at = f" (first declared at {prev})" if prev else ""
            ctx.error(ctx.name_span(obj.span), f"{what} is declared twice{at}")
        first.setdefault(k, obj)
        if ns is not None and ns not in idx.namespaces:
            ctx.error(ctx.name_span(obj.span), f'{what}: namespaces "{ns}" not found; declare `namespace {ns}`')
        if hasattr(obj, "template"):
            _template(ctx, obj if not isinstance(obj, CronJob) else obj.job, what, name_ok)
            _references(ctx, obj if not isinstance(obj, CronJob) else obj.job, idx, what)
        if isinstance(obj, Service):
            _service_selects(ctx, obj, idx)
            for msg in (m for p in obj.ports if p.name for m in names.port_name(p.name)):
                ctx.error(obj.span, f"{what}: port name: {msg}")
        elif isinstance(obj, Ingress):
            backends = [r.service for r in obj.rules] + ([obj.default_backend[0]] if obj.default_backend else [])
            for service in backends:
                if not idx.has("Service", ns, service):
                    ctx.warn(obj.span, f"{what} routes to service {service}, which is not declared")
            for t in obj.tls:
                if t.secret and not idx.has("Secret", ns, t.secret):
                    ctx.warn(obj.span, f"{what} refers to secret {t.secret}, which is not declared")
        elif isinstance(obj, (RoleBinding, ClusterRoleBinding)):
            rk = obj.role_kind
            role_ns = ns if rk == "Role" else None
            if obj.role_name and not idx.has(rk, role_ns, obj.role_name) and not obj.role_name.startswith("system:") \
                    and obj.role_name not in ("cluster-admin", "admin", "edit", "view"):
                ctx.warn(obj.span, f"{what} refers to {rk.lower()} {obj.role_name}, which is not declared")
        elif isinstance(obj, PersistentVolumeClaim) and obj.volume_name:
            if not idx.has("PersistentVolume", None, obj.volume_name):
                ctx.warn(obj.span, f"{what} asks for pv {obj.volume_name}, which is not declared")
    _nodes(ctx, scenario)
    _timeline(ctx, scenario, idx)


def _replaced_later(obj, scenario) -> bool:
    """An `apply` may redeclare an object: that is an update, not a duplicate."""
    return any(isinstance(a, Apply) and obj in a.objects for a in scenario.timeline)


def _nodes(ctx: Ctx, scenario) -> None:
    seen: dict[str, object] = {}
    for spec in scenario.node_specs:
        nodes = spec.nodes() if isinstance(spec, NodePool) else (spec,)
        _name(ctx, spec, "Node", spec.name, spec.span)
        for n in nodes:
            if n.name in seen:
                ctx.error(ctx.name_span(spec.span), f"node {n.name} is declared twice")
            seen[n.name] = n


def _timeline(ctx: Ctx, scenario, idx: _Index) -> None:
    users = {u.name for u in scenario.users} | {"admin"}
    nodes = {n.name for n in scenario.nodes}
    for a in scenario.timeline:
        if a.user and a.user not in users and not a.user.startswith("system:"):
            ctx.warn(a.span, f"user {a.user} is not declared; the API server will not authenticate it (401)")
        ns = getattr(a, "namespace", None)
        if isinstance(a, (SetImage, Scale, Rollback, Delete)) and ns and ns not in idx.namespaces:
            ctx.error(a.span, f'namespaces "{ns}" not found; declare `namespace {ns}`')
        if isinstance(a, AddNode):
            nodes.add(a.node.name)
        node = getattr(a, "node", None)
        if isinstance(node, str) and node not in nodes:
            ctx.error(a.span, f'nodes "{node}" not found')
    for e in scenario.expectations:
        ns = getattr(e, "namespace", None)
        if ns and ns not in idx.namespaces:
            ctx.error(ctx.name_span(e.span), f'namespaces "{ns}" not found; declare `namespace {ns}`')
