"""Builds `expect` statements: the target, its conditions, the selector and when it is checked."""

from __future__ import annotations

from kdsl.core import values as v
from kdsl.core.errors import plain_list, suggest
from kdsl.lang.syntax import Attr, Expr, Kw, Stmt, Word
from kdsl.model.base import Selector
from kdsl.model.build.context import Ctx, split_ref
from kdsl.model.build.expect_connect import build_connect
from kdsl.model.build.scheduling import requirements
from kdsl.model.expectations import AccessExpectation, Condition, Expectation, RouteExpectation, Timing

_INT, _STR, _BYTES, _FLAG, _COUNT_OR_FLAG = "int", "str", "bytes", "flag", "count-or-flag"
_POD = {"phase": _STR, "status": _STR, "reason": _STR, "message": _STR, "restarts": _INT, "node": _STR,
        "image": _STR, "ip": _STR, "ready": _FLAG, "pending": _FLAG, "running": _FLAG}
_SET = {"replicas": _INT, "ready": _INT, "available": _INT, "updated": _INT, "revision": _INT, "image": _STR}
# What each target may say (LANGUAGE.md, "What an expectation may say").
ATTRIBUTES: dict[str, dict[str, str]] = {
    "pod": _POD,
    "deployment": _SET, "statefulset": _SET, "daemonset": _SET, "replicaset": _SET,
    "job": {"succeeded": _INT, "failed": _COUNT_OR_FLAG, "active": _INT, "complete": _FLAG},
    "pvc": {"phase": _STR, "volume": _STR, "capacity": _BYTES, "bound": _FLAG},
    "pv": {"phase": _STR, "claim": _STR},
    "service": {"endpoints": _INT, "notready": _INT, "clusterip": _STR},
    "node": {"ready": _FLAG, "status": _STR, "pods": _INT, "unschedulable": _FLAG, "group": _STR,
             "memorypressure": _FLAG, "diskpressure": _FLAG, "taints": _STR},
    "hpa": {"replicas": _INT, "desired": _INT, "min": _INT, "max": _INT, "limited": _FLAG},
    "pdb": {"allowed": _INT, "healthy": _INT, "desired": _INT},
    "events": {"reason": _STR, "message": _STR, "object": _STR, "type": _STR, "count": _INT},
}
SINGULAR = {"pods": "pod", "deployments": "deployment", "statefulsets": "statefulset", "daemonsets": "daemonset",
            "replicasets": "replicaset", "jobs": "job", "pvcs": "pvc", "pvs": "pv", "services": "service",
            "nodes": "node", "hpas": "hpa", "pdbs": "pdb"}
_CLUSTER = {"pv", "node"}
_NUMERIC_OPS = {">=", "<=", ">", "<"}


def _timing(ctx: Ctx, stmt: Stmt, always: bool) -> Timing:
    mode, at, start, until = ("always" if always else "end"), None, None, None
    parts = list(stmt.head)
    for i, p in enumerate(parts):
        if isinstance(p, Kw) and p.text in ("at", "by", "from", "until") and i + 1 < len(parts):
            ms = ctx.convert(parts[i + 1], v.duration_ms, f"`{p.text}` time", 0)
            if p.text in ("at", "by"):
                if always:
                    ctx.error(p, f"`always` is checked over a window (`from`/`until`), not `{p.text}` a moment")
                mode, at = p.text, ms
            elif not always:
                ctx.error(p, f"`{p.text}` belongs to `expect always ...`")
            elif p.text == "from":
                start = ms
            else:
                until = ms
    if start is not None and until is not None and until < start:
        ctx.error(stmt, "the window ends before it starts (`until` is earlier than `from`)")
    return Timing(mode, at, start, until)


def _value(ctx: Ctx, a: Attr, kind: str) -> str | int | bool | None:
    text = a.text
    if kind == _FLAG:
        return ctx.convert(a.value, v.boolean, f"`{a.key.text}`")
    if kind == _INT:
        return ctx.convert(a.value, lambda t: v.integer(t, minimum=None), f"`{a.key.text}`")
    if kind == _BYTES:
        return ctx.convert(a.value, v.byte_count, f"`{a.key.text}`")
    return text


_TIMING = ("at", "by", "from", "until")


def _timing_typos(ctx: Ctx, body: list) -> list:
    """`bye 60s`, `form 1m`: a misspelt timing keyword and its time are one mistake, not two attributes."""
    out, skip = [], False
    for i, p in enumerate(body):
        if skip:
            skip = False
            continue
        nxt = body[i + 1] if i + 1 < len(body) else None
        hit = suggest(p.text, _TIMING) if isinstance(p, Word) and not p.quoted and isinstance(nxt, Word) else None
        if hit and _is_duration(nxt.text):
            ctx.error(p, f"unknown keyword `{p.text}` in an expectation", suggestion=f"`{hit}`",
                      expected=["`at`, `by`, `from` or `until` and a time"])
            skip = True
            continue
        out.append(p)
    return out


def _is_duration(text: str) -> bool:
    try:
        v.duration_ms(text)
    except v.BadValue:
        return False
    return True


