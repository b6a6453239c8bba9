"""The answer of `sim.why` (a Why) and the small words it is written with: lists of names, counts, amounts."""

from __future__ import annotations

import html
from typing import Any

import attrs

from kdsl.core.values import format_duration

MAX_NAMES = 4  # names listed in a sentence before "and N more"


@attrs.frozen
class Why:
    """Why a pod is in the state it is at a moment, in plain words: `state` is Pending, NotReady, Restarting,
    Terminating, Unknown, Running (and Ready), Succeeded or Failed; `facts` are the numbers the sentences quote,
    by name (ms for times, millicores for CPU, bytes for memory), for code that checks them."""

    pod: str  # namespace/name
    state: str
    since_ms: int | None
    at_ms: int
    sentences: tuple[str, ...]
    facts: dict[str, Any] = attrs.field(factory=dict, eq=False, hash=False)

    @property
    def healthy(self) -> bool:
        """Running and Ready, or Succeeded: nothing to explain."""
        return self.state in ("Running", "Succeeded")

    def text(self) -> str:
        return " ".join(self.sentences)

    def __str__(self) -> str:
        return self.text()

    def html(self) -> str:
        """The sentences as one HTML paragraph, marked by state (the notebook's card and the explorer use it)."""
        kind = "ok" if self.healthy else "warn"
        return f'<p class="kdsl-why kdsl-why-{kind}">{html.escape(self.text())}</p>'


class Found:
    """What one explanation gathers as it reads the simulation: the headline's reason, sentences, the
    changes that would help and the numbers quoted."""

    __slots__ = ("reason", "sentences", "fixes", "facts", "fix_lead", "last_fixes")

    def __init__(self) -> None:
        self.reason: str | None = None
        self.sentences: list[str] = []
        self.fixes: list[str] = []
        self.facts: dict[str, Any] = {}
        self.fix_lead = "It would fit with"
        self.last_fixes: list[str] = []  # the bigger changes (another node), said after the small ones

    def head(self, reason: str) -> None:
        self.reason = reason

    def say(self, sentence: str) -> None:
        self.sentences.append(sentence)

    def fix(self, change: str, last: bool = False) -> None:
        into = self.last_fixes if last else self.fixes
        if change not in into:
            into.append(change)

    def fact(self, name: str, value: Any) -> None:
        self.facts[name] = value

    def why(self, obj, state: str, words: str, since_ms: int | None, at_ms: int) -> Why:
        """The Why: `NAME is WORDS since T: REASON.`, the sentences, then `It would ... with A, B, or C.`"""
        since = f" since {format_duration(since_ms)}" if since_ms is not None else ""
        # A reason quoted from Kubernetes may end its own sentence (the kubelet's eviction message ends ". ").
        reason = self.reason.rstrip() if self.reason else ""
        first = f"{obj.name} is {words}{since}" + (f": {reason}" + ("" if reason.endswith(".") else ".") if reason else ".")
        sentences = [first, *self.sentences]
        fixes = self.fixes + [f for f in self.last_fixes if f not in self.fixes]
        if fixes:
            sentences.append(f"{self.fix_lead} {either(fixes)}.")
        return Why(f"{obj.namespace}/{obj.name}", state, since_ms, at_ms, tuple(sentences), dict(self.facts))


def either(words: list[str]) -> str:
    """`a`, `a or b`, `a, b, or c`: alternatives, the last after a comma as the issue's example writes them."""
    if len(words) <= 2:
        return " or ".join(words)
    return ", ".join(words[:-1]) + ", or " + words[-1]


def names(items: list[str], conj: str = "and") -> str:
    """`worker-1`, `worker-1 and worker-2`, `worker-1, worker-2, worker-3, worker-4 and 6 more`."""
    items = list(items)
    if len(items) > MAX_NAMES:
        return ", ".join(items[:MAX_NAMES]) + f" and {len(items) - MAX_NAMES} more"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]


def s_verb(items: list, one: str, many: str) -> str:
    return one if len(items) == 1 else many


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def cpu_text(millicores: int) -> str:
    """CPU in cores as a person says it: 2, 1.5, 0.25 (the issue's `the most free is 1.5`)."""
    whole, rest = divmod(max(millicores, 0), 1000)
    return str(whole) if not rest else f"{whole}.{rest:03d}".rstrip("0")


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
