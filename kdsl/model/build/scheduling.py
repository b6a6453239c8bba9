"""Builds the scheduling parts of a pod template: selectors, tolerations, volumes, affinity, spread."""

from __future__ import annotations

from kdsl.core import values as v
from kdsl.core.errors import suggest
from kdsl.lang.syntax import Attr, Expr, Stmt, Word
from kdsl.model.base import Requirement, Selector, go_int
from kdsl.model.build.context import Ctx, Head, pick, tail_word
from kdsl.model.names import label_key, label_value
from kdsl.model.nodes import EFFECTS
from kdsl.model.pods import PodAffinityTerm, SpreadConstraint, Toleration, Volume, WeightedTerm
from kdsl.model.config import ACCESS_MODES

EFFECT_NAMES = {e.lower(): e for e in EFFECTS}
UNSATISFIABLE = {"donotschedule": "DoNotSchedule", "scheduleanyway": "ScheduleAnyway"}
_SET_OPS = {"in": "In", "notin": "NotIn", "exists": "Exists", "!": "DoesNotExist"}


def access_modes(text: str) -> str:
    mode = ACCESS_MODES.get(text.upper()) or (text if text in ACCESS_MODES.values() else None)
    if mode is None:
        exc = v.BadValue(f"`{text}` is not an access mode (RWO, ROX, RWX, RWOP)")
        near = suggest(text.upper(), ACCESS_MODES) or suggest(text, ACCESS_MODES.values())
        exc.suggestion = f"`{near}`" if near else None  # Ctx.convert shows it as `did you mean`
        raise exc
    return mode


def requirements(ctx: Ctx, parts, what: str,
                 node: bool = False) -> tuple[tuple[tuple[str, str], ...], tuple[Requirement, ...]]:
    """Selector parts → matchLabels pairs and set-based requirements (`k!=v` is `NotIn (v)`); a `node`
    requirement may also be `k>N` or `k<N` (Gt, Lt: a NodeSelectorRequirement's integer comparisons)."""
    labels, reqs = [], []
    for p in parts:
        if isinstance(p, Attr):
            if node and p.op in (">", "<"):
                if len(p.values) != 1 or go_int(p.text) is None:
                    ctx.error(p, f"`{p.key.text}{p.op}` compares with one integer in {what}, not `{p.text}`")
                reqs.append(Requirement(p.key.text, "Gt" if p.op == ">" else "Lt", (p.text,)))
            elif p.op == "=":
                if len(p.values) > 1:
                    reqs.append(Requirement(p.key.text, "In", tuple(w.text for w in p.values)))
                else:
                    labels.append((p.key.text, p.text))
            elif p.op == "!=":
                reqs.append(Requirement(p.key.text, "NotIn", tuple(w.text for w in p.values)))
            else:
                more = ", >N, <N" if node else ""
                ctx.error(p, f"`{p.op}` cannot select labels in {what}; use =, !=, in, notin, exists or !key{more}")
        elif isinstance(p, Expr):
            reqs.append(Requirement(p.key.text, _SET_OPS[p.op], tuple(w.text for w in p.values)))
        elif isinstance(p, Word):
            reqs.append(Requirement(p.text, "Exists"))
    return tuple(labels), tuple(reqs)


def selector(ctx: Ctx, parts, what: str, node: bool = False) -> Selector:
    labels, reqs = requirements(ctx, parts, what, node)
    return Selector(labels, reqs)


