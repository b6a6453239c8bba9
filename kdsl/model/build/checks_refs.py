"""Warnings for references Kubernetes accepts but that match nothing: named ports, keys, nodes, expected objects."""

from __future__ import annotations

from kdsl.core.errors import listing
from kdsl.model.base import FieldRequirement, Requirement, Selector
from kdsl.model.build import declared
from kdsl.model.build.context import Ctx
from kdsl.model.build.declared import Declared, nearest, ref
from kdsl.model.expectations import Expectation, RouteExpectation
from kdsl.model.network import Ingress, Service
from kdsl.model.nodes import Node

# The taints the control plane puts on and takes off (node lifecycle, cordon): the timeline changes them,
# so a pod that does not tolerate them is not stuck for good.
_LIFECYCLE_TAINTS = "node.kubernetes.io/"
_KIND_OF = {"configmap": "ConfigMap", "secret": "Secret"}
# What `expect TARGET NS/NAME` looks at (kdsl/engine/expect.py's TARGETS).
EXPECT_KINDS = {"pod": "Pod", "deployment": "Deployment", "statefulset": "StatefulSet", "daemonset": "DaemonSet",
                "replicaset": "ReplicaSet", "job": "Job", "pvc": "PersistentVolumeClaim", "pv": "PersistentVolume",
                "service": "Service", "node": "Node"}


def check_refs(ctx: Ctx, scenario, d: Declared) -> None:
    placements: dict = {}
    # Objects alike but for their name (alike.py) differ in nothing the template's checks below read but names,
    # which only their messages say: once one of an entry passed them, the others pass too (Entry.quiet: those
    # alike but for a few words, alike_words.py, per namespace).
    alike_of, quiet = ctx.alike_of, set()
    passed = declared.passed(d, alike_of, named=False)  # those with nothing else to say, found once a family
    for obj in d.objects:
        passing = passed.get(id(obj))
        if passing is not None and passing in quiet:
            continue
        what = f"{obj.kind.lower()} {obj.key}"
        if getattr(obj, "template", None) is not None:
            made = alike_of.get(id(obj))
            key = made[1].quiet(obj, named=False) if made is not None and made[0] is obj else None
            if key is None or key not in quiet:
                said = len(ctx.diagnostics)
                _probe_ports(ctx, obj, what)
                _config_keys(ctx, obj, d, what)
                _placement(ctx, obj, d, what, placements)
                if key is not None and len(ctx.diagnostics) == said:
                    quiet.add(key)
        if isinstance(obj, Service):
            _target_ports(ctx, obj, d)
        elif isinstance(obj, Ingress):
            _backend_ports(ctx, obj, d)
    for e in scenario.expectations:
        _expected(ctx, e, d)


def _ports(ports) -> str:
    return ", ".join(f"{p.number}/{p.name}" if p.name else str(p.number) for p in ports) or "none"


def _probe_ports(ctx: Ctx, obj, what: str) -> None:
    """A probe's named port is looked up among its own container's ports (the kubelet's prober)."""
    for c in obj.template.init_containers + obj.template.containers:
        for probe in c.probes:
            if isinstance(probe.port, str) and not any(p.name == probe.port for p in c.ports):
                near = nearest(probe.port, [p.name for p in c.ports if p.name])
                ctx.warn(probe.span or c.span or obj.span,
                         f"{what}: the {probe.kind} probe of container {c.name} uses port {probe.port}, which "
                         f"container {c.name} does not name (its ports: {_ports(c.ports)}); the probe would "
                         f"always fail — name a container port {probe.port} or give the number",
                         suggestion=f"`port={near}`" if near else None)


def _config_keys(ctx: Ctx, obj, d: Declared, what: str) -> None:
    """`env NAME from configmap CM.KEY`: a key the declared ConfigMap (or Secret) never holds stops the
    container at CreateContainerConfigError, with the kubelet's message."""
    ns = obj.namespace
    for c in obj.template.init_containers + obj.template.containers:
        for e in c.env:
            if not e.source_kind or e.optional or e.source_key is None:
                continue
            kind = _KIND_OF[e.source_kind]
            versions = [o for o in d.of(kind, ns) if o.name == e.source_name]
            keys = sorted({k for o in versions for k in o.keys()} |
                          {k for o in versions for k, _ in getattr(o, "string_data", ())})
            if versions and e.source_key not in keys:
                near = nearest(e.source_key, keys)
                ctx.warn(e.span or c.span or obj.span,
                         f"{what}: env {e.name} of container {c.name}: couldn't find key {e.source_key} in {kind} "
                         f"{ns}/{e.source_name} (its keys: {', '.join(keys) or 'none'}); the container would not "
                         "start (CreateContainerConfigError) — add the key, or mark the env `optional`",
                         suggestion=f"`{e.source_name}.{near}`" if near else None)


