"""A parsed line's values as a small compiled function that makes them again at another line and column."""

# A scenario repeats lines: in the benchmark's four of five lines are the text of an earlier one. From the same
# parser state the same line text shifts and reduces the same way, so the LALR driver parses it once, keeps what
# it pushed as a template, and for the next copy only builds the nodes again with this line's positions: fresh
# tokens and spans (the tree carries places for messages) and fresh lists (a list on the stack grows in place).

from __future__ import annotations

from kdsl.core.errors import Span
from kdsl.lang.tokens import Inline, Tok

# Lines that would need more than the values: a `;` or a comment (another separator, comments for `kdsl fmt`),
# a `}` (a block's reduction reads earlier lines), a string of several lines. A `{` that ends the line is the one
# brace a replay opens (the driver keeps the open blocks for messages); any other `{` makes the line unfit.
UNSAFE = (";", "#", "}", '"""')
# How many times a line (or a shape, kdsl.lang.gapmemo) is met before it is recorded: compiling its template costs
# about what parsing it a few dozen times does, and most of a small file's repeated lines come back only once or
# twice (the fuzz harness's texts), while a large scenario's come back thousands of times.
AGAIN = 3


class Unfit(Exception):
    """A value a template cannot make again: a span on another line, a type it does not know."""


def new_scope() -> dict:
    """The names a template's source uses (its node classes are added as it meets them)."""
    return {"T": Tok, "S": Span, "I": Inline, "N": object.__new__, "_new": tuple.__new__, "classes": {}}


def fits(segment: str) -> bool:
    """Whether a line's text (from its first token to its newline) can be replayed from a template."""
    if "{" in segment and (segment.count("{") > 1 or not segment.rstrip().endswith("{")):
        return False
    return not any(u in segment for u in UNSAFE)


def span_source(body: list, name: str, v, start: str, end: str, value: str | None, line: str = "L",
                end_line: str = "L") -> None:
    """The source lines that make span or token `v` again as `name`, from `line` and column `start` to `end_line`
    and column `end` (expressions) with `value` (an expression; tokens only). Made as Span.__init__ and
    Tok's maker make them, a slot at a time: about twice as fast as calling Span (which runs the Python-level
    __init__); a bare Tok is made by calling it (kdsl.lang.tokens)."""
    body.append(f"    {name} = {'T()' if type(v) is Tok else 'N(S)'}; {name}.file = f")
    if line == end_line:
        body.append(f"    {name}.line = {name}.end_line = {line}; {name}.column = {start}")
    else:
        body.append(f"    {name}.line = {line}; {name}.end_line = {end_line}; {name}.column = {start}")
    body.append(f"    {name}.end_column = {end}")
    if type(v) is Tok:
        body.append(f"    {name}.type = {v.type!r}; {name}.value = {value}")


def plus(name: str, k: int) -> str:
    """The expression `name` + `k` (`name` alone for 0)."""
    return f"{name} + {k}" if k else name


def template(values: list, file, line: int, column: int):
    """A function (file, line, column) → a copy of `values`, every token and span moved from `line` and
    `column` (of the line's first token) to the given ones; None when some value cannot be made again."""
    body: list[str] = []
    names: dict[int, str] = {}
    scope = new_scope()

    def make(v) -> str:
        t = type(v)
        if t is Tok or t is Span:
            name = names.get(id(v))
            if name is None:  # a span shared by two nodes stays one object
                if v.file != file or v.line != line or v.end_line != line or (t is Tok and (
                        type(v.type) is not str or type(v.value) is not str)):
                    raise Unfit
                name = names[id(v)] = f"s{len(names)}"
                span_source(body, name, v, plus("c", v.column - column), plus("c", v.end_column - column), repr(v.value)
                     if t is Tok else None)
            return name
        if v is None or t is str or t is bool or t is int:
            return repr(v)
        if not isinstance(v, (tuple, list)):
            raise Unfit
        return compound(v, "".join(make(x) + ", " for x in v), scope)

    try:
        return compiled(make, values, body, scope, "f, L, c")
    finally:
        del make  # `make` calls itself through its cell, a cycle the parse's gc.freeze would keep


def compound(v, items: str, scope: dict) -> str:
    """The expression that makes `v` (a tuple, a list, an Inline list or a node) of its items' expressions."""
    t = type(v)
    if t is tuple:
        return f"({items})"
    if t is list:
        return f"[{items}]"
    if t is Inline:
        return f"I(({items}))"
    if isinstance(v, tuple) and not getattr(v, "__dict__", None):  # a node (a named tuple) or a marker tuple
        classes = scope["classes"]
        cls = classes.get(t)
        if cls is None:
            cls = classes[t] = f"C{len(classes)}"
            scope[cls] = t
        return f"_new({cls}, ({items}))"
    raise Unfit


def _value_span(tok: Tok, text: str) -> Span:
    """The span of a plain `key=value` token's value spelt as its key (parser._attr_token)."""
    return Span(tok.file, tok.line, tok.end_column - len(text), tok.line, tok.end_column)


def plain_attr(v, make, scope: dict) -> str | None:
    """The expression that makes a plain `key=value` token's Attr again (None for another Attr). Its key word holds
    the token, and its value word too unless spelt as its key, which then has a span of its own (parser._attr_token):
    a template with gaps makes that choice again for the words it is given."""
    tok, key, values = v[3], v[0], v[2]
    if type(tok) is not Tok or tok.type != "ATTR" or key[3] is not tok or len(values) != 1:
        return None
    value = values[0]
    if value[3] is not tok and type(value[3]) is not Span:
        return None
    t, kx, vx = make(tok), make(key[0], key.span), make(value[0], value.span)
    scope["VS"] = _value_span
    kw = compound(key, f"{kx}, {make(key[1])}, {make(key[2])}, {t}, ", scope)
    vw = compound(value, f"{vx}, {make(value[1])}, {make(value[2])}, ({t} if {kx} != {vx} else VS({t}, {vx})), ",
                  scope)
    return compound(v, f"{kw}, {make(v[1])}, ({vw}, ), {t}, ", scope)


def compiled(make, values: list, body: list, scope: dict, arguments: str):
    """The function (`arguments`) that runs `body` and returns the values' expressions; None if one is unfit."""
    try:
        result = "[" + "".join(make(v) + ", " for v in values) + "]"
    except Unfit:
        return None
    source = f"def make({arguments}):\n" + "\n".join(body) + f"\n    return {result}\n"
    exec(compile(source, "<kdsl line template>", "exec"), scope)  # noqa: S102 (source built above from node values)
    # popped, not read: a function kept in its own globals is a cycle, and the parse's gc.freeze (core/limits.py bulk)
    # would keep every template of every parse for the life of the process
    return scope.pop("make")


def kept(record: tuple, states: list, values: list, file, sound: bool):
    """What a recorded line leaves for its copies: the states it pushed, the maker of its values and where its `{`
    is (or -1); 0 when it cannot be replayed. `sound`: no reduction nor keyword's fit read below its first state,
    and it ended at its newline."""
    key, h, column, line = record[:4]
    maker = template(values[h - 1:], file, line, column) if sound else None
    return (states[h:], maker, key[2].find("{")) if maker else 0


def same(a, b) -> bool:
    """Equal in every part: types, spans, token kinds (node equality leaves spans out)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, Span):
        return a._key() == b._key() and (type(a) is not Tok or (a.type, a.value) == (b.type, b.value))
    if isinstance(a, (tuple, list)):
        return (len(a) == len(b) and getattr(a, "end_line", None) == getattr(b, "end_line", None)
                and all(same(x, y) for x, y in zip(a, b)))
    return a == b
