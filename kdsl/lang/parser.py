"""Parses kdsl text into a syntax tree with an inline LALR transformer; errors are located."""

from __future__ import annotations

import re
import threading

import lark

from kdsl.core.limits import bulk
from kdsl.core.errors import Diagnostic, KdslSyntaxError, Span, plain_list, suggest
from kdsl.lang import grammar
from kdsl.lang.secret_text import masked
from kdsl.lang.lalr import MAX_NESTING, Machine, Tok, TooDeep, UnexpectedCharacter, UnexpectedToken
from kdsl.lang.syntax import Attr, Comment, Document, Expr, Kw, Op, Path, PortMap, Source, Stmt, Values, Word

_VALUE_TOKENS = frozenset({"WORD", "STRING", "TRIPLE"})
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
_ESCAPE_RE = re.compile(r"\\(.)", re.S)
# WORD and STRING as the grammar has them: possessive, so a long token keeps no backtracking record a character
_BARE = r"(?:[^\s=;{}#\"(),<>!~:\-]|-(?!>)|:(?=[^\s;{}#,()]))[^\s=;{}#\"(),<>!~:\-]*+" \
        r"(?:(?:-(?!>)|:(?=[^\s;{}#,()]))[^\s=;{}#\"(),<>!~:\-]*+)*+"
_QUOTED = r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"'
_ATTR_RE = re.compile(rf"({_BARE}|{_QUOTED})(=|!=|>=|<=|>|<|~)(.*)", re.S)
_ATOM_RE = re.compile(rf"({_BARE}|{_QUOTED}),?")
_OP_RE = re.compile(r"!=|>=|<=|=|>|<|~")
_new = tuple.__new__  # builds a syntax node without the named tuple's Python-level __new__ (millions of them)
# The shortest text whose repeated lines are replayed (kdsl.lang.replay): in a shorter one a line comes back too few
# times to repay its template's compiling (the fuzz harness's texts, all under 30 KB, parsed 60% slower with it).
REPLAY_FROM = 16_384


class _Block(tuple):
    """The statements of a `{ ... }` block (a marker type for the statement callback)."""


class _Parts(tuple):
    """Head parts produced by a helper rule (`as alice`, `selects ...`), spliced into the head."""


