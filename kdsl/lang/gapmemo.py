"""Templates with gaps: lines, and blocks of lines, that differ only in their plain words, replayed as one."""

# A scenario's lines and blocks repeat with another name, number or image. Split at its strings and word runs (the
# grammar's STRING and WORD), a text is separators, strings and words; with those, the keywords and the parser
# state the same, the lexer makes the same tokens and the parser the same steps, so only the words, their columns
# and the line numbers change: the template's slots (a token's text, a word's text where its node's span is that
# word, every column after a word on its line). A template is kept only once another text of its shape, parsed
# afresh, made exactly what the template makes (a handler deriving text from a word fails that check).

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import repeat
from operator import itemgetter

from kdsl.core.errors import Span
from kdsl.lang.linememo import AGAIN, Unfit, compiled, compound, new_scope, plain_attr, plus, same, span_source
from kdsl.lang.syntax import Attr, Word
from kdsl.lang.tokens import MAX_NESTING, Tok

_STRING = r'"(?!"")[^"\\\n]*+"'
_BRACES = re.compile(r"[{}]")
# The longest block replayed as one (characters): a block that long repeats rarely, and its own lines and inner
# blocks are still replayed.
LONGEST = 4096
# The most lines whose shape a parse keeps at once (a large scenario has tens of thousands of lines with a name of
# their own, each some hundreds of bytes of parts).
_KEEP = 2_000


def _unfit(segment: str) -> bool:
    """Whether a line is unfit for gaps: commas (lists are split), `\\` (escapes, continuations), `\"\"\"`, and as in
    linememo `;` and comments (a string is kept in the shape whole, so a word inside it is never a slot). Five scans
    at C speed: the regex it replaces tried both its branches at each character, about 7 times as long."""
    return "," in segment or ";" in segment or "#" in segment or "\\" in segment or '"""' in segment


def fitted(gaps: Gaps, found, depth: int):
    """find's (and runs.fresh's) answer for a line of shape `found`, `depth` blocks open."""
    if found is None:
        return None
    seps = found[0][0]
    if "{" in seps or "}" in seps:
        braces = gaps.braces.get(seps)
        if braces is None:
            braces = gaps.braces[seps] = _braces(seps)
        if braces[0] or braces[1] < 0 or depth + braces[2] > MAX_NESTING:  # (the plain parse's nesting check)
            return None
    return found[0], [found[1]]


def _braces(seps: str) -> tuple[int, int, int]:
    """(how much a line's braces open, the lowest and the highest they reach) from its separators."""
    opened = low = high = 0
    for b in _BRACES.findall(seps):
        opened += 1 if b == "{" else -1
        low, high = min(low, opened), max(high, opened)
    return opened, low, high


def _walked(gots: list):
    """(the index of the line whose `}` ends the block, the most blocks open) as `Gaps.walk` reads the lines'
    `Gaps.line` answers from the first; None where the walk gives up."""
    opened, top = 1, gots[0][4]
    for i in range(1, len(gots)):
        got = gots[i]
        if got[5] and opened == 1:
            return i, top
        if opened + got[3] <= 0:
            return None
        top = max(top, opened + got[4])
        opened += got[2]
    return None


_MISS = object()
_first, _second = itemgetter(0), itemgetter(1)


