"""Text to syntax: the kdsl grammar, its parser, values, located errors and the formatter."""

from kdsl.lang.errors import Diagnostic, KdslError, KdslSyntaxError
from kdsl.lang.parser import parse_document
from kdsl.lang.syntax import Document, Span, Stmt

__all__ = ["Diagnostic", "Document", "KdslError", "KdslSyntaxError", "Span", "Stmt", "parse_document"]
