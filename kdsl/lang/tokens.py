"""The LALR driver's tokens, its list marker, its exceptions and three helpers of its loop."""

from __future__ import annotations

from kdsl.core.errors import Span


class Tok(Span):
    """A token: its terminal and text, and (being a Span) its place in the file."""

    __slots__ = ("type", "value")
    # `Tok()` makes a bare token whose slots its maker sets (`new_tok`, the line templates): a class whose __init__ is
    # object's is made in C, about 30 ns cheaper than object.__new__(Tok) and 130 ns than a Python __init__
    # (348,000 tokens in benchmarks/parse.py's text)
    __init__ = object.__init__

    def __repr__(self) -> str:
        return f"Tok({self.type}, {self.value!r}, {self.line}:{self.column})"


def new_tok(type_, value, file, line, column, end_line, end_column) -> Tok:
    """A token of these fields (the one maker but the templates, which set the same slots inline)."""
    t = Tok()
    t.type, t.value, t.file, t.line, t.column, t.end_line, t.end_column = (
        type_, value, file, line, column, end_line, end_column)
    return t


# A separator token stands in for each separator in the tree: the tree keeps none of their places.
SEP = new_tok("_SEP", "\n", None, 0, 0, 0, 0)


class Inline(list):
    """The children of a helper rule (`_items`, `_top`, ...), spliced into its parent."""


class UnexpectedToken(Exception):
    def __init__(self, token: Tok, expected: set[str], open_braces: list[Tok]):
        super().__init__(f"unexpected {token!r}")
        self.token, self.expected, self.open_braces = token, expected, open_braces
        self.line, self.column = token.line, token.column


class UnexpectedCharacter(Exception):
    def __init__(self, pos: int, line: int, column: int, expected: set[str], open_braces: list[Tok]):
        super().__init__(f"unexpected character at {line}:{column}")
        self.pos, self.line, self.column, self.expected, self.open_braces = pos, line, column, expected, open_braces


# Blocks nest a few levels in any real scenario (namespace, workload, container, probe); the printer, the
# builder and every walker of the tree recurse once a level, so the parser refuses depth past this for all.
MAX_NESTING = 64


class TooDeep(Exception):
    """A `{` past MAX_NESTING open blocks."""

    def __init__(self, token: Tok):
        super().__init__(f"blocks nested deeper than {MAX_NESTING}")
        self.token = token


def advance(text: str, pos: int, end: int, line: int, line_start: int) -> tuple[int, int]:
    """Count the newlines skipped between tokens (only `\\` line continuations have them)."""
    chunk = text[pos:end]
    if "\n" in chunk:
        return line + chunk.count("\n"), pos + chunk.rindex("\n") + 1
    return line, line_start


def splice(children: list) -> list:
    out = []
    for c in children:
        if type(c) is Inline:
            out.extend(c)
        else:
            out.append(c)
    return out


def keyword_fits(self, state_stack: list, kind: str) -> bool:
    """Machine._fits: whether a keyword would be shifted after the reductions it starts. LALR merges lookaheads,
    so a state can reduce on `pods` (which follows a selector in a network policy) where no `pods` can follow (a
    node's `pods = 0`): there the word is a plain word. The answer depends only on the states the reductions
    reach, so it is remembered by those."""
    for depth in self.fit_depths.get((state_stack[-1], kind), ()):
        known = self.fit_memo.get((kind, tuple(state_stack[-depth:])))
        if known is not None:
            self.fit_low = min(self.fit_low, len(state_stack) - depth)
            return known
    stack = list(state_stack)
    bottom = len(stack) - 1  # the lowest place the reductions read
    while True:
        action = self.states[stack[-1]].get(kind)
        if action is None or type(action) is int:
            break
        size, name = action[0], action[1]
        if size:
            del stack[-abs(size):]
            bottom = min(bottom, len(stack) - 1)
        stack.append(self.gotos[stack[-1]][name])
    depth = len(state_stack) - bottom
    self.fit_depths.setdefault((state_stack[-1], kind), set()).add(depth)
    fits = self.fit_memo[(kind, tuple(state_stack[-depth:]))] = action is not None
    self.fit_low = min(self.fit_low, bottom)
    return fits