class Gaps:
    """One parse's templates with gaps, keyed by (state, first token's kind, shape): a line's shape is its
    separators, its strings and its words' keyword terminals (None for a plain word); a block's, its lines'."""

    def __init__(self, word_pattern: str, keywords: dict):
        self.split = re.compile(f"({_STRING})|({word_pattern})").split
        self.kw = keywords.get
        self.keywords = keywords
        # key → sightings (an int), (template, states, newlines) to check, [template, states, newlines], or 0
        self.known: dict = {}
        self.lines: dict = {}  # a block's line → (its shape's number, parts, braces opened, lowest, highest, `}`?)
        self.shapes: dict = {}  # a line's shape → (its number, braces opened, lowest, highest, only a `}`?)
        self.braces: dict = {}  # a line's separators → (braces opened, lowest, highest)
        self.found: dict = {}  # a one-line statement's text → its shape (None: unfit)
        self.ends: dict = {}  # a block's lines' shapes → most blocks open, or -1: its last `}` is not its end

    def shape(self, segment: str):
        """(shape, parts) of a line that may be replayed with gaps, or None. The parts come in threes:
        separator, string or None, word or None."""
        if _unfit(segment):
            return None
        parts = self.split(segment)
        return ("\0".join(parts[::3]), tuple(parts[1::3]), tuple(map(self.kw, parts[2::3]))), parts

    def find(self, segment: str, depth: int):
        """(shape, [parts]) of a line that opens no block (such a line's statement is reduced at its `}`: see
        block) with `depth` blocks open; or None."""
        if segment[0] == "}" or segment.rstrip().endswith("{"):
            return None
        found = self.found.get(segment, _MISS)
        if found is _MISS:
            found = self.shape(segment)
            if len(self.found) >= _KEEP:
                self.found.clear()
            self.found[segment] = found
        return fitted(self, found, depth)

    def line(self, text: str):
        """A block's line: (its shape's number, parts, braces opened, lowest, highest, whether it is only a `}`)."""
        got = self.lines.get(text, 0)
        if got == 0:
            found = self.shape(text)
            got = None
            if found:
                known = self.shapes.get(found[0])
                if known is None:  # (a line is only a `}` if its shape is only that)
                    known = self.shapes[found[0]] = (len(self.shapes), *_braces(found[0][0]), text.strip() == "}")
                got = (known[0], found[1], *known[1:])
            if len(self.lines) >= _KEEP:
                self.lines.clear()
            self.lines[text] = got
        return got

    def block(self, text: str, start: int, eol: int, depth: int):
        """(shape, [parts of each line], end) of the block whose first token is at `start` and whose first line
        ends at `eol` with its `{`, to the newline of the line of its `}` (a line of its own) at `end`; or None
        (`depth` blocks open before it). What `walk` finds, mostly found at C speed: the `}` is looked for at
        the first line's indent, the lines in between are split and looked up at once, and whether that `}`
        ends the block is known by the lines' shapes (kept in `ends`); in any doubt `walk` decides."""
        first = self.line(text[start:eol])
        if first is None or first[2] != 1 or first[3] < 0:
            return None
        close = "\n" + text[text.rfind("\n", 0, start) + 1:start] + "}\n"
        limit = eol + 1 + LONGEST  # (a line is read if it starts before it)
        at = text.find(close, eol, limit + len(close) - 1)
        if at < 0:
            return self.walk(text, first, eol, depth)
        end = at + len(close) - 1
        lines = text[eol + 1:end].split("\n")
        gots = list(map(self.lines.get, lines, repeat(_MISS)))
        if _MISS in gots:
            gots = [self.line(t) if g is _MISS else g for t, g in zip(lines, gots)]
        if None in gots:
            return self.walk(text, first, eol, depth)
        gots.insert(0, first)
        shapes = tuple(map(_first, gots))
        top = self.ends.get(shapes)
        if top is None:
            walked = _walked(gots)
            top = self.ends[shapes] = walked[1] if walked and walked[0] == len(gots) - 1 else -1
        if top < 0:
            return self.walk(text, first, eol, depth)
        return (shapes, list(map(_second, gots)), end) if depth + top <= MAX_NESTING else None

    def walk(self, text: str, got: tuple, eol: int, depth: int):
        """`block` a line at a time, from the first line's `got`."""
        shapes, parts, opened, top = [got[0]], [got[1]], 1, got[4]
        pos = eol + 1
        limit = pos + LONGEST
        while pos < limit:
            end = text.find("\n", pos)
            if end < 0:
                return None
            got = self.line(text[pos:end])
            if got is None:
                return None
            shapes.append(got[0])
            parts.append(got[1])
            if got[5] and opened == 1:
                return (tuple(shapes), parts, end) if depth + top <= MAX_NESTING else None
            if opened + got[3] <= 0:  # its `}` has more on its line
                return None
            top = max(top, opened + got[4])
            opened += got[2]
            pos = end + 1
        return None

    def sighted(self, gkey, record: tuple):
        """A shape met again but not yet replayed: `record` if it is to be recorded (or checked) now, else None."""
        got = self.known.get(gkey)
        if got is None:
            self.known[gkey] = 1
        elif type(got) is not int:
            return record
        elif got:
            if got + 1 >= AGAIN:  # compiling costs more than parsing a text a few times
                return record
            self.known[gkey] = got + 1
        return None

    def done(self, record, states: list, values: list, file, sound: bool) -> None:
        """At the end of a recorded text: keep its template (the first of a shape) or check it (the second)."""
        key, h, column, _, _, line, parts = record
        got = self.known.get(key)
        if not sound:
            self.known[key] = 0
        elif type(got) is int:
            maker = template(values[h - 1:], file, line, column, parts, self.keywords)
            self.known[key] = (maker, tuple(states[h:]), len(parts) - 1) if maker else 0
        elif type(got) is tuple:
            made = got[0](file, line, column, parts)
            ok = got[1] == tuple(states[h:]) and same(made, values[h - 1:])
            self.known[key] = list(got) if ok else 0


