"""Where a Secret's values are written in a scenario's text, found by tokens alone (for text that does not parse)."""

from __future__ import annotations

import attrs

from kdsl.core.secrets import mask


def secret_cuts(text: str) -> dict[int, list[tuple[int, int]]]:
    """Line → the (start, end) columns of the values a `secret` statement writes: every string of the statement
    (its entries and its `yaml` block) and every bare word after `=` in its block. A `secret` keyword after
    `from` (`env X from secret db.key`) names a Secret rather than writing one."""
    if "secret" not in text:
        return {}
    from pygments.token import Comment, Keyword, Operator, Punctuation, String, Text  # only for a failed parse

    from kdsl.lang.highlight import KdslLexer

    cuts: dict[int, list[tuple[int, int]]] = {}
    line, col = 1, 1
    depth, inside, opened, prev, after_eq = 0, None, False, "", False
    for _, tok, value in KdslLexer().get_tokens_unprocessed(text):
        start_line, start_col = line, col
        for ch in value:  # advance the position past this token
            line, col = (line + 1, 1) if ch == "\n" else (line, col + 1)
        if tok in Text or tok in Comment:
            if inside is not None and "\n" in value and depth == inside and not opened:
                inside = None  # a secret statement without a block ends with its line
            continue
        if tok in Keyword and value == "secret" and prev != "from" and inside is None:
            inside, opened = depth, False
        elif tok in Punctuation and value in "{}":
            depth += 1 if value == "{" else -1
            if inside is not None and value == "{" and depth == inside + 1:
                opened = True
            elif inside is not None and depth <= inside:
                inside = None
        elif tok in Punctuation and value == ";" and inside is not None and depth == inside:
            inside = None
        elif inside is not None and (tok in String or (after_eq and opened and tok not in Punctuation
                                                       and tok not in Operator)):
            _cut(cuts, start_line, start_col, line, col)
        after_eq = tok in Operator and value == "="
        prev = value
    return cuts


def _cut(cuts, line: int, col: int, end_line: int, end_col: int) -> None:
    for n in range(line, end_line + 1):
        start, end = col if n == line else 1, end_col if n == end_line else 1 << 30
        got = cuts.setdefault(n, [])
        if got and got[-1][1] == start:  # a string comes as its quote, its text, its quote: one cut
            start = got.pop()[0]
        got.append((start, end))


def masked(diagnostic, text: str):
    """A diagnostic about `text` with every Secret value in its quoted line, and in its message, as `*`s."""
    cuts = secret_cuts(text).get(diagnostic.line or 0) if diagnostic.line_text is not None else None
    if not cuts:
        return diagnostic
    message, line = diagnostic.message, diagnostic.line_text.rstrip("\n")
    for start, end in cuts:
        shown = line[start - 1:min(end, len(line) + 1) - 1]
        for piece in (shown, shown[:27]):  # a message quotes a long string's first 27 characters
            if len(piece) > 2 and piece in message:
                message = message.replace(piece, "*" * len(piece))
    return attrs.evolve(diagnostic, message=message, line_text=mask(diagnostic.line_text, cuts))