def workload_selector(ctx: Ctx, stmts: list[Stmt], kind: str, what: str, labels) -> Selector | None:
    """A workload's `selector` statement (None without one: the template's labels), refused as the API
    server refuses it (pkg/apis/apps/validation/validation.go, ValidateDeploymentSpec and its siblings;
    pkg/apis/core/validation/validation.go for a ReplicationController, whose selector is a plain map)."""
    if not stmts:
        return None
    for extra in stmts[1:]:
        ctx.error(extra, f"{what} has two selectors")
    s = stmts[0]
    head = Head(ctx, s, f"selector of {what}")
    parts = sorted(list(head.attrs.values()) + head.exprs + head.words,  # as written: the order is kept
                   key=lambda p: (p.span.line, p.span.column) if p.span is not None else (0, 0))
    head.attrs, head.exprs, head.words = {}, [], []
    field, bad = "spec.selector" + ("" if kind == "replicationcontroller" else ".matchLabels"), False
    for p in parts:
        key = p.key.text if isinstance(p, (Attr, Expr)) else p.text
        plain = isinstance(p, Attr) and p.op == "=" and len(p.values) == 1  # matchLabels' key=value
        problems = [(p, key, msg) for msg in label_key(key)]
        if plain:
            problems += [(p.values[0], p.text, msg) for msg in label_value(p.text)]
        for at, text, msg in problems:
            ctx.error(at, f'{what}: {field}: Invalid value: "{text}": {msg}')
        bad = bad or bool(problems)
        if kind == "replicationcontroller" and not plain:
            ctx.error(p, "the selector of a replicationcontroller is a map of labels: write `key=value` only")
            return None
    sel = selector(ctx, parts, what)
    if sel.empty:
        # a ReplicationController's empty map is a missing selector (core validation: Required)
        ctx.error(s, f"{what}: spec.selector: Required value" if kind == "replicationcontroller" else
                  f"{what}: spec.selector: Invalid value: v1.LabelSelector{{MatchLabels:map[string]string(nil), "
                  f"MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}: empty selector is invalid for "
                  f"{'deployment' if kind == 'replicaset' else kind}")  # ReplicaSet's check reuses the word
        return None
    if not bad and not sel.matches(dict(labels)):  # one mistake, one error: a bad key says enough
        shown = ", ".join(f'"{k}":"{x}"' for k, x in sorted(dict(labels).items()))
        ctx.error(s, f"{what}: spec.template.metadata.labels: Invalid value: map[string]string{{{shown}}}: "
                     "`selector` does not match template `labels`")
    if not sel.expressions and dict(sel.match_labels) == dict(labels):
        return None  # the labels themselves, in any order: the default, one model for one meaning
    return sel


def toleration(ctx: Ctx, stmt: Stmt, what: str) -> Toleration | None:
    head = Head(ctx, stmt, f"toleration of {what}")
    seconds = head.take("for", v.duration_ms)
    spec = None
    if head.words:
        w = head.words.pop(0)
        spec = (w.text, None, w)
    elif head.attrs:
        key = next(k for k in head.attrs if k != "for")
        a = head.attrs.pop(key)
        spec = (key, a.text, a)
    head.done()
    if spec is None:
        ctx.error(stmt, "a toleration is written `key[=value]:Effect`, `key:Effect`, `key` or `*`")
        return None
    key, value, where = spec
    effect = None
    text = value if value is not None else key
    if ":" in text:
        text, _, eff = text.rpartition(":")
        effect = pick(ctx, tail_word(where, eff), EFFECT_NAMES, "taint effect") if eff else None
        if value is not None:
            value = text
        else:
            key = text
    if seconds is not None and effect not in (None, "NoExecute"):
        ctx.error(stmt, "`for=` (tolerationSeconds) applies only to NoExecute tolerations")
    if key in ("*", ""):
        return Toleration(key=None, operator="Exists", effect=effect, toleration_ms=seconds)
    if value is None:
        return Toleration(key=key, operator="Exists", effect=effect, toleration_ms=seconds)
    return Toleration(key=key, operator="Equal", value=value, effect=effect, toleration_ms=seconds)


def volume(ctx: Ctx, stmt: Stmt, what: str) -> Volume | None:
    name = stmt.args[0]
    head = Head(ctx, stmt, f"volume {name.text} of {what}", stmt.args[1:])
    found = []
    for source in ("configmap", "secret", "pvc", "hostpath"):
        ref = head.take(source, str, None, *(("claim",) if source == "pvc" else ()))
        if ref is not None:
            found.append((source, ref))
    if head.flag("emptydir") is not None:
        found.append(("emptydir", None))
    optional = head.flag("optional") is not None
    read_only = head.flag("readonly") is not None
    head.done()
    if len(found) != 1:
        ctx.error(stmt, f"volume {name.text} of {what} needs exactly one source: configmap=, secret=, pvc=, "
                        "hostpath= or emptydir")
        return None
    source, ref = found[0]
    # Kubernetes has `optional` only on configMap and secret volumes and `readOnly` (of a volume) only on a
    # claim; on any other source the word would mean nothing and could not be exported, so it is refused.
    if optional and source not in ("configmap", "secret"):
        ctx.error(stmt, f"`optional` applies only to a configmap or secret volume, not to volume {name.text} "
                        f"({source}) of {what}")
    if read_only and source != "pvc":
        ctx.error(stmt, f"`readonly` applies only to a pvc volume, not to volume {name.text} ({source}) of {what}; "
                        "a mount is made read-only with `mount ... readonly`")
    return Volume(name=name.text, source=source, ref=ref, optional=optional, read_only=read_only, span=stmt.span)


