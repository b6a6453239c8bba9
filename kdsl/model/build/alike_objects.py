"""Objects built once and made again with other spans and words: where two differ, and a compiled maker."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from kdsl.core.errors import Span
from kdsl.core.evolve import copier
from kdsl.lang.syntax import Attr, Stmt, Word

_LEAVES = (str, int, float, bool, type(None))


class NotAlike(Exception):
    """Two objects differ otherwise than in the words and spans of their statements."""


def diff(x, y, path: tuple, places: dict, words: dict, out: dict) -> None:
    """Where two built objects differ, as out[path to a field or index] = ("span", its places in the statement) or
    ("word", which text); raises NotAlike when they differ other than in a slot's text or a span of the statement."""
    t = type(x)
    if t is not type(y):
        raise NotAlike
    if t is Span:
        at = places.get(x)
        if at is None:
            raise NotAlike
        out.setdefault(path, ("span", tuple(at)))
    elif t is str:
        if x != y:
            hit = words.get(x)
            if hit is None or hit[1] != y:
                raise NotAlike
            out.setdefault(path, ("word", hit[0]))
    elif t in _LEAVES:
        if x != y:
            raise NotAlike
    elif t is tuple:
        if len(x) != len(y):
            raise NotAlike
        for i, (a, b) in enumerate(zip(x, y)):
            diff(a, b, path + (i,), places, words, out)
    elif attrs.has(t):
        for f in attrs.fields(t):
            n = len(out)
            diff(getattr(x, f.name), getattr(y, f.name), path + (f.name,), places, words, out)
            if len(out) != n and (not f.init or f.name.startswith("_")):
                raise NotAlike  # a field evolve cannot set
    else:
        raise NotAlike


def spans_in(x, path: tuple, places: dict, out: dict) -> None:
    """diff(x, x, ...) with `places` by the spans' identities (places_by_id): the spans `x` holds, each a span of
    the statement, as out[path] = ("span", its places); raises NotAlike as diff does (a span the statement does not
    hold, a type diff does not know, a span in a field evolve cannot set). Leaves are skipped where diff compares a
    leaf with itself, and a span is found by one dict look-up of its id (a Span's hash is Python's)."""
    t = type(x)
    if t is Span:
        at = places.get(id(x))
        if at is None:
            raise NotAlike
        out.setdefault(path, ("span", tuple(at)))
    elif t is tuple:
        for i, a in enumerate(x):
            if type(a) not in _LEAVES:
                spans_in(a, path + (i,), places, out)
    elif t not in _LEAVES:
        fields = _FIELDS.get(t)
        if fields is None:
            if not attrs.has(t):
                raise NotAlike
            fields = _FIELDS[t] = tuple((f.name, f.init and not f.name.startswith("_")) for f in attrs.fields(t))
        for name, settable in fields:
            a = getattr(x, name)
            if type(a) not in _LEAVES:
                n = len(out)
                spans_in(a, path + (name,), places, out)
                if len(out) != n and not settable:
                    raise NotAlike  # a field evolve cannot set


_FIELDS: dict[type, tuple] = {}  # an attrs class → (field, whether evolve can set it) for each of its fields


def nested(paths: tuple):
    """nest(list(enumerate(paths)), 0), made once for the entries of one shape (their leaves' paths)."""
    got = _NESTS.get(paths)
    if got is None:
        if len(_NESTS) >= 512:
            _NESTS.clear()
        got = _NESTS[paths] = nest(list(enumerate(paths)), 0)
    return got


_NESTS: dict[tuple, object] = {}


def nest(leaves: list, depth: int):
    """The flat paths (with their leaves' index) as a tree: (("node", ((step, subtree), ...)) or a leaf's index."""
    if len(leaves) == 1 and len(leaves[0][1]) == depth:
        return leaves[0][0]
    groups: dict = {}
    for i, path in leaves:
        groups.setdefault(path[depth], []).append((i, path))
    return "node", tuple((step, nest(sub, depth + 1)) for step, sub in groups.items())


