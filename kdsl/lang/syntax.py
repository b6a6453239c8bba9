"""The syntax tree: statements with their head parts, blocks and source spans."""

from __future__ import annotations

from typing import Union

import attrs


@attrs.frozen(slots=True)
class Span:
    """Where a piece of text sits in a file (1-based lines and columns, end exclusive)."""

    file: str | None
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file or '<text>'}:{self.line}:{self.column}"

    def to(self, other: Span) -> Span:
        return Span(self.file, self.line, self.column, other.end_line, other.end_column)


def _span_field():
    return attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(slots=True)
class Kw:
    """A keyword of the language, kept so the formatter can print the statement back."""

    text: str
    span: Span | None = _span_field()


@attrs.frozen(slots=True)
class Op:
    """Punctuation inside a head: `->`, `:`, `,`, `=`."""

    text: str
    span: Span | None = _span_field()


@attrs.frozen(slots=True)
class Word:
    """A bare word or a string; `text` is the value (strings unescaped)."""

    text: str
    quoted: bool = False
    triple: bool = False
    span: Span | None = _span_field()


@attrs.frozen(slots=True)
class Attr:
    """`key=value`, `key>=value`, `key~"text"`; a value may be a comma list."""

    key: Word
    op: str
    values: tuple[Word, ...]
    span: Span | None = _span_field()

    @property
    def value(self) -> Word:
        return self.values[0]

    @property
    def text(self) -> str:
        return ",".join(v.text for v in self.values)


@attrs.frozen(slots=True)
class Expr:
    """A set-based selector requirement: `key in (a,b)`, `key notin (a)`, `key exists`, `!key`."""

    key: Word
    op: str  # "in" | "notin" | "exists" | "!"
    values: tuple[Word, ...] = ()
    span: Span | None = _span_field()


@attrs.frozen(slots=True)
class PortMap:
    """`80`, `80->8080`, `80->http`, `80->8080:30080` in a service's `ports`."""

    port: Word
    target: Word | None
    span: Span | None = _span_field()


@attrs.frozen(slots=True)
class Path:
    """An ingress path: `/api` (Prefix) or `=/login` (Exact)."""

    path: Word
    exact: bool
    span: Span | None = _span_field()


Part = Union[Kw, Op, Word, Attr, Expr, PortMap, Path, tuple]


@attrs.frozen(slots=True)
class Stmt:
    """One statement: its kind (the grammar rule), its head parts in order, and its block."""

    kind: str
    head: tuple
    block: tuple[Stmt, ...] | None = None
    span: Span | None = _span_field()
    end_line: int | None = attrs.field(default=None, eq=False, repr=False)  # the line of a block's `}`
    # An action inside `at 30s: ...` or `create ...` is a nested statement, kept in `block`.

    @property
    def keyword(self) -> str:
        return next((p.text for p in self.head if isinstance(p, Kw)), self.kind)

    @property
    def args(self) -> tuple:
        """The head without keywords and punctuation: names, words, attributes, expressions."""
        return tuple(p for p in self.head if not isinstance(p, (Kw, Op)))


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
        return cls(name, text, tuple(text.splitlines()))

    def line(self, n: int | None) -> str | None:
        return self.lines[n - 1] if n is not None and 0 < n <= len(self.lines) else None


@attrs.frozen(slots=True)
class Document:
    """A parsed file: its statements, its comments (for the formatter) and its source."""

    source: Source
    stmts: tuple[Stmt, ...]
    comments: tuple[Comment, ...] = attrs.field(default=(), repr=False)

    @property
    def name(self) -> str | None:
        return self.source.name
