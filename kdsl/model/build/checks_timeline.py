"""Checks of the timeline: each action's target stands at its moment, and kdsl can carry the action out."""

from __future__ import annotations

import attrs

from kdsl.core.values import format_duration
from kdsl.model.base import Object
from kdsl.model.build.context import Ctx
from kdsl.model.build.declared import Declared, nearest, ref, resource, word
from kdsl.model.build.node_ops import replay_node_op
from kdsl.model.build.timeline import ROLLABLE, SCALABLE
from kdsl.model.nodes import IMMORTAL_NAMESPACES, SYSTEM_NAMESPACES
from kdsl.model.timeline import (AddNode, Apply, Create, Delete, NodeAction, NodeOp, Rollback, Rollout, Scale,
                                 SetImage, SetLoad)

# The kinds each verb acts on, as kdsl plays them (kdsl/engine/timeline.py); a kind outside these is an error.
_KINDS = {Scale: set(SCALABLE.values()), SetImage: set(SCALABLE.values()) | set(ROLLABLE.values()) | {"Pod"},
          Rollback: set(ROLLABLE.values()), Rollout: set(ROLLABLE.values())}
_VERB = {Scale: "scale", SetImage: "set image", Rollback: "rollback"}


def _verb(a) -> str:
    return f"rollout {a.verb}" if isinstance(a, Rollout) else _VERB[type(a)]


def head(a, kind: str | None = None, name: str | None = None) -> str:
    """The action as written (the kind left out for a Deployment, as the language lets it be)."""
    kind = kind or a.kind
    target = ref(kind, a.namespace, name or a.name)
    if isinstance(a, Delete):
        return f"delete {word(kind)} {target}"
    return f"{_verb(a)} {'' if kind == 'Deployment' else word(kind) + ' '}{target}"


class _World:
    """What stands at each moment of the timeline, played action by action in the engine's order."""

    def __init__(self, scenario):
        self.live: dict[tuple, Object | None] = {("Namespace", None, n): None for n in SYSTEM_NAMESPACES}
        self.gone: dict[tuple, str] = {}  # key → when and how it went, for the message
        self.later: dict[tuple, str] = {}  # key → when the timeline first makes it
        self.paused: dict[tuple, str] = {}  # Deployment key → since when it is paused, for the message
        # as put() each object, at once: nothing is gone or paused yet, and the last object of a key is live
        objs = scenario.objects
        self.live.update(zip(map(_key, objs), objs))
        self.paused.update((k, "declared paused") for k, o in self.live.items() if getattr(o, "paused", False))
        for n in scenario.nodes:
            self.live[("Node", None, n.name)] = n
        for a in scenario.timeline:
            for o in _made_by(a):
                self.later.setdefault(_key(o), f"created only at {_when(a)}")

    def put(self, o, why: str = "") -> None:
        k = _key(o)
        self.live[k] = o
        self.gone.pop(k, None)
        self.paused.pop(k, None)
        if getattr(o, "paused", False):
            self.paused[k] = why or "declared paused"

    def remove(self, k: tuple, a) -> None:
        self.live.pop(k, None)
        self.gone[k] = f"deleted at {_when(a)}"
        if k[0] == "Namespace":  # the namespace controller deletes everything in it
            for other in [x for x in self.live if x[1] == k[2]]:
                self.live.pop(other)
                self.gone[other] = f"deleted with namespace {k[2]} at {_when(a)}"

    def names(self, kind: str, ns: str | None) -> list[str]:
        return [k[2] for k in self.live if k[0] == kind and k[1] == ns]

    def why_missing(self, k: tuple) -> str:
        why = self.gone.get(k) or self.later.get(k)
        return f" ({why})" if why else ""


def _key(o) -> tuple:
    return (o.kind, getattr(o, "namespace", None), o.name)


def _when(a) -> str:
    return format_duration(a.at_ms) + (f", line {a.span.line}" if a.span is not None else "")