def _target_ports(ctx: Ctx, svc: Service, d: Declared) -> None:
    """A named targetPort resolves per pod among its containers' ports of the same protocol (pkg/api/v1/pod
    FindPort, as kdsl/engine/services.py find_port): a pod without that name is no endpoint of the port."""
    if not svc.selector:
        return
    selected = d.selected(svc.namespace, tuple(svc.selector))
    if not selected:
        return  # the selector matches no template: said once, by the service's own warning
    for sp in svc.ports:
        if not isinstance(sp.target, str):
            continue
        named = [(o, p) for o in selected for c in o.template.containers for p in c.ports if p.name]
        if any(p.name == sp.target and p.protocol == sp.protocol for _, p in named):
            continue
        owners = listing(f"{o.kind.lower()} {o.key}" for o in selected)
        other = sorted({p.protocol for _, p in named if p.name == sp.target})
        if other:
            ctx.warn(sp.span or svc.span,
                     f"service {svc.key}: target port {sp.target} of port {sp.port} is a {sp.protocol} port, and the "
                     f"pods it selects ({owners}) name {sp.target} only as a {'/'.join(other)} port; the service gets "
                     f"no endpoints for port {sp.port} — give the service port the same protocol",
                     suggestion=f"`{sp.port}->{sp.target}/{other[0]}`")
            continue
        names = sorted({p.name for _, p in named})
        near = nearest(sp.target, names)
        ctx.warn(sp.span or svc.span,
                 f"service {svc.key}: target port {sp.target} of port {sp.port} is named by no container port "
                 f"of the pods it selects ({owners}: {', '.join(names) or 'no named ports'}); the service gets no "
                 f"endpoints for port {sp.port} — name a container port {sp.target} or target a number",
                 suggestion=f"`{sp.port}->{near}`" if near else None)


def _backend_ports(ctx: Ctx, ing: Ingress, d: Declared) -> None:
    """A backend names a port of its Service by number or by name; one it does not have answers 503."""
    backends = [(r.service, r.port, f"rule {r.host}{r.path}", r.span) for r in ing.rules]
    if ing.default_backend:
        backends.append((*ing.default_backend, "default backend", None))
    for service, port, where, span in backends:
        versions = [o for o in d.of("Service", ing.namespace) if o.name == service]
        ports = [p for o in versions for p in o.ports]
        if not versions or any(p.port == port if isinstance(port, int) else p.name == port for p in ports):
            continue
        shown = ", ".join(f"{p.port}/{p.name}" if p.name else str(p.port) for p in ports) or "none"
        near = nearest(port, [p.name for p in ports if p.name]) if isinstance(port, str) else None
        ctx.warn(span or ing.span,
                 f"ingress {ing.key}: {where} sends to port {port} of service {ing.namespace}/{service}, which has no "
                 f"such port (its ports: {shown}); requests would get 503 — use one of the service's ports",
                 suggestion=f"`{service}:{near}`" if near else None)


def _fits(node: Node, tpl) -> bool:
    labels = dict(node.labels)
    if any(labels.get(k) != v for k, v in tpl.node_selector):
        return False
    terms = tpl.affinity.node_required
    return not terms or any(all(_matches(r, node, labels) for r in term) for term in terms)


def _matches(r, node: Node, labels: dict) -> bool:
    if isinstance(r, FieldRequirement):  # matchFields: only metadata.name is allowed
        return r.key == "metadata.name" and Requirement.matches(r, {r.key: node.name})
    return r.matches(labels)


def _untolerated(node: Node, tpl):
    for t in node.taints:
        if t.effect in ("NoSchedule", "NoExecute") and not t.key.startswith(_LIFECYCLE_TAINTS) and \
                not any(x.tolerates(t.key, t.value, t.effect) for x in tpl.tolerations):
            return t
    return None


