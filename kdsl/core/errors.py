"""Spans (where a piece of text sits in a file), located diagnostics and kdsl's error types."""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterable, Sequence

import attrs


class Span:
    """Where a piece of text sits in a file (1-based lines and columns, end exclusive).

    The parser's tokens are spans themselves (a subclass), so a word's span costs nothing extra.
    """

    __slots__ = ("file", "line", "column", "end_line", "end_column")

    def __init__(self, file: str | None, line: int, column: int, end_line: int, end_column: int):
        self.file, self.line, self.column, self.end_line, self.end_column = file, line, column, end_line, end_column

    def _key(self) -> tuple:
        return (self.file, self.line, self.column, self.end_line, self.end_column)

    def __eq__(self, other) -> bool:
        return isinstance(other, Span) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return "Span(%r, %d, %d, %d, %d)" % self._key()

    def __str__(self) -> str:
        return f"{self.file or '<text>'}:{self.line}:{self.column}"

    def to(self, other: Span) -> Span:
        return Span(self.file, self.line, self.column, other.end_line, other.end_column)


@attrs.frozen(slots=True)
class Diagnostic:
    """One finding about the user's text: an error or a warning at a place in a file."""

    severity: str  # "error" | "warning"
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    width: int = 1
    line_text: str | None = None
    expected: tuple[str, ...] = ()
    suggestion: str | None = None

    @classmethod
    def at(cls, severity: str, message: str, span, source_line: str | None = None, *,
           expected: Iterable[str] = (), suggestion: str | None = None) -> Diagnostic:
        """A diagnostic located at a syntax span (or nowhere when span is None)."""
        if span is None:
            return cls(severity, message, expected=tuple(expected), suggestion=suggestion)
        width = span.end_column - span.column if span.end_line == span.line else 1
        return cls(severity, message, span.file, span.line, span.column, max(width, 1),
                   source_line, tuple(expected), suggestion)

    @property
    def location(self) -> str:
        parts = [self.file or "<text>"]
        if self.line is not None:
            parts += [str(self.line), str(self.column)]
        return ":".join(parts)

    def format(self) -> str:
        """The message as a compiler prints it: location, the source line, a caret, hints."""
        out = [f"{self.location}: {self.severity}: {self.message}"]
        if self.line_text is not None and self.column is not None:
            text = self.line_text.rstrip("\n").expandtabs(1)
            out.append(f"    {text}")
            out.append("    " + " " * (self.column - 1) + "^" + "~" * (min(self.width, max(len(text) - self.column + 1, 1)) - 1))
        if self.expected:
            out.append(f"  expected {plain_list(self.expected)}")
        if self.suggestion:
            out.append(f"  did you mean {self.suggestion}?")
        return "\n".join(out)

    def __str__(self) -> str:
        return self.format()


def plain_list(words: Sequence[str], conj: str = "or") -> str:
    """`a`, `b` or `c` — the way a person lists alternatives."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {conj} " + words[-1]


# Candidates each side of a word, in sorted order and in the order of reversed spellings, that a lookup among
# many names compares: difflib's ratio is quadratic in the word and linear in the candidates, so 65,536 node
# names took 7 s for one "did you mean" (found by tests/fuzz).
CLOSE_WINDOW = 500


def close_matches(word: str, names: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """difflib's close matches, over at most 4 × CLOSE_WINDOW candidates: for a larger set, the names that are a
    prefix of the word (a slip that added to it), that sort beside it (a slip near its end) or beside it spelt
    backwards (a slip near its start)."""
    unique = set(names)
    cands = sorted(unique)
    if len(cands) > 4 * CLOSE_WINDOW:
        near = {word[:k] for k in range(1, len(word)) if word[:k] in unique}
        i = bisect.bisect_left(cands, word)
        near.update(cands[max(0, i - CLOSE_WINDOW):i + CLOSE_WINDOW])
        backwards = sorted(c[::-1] for c in cands)
        j = bisect.bisect_left(backwards, word[::-1])
        near.update(c[::-1] for c in backwards[max(0, j - CLOSE_WINDOW):j + CLOSE_WINDOW])
        cands = sorted(near)
    return difflib.get_close_matches(word, cands, n=n, cutoff=cutoff)


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The nearest candidate to a misspelt word, if one is close enough to be a likely typo."""
    cands = sorted(set(candidates))
    hits = close_matches(word, cands, n=1, cutoff=0.7)
    if not hits:
        lowered = {c.lower(): c for c in cands}
        hits = [lowered[word.lower()]] if word.lower() in lowered else []
    if not hits:
        # A prefix or a plural/singular slip (`replica` for `replicas`) is a likely typo too.
        hits = [c for c in cands if len(word) >= 3 and (c.startswith(word) or word.startswith(c))][:1]
    return hits[0] if hits else None


class KdslError(Exception):
    """Base of every error kdsl raises about user input; carries all diagnostics found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        self.diagnostics = tuple(diagnostics)
        super().__init__(self.format())

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")

    def format(self) -> str:
        return "\n".join(d.format() for d in self.diagnostics)

    def __str__(self) -> str:
        return self.format()

    def _render_traceback_(self) -> list[str]:
        # IPython shows these lines instead of a traceback: the message says what was wrong with the input,
        # and the frames would be kdsl's own, which the person who made the mistake has no use for.
        return self.format().splitlines()


class UsageError(KdslError, ValueError):
    """A Python call to kdsl with an argument it cannot use (a moment, a selector, a format); a ValueError
    too, so code that caught the ValueError the views raised before still catches it."""

    def __init__(self, message: str):
        self.message = message
        self.diagnostics = ()
        Exception.__init__(self, message)

    def format(self) -> str:
        return self.message

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self.message}"]


class NotFoundError(UsageError, KeyError):
    """A name that names nothing (a pod, a namespace, a kind): the message lists what there is. A KeyError
    too, as a lookup by a missing key is in Python."""


def listing(names: Iterable[str], limit: int = 5) -> str:
    """`a, b, c, … (12 in all)`: sorted as a person counts (worker-2 before worker-10), cut to a few, so one
    line names what exists."""
    names = sorted(set(names), key=lambda n: [(0, int(p), "") if p.isdigit() else (1, 0, p)
                                              for p in re.split(r"(\d+)", n)])
    if len(names) <= limit:
        return ", ".join(names) or "none"
    return ", ".join(names[:limit]) + f", … ({len(names):,} in all)"


class KdslSyntaxError(KdslError):
    """The text does not follow the grammar, or a file it includes cannot be read."""
