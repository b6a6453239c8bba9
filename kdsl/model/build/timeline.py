"""Builds timeline actions (`at T [as USER]: ...`) and `run`."""

from __future__ import annotations

import json
from collections.abc import Callable

from kdsl.core import values as v
from kdsl.core.limits import run_too_long
from kdsl.lang.syntax import Kw, Stmt, Word
from kdsl.model.build.context import Ctx, Head, pick, split_ref
from kdsl.model.build.node_ops import build_node_op
from kdsl.model.build.scheduling import selector
from kdsl.model import names
from kdsl.model.timeline import (AddNode, Apply, Create, Delete, Evict, NodeAction, Rollback, Rollout, Scale,
                                 SetImage, SetLoad)

# kind names as `delete`, `scale` and `expect` accept them, singular and plural, to the Kind.
KINDS = {
    "pod": "Pod", "deployment": "Deployment", "replicaset": "ReplicaSet", "statefulset": "StatefulSet",
    "daemonset": "DaemonSet", "job": "Job", "cronjob": "CronJob", "replicationcontroller": "ReplicationController",
    "service": "Service", "ingress": "Ingress", "configmap": "ConfigMap", "secret": "Secret",
    "pvc": "PersistentVolumeClaim", "persistentvolumeclaim": "PersistentVolumeClaim", "pv": "PersistentVolume",
    "persistentvolume": "PersistentVolume", "storageclass": "StorageClass", "namespace": "Namespace",
    "node": "Node", "serviceaccount": "ServiceAccount", "role": "Role", "rolebinding": "RoleBinding",
    "clusterrole": "ClusterRole", "clusterrolebinding": "ClusterRoleBinding",
}
KINDS |= {"networkpolicy": "NetworkPolicy", "pdb": "PodDisruptionBudget"}  # `create`/`apply` make them too
PLURALS = {("ingresses" if k == "ingress" else f"{k}es" if k.endswith("s") else f"{k[:-1]}ies" if k.endswith("cy")
            else f"{k}s"): k for k in KINDS}
PLURAL_OF = {k: p for p, k in PLURALS.items()}
CLUSTER_SCOPED = {"PersistentVolume", "StorageClass", "Namespace", "Node", "ClusterRole", "ClusterRoleBinding"}
SCALABLE = {"deployment": "Deployment", "statefulset": "StatefulSet", "replicaset": "ReplicaSet",
            "replicationcontroller": "ReplicationController"}
ROLLABLE = {"deployment": "Deployment", "statefulset": "StatefulSet", "daemonset": "DaemonSet"}


def kind_of(ctx: Ctx, w: Word) -> tuple[str, bool] | None:
    """(Kind, plural?) for a kind word, with a suggestion for a near miss."""
    if w.text in KINDS:
        return KINDS[w.text], False
    if w.text in PLURALS:
        return KINDS[PLURALS[w.text]], True
    pick(ctx, w, {**{k: k for k in KINDS}, **{p: p for p in PLURALS}}, "kind")
    return None


def _target(ctx: Ctx, head: Head, kinds: dict[str, str], what: str) -> tuple[str, str, str] | None:
    """`[kind] NS/NAME` → (Kind, namespace, name); the kind defaults to deployment."""
    first = head.word(f"a {'/'.join(kinds)} to act on")
    if first is None:
        return None
    kind = "Deployment"
    if first.text in kinds:
        kind = kinds[first.text]
        first = head.word(f"the {first.text}'s NAMESPACE/NAME")
        if first is None:
            return None
    elif "/" not in first.text and first.text in KINDS:
        ctx.error(first, f"`{what}` does not apply to a {first.text}")
        return None
    ns, name = split_ref(ctx, first, None, what)
    return kind, ns, name


