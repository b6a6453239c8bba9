"""Builds `measure NAME = min|max|mean|when|at T TARGET ...` on expect's targets, and checks the measures together."""

from __future__ import annotations

import re

from kdsl.core import values as v
from kdsl.core.errors import plain_list
from kdsl.lang.fmt import head_text
from kdsl.lang.fmt import part as fmt_part
from kdsl.lang.syntax import Attr, Kw, Stmt, Word
from kdsl.core.values import format_duration
from kdsl.model.build.checks_refs import missing_object
from kdsl.model.build.context import Ctx
from kdsl.model.build.declared import Declared
from kdsl.model.build.expect import _CLUSTER, ATTRIBUTES, SINGULAR, build_expect
from kdsl.model.expectations import Measure

# A measure's name is a column of a sweep's table: a word that reads the same in Python, pandas and a CSV header.
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
_NUMERIC = ("int", "bytes", "flag", "count-or-flag")  # flags read as 0 or 1; a job's `failed` as its count


def numeric(table: dict[str, str]) -> list[str]:
    """The attributes a measure can read as a number, sorted."""
    return sorted(k for k, kind in table.items() if kind in _NUMERIC)


def build_measure(ctx: Ctx, stmt: Stmt, text: str) -> Measure | None:
    head = stmt.head
    name_w, kind = head[1], head[3].text
    if _NAME.fullmatch(name_w.text) is None:
        ctx.error(name_w, f"`{name_w.text}` is not a measure name: it starts with a letter, then letters, digits, "
                          "`-`, `_` or `.`")
    at_ms, rest = None, list(head[4:])
    if kind == "at":
        at_ms, rest = ctx.convert(head[4], v.duration_ms, "`at` time"), list(head[5:])
    cut = next((i for i, p in enumerate(rest) if isinstance(p, Kw)), len(rest))
    body, window = rest[:cut], rest[cut:]
    start, until = _window(ctx, name_w.text, kind, window)
    spans = {kw.text: w.span for kw, w in zip(window[::2], window[1::2])}
    if kind == "at":
        spans["at"] = head[4].span
    target = body[0].text
    base = SINGULAR.get(target, target)
    plural = target != base or target == "events"
    attr = None
    if kind != "when" and base in ATTRIBUTES:
        attr, body = _attribute(body, base, plural)
    if target in ("route", "connect"):
        ctx.error(body[0], f"a measure reads an attribute or a condition of an object; `expect {target}` has "
                           "neither", expected=["`pod`, `pods`, `deployment`, `service`, `node`, `events`, ..."])
        return None
    made = len(ctx.diagnostics)
    exp_stmt = Stmt("expect_state", (Kw("expect", head[0].span), *body), None, stmt.span)
    exp = build_expect(ctx, exp_stmt, head_text(exp_stmt))
    if exp is None:
        return None
    if kind != "when":
        if attr is None:
            if len(ctx.diagnostics) == made:  # an unknown word said what is wrong already
                _no_attribute(ctx, body, kind, base, plural)
            return None
        table = ATTRIBUTES[base]
        if table.get(attr) not in _NUMERIC and attr != "count":
            ctx.error(attr_w(stmt, attr), f"`{attr}` is not a number: `{kind}` reads a number (a flag as 0 or 1); "
                                          f"`when {target} ... {attr}=VALUE` gives the moment it holds",
                      expected=[plain_list([f"`{k}`" for k in numeric(table)])])
            return None
        if not plural and exp.conditions:
            ctx.error(exp.conditions[0].span or stmt, f"`{kind}` reads one attribute, `{attr}`; a condition such as "
                                                      f"`{exp.conditions[0]}` belongs to `when`")
            return None
    reads = head_text(Stmt("measure", tuple(head[5 if kind == "at" else 4:]), None, None))
    return Measure(name=name_w.text, kind=kind, expectation=exp, attr=attr, at_ms=at_ms, start_ms=start,
                   until_ms=until, reads=reads, text=text, span=stmt.span, name_span=name_w.span,
                   time_spans=spans)