def _line(k: int) -> str:
    return f"L{k}" if k else "L"  # (each set once, at the top of the template)


def template(values: list, file, line: int, column: int, parts: list, keywords: dict):
    """A function (file, line, column, parts) → a copy of `values` for a text of the same shape (`parts`: each
    line's); None if unfit."""
    pieces = [[p or "" for p in ps] for ps in parts]
    texts = ["".join(ps) for ps in pieces]
    starts = []  # each line's parts' offsets in the line
    for ps in pieces:
        at, line_starts = 0, []
        for p in ps:
            line_starts.append(at)
            at += len(p)
        starts.append(line_starts)
    slots = [[i for i in range(2, len(ps), 3) if ps[i] is not None and ps[i] not in keywords] for ps in parts]
    slot_starts = [[starts[k][i] for i in line_slots] for k, line_slots in enumerate(slots)]
    free = {parts[k][i] for k, line_slots in enumerate(slots) for i in line_slots}
    body: list[str] = []

    def place(ln: int, col: int) -> tuple[int, int]:
        """(line of the text, offset in it) of a line and column of the file."""
        k = ln - line
        if not 0 <= k < len(texts):
            raise Unfit
        o = col - (column if k == 0 else 1)
        if not 0 <= o <= len(texts[k]):
            raise Unfit
        return k, o

    def col(k: int, o: int) -> str:
        """The column at offset `o` of line `k`: after the last word that varies before it on its line."""
        j = bisect_left(slot_starts[k], o) - 1
        if j < 0:
            return plus("c", o) if k == 0 else str(o + 1)
        i = slots[k][j]
        end = starts[k][i] + len(pieces[k][i])
        if o < end:  # inside a word that varies
            raise Unfit
        return plus(f"e{k}_{i}", o - end)

    body += [f"    L{k} = L + {k}" for k in range(1, len(texts))]
    for k, line_slots in enumerate(slots):
        for i in line_slots:
            # a word read once: its columns, token and node use it
            body.append(f"    w{k}_{i} = p[{k}][{i}]; e{k}_{i} = {col(k, starts[k][i])} + len(w{k}_{i})")

    def text(k: int, a: int, b: int, v: str) -> str | None:
        """The expression for line k's text between offsets a and b (which is `v` here), or None."""
        whole = texts[k]
        if whole[a:b] != v:
            return None
        out, pos = [], a
        for j in range(bisect_left(slot_starts[k], a), len(slots[k])):
            i = slots[k][j]
            at, end = starts[k][i], starts[k][i] + len(pieces[k][i])
            if at >= b:
                break
            if end > b:
                raise Unfit
            if at > pos:
                out.append(repr(whole[pos:at]))
            out.append(f"w{k}_{i}")
            pos = end
        if pos < b:
            out.append(repr(whole[pos:b]))
        return " + ".join(out) or "''"

    names: dict[int, str] = {}
    scope = new_scope()

    def make(v, span=None) -> str:
        t = type(v)
        if t is Tok or t is Span:
            name = names.get(id(v))
            if name is None:
                if v.file != file or (t is Tok and (type(v.type) is not str or type(v.value) is not str)):
                    raise Unfit
                (k, a), (k2, b) = place(v.line, v.column), place(v.end_line, v.end_column)
                value = None
                if t is Tok:
                    value = text(k, a, b, v.value) if k == k2 else None
                    if value is None:
                        raise Unfit
                name = names[id(v)] = f"s{len(names)}"
                span_source(body, name, v, col(k, a), col(k2, b), value, _line(k), _line(k2))
            return name
        if t is str:
            if span is not None and span.file == file and span.line == span.end_line:
                made = text(*place(span.line, span.column), place(span.end_line, span.end_column)[1], v)
                if made is not None:
                    return made
            if v in free:  # some other text that spells a word of the text: not known to be either
                raise Unfit
            return repr(v)
        if t is int and 0 <= v - line < len(texts):  # a block's end line
            return _line(v - line)
        if v is None or t is bool or t is int:
            return repr(v)
        if not isinstance(v, (tuple, list)):
            raise Unfit
        if t is Attr and (made := plain_attr(v, make, scope)) is not None:
            return made
        last = v.span if t is Word else v[-1] if len(v) and isinstance(v[-1], Span) else None  # where its text is
        return compound(v, "".join(make(x, last) + ", " for x in v), scope)

    try:
        return compiled(make, values, body, scope, "f, L, c, p")
    finally:
        del make  # `make` calls itself through its cell, a cycle the parse's gc.freeze would keep