def compiled(obj, plan, values: tuple, noted: tuple | None = None) -> Callable:
    """`make(s, t, found, MISSING)`: `obj` with the plan's leaves put in (leaf i as values[i] says: a span of the
    statement `s` at its places, or the text t[i]), as one expression of compiled copiers (evolve.copier) over
    the parts of `obj` that stay (the same object every time, so they are constants); None when a span written at
    two places is not one span at both (found, below). With `noted` (pairs of places, as spans_at's), `make(s, t,
    found, MISSING, note)` also calls note(k, v) with each pair's spans once the object is made (spans_at's answer
    and the object in one call: an alike pod's name spans, Ctx.name_spans.setdefault)."""
    env: dict = {}
    lines = ["def make(s, t, found, MISSING):" if noted is None else "def make(s, t, found, MISSING, note):"]
    notes = [f"    note({_span_at(f'{i}_0', k, env, lines)}, {_span_at(f'{i}_1', v, env, lines)})"
             for i, (k, v) in enumerate(noted or ())]
    leaves = []
    for i, (what, at) in enumerate(values):
        leaves.append(f"t[{at}]" if what == "word" else _span_at(str(i), at, env, lines))

    def const(x) -> str:
        name = f"k{len(env)}"
        env[name] = x
        return name

    def expr(x, plan) -> str:
        if type(plan) is int:
            return leaves[plan]
        subs = dict(plan[1])
        if type(x) is tuple:
            return "(" + "".join(f"{expr(y, subs[i]) if i in subs else const(y)}, " for i, y in enumerate(x)) + ")"
        fields = {f.name: f.alias for f in attrs.fields(type(x))}
        make = const(copier(type(x), *(fields[n] for n in subs)))
        changes = ", ".join(f"{fields[n]!r}: {expr(getattr(x, n), p)}" for n, p in subs.items())
        return f"{make}({const(x)}, {{{changes}}})"

    try:
        lines.append(f"    return {expr(obj, plan)}" if noted is None else f"    o = {expr(obj, plan)}")
    finally:
        expr = None  # it calls itself through its cell: a cycle the build's gc.freeze (core/limits.py bulk) would keep
    return _function("\n".join(lines + notes + ([] if noted is None else ["    return o"])), env, "make")


def spans_at(pairs: tuple) -> Callable:
    """`spans(s, found, MISSING)`: for each pair of places (a Ctx.name_spans entry noted by the builders) the pair of
    spans of statement `s` there, one expression as compiled's; None when a span written at two places is not one
    span at both (found). The function depends on the places alone: made once for the entries of one shape."""
    got = _PAIRS.get(pairs)
    if got is None:
        if len(_PAIRS) >= 512:
            _PAIRS.clear()
        got = _PAIRS[pairs] = _spans_at(pairs)
    return got


def _spans_at(pairs: tuple) -> Callable:
    env: dict = {}
    lines = ["def spans(s, found, MISSING):"]
    out = []
    for i, (k, v) in enumerate(pairs):
        out.append(f"({_span_at(f'{i}_0', k, env, lines)}, {_span_at(f'{i}_1', v, env, lines)}), ")
    lines.append(f"    return ({''.join(out)})")
    return _function("\n".join(lines), env, "spans")


_PAIRS: dict[tuple, Callable] = {}


def words_at(paths: tuple) -> Callable:
    """`words(stmt)`: the nodes at the paths in a statement, one compiled expression a set of paths."""
    got = _AT.get(paths)
    if got is None:
        if len(_AT) >= 512:
            _AT.clear()
        got = _AT[paths] = _function("def words(s):\n    return (" + "".join(
            "s" + "".join(f"[{i}]" for i in p) + ", " for p in paths) + ")\n", {}, "words")
    return got


_AT: dict[tuple, Callable] = {}


def _span_at(i: str, at: tuple, env: dict, lines: list) -> str:
    """The expression of the span of statement `s` at places `at` (the first; at several, found() checks they are
    one span, else the function returns None)."""
    if len(at) == 1:
        return "s" + "".join(f"[{j}]" for j in at[0])
    env[f"p{i}"] = at
    lines += [f"    a{i} = found(s, p{i})", f"    if a{i} is MISSING:", "        return None"]
    return f"a{i}"


def deep(x):
    """An object with its spans (which equality may leave out), for the check of an entry."""
    if type(x) is Span:
        return ("span", x.file, x.line, x.column, x.end_line, x.end_column)
    if isinstance(x, tuple):
        return tuple(deep(y) for y in x)
    if attrs.has(type(x)):
        return (type(x).__name__,) + tuple((f.name, deep(getattr(x, f.name))) for f in attrs.fields(type(x)))
    return x


_CODE: dict[str, object] = {}  # source -> compiled code: entries of one shape differ only in their constants (env)


def _function(source: str, env: dict, name: str) -> Callable:
    """The function `name` defined by `source` over `env` (names made here, values passed in env), compiled once
    for every entry of its shape: a thousand keys of alike pods each make one entry."""
    code = _CODE.get(source)
    if code is None:
        if len(_CODE) >= 512:
            _CODE.clear()
        code = _CODE[source] = compile(source, "<kdsl alike entry>", "exec")
    exec(code, env)  # noqa: S102
    return env.pop(name)  # not left in its own globals: a cycle


