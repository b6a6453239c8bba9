"""Builds `expect [cannot] connect SRC -> DST port=P[/PROTO]`, the reachability expectation NetworkPolicy decides."""

from __future__ import annotations

from kdsl.core.values import digits
from kdsl.lang.syntax import Attr, Kw, Op, Stmt, Word
from kdsl.model.build.context import Ctx, split_ref
from kdsl.model.build.scheduling import selector
from kdsl.model.expectations import Timing
from kdsl.model.network import ConnectEnd, ConnectExpectation

_PROTOCOLS = ("TCP", "UDP", "SCTP")
_WHEN = ("at", "by", "from", "until")


def build_connect(ctx: Ctx, stmt: Stmt, timing: Timing, text: str) -> ConnectExpectation | None:
    allowed = not any(isinstance(p, Kw) and p.text == "cannot" for p in stmt.head)
    start = next(i for i, p in enumerate(stmt.head) if isinstance(p, Kw) and p.text == "connect") + 1
    arrow = next(i for i, p in enumerate(stmt.head) if isinstance(p, Op) and p.text == "->")
    right = list(stmt.head[arrow + 1:])
    stop = next((i for i, p in enumerate(right) if isinstance(p, Kw) and p.text in _WHEN and i > 0), len(right))
    right = right[:stop]
    port_attrs = [p for p in stmt.head[start:] if isinstance(p, Attr) and p.key.text == "port"]
    src = _end(ctx, [p for p in stmt.head[start:arrow] if p not in port_attrs])
    dst = _end(ctx, [p for p in right if p not in port_attrs])
    if not port_attrs:
        ctx.error(stmt, "`expect connect` needs the port: `port=5432` or `port=53/UDP`")
        return None
    w = port_attrs[-1].value
    number, _, proto = w.text.partition("/")
    if not digits(number) or not 1 <= int(number) <= 65535:
        ctx.error(w, f"`{w.text}` is not a port: write a number 1-65535, optionally /TCP, /UDP or /SCTP")
        return None
    if proto and proto.upper() not in _PROTOCOLS:
        ctx.error(w, f'unsupported protocol "{proto}": supported values: "TCP", "UDP", "SCTP"')
        return None
    if src is None or dst is None:
        return None
    if src.kind == "service":
        ctx.error(stmt.head[start], "a connection starts at a pod (`pod`, `pods`) or an address (`cidr`), "
                                    "not at a Service")
        return None
    return ConnectExpectation(allowed=allowed, source=src, destination=dst, port=int(number),
                              protocol=(proto or "TCP").upper(), timing=timing, text=text, span=stmt.span)


def _end(ctx: Ctx, parts: list) -> ConnectEnd | None:
    kind, word, rest = parts[0].text, parts[1], parts[2:]
    for p in rest if kind != "pods" else ():
        ctx.error(p, f"unexpected `{getattr(p, 'text', p)}` after `{kind} {word.text}`")
    if kind == "cidr":
        return ConnectEnd(kind="cidr", name=word.text)
    if kind == "pods":
        sel = selector(ctx, [p for p in rest if not (isinstance(p, Word) and p.text == "all")], "expect connect")
        return ConnectEnd(kind="pods", namespace=word.text, selector=sel)
    ns, name = split_ref(ctx, word, None, f"expect connect {kind}")
    return ConnectEnd(kind=kind, namespace=ns, name=name)
