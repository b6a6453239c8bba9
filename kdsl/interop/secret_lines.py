"""A Secret manifest's values never quoted: the lines of read YAML or JSON with those values as `*`s."""

from __future__ import annotations

import re

import yaml

from kdsl.core.secrets import mask

# The fields of a Secret that are its identity, shown; every other value (data, stringData, annotations, which may
# hold `kubectl apply`'s copy of the whole object, and anything unknown) is masked where a diagnostic quotes it.
_SHOWN = {"apiVersion", "kind", "type", "immutable", "metadata"}
_KIND = re.compile(r"""^\s*(?:"kind"|'kind'|kind)\s*:\s*["']?Secret["']?\s*[,}]?\s*$|"kind"\s*:\s*"Secret\"""",
                   re.MULTILINE)
_SEPARATOR = re.compile(r"^---", re.MULTILINE)


def masked_lines(lines: list[str], nodes: list) -> list[str]:
    """`lines` of a read text with the values of every Secret among the composed `nodes` (a document, or the
    items of a `List`) written as `*`s."""
    cuts: dict[int, list[tuple[int, int]]] = {}
    stack = [n for n in nodes if n is not None]
    while stack:
        node = stack.pop()
        if not isinstance(node, yaml.MappingNode):
            continue
        fields = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        kind = fields.get("kind")
        if isinstance(kind, yaml.ScalarNode) and kind.value == "Secret":
            _cut_values(node, cuts)
        elif isinstance(fields.get("items"), yaml.SequenceNode):
            stack.extend(fields["items"].value)
    if not cuts:
        return lines
    return [mask(text, cuts[i]) if i in cuts else text for i, text in enumerate(lines, 1)]


def _cut_values(secret: yaml.MappingNode, cuts: dict) -> None:
    stack = [(v, isinstance(k, yaml.ScalarNode) and k.value in _SHOWN) for k, v in secret.value]
    while stack:
        node, shown = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if not shown:
                _cut(cuts, node.start_mark, node.end_mark)
        elif isinstance(node, yaml.MappingNode):
            stack += [(v, shown and not (isinstance(k, yaml.ScalarNode) and k.value == "annotations"))
                      for k, v in node.value]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(v, shown) for v in node.value]


def _cut(cuts: dict, start, end) -> None:
    for n in range(start.line, end.line + 1):
        cuts.setdefault(n + 1, []).append((start.column + 1 if n == start.line else 1,
                                           end.column + 1 if n == end.line else 1 << 30))


def guarded(text: str, lines: list[str], line: int | None) -> list[str]:
    """For a text that does not read: `lines` with `line` masked after its key when the document it falls in
    declares `kind: Secret`, since no node tells its values apart."""
    if line is None or not 0 < line <= len(lines) or "Secret" not in text:
        return lines
    starts = [0] + [m.start() for m in _SEPARATOR.finditer(text)] + [len(text) + 1]
    offset = sum(len(x) + 1 for x in lines[:line - 1])
    doc = next(text[a:b] for a, b in zip(starts, starts[1:]) if a <= offset < b) if offset <= len(text) else text
    if not _KIND.search(doc):
        return lines
    quoted = lines[line - 1]
    key = re.match(r"""\s*(?:-\s+)*(?:"[^"]*"|'[^']*'|[^\s:{\[,"']+)\s*:\s*""", quoted)
    start = key.end() + 1 if key else len(quoted) - len(quoted.lstrip()) + 1
    return lines[:line - 1] + [mask(quoted, [(start, len(quoted) + 1)])] + lines[line:]