# Where things stand in a statement's syntax tree: its name, its spans by index path (for alike.py, alike_words.py).
def name_at(stmt: Stmt) -> int | None:
    """Where the statement's NAME stands in its head (its first word, as Head.name reads it)."""
    for i, p in enumerate(stmt.head):
        if type(p) is Word:
            return i if not p.quoted and "/" not in p.text else None
    return None


def one_word(p) -> bool:
    """Whether a head's part is `key=WORD`."""
    return type(p) is Attr and p.op == "=" and len(p.values) == 1 and type(p.values[0]) is Word


def places_of(node, path: tuple[int, ...], out: dict) -> None:
    """Every span in a syntax tree → its places (index paths)."""
    for i, x in enumerate(node):
        if isinstance(x, Span):
            out.setdefault(x, []).append(path + (i,))
        elif isinstance(x, tuple):
            places_of(x, path + (i,), out)


def places_by_id(node, path: tuple[int, ...], out: dict) -> None:
    """Every span in a syntax tree by its id → its places (the span itself is the tree's, kept alive by it)."""
    for i, x in enumerate(node):
        t = type(x)
        k = _KINDS.get(t)
        if k is None:  # a node (a tuple) to walk, a span, or a leaf: once a type (Span is no tuple)
            k = _KINDS[t] = "node" if issubclass(t, tuple) else "span" if issubclass(t, Span) else "leaf"
        if k == "node":
            places_by_id(x, path + (i,), out)
        elif k == "span":
            got = out.get(id(x))
            if got is None:
                out[id(x)] = [path + (i,)]
            else:
                got.append(path + (i,))


_KINDS: dict[type, str] = {}


def places_made(stmt: Stmt, template, kept: dict) -> dict:
    """places_by_id(stmt, (), {}) for a statement made by a replay template (kdsl.lang.runs, Ctx.made), the places as
    tuples, read by one compiled expression the template's first statement's places make (`kept`, a build's
    Ctx.templated, under (template, None)). A template puts a span at the same places whatever its words, one object
    where its first statement had one (linememo.template, gapmemo: a span made once is one name) but for a plain
    `key=value`'s value spelt as its key, which has a span of its own (linememo.plain_attr). So the expression checks
    that each of the first's spans is one object in the statement (no two alike) at all its places; else the
    statement is walked."""
    read = kept.get((template, None))
    if read is None:
        places: dict = {}
        places_by_id(stmt, (), places)
        env = {f"p{i}": tuple(at) for i, at in enumerate(places.values())}
        at = [["s" + "".join(f"[{j}]" for j in p) for p in ps] for ps in places.values()]
        read = kept[template, None] = _function(
            "def places(s):\n    out = {" + "".join(f"id({a[0]}): p{i}, " for i, a in enumerate(at)) + "}\n"
            f"    return out if len(out) == {len(at)}" + "".join(
                f" and {x} is {a[0]}" for a in at for x in a[1:]) + " else None\n", env, "places")
    got = read(stmt)
    if got is None:
        got = {}
        places_by_id(stmt, (), got)
    return got


MISSING = object()


def found(stmt: Stmt, places: tuple[tuple[int, ...], ...]):
    """The span at the first place (a span written at two places must be one span at both)."""
    span = at_path(stmt, places[0])
    return span if all(at_path(stmt, p) == span for p in places[1:]) else MISSING


def at_path(node, path: tuple[int, ...]):
    for i in path:
        node = node[i]
    return node


def word_slots(stmt: Stmt) -> tuple[tuple[tuple[int, ...], str], ...] | None:
    """The places of the words that may differ (the name, label values, images) with their role; None when the
    statement is not one of several lines with a plain name."""
    span = stmt.span  # one line is alike.py's: its entries share more (the labels engine caches go by)
    if span is None or stmt.end_line is None or stmt.end_line == span.line or stmt.head[0].text == "cronjob":
        return None
    at = name_at(stmt)
    if at is None:
        return None
    out = [((1, at), "name")]
    _images(stmt.head, (1,), out)
    for i, s in enumerate(stmt.block or ()):
        k = s.kind
        if k == "labels":
            out += [((2, i, 1, j, 2, 0), "label") for j, p in enumerate(s.head) if one_word(p)]
        elif k in ("container", "init"):
            _images(s.head, (2, i, 1), out)
        elif k == "yaml":
            return None
    return tuple(out)


def _images(head: tuple, path: tuple[int, ...], out: list) -> None:
    for j, p in enumerate(head):
        if one_word(p) and p.key.text == "image":
            out.append((path + (j, 2, 0), "image"))
