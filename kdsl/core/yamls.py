"""YAML as Kubernetes reads it: the core schema's tags only, and go-yaml's limit on aliasing, before anything expands."""

from __future__ import annotations

import yaml

_CORE = "tag:yaml.org,2002:"
# What a Kubernetes object can hold (sigs.k8s.io/yaml turns YAML into JSON): strings, numbers, booleans, null,
# mappings and sequences; `<<` merges and plain timestamps resolve to these too. `!!binary`, `!!set`, `!!omap`,
# `!!pairs` and local tags (`!x`) have no JSON form, so a manifest carrying one is refused, not passed through.
ALLOWED = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "merge", "timestamp"))

# go-yaml's rule (gopkg.in/yaml.v3 decode.go, `allowedAliasRatio`; sigs.k8s.io/yaml and so the API server use it):
# once more than 100 of the nodes decoded came from aliases and more than 1,000 were decoded, at most 99% may come
# from aliases, falling to 10% between 400,000 and 4,000,000 nodes decoded. The counts are taken on the composed
# graph, where an alias is the same node object again, so a "billion laughs" is measured without being expanded.
_LOW, _HIGH = 400_000, 4_000_000


class Refused(yaml.MarkedYAMLError):
    """A YAML document Kubernetes would not take; a MarkedYAMLError, so every reader locates it as it does a
    syntax error."""


def allowed_alias_ratio(decoded: int) -> float:
    if decoded <= _LOW:
        return 0.99
    if decoded >= _HIGH:
        return 0.10
    return 0.99 - 0.89 * (decoded - _LOW) / (_HIGH - _LOW)


def check(root: yaml.Node | None) -> yaml.Node | None:
    """Refuse (Refused) a composed document with a tag outside the core schema, an anchor whose value contains
    itself, or more aliasing than go-yaml allows; return it otherwise. One walk in document order, where the first
    meeting of a node is its definition and every later one an alias; no recursion, nothing expanded."""
    if root is None:
        return None
    _tag(root)
    size: dict[int, tuple[int, int]] = {}  # id(node) -> (nodes decoded, of which from aliases) when decoded
    stack = [[root, iter(_kids(root)), 1, 0]]
    met = {id(root)}
    while stack:
        frame = stack[-1]
        child = next(frame[1], None)
        if child is None:
            stack.pop()
            size[id(frame[0])] = (frame[2], frame[3])
            if stack:
                stack[-1][2] += frame[2]
                stack[-1][3] += frame[3]
            continue
        if id(child) not in met:
            met.add(id(child))
            _tag(child)
            stack.append([child, iter(_kids(child)), 1, 0])
            continue
        if id(child) not in size:  # met, still open: an ancestor
            anchor = getattr(child, "anchor", None)
            raise Refused(None, None, f"anchor '{anchor}' value contains itself" if anchor else
                          "an alias's value contains itself", child.start_mark)
        decoded = size[id(child)][0]
        frame[2] += decoded
        frame[3] += decoded  # every node an alias brings is decoded again
    decoded, aliased = size[id(root)]
    if aliased > 100 and decoded > 1000 and aliased / decoded > allowed_alias_ratio(decoded):
        raise Refused(None, None, "document contains excessive aliasing", root.start_mark)
    return root


def _tag(node) -> None:
    if node.tag not in ALLOWED:
        tag = node.tag.replace(_CORE, "!!")
        raise Refused(None, None, f"the tag {tag} is not allowed: a Kubernetes object holds strings, numbers, "
                                  "booleans, null, mappings and sequences only (the YAML core schema)",
                      node.start_mark)


def _kids(node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return node.value
    return []


def safe_load(text: str):
    """yaml.safe_load, with `check` between composing and constructing."""
    loader = yaml.SafeLoader(text)
    try:
        node = check(loader.get_single_node())
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()
