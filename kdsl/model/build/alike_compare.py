"""An alike entry's comparison of a statement with its first: compiled once a shape, and by texts alone where a
replay template made both."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from kdsl.lang.syntax import Word


# An entry's comparison is one compiled expression that compares every node of a statement down to its leaves (no call
# of the nodes' equality, syntax._eq, a node: about a fifth of its cost). Its source depends on the first statement's
# shape alone (the nodes' arity, where the holes and the None and bool leaves are); the types and other leaves are
# constants handed in. The shape is read in one walk with the constants and its code looked up by it: a thousand keys
# of alike pods, each an entry met a few dozen times, compile one expression and each make theirs for about the cost
# of one comparison by the nodes' equality.
def compare(a, trie: dict) -> Callable:
    """`same(b)`: whether syntax node `b` equals `a` but for the texts of the words at the trie's leaves (a tree of
    indices), as the nodes' equality would say (syntax._eq: the same type, the fields before the span equal), but a
    tuple of another type than `a`'s is not equal here, where tuple equality would let it be (the statement is then
    built, not made); None and a word's flags (bools) by identity."""
    return compared(a, trie)[0]


def compared(a, trie: dict) -> tuple[Callable, Callable]:
    """(`same`, `texts`): compare's `same`, and `texts(b)` the part of it that reads the leaves compared by equality
    (the texts) alone: what `same` says of a node made by the replay template (kdsl.lang.runs) of a node `same`
    held equal, whose nodes, types and flags that template makes the same whatever the words."""
    shape: list = []
    consts: list = [Word]
    _shape(a, trie, shape, consts)
    return _functions(_code(tuple(shape)), consts)


def _code(shape: tuple):
    """The code of a shape's comparison, compiled once."""
    code = _SHAPES.get(shape)
    if code is None:
        if len(_SHAPES) >= 512:
            _SHAPES.clear()
        code = _SHAPES[shape] = compile(_source(shape), "<kdsl alike entry>", "exec")
    return code


def _functions(code, consts) -> tuple[Callable, Callable]:
    """(`same`, `texts`) of a shape's code over an entry's constants."""
    env = dict(zip(_NAMES if len(consts) <= len(_NAMES) else [f"k{i}" for i in range(len(consts))], consts))
    exec(code, env)  # noqa: S102
    return env.pop("same"), env.pop("texts")  # not left in their own globals: a cycle


_SHAPES: dict[tuple, object] = {}  # an entry's shape -> its comparison's code


def templated(a, trie: dict, template, kept: dict) -> tuple[Callable, Callable]:
    """compared(a, trie) for a statement `a` made by a replay template: the template makes the same nodes, types,
    arities and flags whatever its words (the guarantee `texts` rests on), so the shape _shape reads is the same for
    every statement it makes, and so are the places of the constants compared by equality. The first entry of a
    template reads the shape; the next ones read only those constants, by one compiled expression (`kept`, a
    build's Ctx.templated: the template is one parse's)."""
    key = (template, _frozen(trie))
    got = kept.get(key)
    if got is None:
        shape: list = []
        consts: list = [Word]
        _shape(a, trie, shape, consts)
        got = kept[key] = (_code(tuple(shape)), _reader(tuple(shape), consts))
    return _functions(got[0], got[1](a))


def _frozen(trie) -> tuple | bool:
    return trie if trie is True else tuple(sorted((i, _frozen(t)) for i, t in trie.items()))


