"""The one redaction path for Secret values: every repr, str, dump, display and quoted line goes through it."""

from __future__ import annotations

from collections.abc import Iterable

import yaml

REDACTED = "<redacted>"

# A Secret's fields that hold (or may hold) its values: `data`, `string_data`, and its `yaml` block, which may
# carry `stringData`, binary `data` or anything else a manifest held.
SECRET_FIELDS = ("data", "string_data", "yaml")


def redact_pairs(pairs: Iterable[tuple[str, object]]) -> tuple[tuple[str, str], ...]:
    """Key/value pairs with every value `<redacted>`: the keys are a Secret's shape, never its content."""
    return tuple((k, REDACTED) for k, _ in pairs)


def redact_yaml(text: str | None) -> str | None:
    """A `yaml` block with its mapping keys kept and every value `<redacted>`, as one line of flow YAML.

    Composed, never constructed: an alias is walked once, so a small block that expands to a huge document costs
    no more than its text. Anything that is not a mapping (or not YAML at all) is `<redacted>` whole."""
    if text is None:
        return None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except Exception:  # noqa: BLE001 - whatever stops the reader, the value stays hidden
        return REDACTED
    if node is None:
        return text if not text.strip() else "{}"
    if not isinstance(node, yaml.MappingNode):
        return REDACTED
    try:
        return _shape(node, set(), 0)
    except RecursionError:
        return REDACTED


def _shape(node, seen: set[int], depth: int) -> str:
    if isinstance(node, yaml.MappingNode) and id(node) not in seen and depth < 50:
        seen.add(id(node))
        keys = [(k.value if isinstance(k, yaml.ScalarNode) else REDACTED, v) for k, v in node.value]
        return "{" + ", ".join(f"{k}: {_shape(v, seen, depth + 1)}" for k, v in keys) + "}"
    if isinstance(node, yaml.SequenceNode) and id(node) not in seen and depth < 50:
        seen.add(id(node))
        return "[" + ", ".join(_shape(v, seen, depth + 1) for v in node.value) + "]"
    return REDACTED


def redact_field(name: str, value):
    """A Secret's field as it may be shown: `data` and `string_data` with their values `<redacted>`, the `yaml`
    block by `redact_yaml`, any other field (name, type, labels) as it is."""
    if name in ("data", "string_data"):
        return redact_pairs(value)
    if name == "yaml":
        return redact_yaml(value)
    return value


def mask(text: str, cuts: Iterable[tuple[int, int]]) -> str:
    """A quoted source line with the columns [start, end) of each cut (1-based) written as `*`s, one for each
    character, so a caret under the line still points where it did."""
    body = text.rstrip("\n")
    for start, end in cuts:
        end = min(end, len(body) + 1)
        if end > start:
            body = body[:start - 1] + "*" * (end - start) + body[end - 1:]
    return body + text[len(text.rstrip("\n")):]