def attr_w(stmt: Stmt, attr: str):
    return next((p for p in reversed(stmt.head) if isinstance(p, Word) and p.text == attr), stmt)


def _window(ctx: Ctx, name: str, kind: str, parts: list) -> tuple[int | None, int | None]:
    """`from T` and `until T` after the target (the `when` rule of the grammar, shared with `expect`)."""
    start = until = None
    for kw, word in zip(parts[::2], parts[1::2]):
        ms = ctx.convert(word, v.duration_ms, f"`{kw.text}` time")
        if kw.text in ("at", "by"):
            ctx.error(kw, f"`{kw.text}` does not end a measure: a measure reads a window (`from`/`until`)",
                      suggestion=f"`measure {name} = at {word.text} ...` (the value at one moment)"
                      if kw.text == "at" else "`from`/`until`")
        elif kind == "at":
            ctx.error(kw, f"`at` reads one moment; `{kw.text}` bounds the window of `min`, `max`, `mean` and `when`")
        elif kw.text == "from":
            start = ms
        else:
            until = ms
            if start is not None and ms is not None and ms < start:
                ctx.error(kw, "the window ends before it starts (`until` is earlier than `from`)")
    return start, until


def _attribute(body: list, base: str, plural: bool) -> tuple[str | None, list]:
    """The attribute read: the last bare word naming one (`count` for a selection); the rest stays the target
    (its name, a selection's selector and filters)."""
    wanted = {"count"} if plural else set(ATTRIBUTES[base])
    first = 1 if plural and base in _CLUSTER else 2  # after the target word and its name or namespace
    for i in range(len(body) - 1, first - 1, -1):
        p = body[i]
        if isinstance(p, Word) and not p.quoted and p.text in wanted:
            return p.text, body[:i] + body[i + 1:]
    return None, body


def _no_attribute(ctx: Ctx, body: list, kind: str, base: str, plural: bool) -> None:
    where = body[-1]
    if plural:
        ctx.error(where, "a selection gives a count: end the measure with `count`", suggestion="`count`")
        return
    cond = next((p for p in body if isinstance(p, Attr) and p.key.text in ATTRIBUTES[base]), None)
    if cond is not None:
        ctx.error(cond, f"`{kind}` reads an attribute, not a condition; a condition such as "
                        f"`{fmt_part(cond)}` belongs to `when`", suggestion=f"`{cond.key.text}`")
        return
    ctx.error(where, f"a measure of a {base} says which attribute it reads",
              expected=[plain_list([f"`{k}`" for k in numeric(ATTRIBUTES[base])])])


def check_measures(ctx: Ctx, scenario, declared: Declared) -> None:
    """Names given once; windows and moments within `run` when the scenario says how long it runs; namespaces
    declared; a warning for an object nothing declares or makes (the measure would have no value)."""
    seen: dict[str, Measure] = {}
    for m in scenario.measures:
        first = seen.setdefault(m.name, m)
        if first is not m:
            ctx.error(m.name_span or m.span, f"measure {m.name} is declared twice (first at {first.name_span})")
        ns = m.expectation.namespace
        if ns and ns not in declared.namespaces:
            ctx.error(ctx.name_span(m.span), f'namespaces "{ns}" not found; declare `namespace {ns}`')
        missing = missing_object(m.expectation, declared)
        if missing is not None:
            target, near = missing
            ctx.warn(ctx.name_span(m.span), f"measure {m.name}: nothing declares or creates {m.expectation.target} "
                                            f"{target}, so the measure has no value", suggestion=near)
        run = scenario.run_ms
        if run is None:
            continue
        for word, ms in (("at", m.at_ms), ("from", m.start_ms), ("until", m.until_ms)):
            if ms is not None and ms > run:
                ctx.error(m.time_spans.get(word, m.span), f"measure {m.name}: `{word} {format_duration(ms)}` is after the end of the run "
                                  f"(`run {format_duration(run)}`)", suggestion=f"`{word} {format_duration(run)}`")