def _placement(ctx: Ctx, obj, d: Declared, what: str, seen: dict) -> None:
    """Node selectors, required node affinity and taints against every node the scenario ever has (declared,
    pools, `add node`), in every state `label node` / `taint node` put it in: when none can take the pod, the
    scheduler never will. A pod bound to a node (nodeName,
    from YAML) skips the scheduler, and this check."""
    tpl = obj.template
    if tpl.node_name:
        if tpl.node_name not in {n.name for n in d.node_versions}:
            # The API server accepts a pod bound to a node that does not exist (ValidatePodSpec checks only the
            # name's form): no kubelet ever runs it, so it stays Pending until the pod garbage collector deletes
            # it, 40 s after its first pass to see the node missing (docs/interop.md).
            field = {"Pod": "spec", "CronJob": "spec.jobTemplate.spec.template.spec"}.get(obj.kind,
                                                                                       "spec.template.spec")
            ctx.warn(obj.span, f'{what}: {field}.nodeName names node "{tpl.node_name}", which the scenario never has: '
                               "no kubelet runs its pods, which stay Pending until the pod garbage collector deletes "
                               "them (within a minute); declare the node, or leave nodeName out for the scheduler "
                               "to place them")
        return
    if not d.nodes:
        return
    # The outcome depends on nothing else of the template: the pods of one workload, and a scale test's
    # thousands of alike pods, are held against every node once (`seen`, per check), not once a pod.
    placing = (tpl.node_selector, tpl.affinity.node_required, tpl.tolerations)
    if placing not in seen:
        fits = [n for n in d.node_versions if _fits(n, tpl)]
        seen[placing] = fits, [(n, _untolerated(n, tpl)) for n in fits]
    fits, taints = seen[placing]
    if not fits:
        names = listing(n.name for n in d.nodes)
        asked = [f"node selector {','.join(f'{k}={v}' for k, v in tpl.node_selector)}"] if tpl.node_selector else []
        terms = tpl.affinity.node_required
        asked += [f"required node affinity {' or '.join(str(Selector((), t)) for t in terms)}"] if terms else []
        ctx.warn(obj.span, f"{what}: no node matches its {' and '.join(asked)} (nodes: {names}); its pods can "
                           "never be scheduled — label a node to match, or change the pod template")
        return
    if all(t is not None for _, t in taints):
        shown = ", ".join(f"{n.name} has {t}" for n, t in taints[:3]) + (", …" if len(taints) > 3 else "")
        first = taints[0][1]
        ctx.warn(obj.span, f"{what}: every node it may run on has a taint it does not tolerate ({shown}); its "
                           f"pods can never be scheduled — add `toleration {first}` or remove the taint")


def _expected(ctx: Ctx, e, d: Declared) -> None:
    """An expectation about one object that nothing ever declares or makes can only fail."""
    if isinstance(e, RouteExpectation):
        if e.service is not None and e.namespace in d.namespaces and not d.has("Service", e.namespace, e.service):
            near = nearest(e.service, [o.name for o in d.of("Service", e.namespace)])
            ctx.warn(e.span, f"{e.text}: nothing declares or creates service {e.namespace}/{e.service}, so the "
                             "route can never reach it",
                     suggestion=f"`{e.namespace}/{near}`" if near else None)
        return
    missing = missing_object(e, d)
    if missing is not None:
        target, near = missing
        ctx.warn(ctx.name_span(e.span), f"expect {e.target} {target}: nothing declares or creates {e.target} "
                                        f"{target}, so the expectation can only fail", suggestion=near)


def missing_object(e, d: Declared) -> tuple[str, str | None] | None:
    """(`NS/NAME`, the likely one meant as a suggestion) when nothing declares or makes the one object an
    expectation (or a measure's) names; None when something does, or when it names no one object."""
    if not isinstance(e, Expectation) or e.name is None or e.target not in EXPECT_KINDS:
        return None
    kind, ns = EXPECT_KINDS[e.target], e.namespace
    if ns is not None and ns not in d.namespaces:
        return None  # an error already: the namespace does not exist
    names = [n.name for n in d.nodes] if kind == "Node" else [o.name for o in d.of(kind, ns)]
    if e.name in names or d.made(kind, ns, e.name):
        return None
    near = nearest(e.name, names)
    return ref(kind, ns, e.name), f"`{ref(kind, ns, near)}`" if near else None