def _body(stmt: Stmt) -> list:
    """The head parts after the target word, up to the timing keywords."""
    out, skip = [], 0
    parts = stmt.head
    start = next(i for i, p in enumerate(parts) if isinstance(p, Word)) + 1
    for p in parts[start:]:
        if skip:
            skip -= 1
            continue
        if isinstance(p, Kw):
            skip = 1
            continue
        out.append(p)
    return out


def build_expect(ctx: Ctx, stmt: Stmt, text: str):
    if stmt.kind == "expect_access":
        return _access(ctx, stmt, text)
    always = any(isinstance(p, Kw) and p.text == "always" for p in stmt.head)
    timing = _timing(ctx, stmt, always)
    if stmt.kind == "expect_route":
        return _route(ctx, stmt, timing, text)
    if stmt.kind == "expect_connect":
        return build_connect(ctx, stmt, timing, text)
    target_w = next(p for p in stmt.head if isinstance(p, Word))
    target = target_w.text
    plural = target in SINGULAR or target == "events"
    base = SINGULAR.get(target, target)
    if base not in ATTRIBUTES:
        hit = suggest(target, list(ATTRIBUTES) + list(SINGULAR) + ["route", "always"])
        ctx.error(target_w, f"`{target}` is not something an expectation can check",
                  suggestion=f"`{hit}`" if hit else None)
        return None
    table = dict(ATTRIBUTES[base])
    if plural and target != "events":
        table["count"] = _INT
    body = _timing_typos(ctx, _body(stmt))
    ns, name = None, None
    if base not in _CLUSTER or not plural:
        first = body.pop(0) if body and isinstance(body[0], Word) and not body[0].quoted else None
        if first is None:
            need = "a NAME" if base in _CLUSTER else "a NAMESPACE" if plural else "a NAMESPACE/NAME"
            ctx.error(stmt, f"expect {target} needs {need}")
            return None
        if stmt.span is not None and first.span is not None:
            ctx.name_spans.setdefault(stmt.span, first.span)  # a missing namespace is shown under it
        if base in _CLUSTER:
            name = first.text
        elif plural:
            ns = first.text
        else:
            ns, name = split_ref(ctx, first, None, f"expect {target}")
    conditions, sel_parts = [], []
    for p in body:
        key = p.key.text if isinstance(p, (Attr, Expr)) else p.text
        quoted = p.key.quoted if isinstance(p, (Attr, Expr)) else p.quoted
        kind = None if quoted else table.get(key)
        if kind is None:
            if plural and target != "events":
                sel_parts.append(p)  # not an attribute: part of the label selector
                continue
            hit = suggest(key, table)
            ctx.error(p, f"`{key}` is not an attribute of {target} expectations",
                      suggestion=f"`{hit}`" if hit else None,
                      expected=[] if hit else [plain_list([f"`{k}`" for k in sorted(table)])])
            continue
        if kind == _COUNT_OR_FLAG:  # `failed` is a flag; `failed=2` counts failed pods
            kind = _FLAG if isinstance(p, Word) else _INT
        if isinstance(p, Word):
            if kind != _FLAG:
                ctx.error(p, f"`{key}` needs a value, e.g. `{key}=3`")
                continue
            conditions.append(Condition(key, "=", True, p.span))
        elif isinstance(p, Expr):
            ctx.error(p, f"`{key}` is compared with =, !=, >=, <=, >, < or ~")
        else:
            if p.op in _NUMERIC_OPS and kind not in (_INT, _BYTES):
                ctx.error(p, f"`{key}` is not a number; compare it with `=`, `!=` or `~`")
                continue
            if p.op == "~" and kind != _STR:
                ctx.error(p, f"`~` (contains) compares text; `{key}` is a {'number' if kind == _INT else 'flag'}")
                continue
            value = _value(ctx, p, kind) if p.op != "~" else p.text
            if value is not None:
                conditions.append(Condition(key, p.op, value, p.span))
    selector = None
    if plural and target != "events":
        labels, reqs = requirements(ctx, sel_parts, f"expect {target}")
        selector = Selector(labels, reqs)
    return Expectation(target=base if not plural else target, namespace=ns, name=name, selector=selector,
                       conditions=tuple(conditions), timing=timing, text=text, span=stmt.span)


def _route(ctx: Ctx, stmt: Stmt, timing: Timing, text: str) -> RouteExpectation:
    words = [p for p in stmt.head if isinstance(p, Word)]
    url, target = words[0], words[1]
    host, slash, path = url.text.partition("/")
    ns, svc = (None, None)
    if target.text != "none":
        ns, svc = split_ref(ctx, target, None, "expect route")
    return RouteExpectation(host=host, path="/" + path if slash else "/", namespace=ns, service=svc,
                            timing=timing, text=text, span=stmt.span)


def _access(ctx: Ctx, stmt: Stmt, text: str) -> AccessExpectation:
    words = [p for p in stmt.head if isinstance(p, Word)]
    can = next(p.text for p in stmt.head if isinstance(p, Kw) and p.text in ("can", "cannot"))
    user, verb, resource = words[0].text, words[1].text, words[2].text
    ns = words[3].text if len(words) > 3 else None
    return AccessExpectation(user=user, allowed=can == "can", verb=verb, resource=resource, namespace=ns,
                             text=text, span=stmt.span)
