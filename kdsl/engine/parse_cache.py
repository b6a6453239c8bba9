"""The last few scenarios parsed, so that a notebook or a sweep that parses the same text again skips the work."""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from pathlib import Path

SIZE = 8  # a notebook's few scenarios, a sweep's one
# A Scenario costs memory in proportion to its text: beyond this many characters in all, the oldest go even
# before there are SIZE (the newest always stays), so a 150,000-pod scenario does not outlive its use by much.
CHARS = 32_000_000
_entries: OrderedDict = OrderedDict()  # key → (Scenario, ((include path, its text's digest), ...), characters)


def key(text: str, filename: str | None, overrides: dict) -> tuple:
    """What a parse depends on besides the included files: the text, its name (messages and includes are
    relative to it), the working directory (includes of a nameless text, and how file names are shown) and the
    params given. The text is kept as its digest: a large scenario's text need not be held twice."""
    params = tuple(sorted((name, repr(word)) for name, word in overrides.items()))
    return _digest(text), filename, os.getcwd(), params


def get(k: tuple):
    """The cached Scenario if every file it included still reads as it did, else None (and it is dropped)."""
    entry = _entries.get(k)
    if entry is None:
        return None
    scenario, includes, _ = entry
    for path, digest in includes:
        try:
            same = _digest(Path(path).read_text(encoding="utf-8")) == digest
        except (OSError, UnicodeDecodeError):
            same = False
        if not same:
            del _entries[k]
            return None
    _entries.move_to_end(k)
    return scenario


def put(k: tuple, scenario) -> None:
    """Keeps a successful parse, with the text of every file it included (the first source is the text itself)."""
    includes = tuple((os.path.abspath(s.name), _digest(s.text)) for s in scenario.source_files[1:])
    _entries[k] = (scenario, includes, sum(len(s.text) for s in scenario.source_files))
    _entries.move_to_end(k)
    while len(_entries) > SIZE or (len(_entries) > 1 and sum(e[2] for e in _entries.values()) > CHARS):
        _entries.popitem(last=False)


def clear() -> None:
    """Forgets every cached parse (a benchmark that times parsing itself calls this)."""
    _entries.clear()


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest()