def _reader(shape: tuple, consts: list) -> Callable:
    """`read(b)`: _shape's constants of a statement `b` of the template of the one `consts` was read from: the
    node types as they were (the template's), each leaf compared by equality read at its place."""
    env: dict = {}
    out: list[str] = []
    it = iter(shape)
    k = 0

    def const() -> None:
        nonlocal k
        env[f"c{k}"] = consts[k]
        out.append(f"c{k}")
        k += 1

    def walk(e: str) -> None:
        nonlocal k
        tag = next(it)
        if type(tag) is int:
            const()
            for i in range(tag // 2):
                walk(f"{e}[{i}]")
        elif tag == "e":
            out.append(e)
            k += 1

    const()  # Word
    try:
        walk("b")
    finally:
        walk = None  # a cycle through its cell, as compiled's expr
    source = "def read(b):\n    return (" + "".join(x + ", " for x in out) + ")\n"
    exec(compile(source, "<kdsl alike entry>", "exec"), env)  # noqa: S102
    return env.pop("read")


_NAMES = [f"k{i}" for i in range(4096)]
_IS = {None: "n", True: "t", False: "f"}  # a leaf compared by identity (a word's flags are bools, never 0 or 1)
_HOLE = {(False, False): "hff", (False, True): "hft", (True, False): "htf", (True, True): "htt"}


def _shape(x, hole, shape: list, consts: list) -> None:
    """The shape of node `x` (preorder: a node's arity, +1 when a plain tuple whose length is compared, ×2; a hole
    with its word's flags; "n", "t", "f" a leaf by identity; "e" a leaf by equality) and its constants (each node's
    type, each "e" leaf) in the order compare's source reads them."""
    if hole is True:
        shape.append(_HOLE[x[1], x[2]])
        return
    t = type(x)
    n = _ARITY.get(t)
    if n is None:
        n = _ARITY[t] = getattr(t, "_n", -1) if issubclass(t, tuple) else -2
    if n == -2:
        if x is None or t is bool:
            shape.append(_IS[x])
        else:
            consts.append(x)
            shape.append("e")
        return
    consts.append(t)
    if n == -1:
        n = len(x)
        shape.append(2 * n + 1)
    else:
        shape.append(2 * n)
    if hole:
        for i in range(n):
            _shape(x[i], hole.get(i), shape, consts)
    else:
        for i in range(n):
            _shape(x[i], None, shape, consts)


_ARITY: dict[type, int] = {}  # a node type's fields compared (_n), -1 a plain tuple's (its length), -2 a leaf


def _source(shape: tuple) -> str:
    """compare's function for a shape (k0 is Word; k1... the constants in _shape's order)."""
    conds: list[str] = []
    it = iter(shape)
    k = 0

    def walk(e: str) -> None:
        nonlocal k
        tag = next(it)
        v = f"v{len(conds)}"
        if type(tag) is int:
            k += 1
            conds.append(f"type({v} := {e}) is k{k}")
            n, plain = divmod(tag, 2)
            if plain:
                conds.append(f"len({v}) == {n}")
            for i in range(n):
                walk(f"{v}[{i}]")
        elif tag[0] == "h":
            conds.append(f"type({v} := {e}) is k0 and {v}[1] is {tag[1] == 't'} and {v}[2] is {tag[2] == 't'}")
        elif tag == "e":
            k += 1
            conds.append(f"k{k} == {e}")
        else:
            conds.append(f"{e} is {dict(n=None, t=True, f=False)[tag]}")

    try:
        walk("b")
    finally:
        walk = None  # a cycle through its cell, as compiled's expr
    return "def same(b):\n    return (" + "\n            and ".join(conds) + ")\n" + _texts_source(shape)


def _texts_source(shape: tuple) -> str:
    """`texts(b)`: same's comparisons of the leaves by equality alone (a node read into a local where two of them
    are under it, else indexed in place)."""
    it = iter(shape)
    k = 0

    def tree():  # the shape as (k of an "e" leaf) or [children] of a node with such a leaf under it, else None
        nonlocal k
        tag = next(it)
        if type(tag) is int:
            k += 1
            kids = [tree() for _ in range(tag // 2)]  # (every child read: the shape is in order)
            return kids if any(x is not None for x in kids) else None
        if tag == "e":
            k += 1
            return k
        return None

    body: list[str] = []
    conds: list[str] = []

    def gen(node, e: str) -> None:
        if type(node) is int:
            conds.append(f"k{node} == {e}")
            return
        if sum(x is not None for x in node) > 1 and e != "b":
            v = f"u{len(body)}"
            body.append(f"    {v} = {e}\n")
            e = v
        for i, x in enumerate(node):
            if x is not None:
                gen(x, f"{e}[{i}]")

    try:
        root = tree()
        if root is not None:
            gen(root, "b")
    finally:
        tree = gen = None  # cycles through their cells
    return "def texts(b):\n" + "".join(body) + "    return (" + (" and ".join(conds) or "True") + ")\n"


@attrs.frozen(weakref_slot=False)
class Same:
    """Whether a statement equals an entry's first but for the words at its holes (compare's `same`). A statement
    made by a replay template (kdsl.lang.runs, Ctx.made) that made one `same` held equal is compared by its texts
    alone (compared's `texts`): a template is straight-line code that makes the same nodes, types and flags
    whatever its words, so only the texts can differ."""

    whole: Callable
    texts: Callable
    by: set = attrs.field(eq=False)  # those templates

    @classmethod
    def of(cls, a, trie: dict, made: dict, kept: dict | None = None) -> Same:
        """`a`'s comparison (`made`: Ctx.made, where `a` itself may be; `kept`: Ctx.templated, where the shape of
        `a`'s template is kept for the next entry it made: templated)."""
        by = made.get(id(a))
        mine = by is not None and by[0] is a
        whole, texts = templated(a, trie, by[1], kept) if mine and kept is not None else compared(a, trie)
        return cls(whole, texts, {by[1]} if mine else set())

    def __call__(self, made: dict, b) -> bool:
        by = made.get(id(b))
        if by is None or by[0] is not b:
            return self.whole(b)
        if by[1] in self.by:
            return self.texts(b)
        if self.whole(b):
            self.by.add(by[1])
            return True
        return False
