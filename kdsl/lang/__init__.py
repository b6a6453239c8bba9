"""Text to syntax: the kdsl grammar, its parser, the syntax tree and the formatter."""

from kdsl.lang.parser import parse_document
from kdsl.lang.syntax import Document, Stmt

__all__ = ["Document", "Stmt", "parse_document"]