def affinity(ctx: Ctx, stmt: Stmt, what: str, aff: dict) -> None:
    words = [p.text for p in stmt.head if not isinstance(p, (Word, Attr, Expr))]
    preferred = words[0] == "prefer"
    anti = "anti-affinity" in words
    target = words[-1]
    head = Head(ctx, stmt, f"`{' '.join(words)}` of {what}")
    weight = head.take("weight", lambda t: _weight(t))
    if not preferred and weight is not None:  # else `weight=` would become part of the label selector
        ctx.error(head.stmt, f"`weight=` belongs to a preferred term: `prefer {' '.join(words)} ...`")
    if preferred and weight is None:
        weight = 1
    if target == "node":
        if anti:
            ctx.error(stmt, "node anti-affinity is written `affinity node key notin (...)` or `!key`")
        reqs = selector(ctx, list(head.attrs.values()) + head.exprs + head.words, what, node=True).as_requirements()
        head.attrs, head.exprs, head.words = {}, [], []
        if not reqs:
            # Kubernetes: an empty node selector term matches no node, an empty preference every node;
            # neither is what a line without requirements seems to say
            ctx.error(stmt, f"`{' '.join(words)}` of {what} needs a requirement: `key=value`, `key in (a,b)`, "
                            "`key exists`, `!key` or `key>N`")
        if preferred:
            aff["node_preferred"].append(WeightedTerm(weight=weight, requirements=reqs))
        else:
            aff["node_required"].append(reqs)
        head.done()
        return
    topology = head.take("topology", str, None, required=True)
    namespaces = head.take_list("namespaces")
    sel = selector(ctx, list(head.attrs.values()) + head.exprs + head.words, what)
    head.attrs, head.exprs, head.words = {}, [], []
    term = PodAffinityTerm(selector=sel, topology_key=topology or "kubernetes.io/hostname", namespaces=namespaces)
    key = ("anti" if anti else "pod") + ("_preferred" if preferred else "_required")
    aff[key].append(WeightedTerm(weight=weight, pod_term=term) if preferred else term)


def _weight(text: str) -> int:
    n = v.integer(text, minimum=1)
    if n > 100:
        raise v.BadValue(f"{n} is more than 100 (weights are 1-100)")
    return n


def spread(ctx: Ctx, stmt: Stmt, what: str) -> SpreadConstraint:
    head = Head(ctx, stmt, f"spread of {what}")
    topology = head.take("topology", str, "kubernetes.io/hostname", required=True)
    skew = head.take("maxSkew", lambda t: v.integer(t, minimum=1), 1)
    when = head.choice("unsatisfiable", UNSATISFIABLE, "DoNotSchedule")
    rest = list(head.attrs.values()) + head.exprs + head.words
    for p in rest:  # any other word is the selector; one that is nearly an attribute is a typo
        key = p.key.text if isinstance(p, (Attr, Expr)) else p.text
        hit = suggest(key, ("topology", "maxSkew", "unsatisfiable"))
        if hit and key.lower() != "zone":
            ctx.error(p, f"`{key}` of {head.what} reads as a label selector term", suggestion=f"`{hit}=`")
    head.attrs, head.exprs, head.words = {}, [], []
    sel = selector(ctx, rest, what) if rest else None  # None: the pod's own labels
    return SpreadConstraint(topology_key=topology, max_skew=skew, when_unsatisfiable=when, selector=sel)


def gate(ctx: Ctx, stmt: Stmt, what: str, gates: list[str], field: str) -> None:
    """`gate NAME`: one scheduling gate, checked as the API server's validateSchedulingGates would."""
    head = Head(ctx, stmt, f"gate of {what}")
    w = head.word("a gate name, such as example.com/quota")
    head.done()
    if w is None:
        return
    at = f"{field}[{len(gates)}]"
    for msg in label_key(w.text):
        ctx.error(w, f'{what}: {at}: Invalid value: "{w.text}": {msg}')
    if w.text in gates:
        ctx.error(w, f'{what}: {at}: Duplicate value: "{w.text}"')
    gates.append(w.text)
