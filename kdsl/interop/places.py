"""Places in imported manifests: a field path's line and column in its YAML, and errors moved there from kdsl text."""

from __future__ import annotations

import re

import attrs
import yaml

from kdsl.core.errors import Diagnostic
from kdsl.interop.reader import Doc, child
from kdsl.lang.parser import parse_document
from kdsl.model.build import build
from kdsl.model.scenario import ScenarioError

IMPORTED = "<imported>"
# The API server's `Kind "name" is invalid: spec.ports[0].nodePort: Invalid value: ...` names the field
_FIELD = re.compile(r' is invalid: ([A-Za-z0-9_.\[\]/-]+): ')
# ... and a check's warning names it after the object (`pod default/web: spec.nodeName names node "n9", ...`)
_NAMED = re.compile(r'^[^:]+: (spec(?:\.[A-Za-z0-9_]+|\[\d+\])+) ')
_STEP = re.compile(r'([^.\[\]]+)|\[(\d+)\]|\[([^\]]+)\]')


class Places:
    """Document paths to places in the YAML file, through the composed nodes' marks."""

    def __init__(self, doc: Doc):
        self.doc = doc

    def _node(self, path, key: bool):
        node, key_node = self.doc.node, None
        for p in path:
            nxt = child(node, p)
            if nxt is None:
                break
            if isinstance(node, yaml.MappingNode):
                key_node = next(k for k, v in node.value if v is nxt)
            else:
                key_node = None
            node = nxt
        return key_node if key and key_node is not None else node

    def order(self, path) -> tuple:
        node = self._node(path, True)
        return (node.start_mark.line, node.start_mark.column, len(path)) if node is not None else (0, 0, len(path))

    def diagnostic(self, message: str, path, key: bool = False) -> Diagnostic:
        doc = self.doc
        node = self._node(path, key)
        if node is None:
            return Diagnostic("error", message, doc.file, doc.line, 1)
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        width = node.end_mark.column - node.start_mark.column if node.end_mark.line == node.start_mark.line else 1
        text = doc.lines[line - 1] if doc.lines and 0 < line <= len(doc.lines) else None
        return Diagnostic("error", message, doc.file, line, col, max(width, 1), text)


def _field(path) -> str:
    """A field path as the API server writes it: `spec.containers[0].ports[1].containerPort`."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def source_of(obj, doc) -> tuple:
    """(kind, namespace, name) -> the document it was read from."""
    return (obj.kind, getattr(obj, "namespace", None), obj.name), doc


def _path(field: str) -> list:
    return [int(m[2]) if m[2] else (m[1] or m[3]) for m in _STEP.finditer(field)]


def relocated(diagnostics, objects, sources: dict) -> list:
    """The diagnostics with each one about an imported object moved to its manifest's document — at the field the
    message names when the YAML has it — rather than the kdsl text kdsl wrote, which the user never saw; the
    others stay where they are. `objects` are the scenario's, whose spans tell the kdsl text's lines apart."""
    spans = [(o.span, o) for o in objects if o.span is not None]
    out = []
    for d in diagnostics:
        doc = None
        if d.file == IMPORTED and d.line is not None:
            inside = [(s.line, o) for s, o in spans if s.line <= d.line <= s.end_line]
            if inside:
                obj = max(inside, key=lambda pair: pair[0])[1]
                doc = sources.get((obj.kind, getattr(obj, "namespace", None), obj.name))
        if doc is None or doc.node is None:
            out.append(d)
            continue
        field = _FIELD.search(d.message) or _NAMED.search(d.message)
        place = Places(doc).diagnostic(d.message, _path(field[1]) if field else [])
        out.append(attrs.evolve(d, file=place.file, line=place.line, column=place.column, width=place.width,
                                line_text=place.line_text))
    return out


def relocated_error(exc: ScenarioError, text: str, sources: dict) -> ScenarioError:
    """A refusal of the imported text (the API server's, found before the run), told in the manifests' places."""
    try:
        objects = build(parse_document(text, IMPORTED)).objects  # the model alone, without the refused checks
    except ScenarioError:  # the model refused the text itself: no object to tell the lines by
        return exc
    return type(exc)(relocated(exc.diagnostics, objects, sources))
