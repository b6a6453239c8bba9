"""The LALR driver's tokens, its list marker, its exceptions and two helpers of its loop."""

from __future__ import annotations

from kdsl.core.errors import Span


class Tok(Span):
    """A token: its terminal and text, and (being a Span) its place in the file."""

    __slots__ = ("type", "value")

    def __init__(self, type_, value, file, line, column, end_line, end_column):
        self.type, self.value, self.file, self.line, self.column = type_, value, file, line, column
        self.end_line, self.end_column = end_line, end_column

    def __repr__(self) -> str:
        return f"Tok({self.type}, {self.value!r}, {self.line}:{self.column})"


# A separator token stands in for each separator in the tree: the tree keeps none of their places.
SEP = Tok("_SEP", "\n", None, 0, 0, 0, 0)


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
