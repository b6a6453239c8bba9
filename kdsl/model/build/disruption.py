"""Builds `pdb`: a PodDisruptionBudget, refused as the API server refuses one (policy validation)."""

from __future__ import annotations

import re

from kdsl.core.errors import suggest
from kdsl.lang.syntax import Attr, Expr, Kw, Op, Stmt
from kdsl.core.values import Percent
from kdsl.model.build.cluster import meta
from kdsl.model.build.context import Ctx, Head, split_ref
from kdsl.model.build.scheduling import selector
from kdsl.model.manifest import PodDisruptionBudget
from kdsl.model.names import label_key, label_value

FORM = "a budget is written `pdb NAMESPACE/NAME selects SELECTOR minAvailable=N|N%` (or `maxUnavailable=N|N%`)"
FIELDS = {"minAvailable": "minAvailable", "maxUnavailable": "maxUnavailable"}
# validation.IsValidPercent (apimachinery/pkg/util/validation/validation.go), through RegexError.
PERCENT_MSG = ("a valid percent string must be a numeric string followed by an ending '%' "
               "(e.g. '1%', or '93%', regex used for validation is '[0-9]+%')")


def _intstr(ctx: Ctx, a: Attr, what: str) -> int | Percent | None:
    """An IntOrString checked as ValidatePodDisruptionBudgetSpec checks it (pkg/apis/policy/validation/
    validation.go: ValidatePositiveIntOrPercent, then IsNotMoreThan100Percent)."""
    text, field = a.value.text, f"spec.{a.key.text}"
    if re.fullmatch(r"[+-]?\d{1,10}", text, re.ASCII):  # an int: YAML would read it as one
        if int(text) < 0:
            ctx.error(a.value, f"{what}: {field}: Invalid value: {int(text)}: must be greater than or equal to 0")
            return None
        return int(text)
    if not re.fullmatch(r"\d+%", text, re.ASCII):
        ctx.error(a.value, f'{what}: {field}: Invalid value: "{text}": {PERCENT_MSG}')
        return None
    if int(text[:-1]) > 100:
        ctx.error(a.value, f'{what}: {field}: Invalid value: "{text}": must not be greater than 100%')
        return None
    return Percent(int(text[:-1]))


def _selector_parts(ctx: Ctx, parts: list, what: str) -> None:
    """Each key and matchLabels value checked where it is written (metav1 ValidateLabelSelector)."""
    for p in parts:
        key = p.key.text if isinstance(p, (Attr, Expr)) else p.text
        problems = [(p, key, msg) for msg in label_key(key)]
        if isinstance(p, Attr) and p.op == "=" and len(p.values) == 1:
            problems += [(p.values[0], p.text, msg) for msg in label_value(p.text)]
        for at, text, msg in problems:
            ctx.error(at, f'{what}: spec.selector: Invalid value: "{text}": {msg}')


def _misspelt(ctx: Ctx, parts: list, what: str) -> bool:
    """`minAvailabe=1` after `selects` reads as a label: report it as the budget field it nearly is."""
    bad = False
    for p in list(parts):
        hit = suggest(p.key.text, FIELDS) if isinstance(p, Attr) else None
        if hit is not None:
            ctx.error(p.key, f"unknown attribute `{p.key.text}` for {what}", suggestion=f"`{hit}=`")
            parts.remove(p)
            bad = True
    return bad


def build_pdb(ctx: Ctx, stmt: Stmt, namespace: str | None) -> PodDisruptionBudget | None:
    head_parts, sel_parts, selects = [], [], None
    for p in stmt.head[1:]:
        if isinstance(p, Kw) and p.text == "selects":
            selects = p
        elif isinstance(p, Attr) and p.key.text in FIELDS:  # written before or after the selector
            head_parts.append(p)
        elif not isinstance(p, (Kw, Op)):
            (sel_parts if selects is not None else head_parts).append(p)
    head = Head(ctx, stmt, "pdb", head_parts)
    w = head.name()
    if w is None:
        ctx.error(stmt, FORM)
        return None
    ns, name = split_ref(ctx, w, namespace, "pdb")
    head.what = what = f"pdb {ns}/{name}"
    found = {k: head.attr(k) for k in FIELDS}
    head.known_flags.add("selects")
    head.done()
    values = {k: _intstr(ctx, a, what) for k, a in found.items() if a is not None}
    if found["minAvailable"] and found["maxUnavailable"]:
        ctx.error(found["maxUnavailable"], f"{what}: spec: Invalid value: minAvailable and maxUnavailable "
                                           "cannot be both set")
    elif not any(found.values()) and not _misspelt(ctx, sel_parts, what):
        ctx.error(stmt, f"{what} needs `minAvailable=` or `maxUnavailable=`", expected=[FORM])
    sel = None
    if selects is not None:
        _selector_parts(ctx, sel_parts, what)
        sel = selector(ctx, sel_parts, what)
    else:
        ctx.warn(stmt, f"{what} has no `selects`: a PodDisruptionBudget without a selector selects no pod")
    for s in stmt.block or ():
        if s.kind == "yaml":
            ctx.error(s, f"a `yaml` block is not allowed in {what}; write the whole object as a `manifest`")
    m = meta(ctx, stmt.block, what, ("labels", "annotations"))
    return PodDisruptionBudget.build(name=name, namespace=ns, selector=sel, min_available=values.get("minAvailable"),
                                     max_unavailable=values.get("maxUnavailable"), labels=m["labels"],
                                     annotations=m["annotations"], span=stmt.span)
