"""A Pygments lexer for kdsl whose keyword list is read from the grammar, so it never drifts."""

from __future__ import annotations

import re

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text

from kdsl.lang.grammar import keyword_terminals

# One character of a bare word, as the grammar's WORD terminal has it (`-` unless it starts `->`,
# `:` only when more of the word follows), and the test that a word ends here.
_WORD_CHAR = r'(?:[^\s=;{}#"(),<>!~:\-]|-(?!>)|:(?=[^\s;{}#,()]))'
_WORD = _WORD_CHAR + "+"
_END = f"(?!{_WORD_CHAR})"
_CMP = r"(?:!=|>=|<=|=|>|<|~)"


def keywords() -> tuple[str, ...]:
    """Every keyword of the grammar: its literal terminals that start with a letter."""
    return tuple(sorted({v for v in keyword_terminals().values() if v[:1].isalpha()}))


# Numbers, quantities (`250m`, `10Gi`, `1.5`), durations (`500ms`, `1m30s`) and percentages.
_AMOUNT = r"\d+(?:\.\d+)?"
_NUMBER = (rf"-?{_AMOUNT}(?:%|(?:ms|us|ns|[smhd])(?:{_AMOUNT}(?:ms|us|ns|[smhd]))*"
           rf"|[KMGTPE]i?|[kmun])?{_END}")


class KdslLexer(RegexLexer):
    """Highlights kdsl scenarios: keywords, `key=` attributes, values, strings and comments."""

    name = "kdsl"
    aliases = ["kdsl"]
    filenames = ["*.kdsl"]
    mimetypes = ["text/x-kdsl"]

    tokens = {
        "root": [
            (r"[ \t\f\r\n]+", Text.Whitespace),
            (r"\\\r?\n", Text.Whitespace),
            (r"#[^\n]*", Comment.Single),
            (r'"""', String.Double, "triple"),
            (r'"', String.Double, "string"),
            # `key=value`, `count>=1`, `message~"text"`; `key = value` spaced, as in configmaps.
            (f"({_WORD})(?={_CMP})", Name.Attribute),
            (f"({_WORD})([ \\t]+)(?={_CMP}[ \\t])", bygroups(Name.Attribute, Text.Whitespace)),
            (words(keywords(), suffix=_END), Keyword),
            (_NUMBER, Number),
            (_WORD, Name),
            (r"->|!=|>=|<=|[=~:<>!]", Operator),
            (r"[{}();,]", Punctuation),
        ],
        "string": [
            (r"\\.", String.Escape),
            (r'[^"\\\n]+', String.Double),
            (r'"', String.Double, "#pop"),
        ],
        "triple": [
            (r"\\(?:.|\n)", String.Escape),
            (r'"""', String.Double, "#pop"),
            (r'[^"\\]+|"', String.Double),
        ],
    }

    flags = re.MULTILINE


__all__ = ["KdslLexer", "keywords"]
