"""Structure-aware mutators: kdsl text by tokens and values, manifests by fields set to wrong types and extremes."""

from __future__ import annotations

import random
import re

import yaml

from tests.strategies import FUZZ_TOKENS, TRICKY_VALUES

_TOKEN = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\s+|"(?:[^"\\\n]|\\.)*"|[^\s{};#"]+|.', re.S)
_VALUE = re.compile(r'(?<=[=<>~])(?:"(?:[^"\\\n]|\\.)*"|[^\s;{}#"=<>~!]+)')
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:[a-zA-Z%]+)?")
# Values past every bound kdsl holds: int32, int64, quantities, durations, exit codes, sizes.
EXTREMES = ("2147483647", "2147483648", "9223372036854775807", "9223372036854775808", "99999999999999999999999",
            "8Ei", "9Ei", "999999999999Pi", "1e308", "0", "-1", "999999h", "8784h", "0s", "1ms", "256", "65535",
            "65536", "100000", "1000000m", "0.0000001", "1n")
NASTY_YAML = ("!!binary aGVsbG8=", "!!set {a, b}", "&a [*a]", "\x00", "\x1b[31m", "'" + "x" * 300 + "'",
              "[" * 200 + "]" * 200)


def kdsl_text(rng: random.Random, seed: str) -> str:
    """1–4 edits of a scenario: a token deleted, inserted, swapped or doubled, a value or number replaced by a
    tricky or extreme one, a line repeated, blocks nested deep, or the text cut short."""
    text = seed
    for _ in range(rng.randint(1, 4)):
        op = rng.choice(("token", "token", "value", "number", "number", "line", "nest", "cut"))
        if op in ("value", "number"):
            spots = list((_VALUE if op == "value" else _NUMBER).finditer(text))
            if spots:
                m = rng.choice(spots)
                new = rng.choice(TRICKY_VALUES if op == "value" else EXTREMES)
                text = text[:m.start()] + new + text[m.end():]
        elif op == "token":
            pieces = _TOKEN.findall(text) or [""]
            i = rng.randrange(len(pieces))
            how = rng.choice(("delete", "insert", "swap", "double"))
            if how == "delete":
                del pieces[i]
            elif how == "insert":
                pieces.insert(i, rng.choice(FUZZ_TOKENS))
            elif how == "swap":
                j = rng.randrange(len(pieces))
                pieces[i], pieces[j] = pieces[j], pieces[i]
            else:
                pieces.insert(i, pieces[i])
            text = "".join(pieces)
        elif op == "line":
            lines = text.split("\n")
            i = rng.randrange(len(lines))
            lines[i:i] = [lines[i]] * rng.choice((1, 2, 50))
            text = "\n".join(lines)
        elif op == "nest":
            depth = rng.choice((10, 70, 1000))
            text += "\n" + "apply {\n" * depth + "}\n" * depth
        else:
            text = text[:rng.randrange(len(text) + 1)]
    return text


def manifests(rng: random.Random, seed: str) -> str:
    """1–3 edits of a manifest file's documents: a field set to a value of another type or an extreme, a list
    emptied or nested deep, a key dropped; or a raw YAML edit (a tag, an alias loop, a control character)."""
    try:
        docs = [d for d in yaml.safe_load_all(seed) if isinstance(d, dict)]
    except yaml.YAMLError:
        docs = []
    if not docs or rng.random() < 0.15:
        return _raw(rng, seed)
    deep = False
    for _ in range(rng.randint(1, 3)):
        doc = rng.choice(docs)
        path = _paths(doc)
        parent, key = rng.choice(path) if path else (doc, "spec")
        what = rng.choice(("type", "type", "extreme", "drop", "empty") + (() if deep else ("deep",)))
        deep = deep or what == "deep"  # once a mutant: deeper nests inside it would pass PyYAML's own recursion
        if what == "drop" and isinstance(parent, dict):
            parent.pop(key, None)
            continue
        parent[key] = _value(rng, what)
    return yaml.safe_dump_all(docs, sort_keys=False)


def _raw(rng: random.Random, seed: str) -> str:
    """A raw YAML edit of one line: a tag, a recursive alias, a control character, a long or deep value."""
    lines = seed.split("\n")
    i = rng.randrange(len(lines))
    head = lines[i].split(":", 1)[0] if ":" in lines[i] else lines[i]
    lines[i] = head + ": " + rng.choice(NASTY_YAML)
    return "\n".join(lines)


def _value(rng: random.Random, what: str):
    if what == "extreme":
        x = rng.choice(EXTREMES)
        return int(x) if x.lstrip("-").isdigit() else x
    if what == "deep":
        v: object = "x"
        for _ in range(rng.choice((30, 150))):
            v = [v]
        return v
    if what == "empty":
        return rng.choice(([], {}, "", None))
    return rng.choice((7, -1, 2**70, 1.5, True, None, "str", ["a"], {"k": "v"}, [{"k": 1}], "\u0000"[:0] + "é"))


def _paths(doc) -> list[tuple[object, object]]:
    """(container, key) of every field and item, walked without recursion."""
    out, stack = [], [doc]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for k, v in items:
            out.append((node, k))
            if isinstance(v, (dict, list)):
                stack.append(v)
    return out