def _made_by(a) -> list:
    if isinstance(a, Create):
        return [a.object]
    if isinstance(a, Apply):
        return list(a.objects)
    return [a.node] if isinstance(a, AddNode) else []


def _not_found(kind: str, ns: str | None, name: str) -> str:
    return f'{resource(kind)} "{name}" not found' + (f" in namespace {ns}" if ns is not None else "")


def _target(ctx: Ctx, w: _World, d: Declared, a, kind: str, ns: str | None, name: str):
    """(the object an action names as it stands then, "live"); (None, "made") for a name a controller makes,
    which exists only at run time (and comes back when deleted); else an error with the likely one meant."""
    k = (kind, ns, name)
    if k in w.live:
        return w.live[k], "live"
    if k not in w.gone and d.made(kind, ns, name):
        return None, "made"
    msg = _not_found(kind, ns, name) + w.why_missing(k)
    others = [] if kind == "Node" else \
        sorted(o for (o, ons, oname) in w.live if ons == ns and oname == name and o != kind)
    allowed = _KINDS.get(type(a))
    hint = None
    if others:
        other = next((o for o in others if allowed is None or o in allowed), others[0])
        msg += f"; {ref(other, ns, name)} is a {other}"
        if allowed is not None and other not in allowed:
            msg += f", which `{_verb(a)}` does not act on"
        else:
            hint = f"`{_head(a, other, name)}`"
    else:
        near = nearest(name, w.names(kind, ns) + (d.ordinals(ns) if kind == "Pod" else []))
        hint = f"`{_head(a, kind, near)}`" if near else None
    ctx.error(a.span, msg, suggestion=hint)
    return None, None


def _head(a, kind: str, name: str) -> str:
    if isinstance(a, NodeAction | NodeOp):
        return f"{a.verb} node {name}"
    return head(a, kind, name)


def check_timeline(ctx: Ctx, scenario, d: Declared) -> None:
    if not scenario.timeline:
        return
    w = _World(scenario)
    users = {u.name for u in scenario.users} | {"admin"}
    for a in scenario.timeline:
        if a.user and a.user not in users and not a.user.startswith("system:"):
            ctx.warn(a.span, f"user {a.user} is not declared; the API server will not authenticate it (401)")
        ns = getattr(a, "namespace", None)
        if isinstance(a, (SetImage, Scale, Rollback, Rollout, Delete)) and ns and ns not in d.namespaces:
            ctx.error(a.span, f'namespaces "{ns}" not found; declare `namespace {ns}`')
            continue
        if isinstance(a, NodeAction):
            _target(ctx, w, d, a, "Node", None, a.node)
        elif isinstance(a, NodeOp):
            node, _ = _target(ctx, w, d, a, "Node", None, a.node)
            if node is not None:
                w.put(replay_node_op(ctx, a, node))
        elif isinstance(a, AddNode):
            if ("Node", None, a.node.name) in w.live:
                ctx.error(a.span, f'nodes "{a.node.name}" already exists')
            w.put(a.node)
        elif isinstance(a, (SetImage, Scale, Rollback, Rollout)):
            if isinstance(a, Rollout) and a.verb != "restart" and a.kind != "Deployment":
                ctx.error(a.span, f"{head(a)}: {resource(a.kind)} {_quote(a.name)} "
                                  f"{'pausing' if a.verb == 'pause' else 'resuming'} is not supported (only a "
                                  "Deployment has spec.paused)")
                continue
            obj, _ = _target(ctx, w, d, a, a.kind, ns, a.name)
            if isinstance(a, SetImage) and obj is not None:
                _containers(ctx, a, obj)
            elif isinstance(a, (Rollout, Rollback)) and obj is not None and obj.kind == "Deployment":
                _paused(ctx, w, a, obj)
        elif isinstance(a, Delete):
            _delete(ctx, w, d, a)
        elif isinstance(a, SetLoad):
            from kdsl.model.build.checks_autoscaling import check_set_load  # it imports this module's neighbours
            check_set_load(ctx, a, w.live, w.why_missing)
        elif isinstance(a, (Create, Apply)):
            for o in _made_by(a):
                _create(ctx, w, d, a, o)