def build_at(ctx: Ctx, stmt: Stmt, build_objects: Callable[[Stmt, str | None], list]) -> list:
    words = [p for p in stmt.head if isinstance(p, Word)]
    at_ms = ctx.convert(words[0], v.duration_ms, "time of the action", 0)
    user = words[1].text if len(words) > 1 else None
    action = stmt.block[0]
    common = dict(at_ms=at_ms, user=user, span=action.span)
    k = action.kind
    if k == "evict":
        head = Head(ctx, action, "evict pod")
        ns, name = split_ref(ctx, action.args[0], None, "evict pod")
        head.word()
        head.done()
        return [Evict(namespace=ns, name=name, **common)]
    if k == "node_action":
        verb = action.head[0].text
        head = Head(ctx, action, f"{verb} node", action.args[1:])
        force = head.flag("force") is not None if verb == "drain" else False
        timeout = head.take("timeout", v.duration_ms) if verb == "drain" else None
        head.done()
        return [NodeAction(verb=verb, node=action.args[0].text, force=force, timeout_ms=timeout or None, **common)]
    if k == "add_node":
        from kdsl.model.build.cluster import build_node  # one node builder for both forms
        node_stmt = Stmt("node", (Kw("node"),) + action.args, action.block, action.span, action.end_line)
        node = build_node(ctx, node_stmt)
        return [AddNode(node=node, **common)] if node else []
    if k in ("label_node", "taint_node", "untaint_node"):
        return build_node_op(ctx, action, common)
    if k in ("set_image", "scale"):
        head = Head(ctx, action, "set image" if k == "set_image" else "scale")
        tgt = _target(ctx, head, SCALABLE if k == "scale" else {**SCALABLE, **ROLLABLE, "pod": "Pod"}, head.what)
        if tgt is None:
            head.done()
            return []
        kind, ns, name = tgt
        if k == "scale":
            replicas = head.take("replicas", lambda t: v.integer(t, minimum=0), None, required=True)
            head.done()
            return [Scale(kind=kind, namespace=ns, name=name, replicas=replicas or 0, **common)] if replicas is not None else []
        # as the API server refuses the update: a pod's image may not have surrounding whitespace, a template's may
        # (validateContainersOnlyForPod): the workload is updated and each pod of its new template is refused
        rule = names.image if kind == "Pod" else names.image_reference
        for key, a in head.attrs.items():
            for m in rule(a.text):
                ctx.error(a.value, f"image of container {key}: Invalid value: {json.dumps(a.text)}: {m}")
        images = head.pairs()
        head.done()
        if not images:
            ctx.error(action, "set image needs CONTAINER=IMAGE, e.g. `set image shop/web nginx=nginx:1.26`")
        return [SetImage(kind=kind, namespace=ns, name=name, images=images, **common)]
    if k == "rollback":
        words = action.args
        head = Head(ctx, action, "rollback", words[:-1] if any(isinstance(p, Kw) and p.text == "to"
                                                                    for p in action.head) else words)
        tgt = _target(ctx, head, ROLLABLE, "rollback")
        head.done()
        revision = None
        if any(isinstance(p, Kw) and p.text == "revision" for p in action.head):
            revision = ctx.convert(words[-1], lambda t: v.integer(t, minimum=1), "revision")
        return [Rollback(kind=tgt[0], namespace=tgt[1], name=tgt[2], revision=revision, **common)] if tgt else []
    if k == "rollout":
        verb = action.head[1].text
        head = Head(ctx, action, f"rollout {verb}", action.args)
        tgt = _target(ctx, head, ROLLABLE, head.what)
        head.done()
        return [Rollout(verb=verb, kind=tgt[0], namespace=tgt[1], name=tgt[2], **common)] if tgt else []
    if k == "delete":
        kind_w, rest = action.args[0], list(action.args[1:])
        if not isinstance(kind_w, Word):
            ctx.error(kind_w, "delete names a kind first: `delete pod NS/NAME` or `delete pods NS SELECTOR`")
            return []
        kp = kind_of(ctx, kind_w)
        if kp is None:
            return []
        kind, plural = kp
        if plural:
            ns = None
            if kind not in CLUSTER_SCOPED:
                if not rest or not isinstance(rest[0], Word) or rest[0].quoted:
                    ctx.error(action, f"delete {kind_w.text} needs a namespace: `delete {kind_w.text} NS [SELECTOR]`")
                    return []
                ns = rest.pop(0).text
            return [Delete(kind=kind, namespace=ns, selector=selector(ctx, rest, "delete"), **common)]
        target = rest.pop(0) if rest and isinstance(rest[0], Word) else None
        if target is None:
            ctx.error(action, f"delete {kind_w.text} needs a name: `delete {kind_w.text} "
                              f"{'NAME' if kind in CLUSTER_SCOPED else 'NS/NAME'}`")
            return []
        if rest:
            ctx.error(rest[0], f"delete {kind_w.text} takes one name; use `delete {PLURAL_OF[kind_w.text]} NS SELECTOR` "
                               "to delete by label")
        if kind in CLUSTER_SCOPED:
            return [Delete(kind=kind, namespace=None, name=target.text, **common)]
        ns, name = split_ref(ctx, target, None, f"delete {kind_w.text}")
        return [Delete(kind=kind, namespace=ns, name=name, **common)]
    if k == "load":
        from kdsl.model.build.autoscaling import build_load  # one load builder for both forms
        load = build_load(ctx, action, None)
        return [SetLoad(load=load, **common)] if load else []
    if k == "create":
        return [Create(object=o, **common) for o in build_objects(action.block[0], None)]
    if k == "apply":
        objs = [o for s in action.block or () for o in build_objects(s, None)]
        return [Apply(objects=tuple(objs), **common)]
    ctx.error(action, f"`{action.keyword}` is not a timeline action")  # pragma: no cover - grammar prevents it
    return []


def build_run(ctx: Ctx, stmt: Stmt) -> int | None:
    ms = ctx.convert(stmt.args[0], v.duration_ms, "run")
    why = run_too_long(ms) if ms is not None else None
    if why:
        ctx.error(stmt.args[0], f"run {stmt.args[0].text}: {why}")
        return None
    return ms
