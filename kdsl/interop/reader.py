"""Reads Kubernetes manifests (multi-document YAML, JSON, `List` kinds) with the place of every document."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import yaml

from kdsl.core import limits
from kdsl.core.errors import Diagnostic, KdslError
from kdsl.core.yamls import check
from kdsl.interop.secret_lines import guarded, masked_lines

SUFFIXES = (".yaml", ".yml", ".json")
# Manifests nest some 20 levels (a CRD's schema a few more); the readers and the schema validation recurse
# once a level or more, so a document past this is refused before anything walks it (docs/security.md).
MAX_DEPTH = 100


@attrs.frozen
class Doc:
    """One object as read: its file, its document number (1-based) and, inside a `List`, its item number."""

    file: str
    index: int
    line: int
    data: dict
    item: int | None = None
    # the composed YAML node (marks for located validation errors) and the file's lines, when read from text
    node: yaml.Node | None = attrs.field(default=None, eq=False, repr=False)
    lines: list[str] | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def where(self) -> str:
        item = f", item {self.item}" if self.item is not None else ""
        return f"{self.file}:{self.line} (document {self.index}{item})"


def expand(paths) -> list[Path]:
    """Files as given; a directory stands for its YAML and JSON files, recursively, in name order."""
    out: list[Path] = []
    for p in map(Path, paths):
        try:
            folder = p.is_dir()
        except OSError:  # a name too long for the file system: read_paths says it cannot read it
            folder = False
        if folder:
            out.extend(sorted(f for f in p.rglob("*") if f.suffix in SUFFIXES and f.is_file()))
        else:
            out.append(p)
    return out


def read_paths(paths) -> list[Doc]:
    """Every object of every file; a file that cannot be read or parsed is a located KdslError."""
    docs: list[Doc] = []
    problems: list[Diagnostic] = []
    for path in expand(paths):
        try:
            text = limits.read_text(path)
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Diagnostic("error", f"cannot read manifests: {getattr(exc, 'strerror', None) or exc}",
                                       str(path)))
            continue
        try:
            docs.extend(read_text(text, str(path)))
        except KdslError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise KdslError(problems)
    return docs


def read_text(text: str, name: str = "<manifests>") -> list[Doc]:
    """The objects of one text: YAML documents (JSON is YAML too) or a JSON file."""
    lines = text.splitlines()
    if name.endswith(".json"):
        try:
            data = [json.loads(text)]
        except json.JSONDecodeError as exc:
            raise KdslError([_located(f"not valid JSON: {exc.msg}", name, guarded(text, lines, exc.lineno),
                                      exc.lineno, exc.colno)]) from None
        except RecursionError:
            raise KdslError([Diagnostic("error", f"not read: it nests deeper than {MAX_DEPTH} levels", name)]) from None
        try:  # JSON is YAML (almost always): its nodes place validation errors
            nodes = [yaml.compose(text, Loader=yaml.SafeLoader)]
        except (yaml.YAMLError, RecursionError):
            nodes = [None]
        deep = _too_deep(nodes[0]) if nodes[0] is not None else None
        if deep is not None or (nodes[0] is None and _json_depth(data[0]) > MAX_DEPTH):
            line, col = (deep.start_mark.line + 1, deep.start_mark.column + 1) if deep is not None else (None, None)
            raise KdslError([_located(f"not read: it nests deeper than {MAX_DEPTH} levels", name,
                                      guarded(text, lines, line), line, col)])
        return _objects(data, [1], name, masked_lines(lines, nodes), nodes)
    try:
        loader = yaml.SafeLoader(text)  # its reader refuses a NUL or another control character here
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise KdslError([_located(f"not valid YAML: character #x{exc.character:04x} is not allowed (YAML takes "
                                  "printable characters only)", name, guarded(text, lines, line), line, col)]) from None
    datas, starts, nodes = [], [], []
    try:
        while loader.check_node():
            node = check(loader.get_node())  # tags outside the core schema, alias bombs: before anything expands
            deep = _too_deep(node)
            if deep is not None:
                line = deep.start_mark.line + 1
                raise KdslError([_located(f"not read: it nests deeper than {MAX_DEPTH} levels", name,
                                          guarded(text, lines, line), line, deep.start_mark.column + 1)])
            starts.append(node.start_mark.line + 1)
            nodes.append(node)
            datas.append(loader.construct_document(node))
    except RecursionError:  # PyYAML composes recursively: far past any manifest's depth
        raise KdslError([Diagnostic("error", f"not read: it nests deeper than {MAX_DEPTH} levels", name)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "not valid YAML"
        context = f" ({exc.context})" if exc.context else ""
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise KdslError([_located(f"not valid YAML: {problem}{context}", name, guarded(text, lines, line), line,
                                  col)]) from None
    except yaml.YAMLError as exc:
        raise KdslError([Diagnostic("error", f"not valid YAML: {exc}", name)]) from None
    finally:
        loader.dispose()
    return _objects(datas, starts, name, masked_lines(lines, nodes), nodes)


def _too_deep(root):
    """The first node deeper than MAX_DEPTH, found without recursion (None when there is none)."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return node
        if isinstance(node, yaml.SequenceNode):
            stack.extend((n, depth + 1) for n in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((v, depth + 1) for _, v in node.value)
    return None


def _json_depth(data) -> int:
    """How deep a decoded JSON value nests, counted without recursion."""
    most, stack = 0, [(data, 1)]
    while stack:
        x, depth = stack.pop()
        most = max(most, depth)
        if isinstance(x, dict):
            stack.extend((v, depth + 1) for v in x.values())
        elif isinstance(x, list):
            stack.extend((v, depth + 1) for v in x)
    return most


def _located(message: str, name: str, lines: list[str], line: int | None, col: int | None) -> Diagnostic:
    text = lines[line - 1] if line is not None and 0 < line <= len(lines) else None
    return Diagnostic("error", message, name, line, col, 1, text)


def child(node, key):
    """The node of `key` in a mapping node, or of item `key` in a sequence node (None when there is none)."""
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key]
    return None


def _objects(datas: list, starts: list[int], name: str, lines: list[str], nodes: list) -> list[Doc]:
    out, problems = [], []
    for i, (data, line, node) in enumerate(zip(datas, starts, nodes), 1):
        if data is None:  # an empty document (`---` at the end, a comment-only part)
            continue
        if not isinstance(data, dict):
            problems.append(_located(f"document {i} is not a Kubernetes object (a mapping with apiVersion and "
                                     f"kind), but a {type(data).__name__}", name, lines, line, 1))
            continue
        kind = data.get("kind")
        if isinstance(kind, str) and kind.endswith("List") and isinstance(data.get("items"), list):
            for j, item in enumerate(data["items"], 1):
                if isinstance(item, dict):
                    out.append(Doc(name, i, line, item, j, child(child(node, "items"), j - 1), lines))
                else:
                    problems.append(_located(f"item {j} of document {i} is not a Kubernetes object", name, lines,
                                             line, 1))
            continue
        missing = [k for k in ("apiVersion", "kind") if not isinstance(data.get(k), str)]
        meta = data.get("metadata")
        if not isinstance(meta, dict) or not isinstance(meta.get("name"), str):
            missing.append("metadata.name")
        if missing:
            problems.append(_located(f"document {i} has no {', '.join(missing)}", name, lines, line, 1))
            continue
        out.append(Doc(name, i, line, data, node=node, lines=lines))
    if problems:
        raise KdslError(problems)
    return out
