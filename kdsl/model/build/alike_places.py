"""Where things stand in a statement's syntax tree: its name, its spans by index path (for alike.py, alike_words.py)."""

from __future__ import annotations

from kdsl.core.errors import Span
from kdsl.lang.syntax import Stmt, Word


def name_at(stmt: Stmt) -> int | None:
    """Where the statement's NAME stands in its head (its first word, as Head.name reads it)."""
    for i, p in enumerate(stmt.head):
        if type(p) is Word:
            return i if not p.quoted and "/" not in p.text else None
    return None


def places_of(node, path: tuple[int, ...], out: dict) -> None:
    """Every span in a syntax tree → its places (index paths)."""
    for i, x in enumerate(node):
        if isinstance(x, Span):
            out.setdefault(x, []).append(path + (i,))
        elif isinstance(x, tuple):
            places_of(x, path + (i,), out)


MISSING = object()


def found(stmt: Stmt, places: tuple[tuple[int, ...], ...]):
    """The span at the first place (a span written at two places must be one span at both)."""
    span = at_path(stmt, places[0])
    return span if all(at_path(stmt, p) == span for p in places[1:]) else MISSING


def at_path(node, path: tuple[int, ...]):
    for i in path:
        node = node[i]
    return node
