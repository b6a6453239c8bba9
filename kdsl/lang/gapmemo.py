"""Line templates with gaps: lines that differ only in their plain words replayed from one compiled template."""

# A scenario's lines repeat with another name or number (`deployment web-3 replicas=3 {`, `pod p7 ...`). Split at
# its word runs (the grammar's WORD), a line is its separators and its words; with the separators, the words that
# spell a keyword and the parser state the same, the lexer makes the same token kinds (a word run that is no keyword
# is always a WORD) and the parser the same shifts and reductions, so only the words and their columns change. The
# template takes the words as slots: a token's text, a word's text where its node's span is exactly that word, and
# every column after a word. A template is kept only once a second line of its shape, parsed afresh, made exactly
# what the template makes for it (a handler deriving some other text from a word fails that check).

from __future__ import annotations

import re

from kdsl.core.errors import Span
from kdsl.lang.linememo import Unfit, compiled, compound, new_scope, span_source
from kdsl.lang.tokens import MAX_NESTING, Tok

# Unfit lines: quotes and commas (strings and lists are unescaped or split, not copied), `\`, and as in linememo
# `;` and comments. A block that opens and closes on the line is fine (its reductions read only the line).
_UNFIT = re.compile(r'["\\,;#]')
_BRACES = re.compile(r"[{}]")


SEEN = "seen"  # a shape met once: recorded (and its template compiled) only when a second line has it


class Gaps:
    """One parse's templates with gaps, keyed by (state, first token's kind, separators, words' keyword terminals)."""

    def __init__(self, word_pattern: str, keywords: dict):
        self.split = re.compile("(" + word_pattern + ")").split
        self.keywords = keywords
        self.known: dict = {}  # key → SEEN, (template, states, brace) to check, [template, states, brace], 0

    def find(self, segment: str, depth: int):
        """(key, the line's parts) of a line that may be replayed with gaps (`depth` blocks open), or None."""
        # A line that opens a block (its statement reduced at the `}`) costs a few shifts: splitting it into words
        # costs about what a replay saves (measured on benchmarks/parse.py), so only the exact text is replayed.
        if segment[0] == "}" or segment.rstrip().endswith("{") or _UNFIT.search(segment):
            return None
        if "}" not in segment:
            if "{" in segment and (segment.count("{") > 1 or not segment.rstrip().endswith("{")
                                   or depth >= MAX_NESTING):
                return None
        else:
            opened = peak = 0
            for b in _BRACES.findall(segment):
                opened += 1 if b == "{" else -1
                if opened < 0:
                    return None
                peak = max(peak, opened)
            # The plain parse's nesting check, on the blocks a replay does not push.
            if opened > 1 or (opened and not segment.rstrip().endswith("{")) or depth + peak > MAX_NESTING:
                return None
        parts = self.split(segment)
        # The separators, and each word's keyword terminal (None for a plain word): made at C speed.
        return ("\0".join(parts[::2]), tuple(map(self.keywords.get, parts[1::2]))), parts

    def done(self, record, states: list, values: list, file, sound: bool) -> None:
        """At the end of a recorded line: keep its template (the first line of a shape) or check it (the second)."""
        key, h, column, line, _, parts = record
        got = self.known.get(key)
        if not sound:
            self.known[key] = 0
        elif got is None or got is SEEN:
            maker = template(values[h - 1:], file, line, column, parts, self.keywords)
            self.known[key] = (maker, states[h:], "".join(parts).rstrip().endswith("{")) if maker else 0
        elif type(got) is tuple:
            made = got[0](file, line, column, parts)
            ok = got[1] == states[h:] and same(made, values[h - 1:])
            self.known[key] = [got[0], got[1], got[2]] if ok else 0


def same(a, b) -> bool:
    """Equal in every part: types, spans, token kinds (node equality leaves spans out)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, Span):
        return a._key() == b._key() and (type(a) is not Tok or (a.type, a.value) == (b.type, b.value))
    if isinstance(a, (tuple, list)):
        return (len(a) == len(b) and getattr(a, "end_line", None) == getattr(b, "end_line", None)
                and all(same(x, y) for x, y in zip(a, b)))
    return a == b


def template(values: list, file, line: int, column: int, parts: list, keywords: dict):
    """A function (file, line, column, parts) → a copy of `values` for a line of the same shape; None if unfit."""
    # Where each part starts, relative to the line's first token, and which parts are slots.
    starts, at = [], 0
    for p in parts:
        starts.append(at)
        at += len(p)
    slots = {i for i in range(1, len(parts), 2) if parts[i] not in keywords}
    body = [f"    o{i} = " + (f"c + {starts[i]}" if i == 1 else
                             f"o{i - 1} + " + (f"len(p[{i - 1}])" if i - 1 in slots else str(len(parts[i - 1]))))
            for i in range(1, len(parts))]

    def col(v: int) -> str:
        rel = v - column
        i = len(parts) - 1
        while i > 0 and starts[i] > rel:
            i -= 1
        if i == 0:
            return f"c + {rel}"
        if rel > starts[i] and i in slots:  # inside a word that varies
            raise Unfit
        return f"o{i} + {rel - starts[i]}"

    def text(a: int, b: int, v: str) -> str:
        """The expression for the line's text between columns a and b (which is `v` in the recorded line)."""
        i, j = a - column, b - column
        if i not in starts or j not in starts + [at]:
            return repr(v)
        i, j = starts.index(i), (starts + [at]).index(j)
        if "".join(parts[i:j]) != v or not slots.intersection(range(i, j)):
            return repr(v)
        return " + ".join(f"p[{k}]" if k in slots else repr(parts[k]) for k in range(i, j))

    names: dict[int, str] = {}
    scope = new_scope()
    free = {parts[i] for i in slots}

    def make(v, span=None) -> str:
        t = type(v)
        if t is Tok or t is Span:
            name = names.get(id(v))
            if name is None:
                if v.file != file or v.line != line or v.end_line != line or (t is Tok and (
                        type(v.type) is not str or type(v.value) is not str)):
                    raise Unfit
                name = names[id(v)] = f"s{len(names)}"
                span_source(body, name, v, col(v.column), col(v.end_column),
                     text(v.column, v.end_column, v.value) if t is Tok else None)
            return name
        if t is str:
            if span is not None and span.line == line:
                made = text(span.column, span.end_column, v)
                if made != repr(v):
                    return made
            if v in free:  # some other text that spells a word of the line: not known to be either
                raise Unfit
            return repr(v)
        if t is int and v == line:  # a block's end line
            return "L"
        if v is None or t is bool or t is int:
            return repr(v)
        if not isinstance(v, (tuple, list)):
            raise Unfit
        last = v[-1] if len(v) and isinstance(v[-1], Span) else None
        return compound(v, "".join(make(x, last) + ", " for x in v), scope)

    try:
        return compiled(make, values, body, scope, "f, L, c, p")
    finally:
        del make  # `make` calls itself through its cell, a cycle the parse's gc.freeze would keep
