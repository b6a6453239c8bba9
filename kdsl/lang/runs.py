"""Runs of replayed statements in one list: each made and added to the list without the driver's loop."""

# Between two statements of one block the driver shifts the separator and reduces the first statement into the
# block's list (a list grown in place, kdsl.lang.lalr), which leaves its stacks as they were before that statement
# but for the one list. So once two statements replayed from templates with gaps (kdsl.lang.gapmemo) were seen to
# do exactly that — the same states before each, every value the same object, one list grown by the first one's
# values and the separator — a statement of that template followed by a line of that shape is known to do it
# again: the next statements are found by their text, made by their templates and added to the list here, and the
# driver goes on after the last of them as if it had parsed them. What the driver did in between depends only on
# its states, the template's states and the kind of the next statement's first token (known by its shape), the
# key it is learnt under. Only lines after one newline and an indent are taken: a comment or a `;` stops a run.
#
# Each statement a template makes is noted with its template (`made`, handed on as Document.made): a template is
# straight-line code that makes the same nodes of the same types whatever the words, so the model's alike entries
# (kdsl.model.build.alike) compare two statements of one template by their texts alone.

from __future__ import annotations

import re

from kdsl.lang.gapmemo import _KEEP, _MISS, fitted
from kdsl.lang.tokens import SEP, Inline

_NEXT = re.compile(r"\n[ \t]*")


class Runs:
    """One parse's learnt steps from a statement to the next one in its list."""

    def __init__(self, gaps):
        self.gaps = gaps
        # (states before a statement, its template's states, the next statement's shape) → (the next statement's
        # first token's kind, where the list is on the stack)
        self.steps: dict = {}
        self.last = None  # the statement just replayed: (states, its states, its values, the stack, list lengths)
        self.made: dict = {}  # id(a statement made by a template) → (the statement, its template)

    def replay(self, text: str, states: list, values: list, depth: int, file, line: int, column: int, kind: str,
               shape, got: list, parts: list, end: int, last):
        """Replay the statement of template `got` (its first token at `line` and `column`, its text ending at
        `end`) and those after it in its run; the end of the last one and its last line. `last`: the statement
        replayed before, if the driver has looked at no other line since."""
        here = tuple(states)
        if last is not None and last[0] == here:
            self.learn(last, values, shape, kind)
        made = got[0](file, line, column, parts)
        by = self.made
        if len(made) == 1:
            by[id(made[0])] = (made[0], got[0])
        grown = got[1]
        line += got[2]
        steps, gaps = self.steps, self.gaps
        # what ahead() says of each (states, shape) met in this run: hashing the key (the states, a line's shape) costs
        # about a microsecond, here once a line (steps and known do not change in the loop)
        seen: dict = {}
        find, kept = gaps.find, _KEEP  # (past its first _KEEP lines a run keeps no shape: fresh())
        while steps:
            m = _NEXT.match(text, end)
            if m is None:
                break
            start = m.end()
            eol = text.find("\n", start)
            if eol <= start:
                break
            segment = text[start:eol]
            if segment.rstrip().endswith("{"):
                found = gaps.block(text, start, eol, depth)
                if not found:
                    break
                shape, parts, after = found
            else:
                if kept:
                    kept -= 1
                    found = find(segment, depth)
                else:
                    found = fresh(gaps, segment, depth)
                if not found:
                    break
                (shape, parts), after = found, eol
            key = (grown, shape)
            ahead = seen.get(key)
            if ahead is None:
                ahead = seen[key] = self.ahead(here, grown, shape)
            if ahead is False:
                break
            step, nxt = ahead
            items = values[step[1]]  # the driver's reduction: the statement's values, then the separator
            items += made
            items.append(SEP)
            line += 1
            made = nxt[0](file, line, start - end, parts)
            if len(made) == 1:
                by[id(made[0])] = (made[0], nxt[0])
            grown = nxt[1]
            line += nxt[2]
            end = after
        self.last = (here, grown, made, list(values), [len(v) if type(v) is Inline else -1 for v in values])
        states.extend(grown)
        values.extend(made)
        return end, line

    def ahead(self, here: tuple, grown: tuple, shape):
        """The step from a statement whose template's states are `grown` (the driver's states before it `here`) to a
        next one of `shape`, and that one's template; False when none is known."""
        step = self.steps.get((here, grown, shape))
        if step is None:
            return False
        nxt = self.gaps.known.get((here[-1], step[0], shape))
        return (step, nxt) if type(nxt) is list else False

    def learn(self, last: tuple, values: list, shape, kind: str) -> None:
        """At a statement replayed with the driver's stacks as they were before the last one: the step from that one
        to this one, if the driver did nothing but add the last one's values and a separator to one list."""
        here, grown, made, before, lengths = last
        if len(values) != len(before):
            return
        grew = None
        for i, v in enumerate(values):
            if v is not before[i]:
                return
            if lengths[i] >= 0 and len(v) != lengths[i]:
                if grew is not None:
                    return
                grew = i
        if grew is None:
            return
        tail = values[grew][lengths[grew]:]
        if (len(tail) != len(made) + 1 or tail[-1] is not SEP or any(type(x) is Inline for x in made)
                or any(x is not y for x, y in zip(tail, made))):
            return
        self.steps[(here, grown, shape)] = (kind, grew)


# Gaps.find keeps each line's shape under its text (up to _KEEP of them, then it starts again), for the lines a
# scenario repeats word for word (the same lines in several namespaces). A run of 150,000 pods of their own names
# repeats none: keeping and dropping their shapes cost a fifth of the parse of their tree (docs/benchmarks.md,
# session 25). So a run keeps the shapes of its first _KEEP lines as before and only reads the memo after them.
def fresh(gaps, segment: str, depth: int):
    """gaps.find(segment, depth) without keeping the line's shape: the same answer (the memo holds what shape gives)."""
    if segment[0] == "}" or segment.rstrip().endswith("{"):
        return None
    found = gaps.found.get(segment, _MISS)
    if found is _MISS:
        found = gaps.shape(segment)
    return fitted(gaps, found, depth)
