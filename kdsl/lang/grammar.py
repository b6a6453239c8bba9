"""Loads the one kdsl grammar shipped inside the package and builds its LALR parser once."""

from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path

import lark


def grammar_text() -> str:
    """The grammar from the installed package, or from the source tree in a checkout."""
    packaged = importlib.resources.files("kdsl") / "grammar" / "kdsl.lark"
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[2] / "grammar" / "kdsl.lark").read_text(encoding="utf-8")


@functools.cache
def keyword_terminals() -> dict[str, str]:
    """Terminal name → the keyword or punctuation it stands for (`DEPLOYMENT` → `deployment`)."""
    parser = build_parser(None, {})
    return {t.name: t.pattern.value for t in parser.terminals if t.pattern.type == "str"}


def build_parser(transformer, callbacks, lexer=None) -> lark.Lark:
    """The LALR parser; `lexer` is kdsl's fast lexer (None: Lark's own, for the table of terminals)."""
    return lark.Lark(
        grammar_text(),
        parser="lalr",
        lexer=lexer or "contextual",
        keep_all_tokens=True,
        maybe_placeholders=False,
        transformer=transformer,
        lexer_callbacks=callbacks,
    )
