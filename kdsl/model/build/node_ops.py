"""Builds `label node`, `taint node` and `untaint node`, refusing what kubectl label / taint refuse, in their words."""

from __future__ import annotations

from kdsl.core.errors import suggest
from kdsl.lang.syntax import Attr, Stmt, Word
from kdsl.model.build.context import Ctx, Head, tail_word
from kdsl.model.build.scheduling import EFFECT_NAMES
from kdsl.model.names import label_key, label_value
from kdsl.model.timeline import LabelNode, TaintNode, TaintRef, UntaintNode, applied
from kdsl.model.nodes import EFFECTS, Node, Taint


def build_node_op(ctx: Ctx, action: Stmt, common: dict) -> list:
    node = action.args[0].text
    verb = action.kind.split("_")[0]
    what = f"{verb} node {node}"
    parts = action.args[1:]
    if not parts:
        # kubectl: "at least one label update is required" / "at least one taint update is required"
        example = {"label": "zone=b disk-", "taint": "dedicated=gpu:NoSchedule", "untaint": "dedicated:NoSchedule"}
        ctx.error(action, f"{what}: at least one {'label' if verb == 'label' else 'taint'} update is required, "
                          f"e.g. `{verb} node {node} {example[verb]}`")
        return []
    if verb == "label":
        return _label(ctx, action, parts, node, what, common)
    if verb == "taint":
        taints = _taints(ctx, parts, what)
        return [TaintNode(node=node, taints=taints, **common)] if taints else []
    refs = _untaints(ctx, parts, what)
    return [UntaintNode(node=node, taints=refs, **common)] if refs else []


def _label(ctx: Ctx, action: Stmt, parts, node: str, what: str, common: dict) -> list:
    """kubectl label's parseLabels: `k=v` sets, `k-` removes; the API server checks the keys and values."""
    head = Head(ctx, action, what, [p for p in parts if isinstance(p, Attr)])
    labels = ctx.labels(head, what)
    remove: list[str] = []
    for p in parts:
        if isinstance(p, Word) and not p.quoted and p.text.endswith("-") and len(p.text) > 1:
            remove.append(p.text[:-1])
        elif isinstance(p, Word):
            ctx.error(p, f"{what}: unknown label spec: {p.text}",
                      suggestion=f"`{p.text}=VALUE` to set it, `{p.text}-` to remove it")
        elif not isinstance(p, Attr):
            ctx.error(p, f"a selector expression is not allowed in {what}; write `key=value` or `key-`")
    head.done()
    both = sorted({k for k, _ in labels} & set(remove))
    if both:
        ctx.error(action, f"{what}: can not both modify and remove a label in the same command ({both[0]})")
        return []
    return [LabelNode(node=node, labels=labels, remove=tuple(dict.fromkeys(remove)), **common)]


def _effect(ctx: Ctx, where, text: str, what: str) -> str | None:
    """kubectl's validateTaintEffect, matched without regard to case as every kdsl effect is."""
    effect = EFFECT_NAMES.get(text.lower())
    if effect is None:
        near = suggest(text, EFFECTS)
        ctx.error(tail_word(where, text), f"{what}: invalid taint effect: {text}, unsupported taint effect",
                  suggestion=f"`{near}`" if near else None, expected=["`NoSchedule`, `PreferNoSchedule` or `NoExecute`"])
    return effect


def _key(ctx: Ctx, where, spec: str, key: str, what: str) -> bool:
    errors = label_key(key)  # validation.IsQualifiedName, as kubectl's parseTaint checks a taint's key
    if errors:
        ctx.error(where, f"{what}: invalid taint spec: {spec}, {'; '.join(errors)}")
    return not errors


def _taints(ctx: Ctx, parts, what: str) -> tuple[Taint, ...]:
    """kubectl taint's parseTaints for taints to add: `key[=value]:Effect`, one of each key and effect."""
    out: list[Taint] = []
    for p in parts:
        if isinstance(p, Attr) and p.op == "=" and len(p.values) == 1 and not p.key.quoted:
            key, rest = p.key.text, p.values[0].text
            spec = f"{key}={rest}"
        elif isinstance(p, Word) and not p.quoted:
            key, rest, spec = None, p.text, p.text
        else:
            ctx.error(p, f"{what}: a taint is written `key[=value]:Effect`, e.g. `dedicated=gpu:NoSchedule`")
            continue
        value, colon, eff = rest.rpartition(":")
        if not colon:
            ctx.error(p, f"{what}: invalid taint spec: {spec} (a taint needs an effect: "
                         "`key[=value]:NoSchedule|PreferNoSchedule|NoExecute`)")
            continue
        if key is None:
            key, value = value, ""
        effect = _effect(ctx, p, eff, what)
        ok = _key(ctx, p, spec, key, what)
        errors = label_value(value)
        if errors:
            ctx.error(p, f"{what}: invalid taint spec: {spec}, {'; '.join(errors)}")
        if effect is None or not ok or errors:
            continue
        if any(t.key == key and t.effect == effect for t in out):
            ctx.error(p, f"{what}: duplicated taints with the same key and effect: {key}:{effect}")
            continue
        out.append(Taint(key, value or None, effect))
    return tuple(out)


def _untaints(ctx: Ctx, parts, what: str) -> tuple[TaintRef, ...]:
    """The taints to remove: `key:Effect`, or `key` for every effect of the key (kubectl's `key-`)."""
    out: list[TaintRef] = []
    for p in parts:
        if isinstance(p, Attr):
            effect = p.values[0].text.rpartition(":")[2] if len(p.values) == 1 else "Effect"
            ctx.error(p, f"{what}: a taint is removed by its key and effect; its value is not part of it",
                      suggestion=f"`{p.key.text}:{effect}`")
            continue
        if not isinstance(p, Word) or p.quoted:
            ctx.error(p, f"{what}: a taint to remove is written `key:Effect` or `key`")
            continue
        key, colon, eff = p.text.rpartition(":")
        if not colon:
            key, eff = p.text, ""
        effect = _effect(ctx, p, eff, what) if colon else None
        if (colon and effect is None) or not _key(ctx, p, p.text, key, what):
            continue
        ref = TaintRef(key=key, effect=effect)
        if ref not in out:
            out.append(ref)
    return tuple(out)


# Taints the control plane puts on a node at run time (the node lifecycle controller's, cordon's, the cluster
# autoscaler's): whether one is there when an `untaint` comes is known only then.
SYSTEM_TAINTS = ("node.kubernetes.io/", "node.cloudprovider.kubernetes.io/", "ToBeDeletedByClusterAutoscaler",
                 "DeletionCandidateOfClusterAutoscaler")


def replay_node_op(ctx: Ctx, a, node: Node) -> Node:
    """`kdsl check` plays the action on the node as declared so far: an `untaint` of a taint that neither the
    declaration nor an earlier action gave it fails as kubectl fails (`taint "k:E" not found`)."""
    if isinstance(a, UntaintNode):
        missing = [ref for ref in a.taints if not ref.key.startswith(SYSTEM_TAINTS)
                   and not any(ref.matches(t) for t in node.taints)]
        if missing:
            has = ", ".join(str(t) for t in node.taints) or "none"
            ctx.error(a.span, f'untaint node {node.name}: taint "{missing[0]}" not found (its taints then: {has})')
            return node
    return applied(a, node)
