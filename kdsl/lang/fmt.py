"""The canonical layout of kdsl text: one statement a line, two-space blocks, comments kept."""

from __future__ import annotations

import re

from kdsl.lang.syntax import Attr, Document, Expr, Kw, Op, Path, PortMap, Stmt, Values, Word

INDENT = "  "
# The grammar's WORD, less a leading `-` (a key or name never starts with one) and a backslash (one before a
# line end would continue the line): text that matches reads back as itself without quotes.
_BARE_KEY = re.compile(r"^[^\s=;{}#\"(),<>!~:\-\\]+(?:(?:-(?!>)|:(?=[^\s;{}#,()\\]))[^\s=;{}#\"(),<>!~:\-\\]*)*$")


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


# `$NAME` written bare is a param's use (kdsl.model.build.params), so text of that shape is quoted to mean itself.
_PARAM_USE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")


def bare(text: str) -> bool:
    """Whether `text` reads back as one bare word (else it must be quoted)."""
    return _BARE_KEY.fullmatch(text) is not None and _PARAM_USE.fullmatch(text) is None


def text_word(text: str) -> str:
    """`text` as a bare word when it reads back as one, else as a string: how generated kdsl quotes."""
    return text if bare(text) else quote(text)


def word(w: Word, indent: str = "") -> str:
    if w.triple and w.text == "":
        return '""""""'
    if w.triple:
        body = w.text.replace("\\", "\\\\").replace('"""', '\\"""')
        lines = body.split("\n")
        inner = indent + INDENT
        # Only a value that ends with a newline gets the closing quotes on a line of their own; a line
        # of spaces keeps its spaces (the indent is added in front, and taken off again when read).
        printed = "\n".join((inner + ln) if ln else "" for ln in lines[:-1])
        if lines[-1]:
            return '"""\n' + (printed + "\n" if printed else "") + inner + lines[-1] + '"""'
        return '"""\n' + printed + "\n" + indent + '"""'
    return quote(w.text) if w.quoted else w.text


def part(p, indent: str = "") -> str:
    if isinstance(p, Word):
        return word(p, indent)
    if isinstance(p, Kw | Op):
        return p.text
    if isinstance(p, Attr):
        key, value = word(p.key), ",".join(word(v) for v in p.values)
        if key.endswith("-") and p.op.startswith(">"):
            return f"{key} {p.op} {value}"  # `x->1` would read as an arrow
        return key + p.op + value
    if isinstance(p, Expr):
        if p.op == "!":
            return "!" + word(p.key)
        if p.op == "exists":
            return f"{word(p.key)} exists"
        return f"{word(p.key)} {p.op} ({','.join(word(v) for v in p.values)})"
    if isinstance(p, PortMap):
        return word(p.port) + (f"->{word(p.target)}" if p.target else "")
    if isinstance(p, Path):
        return ("=" if p.exact else "") + word(p.path)
    if isinstance(p, Values):
        return ",".join(word(v) for v in p)
    raise TypeError(f"unknown syntax part {p!r}")  # pragma: no cover - the parser makes no others


def head_text(stmt: Stmt, indent: str = "") -> str:
    """A statement's head on one line, with the canonical spacing."""
    if stmt.kind == "entry":
        a = stmt.head[0]
        return f"{word(a.key)} = {','.join(word(v, indent) for v in a.values)}"
    if stmt.kind == "param":
        a = stmt.head[1]
        return f"param {word(a.key)} = {','.join(word(v, indent) for v in a.values)}"
    out = ""
    for p in stmt.head:
        text = part(p, indent)
        if isinstance(p, Op) and p.text in (":", ","):
            out += text
        elif not out or (isinstance(p, PortMap) and out.endswith(",")):
            out += text
        else:
            out += " " + text
    return out


def chain(stmt: Stmt) -> list[Stmt]:
    """`at 1m: create pod x {...}` is one line of three statements; the last one owns the block."""
    out = [stmt]
    while out[-1].kind in ("at", "create") and out[-1].block:
        out.append(out[-1].block[0])
    return out


def line_text(stmt: Stmt, indent: str = "") -> str:
    return " ".join(head_text(s, indent) for s in chain(stmt))


def format_stmt(stmt: Stmt) -> str:
    """One statement and its block, as kdsl fmt prints it, without comments."""
    return "\n".join(_Printer(None).stmt(stmt, 0, []) or [])


class _Printer:
    def __init__(self, doc: Document | None):
        self.doc = doc
        self.comments = list(doc.comments) if doc else []
        self.out: list[str] = []
        self.last_line = 0

    def _blank_before(self, line: int) -> bool:
        if self.doc is None or not self.out or line <= self.last_line + 1:
            return False
        between = self.doc.source.lines[self.last_line:line - 1]
        return any(not ln.strip() for ln in between)

    def _leading(self, line: int, indent: str) -> None:
        while self.comments and self.comments[0].line < line:
            c = self.comments.pop(0)
            if self._blank_before(c.line):
                self.out.append("")
            self.out.append(indent + c.text)
            self.last_line = c.line

    def _trailing(self, line: int) -> str:
        if self.comments and self.comments[0].line == line:
            return "  " + self.comments.pop(0).text
        return ""

    def stmt(self, s: Stmt, depth: int, out: list[str]) -> list[str]:
        indent = INDENT * depth
        line = s.span.line if s.span else None
        if line is not None:
            self._leading(line, indent)
            if self._blank_before(line):
                self.out.append("")
        text = indent + line_text(s, indent)
        if text.endswith("\\"):
            text += " "  # a word `\` at the end of a line would read as a line continuation
        last = chain(s)[-1]
        nested = last.block
        end = s.span.end_line if s.span else 0
        if nested is None:
            self.out.append(text + self._trailing(end))
            self.last_line = max(self.last_line, end)
            return self.out
        self.out.append(text + " {" + self._trailing(end))
        self.last_line = max(self.last_line, end)
        for child in nested:
            self.stmt(child, depth + 1, out)
        block_end = last.end_line or self.last_line
        self._leading(block_end, indent + INDENT)
        self.out.append(indent + "}" + self._trailing(block_end))
        self.last_line = max(self.last_line, block_end)
        return self.out

    def document(self) -> str:
        for s in self.doc.stmts:
            self.stmt(s, 0, self.out)
        self._leading(10**9, "")
        return "\n".join(self.out).rstrip("\n") + "\n" if self.out else ""


def format_document(doc: Document) -> str:
    """The canonical text of a parsed file (idempotent; parses back to the same statements)."""
    return _Printer(doc).document()
