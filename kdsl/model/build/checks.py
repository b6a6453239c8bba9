"""Checks after building: names, duplicates, namespaces and undeclared references; then the timeline's and the
references' own checks (checks_timeline.py, checks_refs.py)."""

from __future__ import annotations

from kdsl.core.errors import Diagnostic
from kdsl.core.values import format_duration
from kdsl.model import names
from kdsl.model.access import ClusterRoleBinding, RoleBinding
from kdsl.model.base import Object
from kdsl.model.build import declared
from kdsl.model.build.checks_autoscaling import check_autoscaling
from kdsl.model.build.checks_refs import check_refs
from kdsl.model.build.checks_timeline import check_timeline
from kdsl.model.build.context import Ctx
from kdsl.model.build.declared import Declared
from kdsl.model.build.measure import check_measures
from kdsl.model.network import Ingress, Service
from kdsl.model.nodes import NodePool
from kdsl.model.config import PersistentVolumeClaim
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
        _shutdown_within_grace(ctx, c, tpl, where, what)
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


def _shutdown_within_grace(ctx: Ctx, c, tpl, where, what: str) -> None:
    """A `shutdown` longer than the pod's grace is cut short by SIGKILL (kuberuntime_container.go killContainer):
    allowed, as a demonstration of it, but worth saying."""
    need, grace = c.behaviour.shutdown_ms or 0, tpl.grace_ms
    if need > grace:
        ctx.warn(where, f"{what}: container {c.name} takes {format_duration(need)} to exit after SIGTERM, longer than "
                        f"the pod's grace period of {format_duration(grace)}: the kubelet kills it (SIGKILL, exit "
                        f"137) when the grace period ends; `grace {format_duration(need)}` in the pod lets it finish")


def _references(ctx: Ctx, obj, idx: Declared, what: str) -> None:
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


def _service_selects(ctx: Ctx, svc: Service, idx: Declared) -> None:
    if not svc.selector:
        return
    if idx.selected(svc.namespace, tuple(dict(svc.selector).items())):
        return
    sel = ",".join(f"{k}={v}" for k, v in svc.selector)
    ctx.warn(svc.span, f"service {svc.namespace}/{svc.name} selects {sel}, which matches no pod template "
                       f"in namespace {svc.namespace}")


def check(ctx: Ctx, scenario) -> None:
    idx = Declared(scenario)
    first: dict[tuple, Object] = {}
    # a create or an apply is checked against the moment it runs; none is declared twice when no two objects share
    # their kind, namespace and name
    maybe_twice = None if idx.distinct() else {id(o) for o in scenario.objects}
    # Objects alike but for their name (alike.py) differ in nothing _template and _references read but the name of
    # the shorthand's container (and, for a bad name, whether it is skipped): once one of an entry with a valid name
    # passed them, another with a valid name that fits (Entry.name_fits) passes them too. Objects alike but for a few
    # words (alike_words.py) likewise, per namespace, when no word lands where these read (Entry.quiet). Of those,
    # the ones with nothing else to say are found once a family (declared.py): they are passed over.
    alike_of, quiet = ctx.alike_of, set()
    passed = declared.passed(idx, alike_of, named=True)
    for obj in idx.objects:
        passing = passed.get(id(obj))
        if passing is not None and passing in quiet:
            continue
        kind, ns = obj.kind, getattr(obj, "namespace", None)
        what = f"{kind.lower()} {obj.key}"
        name_ok = _name(ctx, obj, kind, obj.name, obj.span)
        if maybe_twice is not None and id(obj) in maybe_twice:
            k = (kind, ns, obj.name)
            if k in first:
                prev = first[k].span
                at = f" (first declared at {prev})" if prev else ""
                ctx.error(ctx.name_span(obj.span), f"{what} is declared twice{at}")
            first.setdefault(k, obj)
        if ns is not None and ns not in idx.namespaces:
            ctx.error(ctx.name_span(obj.span), f'{what}: namespaces "{ns}" not found; declare `namespace {ns}`')
        if hasattr(obj, "template"):
            made = alike_of.get(id(obj))
            key = made[1].quiet(obj) if made is not None and made[0] is obj and name_ok else None
            if key is None or key not in quiet:
                said = len(ctx.diagnostics)
                _template(ctx, obj if not isinstance(obj, CronJob) else obj.job, what, name_ok)
                _references(ctx, obj if not isinstance(obj, CronJob) else obj.job, idx, what)
                if key is not None and len(ctx.diagnostics) == said:
                    quiet.add(key)
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
    for e in scenario.expectations:
        ns = getattr(e, "namespace", None)
        if ns and ns not in idx.namespaces:
            ctx.error(ctx.name_span(e.span), f'namespaces "{ns}" not found; declare `namespace {ns}`')
    check_measures(ctx, scenario, idx)
    check_timeline(ctx, scenario, idx)
    check_refs(ctx, scenario, idx)
    check_autoscaling(ctx, scenario, idx)


def _nodes(ctx: Ctx, scenario) -> None:
    seen: dict[str, object] = {}
    for spec in scenario.node_specs:
        nodes = spec.nodes() if isinstance(spec, NodePool) else (spec,)
        _name(ctx, spec, "Node", spec.name, spec.span)
        for n in nodes:
            if n.name in seen:
                ctx.error(ctx.name_span(spec.span), f"node {n.name} is declared twice")
            seen[n.name] = n


def said_once(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Drop a warning said before: its message names the object, so the first place is enough
    (a ConfigMap that is mounted and read by three env lines is one finding, not four)."""
    said: set[str] = set()
    out = []
    for d in diagnostics:
        if d.severity == "warning":
            if d.message in said:
                continue
            said.add(d.message)
        out.append(d)
    return out
