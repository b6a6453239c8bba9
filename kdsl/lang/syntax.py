"""The syntax tree: statements with their head parts, blocks and source spans."""

from __future__ import annotations

from typing import NamedTuple, Union

import attrs

from kdsl.core.errors import Span
from kdsl.lang.tokens import Tok


# Syntax nodes are immutable named tuples (cheap to build: a large file makes millions of them).
# Their place in the file is not part of what they say, so equality leaves the span out.
def _eq(self, other) -> bool:
    return type(self) is type(other) and self[: self._n] == other[: other._n]


def _ne(self, other) -> bool:
    return not _eq(self, other)


def _hash(self) -> int:
    return hash((type(self).__name__, self[: self._n]))


def _repr(self) -> str:
    fields = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields[: self._n])
    return f"{type(self).__name__}({fields})"


class Values(tuple):
    """A comma list of words in a head (`get,list,watch`, `user:a,group:b`)."""


class Kw(NamedTuple):
    """A keyword of the language, kept so the formatter can print the statement back."""

    text: str
    span: Span | None = None
    _n = 1
    __eq__, __ne__, __hash__, __repr__ = _eq, _ne, _hash, _repr


class Op(NamedTuple):
    """Punctuation inside a head: `->`, `:`, `,`, `=`."""

    text: str
    span: Span | None = None
    _n = 1
    __eq__, __ne__, __hash__, __repr__ = _eq, _ne, _hash, _repr


class Word(NamedTuple):
    """A bare word or a string; `text` is the value (strings unescaped)."""

    text: str
    quoted: bool = False
    triple: bool = False
    span: Span | None = None
    _n = 3
    __eq__, __ne__, __hash__, __repr__ = _eq, _ne, _hash, _repr


# The first characters of an attribute's operators (=, !=, >=, <=, >, <, ~): a bare key or value holds none of them.
_OP_START = frozenset("=!<>~")


def _word_span(self) -> Span | None:
    """The word's span. The key and the value of a plain `key=value` token (parser._attr_token) hold that token and
    their spans are made when read: the model reads few of them, and a scenario has two per attribute (231,786 of
    benchmarks/parse.py's 1.59 million tree objects; docs/benchmarks.md, sessions 23 and 24). The key is the word
    the token starts with, followed by an operator (neither holds one); a value spelt as its key keeps a span of its
    own, so the two are never confused."""
    s = self[3]
    if type(s) is Tok and s.type == "ATTR":
        text, n = s.value, len(self[0])
        if text[n:n + 1] in _OP_START and text.startswith(self[0]):
            return Span(s.file, s.line, s.column, s.line, s.column + n)
        return Span(s.file, s.line, s.end_column - n, s.line, s.end_column)
    return s


Word.span = property(_word_span)  # type: ignore[assignment,misc]


def word_place(word: Word) -> tuple[int, int, int, int] | None:
    """(line, end_line, column, end_column) of `word.span` (None without one), without making the span: the model's
    alike keys read four places a Deployment (kdsl.model.build.alike_words._key) and no span."""
    s = word[3]
    if type(s) is Tok and s.type == "ATTR":  # as _word_span
        text, n = s.value, len(word[0])
        if text[n:n + 1] in _OP_START and text.startswith(word[0]):
            return s.line, s.line, s.column, s.column + n
        return s.line, s.line, s.end_column - n, s.end_column
    return None if s is None else (s.line, s.end_line, s.column, s.end_column)


class Attr(NamedTuple):
    """`key=value`, `key>=value`, `key~"text"`; a value may be a comma list."""

    key: Word
    op: str
    values: tuple[Word, ...]
    span: Span | None = None
    _n = 3
    __eq__, __ne__, __hash__, __repr__ = _eq, _ne, _hash, _repr

    @property
    def value(self) -> Word:
        return self.values[0]

    @property
    def text(self) -> str:
        return ",".join(v.text for v in self.values)


class Expr(NamedTuple):
    """A set-based selector requirement: `key in (a,b)`, `key notin (a)`, `key exists`, `!key`."""

    key: Word
    op: str  # "in" | "notin" | "exists" | "!"
    values: tuple[Word, ...] = ()
    span: Span | None = None
    _n = 3
    __eq__, __ne__, __hash__, __repr__ = _eq, _ne, _hash, _repr


class PortMap(NamedTuple):
    """`80`, `80->8080`, `80->http`, `80->8080:30080` in a service's `ports`."""

    port: Word
    target: Word | None
    span: Span | None = None
    _n = 2
    __eq__, __ne__, __hash__, __repr__ = _eq, _ne, _hash, _repr


class Path(NamedTuple):
    """An ingress path: `/api` (Prefix) or `=/login` (Exact)."""

    path: Word
    exact: bool
    span: Span | None = None
    _n = 2
    __eq__, __ne__, __hash__, __repr__ = _eq, _ne, _hash, _repr


Part = Union[Kw, Op, Word, Attr, Expr, PortMap, Path, Values]


class Stmt(NamedTuple):
    """One statement: its kind (the grammar rule), its head parts in order, and its block.

    An action inside `at 30s: ...` or `create ...` is a nested statement, kept in `block`.
    """

    kind: str
    head: tuple
    block: tuple[Stmt, ...] | None = None
    span: Span | None = None
    end_line: int | None = None  # the line of a block's `}`
    _n = 3
    __eq__, __ne__, __hash__, __repr__ = _eq, _ne, _hash, _repr

    @property
    def keyword(self) -> str:
        return next((p.text for p in self.head if type(p) is Kw), self.kind)

    @property
    def args(self) -> tuple:
        """The head without keywords and punctuation: names, words, attributes, expressions."""
        return tuple(p for p in self.head if type(p) is not Kw and type(p) is not Op)


@attrs.frozen(slots=True)
class Comment:
    text: str
    line: int
    column: int


@attrs.frozen(slots=True)
class Source:
    """A file's name and text, with its lines at hand for error messages."""

    name: str | None
    text: str = attrs.field(repr=False)
    lines: tuple[str, ...] = attrs.field(repr=False, eq=False)

    @classmethod
    def of(cls, text: str, name: str | None = None) -> Source:
        # Lines end at "\n" only, as the parser counts them (str.splitlines also breaks at \f, \x85 ...).
        lines = text.split("\n")
        if "\r" in text:
            return cls(name, text, tuple(ln[:-1] if ln.endswith("\r") else ln for ln in lines))
        return cls(name, text, tuple(lines))

    def line(self, n: int | None) -> str | None:
        return self.lines[n - 1] if n is not None and 0 < n <= len(self.lines) else None


@attrs.frozen(slots=True)
class Document:
    """A parsed file: its statements, its comments (for the formatter) and its source."""

    source: Source
    stmts: tuple[Stmt, ...]
    comments: tuple[Comment, ...] = attrs.field(default=(), repr=False)
    # id(a statement made by a replay template) → (the statement, the template): kdsl.lang.runs
    made: dict = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def name(self) -> str | None:
        return self.source.name