def unescape(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def _dedent_triple(body: str) -> str:
    """A triple-quoted string loses its first newline and the indent its lines share."""
    if body.startswith("\n"):
        body = body[1:]
    lines = body.split("\n")
    if lines and not lines[-1].strip():
        lines[-1] = ""
    indents = [len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()]
    if not indents:
        # Only blank lines: no indent to measure, so their spaces mean nothing (and fmt, which
        # indents every line it writes, could not give them back).
        return "\n".join("" for _ in lines)
    cut = min(indents)
    return "\n".join(ln[cut:] for ln in lines)


class _Builder(lark.Transformer):
    """Inline callbacks: each grammar rule becomes a syntax node as soon as it is reduced."""

    file: str | None = None
    splits: dict = {}  # an attribute token's text → its key, operator, value, where the value starts (a parse's)

    # ---- tokens ----------------------------------------------------------------------------
    def _span(self, tok) -> Span:
        return tok  # a token is a span

    def _word(self, tok) -> Word:
        t = tok.type
        if t == "STRING":
            return Word(unescape(tok.value[1:-1]), True, False, tok)
        if t == "TRIPLE":
            return Word(_dedent_triple(unescape(tok.value[3:-3])), True, True, tok)
        return Word(tok.value, False, False, tok)

    def _part(self, c):
        if type(c) is Tok:
            t = c.type
            if t == "WORD":
                return _new(Word, (c.value, False, False, c))
            if t == "ATTR":
                return self._attr_token(c)
            if t in _VALUE_TOKENS:
                return self._word(c)
            if c.value[:1].isalpha():
                return _new(Kw, (c.value, c))
            return _new(Op, (c.value, c))
        return c

    # ---- items -----------------------------------------------------------------------------
    def key(self, c):
        return self._word(c[0])

    def value(self, c):
        return Values(self._word(t) for t in c if t.type != "COMMA")

    def attr(self, c):
        key, op, values = c
        return Attr(key, op.value, values, key.span.to(values[-1].span))

    def _attr_token(self, tok):
        text = tok.value
        split = self.splits.get(text)
        if split is None:
            if '"' in text or "," in text:
                return self._attr_general(tok)
            # The common `key=value` (no quotes, no list): a scenario repeats a few thousand of them.
            m = _OP_RE.search(text)
            split = self.splits[text] = (text[:m.start()], m.group(), text[m.end():], m.end())
        key, op, value, j = split
        # (spans made from the token when read, syntax._word_span; but a value spelt as its key)
        at = tok if value != key else Span(self.file, tok.line, tok.column + j, tok.line, tok.end_column)
        return _new(Attr, (_new(Word, (key, False, False, tok)), op, (_new(Word, (value, False, False, at)),), tok))

    def _attr_general(self, tok):
        text = tok.value
        m = _ATTR_RE.match(text)
        key_text, op, rest = m.group(1), m.group(2), m.group(3)
        line, col = tok.line, tok.column
        key = self._sub_word(key_text, line, col)
        values, pos = [], col + len(key_text) + len(op)
        for am in _ATOM_RE.finditer(rest):
            values.append(self._sub_word(am.group(1), line, pos))
            pos += len(am.group(0))
        return Attr(key, op, tuple(values), tok)

    def _sub_word(self, text: str, line: int, col: int) -> Word:
        span = Span(self.file, line, col, line, col + len(text))
        if text.startswith('"'):
            return Word(unescape(text[1:-1]), True, False, span)
        return Word(text, False, False, span)

    def not_key(self, c):
        return Expr(self._word(c[1]), "!", (), self._span(c[0]).to(self._span(c[1])))

    def set_expr(self, c):
        key = self._word(c[0])
        values = tuple(self._word(t) for t in c[3:-1] if t.type != "COMMA")
        return Expr(key, c[1].value, values, key.span.to(self._span(c[-1])))

    def setop(self, c):
        return c[0]

    cmp = setop

    def exists(self, c):
        return Expr(self._word(c[0]), "exists", (), self._span(c[0]).to(self._span(c[1])))

    def port_map(self, c):
        port = self._word(c[0])
        target = self._word(c[2]) if len(c) == 3 else None
        return PortMap(port, target, port.span.to(target.span) if target else port.span)

    def prefix_path(self, c):
        w = self._word(c[0])
        return Path(w, False, w.span)

    def exact_path(self, c):
        w = self._word(c[1])
        return Path(w, True, self._span(c[0]).to(w.span))

    # ---- helper rules spliced into a head -------------------------------------------------
    def _parts(self, c):
        return _Parts(self._part(x) for x in c)

    as_user = selects = ports = when = _parts

    def _kw(self, c):
        return Kw(c[0].value, self._span(c[0]))

    workload_kind = affinity_kind = affinity_target = source = probe_kind = probe_handler = _kw
    fault = role_kind = binding_kind = node_verb = always = can = when_kind = scale_direction = _kw
    np_direction = _kw
    rollout_verb = _kw
    measure_kind = _kw

    # ---- blocks and statements ------------------------------------------------------------
    def _block(self, c):
        block = _Block([x for x in c if type(x) is Stmt])
        block.end_line = c[-1].line
        return block

    cluster_block = node_block = meta_block = namespace_block = pod_block = _block
    container_block = ingress_block = data_block = role_block = top_block = hpa_block = _block
    np_block = _block

    def start(self, c):
        return tuple([x for x in c if type(x) is Stmt])

    def __default__(self, data, children, meta=None):
        head, block, end_line = [], None, None
        part, attr_token = self._part, self._attr_token
        for c in children:
            t = type(c)
            if t is Tok:
                t = c.type
                if t == "WORD":  # the commonest parts: made here, not in _part
                    head.append(_new(Word, (c.value, False, False, c)))
                elif t == "ATTR":
                    head.append(attr_token(c))
                elif t != "_SEP":
                    head.append(part(c))
            elif t is _Block:
                block, end_line = tuple(c), c.end_line
            elif t is Stmt:
                block = (c,)
            elif t is _Parts:
                head.extend(c)
            else:
                head.append(c)
        first, last = head[0], head[-1]
        if type(last) is Values:
            last = last[-1]
        return _new(Stmt, (data, tuple(head), block, first.span.to(last.span), end_line))

    def env_value(self, c):
        kw, name = self._part(c[0]), self._word(c[1])
        values = c[3]
        attr = Attr(name, "=", values, name.span.to(values[-1].span))
        return Stmt("env_value", (kw, attr), None, kw.span.to(attr.span))

    def param(self, c):
        kw, name = self._part(c[0]), self._word(c[1])
        values = c[3]
        attr = Attr(name, "=", values, name.span.to(values[-1].span))
        return Stmt("param", (kw, attr), None, kw.span.to(attr.span))

    def entry(self, c):
        key, values = c[0], c[2]
        attr = Attr(key, "=", values, key.span.to(values[-1].span))
        return Stmt("entry", (attr,), None, attr.span)


_lock = threading.Lock()
_state: dict = {"comments": []}


def _on_sep(tok):
    if "#" in tok.value:
        line, col = tok.line, tok.column
        for piece in re.split(r"(\n)", tok.value):
            if piece == "\n":
                line, col = line + 1, 1
                continue
            i = piece.find("#")
            if i >= 0:
                _state["comments"].append(Comment(piece[i:].rstrip(), line, col + i))
            col += len(piece)
    return tok


_builder = _Builder()
_machine: Machine | None = None


def _get_machine() -> Machine:
    global _machine
    if _machine is None:
        _machine = Machine(grammar.lark_parser(), _builder, _on_sep)
    return _machine


def parse_document(text: str, filename: str | None = None) -> Document:
    """Parse one file's text into a Document; raise KdslSyntaxError with a located message."""
    if text.startswith("\ufeff"):  # a byte-order mark some editors write: not part of the text
        text = text[1:]
    source = Source.of(text, filename)
    with _lock:
        machine = _get_machine()
        _builder.file, _builder.splits = filename, {}
        _state["comments"] = []
        try:
            with bulk():
                stmts = machine.parse(text if text.endswith("\n") else text + "\n", filename, len(text) >= REPLAY_FROM)
        except (UnexpectedToken, UnexpectedCharacter) as exc:
            raise KdslSyntaxError([masked(syntax_diagnostic(exc, source), text)]) from None
        except TooDeep as exc:
            t = exc.token
            raise KdslSyntaxError([masked(Diagnostic(
                "error", f"blocks nest deeper than {MAX_NESTING} levels; a scenario needs a few, so close some sooner",
                filename, t.line, t.column, 1, source.line(t.line)), text)]) from None
        finally:
            made, machine.made = machine.made, {}  # (not kept past the parse)
        comments = tuple(_state["comments"])
    return Document(source, stmts, comments, made)


# ---- error messages --------------------------------------------------------------------------

_TERMINAL_WORDS = {
    "WORD": "a name or value",
    "ATTR": "an attribute (key=value)",
    "STRING": "a string",
    "TRIPLE": "a string",
    "_SEP": "the end of the statement",
    "$END": "the end of the file",
}


def _describe_expected(names) -> list[str]:
    kws = grammar.keyword_terminals()
    words = set()
    for name in names:
        if name in _TERMINAL_WORDS:
            words.add(_TERMINAL_WORDS[name])
        elif name in kws:
            words.add(f"`{kws[name]}`")
    keywords = sorted(w for w in words if w.startswith("`") and w[1:2].isalpha())
    others = sorted(w for w in words if w not in keywords)
    if len(keywords) > 10:
        keywords = keywords[:10] + [f"one of {len(keywords) - 10} other keywords"]
    return keywords + others


def _describe_token(tok) -> str:
    if tok.type == "$END":
        return "the end of the file"
    if tok.type == "_SEP":
        return "the end of the line" if "\n" in tok.value or "#" in tok.value else "`;`"
    if tok.type in ("STRING", "TRIPLE"):
        text = tok.value if len(tok.value) <= 30 else tok.value[:27] + "..."
        return f"string {text}"
    return f"`{tok.value}`"


def syntax_diagnostic(exc: UnexpectedToken | UnexpectedCharacter, source: Source) -> Diagnostic:
    """Turn the parser's exception into a message a person can act on."""
    kws = grammar.keyword_terminals()
    line, column = exc.line, exc.column
    width, suggestion = 1, None
    names = set(exc.expected)
    if not exc.open_braces:
        names.discard("RBRACE")  # outside every block a `}` cannot be what is missing
    expected = _describe_expected(names)
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        if tok.type == "$END":
            if exc.open_braces:
                brace = exc.open_braces[-1]
                return Diagnostic("error", f"the block opened at line {brace.line}, column {brace.column} is not "
                                           "closed: the file ends before its `}`", source.name, brace.line,
                                  brace.column, 1, source.line(brace.line), ("`}`",), None)
            lines = source.text.rstrip("\n").split("\n")
            line, column = len(lines), len(lines[-1]) + 1
            message = "unexpected end of file"
        else:
            message = f"unexpected {_describe_token(tok)}"
            if tok.type == "_SEP" and ("\n" in tok.value or "#" in tok.value):
                message = "unexpected end of line"
            elif tok.end_line == tok.line:
                width = tok.end_column - tok.column
            word = tok.value.split("=")[0] if tok.type in ("WORD", "ATTR") else None
            if word:
                candidates = [kws[n] for n in exc.expected if n in kws and kws[n][:1].isalpha()]
                hit = suggest(word, candidates)
                if hit:
                    suggestion = f"`{hit}`"
                    message = f"unknown keyword `{word}`" if tok.type == "WORD" else message
    else:
        ch = source.text[exc.pos] if exc.pos < len(source.text) else ""
        message = f"unexpected character `{ch}`"
        if ch == '"':
            message = "unterminated string"
            expected = ['a closing `"` on the same line (or `"""` for a string of several lines)']
    return Diagnostic("error", message, source.name, line, column, max(width, 1),
                      source.line(line), tuple(expected), suggestion)


__all__ = ["parse_document", "plain_list", "syntax_diagnostic", "unescape"]
