"""The pieces of generated kdsl text: words quoted as `kdsl fmt` quotes them, blocks, metadata, selectors."""

from __future__ import annotations

from kdsl.lang.fmt import bare, quote, text_word
from kdsl.core.values import format_bytes, format_millicores


KEYWORDS = {"labels", "annotations", "yaml"}


def word(text: str) -> str:
    """A value as a bare word when it reads back as one, else a string (`kdsl fmt`'s rule)."""
    return text_word(text)


def triple(text: str, indent: str) -> str:
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    lines = [(indent + "  " + line) if line.strip() else "" for line in body.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return '"""\n' + "\n".join(lines) + "\n" + indent + '"""'


def pairs(items) -> str:
    return " ".join(f"{word(k)}={word(v) if v else quote('')}" for k, v in items)


def cpu(m: int) -> str:
    return format_millicores(m)


class Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def line(self, depth: int, text: str) -> None:
        self.lines.append("  " * depth + text)

    def block(self, depth: int, head: str, body: list[tuple[int, str]] | None) -> None:
        """`head { ... }` when the body has lines, else `head`."""
        if not body:
            self.line(depth, head)
            return
        self.line(depth, head + " {")
        for d, text in body:
            self.line(depth + 1 + d, text)
        self.line(depth, "}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def meta(obj, depth: int, with_yaml: bool = True, labels: bool = True) -> list[tuple[int, str]]:
    out = []
    if labels and obj.labels:
        out.append((0, "labels " + pairs(obj.labels)))
    if obj.annotations:
        out.append((0, "annotations " + pairs(obj.annotations)))
    if with_yaml and obj.yaml:
        out.append((0, "yaml " + triple(obj.yaml, "  " * (depth + 1))))
    return out


def yaml_lines(text: str | None, depth: int) -> list[tuple[int, str]]:
    return [(0, "yaml " + triple(text, "  " * (depth + 1)))] if text else []


def resources_line(kind: str, r) -> str | None:
    items = [f"{k}={cpu(v) if k == 'cpu' else format_bytes(v)}" for k, v in r.items()]
    return f"{kind} " + " ".join(items) if items else None


def requirement(r) -> str:
    if r.operator == "In":
        return f"{word(r.key)} in ({','.join(word(x) for x in r.values)})"
    if r.operator == "NotIn":
        return f"{word(r.key)} notin ({','.join(word(x) for x in r.values)})"
    if r.operator in ("Gt", "Lt"):  # a node requirement only
        return f"{word(r.key)}{'>' if r.operator == 'Gt' else '<'}{word(r.values[0])}"
    return f"{word(r.key)} exists" if r.operator == "Exists" else f"!{word(r.key)}"


def selector(sel) -> str:
    return " ".join([pairs(sel.match_labels)] * bool(sel.match_labels) + [requirement(r) for r in sel.expressions])


def pod_term(t) -> str:
    out = f"{selector(t.selector)} topology={word(t.topology_key)}".lstrip()
    return out + (f" namespaces={','.join(word(n) for n in t.namespaces)}" if t.namespaces else "")


def name_word(name: str) -> str:
    """An object's name where the grammar wants a WORD: bare, as `word` writes it, or with the leading `-` that
    WORD reads and that only an RBAC name can have (path.IsValidPathSegmentName: `-web` is a valid Role)."""
    return name if name[:1] == "-" and bare("x" + name[1:]) else word(name)


def ref_name(obj, ns: str | None) -> str:
    if not obj.namespaced or obj.namespace == ns:
        return name_word(obj.name)
    return f"{word(obj.namespace)}/{name_word(obj.name)}"
