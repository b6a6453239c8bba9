"""A tight LALR driver over the tables Lark computes from grammar/kdsl.lark, lexing as it goes."""

# Lark builds the LALR(1) tables from the one grammar; this loop runs them with kdsl's own callbacks, so no
# generic token objects, callback wrappers or generator hops sit on the hot path (about three times the speed of
# Lark's own loop on large scenarios). A word that spells a keyword is that keyword only where the table accepts
# it, as in Lark's contextual lexer.

from __future__ import annotations

import functools
import re

from lark.parsers.lalr_analysis import Shift

from kdsl.lang.replay import Replay
from kdsl.lang.tokens import (
    MAX_NESTING,
    SEP,
    Inline,
    Tok,
    new_tok,
    TooDeep,
    UnexpectedCharacter,
    UnexpectedToken,
    advance,
    keyword_fits,
    splice,
)

# The terminals the master pattern tries, in this order; their regexes come from grammar/kdsl.lark.
_ORDER = ("_SEP", "TRIPLE", "STRING", "ATTR", "WORD")
_SKIP = r"(?:[ \t\f\r]+|\\\r?\n)*"


class Machine:
    """The tables of one grammar, bound to one set of callbacks."""

    def __init__(self, lark_parser, callbacks, on_sep=None):
        table = lark_parser.parser.parser._parse_table
        terminals = lark_parser.terminals
        by_name = {t.name: t for t in terminals}
        self.keywords: dict[str, str] = {}
        self.punct: dict[str, str] = {}
        for t in terminals:
            if t.pattern.type == "str":
                (self.keywords if t.pattern.value[:1].isalpha() else self.punct)[t.pattern.value] = t.name
        groups = [f"(?P<{n.lstrip('_')}>{by_name[n].pattern.to_regexp()})" for n in _ORDER]
        groups.append("(?P<PUNCT>" + "|".join(re.escape(p) for p in sorted(self.punct, key=len, reverse=True)) + ")")
        self.plain = _SKIP + "(?:" + "|".join(groups) + ")"
        self.master = re.compile(self.plain)  # the grammar writes WORD and the strings as possessive runs
        # The group a match ends in, by number (a number is looked up faster than a name).
        self.kinds = {i: ("_SEP" if name == "SEP" else name) for name, i in self.master.groupindex.items()}
        self.word = re.compile(by_name["WORD"].pattern.to_regexp())
        self.string = re.compile(by_name["STRING"].pattern.to_regexp())
        self.on_sep = on_sep
        rules = {}

        def rule_info(rule):
            if rule not in rules:
                name = str(rule.origin.name)  # a plain str: Lark's Token compares slowly
                if name.startswith("_"):
                    handler = None
                else:
                    cb = str(rule.alias or name)
                    handler = getattr(callbacks, cb, None) or functools.partial(callbacks.__default__, cb)
                # Only a helper rule (`_items`, `_top`, Lark's `__anon_star`) can hand over an Inline list.
                inline = any(not sym.is_term and sym.name.startswith("_") for sym in rule.expansion)
                size = len(rule.expansion)
                if handler is None and size == 1:
                    size = -1  # a helper of one child: spliced into its parent, that child is the same as its list
                elif handler is None and size > 1 and rule.expansion[0] == rule.origin:
                    size = -size  # a left-recursive list and more: the list grows in place
                rules[rule] = (size, name, handler, inline)
            return rules[rule]

        # A shift is the next state (an int); a reduce is the rule's (size, name, handler, inline).
        self.states = {
            state: {term: (arg if action is Shift else rule_info(arg)) for term, (action, arg) in actions.items()}
            for state, actions in table.states.items()
        }
        self.gotos = {state: {term: arg for term, (action, arg) in actions.items() if action is Shift}
                      for state, actions in table.states.items()}
        self.start = table.start_states["start"]
        self.fit_depths: dict = {}  # (state, keyword) → how deep in the stack `_fits` has had to look
        self.fit_memo: dict = {}  # (keyword, those states) → whether it fits
        self.fit_low = 0  # the lowest place in the stack `_fits` has read (while a line is being recorded)
        self.end = table.end_states["start"]
        self.made: dict = {}  # the last parse's statements made by replay templates (kdsl.lang.runs)

    _fits = keyword_fits

    def parse(self, text: str, file: str | None = None, memo: bool = True):
        states, gotos, keywords, punct, kinds = self.states, self.gotos, self.keywords, self.punct, self.kinds
        master, on_sep, end_state = self.master, self.on_sep, self.end
        # Only a `\` line continuation puts a newline between two tokens; most files have none.
        continued = "\\\n" in text or "\\\r\n" in text
        state_stack, value_stack, braces = [self.start], [], []
        push_state, push_value = state_stack.append, value_stack.append
        pos, n, line, line_start = 0, len(text), 1, 0
        sep = None  # where the last separator sits: its token is made only for a comment or a message
        accepts = states[self.start]
        # Replayed lines and blocks (kdsl.lang.replay). `fresh`: the next shift is a line's first token. `low`: how
        # low in the stack the reductions of the text being recorded have read.
        memo = Replay(self.word.pattern, keywords) if memo and not continued else None
        self.made = memo.runs.made if memo is not None else {}  # (kdsl.lang.runs: Document.made)
        fresh, record, low, sep_at = False, None, 0, -1
        while True:
            m = master.match(text, pos)
            if m is None:
                end = re.compile(_SKIP).match(text, pos).end()
                line, line_start = advance(text, pos, end, line, line_start)
                pos = end
                if pos < n:
                    raise UnexpectedCharacter(pos, line, pos - line_start + 1, set(accepts), braces)
                kind = "$END"
                tok = new_tok(kind, "", file, line, pos - line_start + 1, line, pos - line_start + 1)
            else:
                group = m.lastindex
                kind = kinds[group]
                start = m.start(group)
                if start != pos:
                    if continued:
                        line, line_start = advance(text, pos, start, line, line_start)
                    pos = start
                value = m.group(group)
                if kind == "_SEP":
                    nl = value.count("\n")
                    if nl:
                        last = value.rindex("\n")
                        sep = (value, line, pos - line_start + 1, line + nl, len(value) - last)
                        line, line_start = line + nl, pos + last + 1
                    else:
                        col = pos - line_start + 1
                        sep = (value, line, col, line, col + len(value))
                    sep_at = pos
                    pos += len(value)
                    fresh = memo is not None
                    if on_sep is not None and "#" in value:
                        tok = new_tok("_SEP", sep[0], file, *sep[1:])
                        on_sep(tok)
                    else:
                        tok = SEP
                else:
                    if kind == "WORD":
                        kind = keywords.get(value, "WORD")
                        if kind != "WORD" and (kind not in accepts or (type(accepts[kind]) is not int and "WORD" in accepts
                                                                       and not self._fits(state_stack, kind))):
                            kind = "WORD"
                    elif kind == "PUNCT":
                        kind = punct[value]
                        if kind == "LBRACE":  # kept for messages: which block is still open
                            col = pos - line_start + 1
                            braces.append(new_tok(kind, value, file, line, col, line, col + 1))
                            if len(braces) > MAX_NESTING:
                                raise TooDeep(braces[-1])
                        elif kind == "RBRACE" and braces:
                            braces.pop()
                    elif kind == "ATTR" and "ATTR" not in accepts:
                        m = self.word.match(text, pos) or self.string.match(text, pos)
                        value = m.group()
                        kind = "WORD" if value[0] != '"' else "STRING"
                        kind = keywords.get(value, kind) if keywords.get(value) in accepts else kind
                    col = pos - line_start + 1
                    if kind == "TRIPLE" and "\n" in value:
                        nl, last = value.count("\n"), value.rindex("\n")
                        tok = new_tok(kind, value, file, line, col, line + nl, len(value) - last)
                        line, line_start = line + nl, pos + last + 1
                    else:
                        tok = new_tok(kind, value, file, line, col, line, col + len(value))
                    pos += len(value)
            while True:
                action = accepts.get(kind)
                if action is None:
                    if tok is SEP:
                        tok = new_tok("_SEP", sep[0], file, *sep[1:])
                    raise UnexpectedToken(tok, {t for t in accepts if t.isupper() or t == "$END"}, braces)
                if type(action) is int:
                    if fresh or record:
                        if kind == "_SEP":
                            if record and sep_at >= record[4]:  # sound if nothing below h was read
                                h = record[1]
                                memo.done(record, state_stack, value_stack, file, low >= h and self.fit_low >= h - 1
                                          and sep_at == record[4] and sep[1] == record[3])
                                record, low = None, 0
                        elif fresh:
                            fresh = False
                            if record is None:
                                got = memo.start(text, tok, kind, state_stack, value_stack, braces, file, line,
                                                 line_start)
                                if type(got) is int:  # replayed: go on at the end of its last line
                                    pos = got
                                    if memo.moved:
                                        (line, line_start), memo.moved = memo.moved, None
                                    accepts = states[state_stack[-1]]
                                    break
                                if got is not None:
                                    record, low = got, 1 << 60
                                    self.fit_low = low
                    push_state(action)
                    push_value(tok)
                    accepts = states[action]
                    break
                size, name, handler, inline = action
                if size < 0:
                    if size != -1:  # more items for a list (`_items`, `_SEP+`, a block's statements)
                        more = value_stack[size + 1:]
                        del state_stack[size + 1:]
                        if len(state_stack) <= low:
                            low = len(state_stack) - 1
                        del value_stack[size + 1:]
                        items = value_stack[-1]
                        if type(items) is not Inline:  # the list's first item came through a one-child helper
                            items = value_stack[-1] = Inline((items,))
                        for item in more:
                            items.extend(item) if type(item) is Inline else items.append(item)
                    # (and a helper rule of one child: the child stands for it)
                    if len(state_stack) <= low:
                        low = len(state_stack) - 1
                    goto = state_stack[-1] = gotos[state_stack[-2]][name]
                    accepts = states[goto]
                    continue
                if size:
                    children = value_stack[-size:]
                    del state_stack[-size:]
                    if len(state_stack) < low:
                        low = len(state_stack)
                    del value_stack[-size:]
                else:
                    children = []
                if handler is None:
                    if inline and type(children[0]) is Inline:  # a left-recursive list grows in place
                        value = children[0]
                        for c in children[1:]:
                            value.extend(c) if type(c) is Inline else value.append(c)
                    else:
                        value = Inline(splice(children) if inline else children)
                else:
                    if inline:
                        children = splice(children)
                    value = handler(children)
                goto = gotos[state_stack[-1]][name]
                push_state(goto)
                push_value(value)
                if goto == end_state and kind == "$END":
                    return value
                accepts = states[goto]