def _quote(name: str) -> str:
    return f'"{name}"'


def _paused(ctx: Ctx, w: _World, a, obj) -> None:
    """kubectl's refusals that depend on spec.paused, which only the timeline changes (rollout pause/resume, an
    apply): known before the run (objectpauser.go, objectresumer.go, objectrestarter.go, rollback.go)."""
    k = _key(obj)
    since = w.paused.get(k)
    refusal = None
    if isinstance(a, Rollback) and since:
        refusal = ("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume "
                   f"deployment/{obj.name}' and try again")
    elif isinstance(a, Rollout) and a.verb == "restart" and since:
        refusal = f"{resource(obj.kind)} {_quote(obj.name)} can't restart paused deployment (run rollout resume first)"
    elif isinstance(a, Rollout) and a.verb == "pause":
        refusal = f"{resource(obj.kind)} {_quote(obj.name)} is already paused" if since else None
        if not since:
            w.put(attrs.evolve(obj, paused=True), f"paused at {_when(a)}")
    elif isinstance(a, Rollout) and a.verb == "resume":
        refusal = None if since else f"{resource(obj.kind)} {_quote(obj.name)} is not paused"
        if since:
            w.put(attrs.evolve(obj, paused=False))
    if refusal:
        hint = f"`rollout resume {ref(obj.kind, obj.namespace, obj.name)}` first" \
            if since and getattr(a, "verb", None) != "pause" else None
        ctx.error(a.span, f"{head(a)}: {refusal}" + (f" ({since})" if since else ""), suggestion=hint)


def _containers(ctx: Ctx, a: SetImage, obj) -> None:
    """kubectl set image refuses a container the template does not have (`unable to find container named`)."""
    tpl = obj.template
    names = [c.name for c in tpl.init_containers + tpl.containers]
    for name, _ in a.images:
        if name != "*" and name not in names:
            near = nearest(name, names)
            ctx.error(a.span, f'{head(a)}: unable to find container named "{name}" (its containers: '
                              f'{", ".join(names)})', suggestion=f"`{near}=`" if near else None)


def _delete(ctx: Ctx, w: _World, d: Declared, a: Delete) -> None:
    if a.name is not None:
        _, found = _target(ctx, w, d, a, a.kind, a.namespace, a.name)
        if found == "live" and not _immortal(a.kind, a.name):
            w.remove((a.kind, a.namespace, a.name), a)
        return
    for k, o in list(w.live.items()):  # `delete pods NS SELECTOR`: what matches then, if anything
        if k[0] == a.kind and k[1] == a.namespace and o is not None and a.selector.matches(dict(o.labels)):
            if k in w.live and not _immortal(a.kind, k[2]):
                w.remove(k, a)


def _immortal(kind: str, name: str) -> bool:
    """NamespaceLifecycle refuses to delete `default`, `kube-system` and `kube-public` (a run-time 403), so what
    they hold stands after the delete."""
    return kind == "Namespace" and name in IMMORTAL_NAMESPACES


def _create(ctx: Ctx, w: _World, d: Declared, a, o) -> None:
    ns = getattr(o, "namespace", None)
    verb = "create" if isinstance(a, Create) else "apply"
    ns_key = ("Namespace", None, ns)
    # A namespace deleted earlier refuses new content at run time by admission (NamespaceLifecycle: 403 while it
    # terminates, which the run decides), so only one made later is refused here.
    if ns is not None and ns in d.namespaces and ns_key not in w.live and ns_key not in w.gone:
        ctx.error(a.span, f'{verb} {word(o.kind)} {o.key}: namespaces "{ns}" not found' + w.why_missing(ns_key))
    elif isinstance(a, Create) and _key(o) in w.live:
        ctx.error(a.span, f'create {word(o.kind)} {o.key}: {resource(o.kind)} "{o.name}" already exists; '
                          "`apply` replaces an object that stands")
    w.put(o, f"paused by the {verb} at {_when(a)}")
