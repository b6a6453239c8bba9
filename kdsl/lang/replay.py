"""The LALR driver's replay: at a line's first token, whether it (or the block it opens) is replayed or recorded."""

# One parse's templates (kdsl.lang.linememo: a line's exact text; kdsl.lang.gapmemo: lines and blocks that differ in
# their words), kept here rather than in the driver's loop: the driver asks once a line, at its first token, and
# the lines a template replays are never lexed at all. A record is (key, the stack's height at the first token, its
# column, the line its last separator starts on, where that separator starts, the first token's line, the parts of
# a text with gaps or None for an exact line); the driver ends it at that separator.

from __future__ import annotations

from kdsl.lang.gapmemo import Gaps
from kdsl.lang.linememo import AGAIN, fits, kept
from kdsl.lang.runs import Runs
from kdsl.lang.tokens import MAX_NESTING, Tok, TooDeep, new_tok


class Replay:
    """The templates of one parse (never kept past it: see tests/lang/test_linememo.py)."""

    def __init__(self, word_pattern: str, keywords: dict):
        # (state, first token's terminal, line text) → sightings (an int), (states, maker, where the `{` is) or 0
        self.lines: dict = {}
        self.gaps = Gaps(word_pattern, keywords)
        self.runs = Runs(self.gaps)
        self.last = None  # kdsl.lang.runs's last statement, while a line is looked at
        self.moved = None  # after a replay of several lines: the driver's new (line, line_start)

    def start(self, text: str, tok: Tok, kind: str, states: list, values: list, braces: list, file, line: int,
              line_start: int):
        """At a line's first token, before it is shifted: the position the driver goes on from once the line (or
        the block it opens) is replayed onto the stacks, a record to keep when it is recorded, or None."""
        self.last, self.runs.last = self.runs.last, None  # (a replay with gaps sets it again)
        column = tok.column
        start = line_start + column - 1
        eol = text.find("\n", start)
        if tok.line != line or eol < 0:  # (after a string of several lines, or at the end of the text)
            return None
        segment = text[start:eol]
        opens = segment.rstrip().endswith("{")
        gaps = self.gaps
        if opens:
            found = gaps.block(text, start, eol, len(braces))
            if found:
                gkey = (states[-1], kind, found[0])
                got = gaps.known.get(gkey)
                if type(got) is list:
                    return self.run(text, states, values, braces, file, line, column, kind, found[0], got, found[1],
                                    found[2])
                record = gaps.sighted(gkey, (gkey, len(states), column, line + len(found[1]) - 1, found[2], line,
                                             found[1]))
                if record:
                    return record
        key = (states[-1], kind, segment)
        lines = self.lines
        known = lines.get(key)
        if type(known) is tuple:  # a line seen before: its values made at this place
            grown, maker, brace = known
            made = maker(file, line, column)
            if len(made) == 1:  # a statement: noted with its maker as kdsl.lang.runs notes a template's
                self.runs.made[id(made[0])] = (made[0], maker)
            states.extend(grown)
            values.extend(made)
            if brace >= 0:  # the line opens a block (its last token)
                col = column + brace
                braces.append(new_tok("LBRACE", "{", file, line, col, line, col + 1))
                if len(braces) > MAX_NESTING:
                    raise TooDeep(braces[-1])
            return eol
        if known is None:
            if fits(segment):
                lines[key] = 1
        elif known:
            if known + 1 >= AGAIN:
                return key, len(states), column, line, eol, line, None
            lines[key] = known + 1
        found = not opens and gaps.find(segment, len(braces))
        if found:  # a line of a known shape, other words
            gkey = (states[-1], kind, found[0])
            got = gaps.known.get(gkey)
            if type(got) is list:
                return self.run(text, states, values, braces, file, line, column, kind, found[0], got, found[1], eol)
            return gaps.sighted(gkey, (gkey, len(states), column, line, eol, line, found[1]))
        return None

    def run(self, text: str, states: list, values: list, braces: list, file, line: int, column: int, kind: str, shape,
            got: list, parts: list, end: int) -> int:
        """A replay with gaps (and the run it starts, kdsl.lang.runs): where the driver goes on."""
        end, last = self.runs.replay(text, states, values, len(braces), file, line, column, kind, shape, got, parts, end,
                                     self.last)
        if last != line:
            self.moved = (last, text.rfind("\n", 0, end) + 1)
        return end

    def done(self, record: tuple, states: list, values: list, file, sound: bool) -> None:
        """At the separator that ends a recorded text: keep (or check) its template. `sound`: no reduction nor
        keyword's fit read below its first state, and it ended where it was to end."""
        if record[6] is None:
            self.lines[record[0]] = kept(record, states, values, file, sound)
        else:
            self.gaps.done(record, states, values, file, sound)
