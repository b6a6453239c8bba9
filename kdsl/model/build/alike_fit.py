"""Whether an alike statement's slot texts fit its entry's object: the plain reading and one compiled an entry."""

from __future__ import annotations

import functools
from collections.abc import Callable

from kdsl.model.build.alike_objects import _function
from kdsl.model.names import label_value
from kdsl.model.pods import _tag

WIDER = object()  # the texts fit but for one the examples all had the same (alike_words.Entry.made)


@functools.lru_cache(maxsize=4096)  # label values come back in every namespace
def reading(role: str, text: str):
    """What the builder makes of a slot's text but a copy: a label value's complaints, an image's pull policy."""
    if role == "label":
        return tuple(label_value(text))
    if role == "image":
        return _tag(text) in (None, "latest")
    return "/" in text  # the name (a namespace has none: it is the enclosing block's)


def readings(slots, texts: tuple[str, ...]) -> tuple:
    return tuple(reading(r, t) for (_p, r), t in zip(slots, texts[1:]))


def pattern_of(texts: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(texts.index(t) for t in texts)


def fits(texts: tuple[str, ...], slots, old: tuple[str, ...], pulls: tuple, pattern: tuple[int, ...], varying,
         others) -> object:
    """Whether a statement's texts (_texts) may take an entry's object (whose first statement's texts are `old`):
    True, None when they may not (a varying text that is another word of the statement, other texts equal, or
    another reading by the builder: readings), WIDER when they may but for a text the examples all had the same.
    The plain path: Entry.fit (fit_of) says the same in fewer steps."""
    if any(texts[i] in others for i in varying) or pattern_of(texts) != pattern or readings(slots, texts) != pulls:
        return None
    if any(texts[i] != old[i] for i in range(len(texts)) if i not in varying):
        return WIDER
    return True


def fit_of(slots, old: tuple[str, ...], varying) -> Callable:
    """`fit(pulls, others, texts)`: fits(texts, slots, old, pulls, pattern_of(old), varying, others) as one compiled
    expression an entry. The pattern is read as its equalities (texts[i] == texts[pattern[i]]) and the distinctness
    of the texts first met (those are the first index of each text); a builder's reading (reading) is asked of the
    varying texts, and of another text only where it differs from the first's (a reading is the text's alone)."""
    pattern = pattern_of(old)
    reps = [i for i in range(len(old)) if pattern[i] == i]
    conds = [f"t[{i}] not in others" for i in sorted(varying)]
    conds += [f"t[{i}] == t[{j}]" for i, j in enumerate(pattern) if j != i]
    if len(reps) > 1:
        conds.append(f"len({{{', '.join(f't[{i}]' for i in reps)}}}) == {len(reps)}")
    role = {i + 1: r for i, (_p, r) in enumerate(slots)}
    conds += [f"pull({role[i]!r}, t[{i}]) == pulls[{i - 1}]" for i in sorted(varying) if i]
    fixed = [i for i in range(len(old)) if i not in varying]
    lines = ["def fit(pulls, others, t):", f"    if not ({' and '.join(conds) or 'True'}):", "        return None"]
    if fixed:
        lines.append(f"    if {' and '.join(f't[{i}] == old[{i}]' for i in fixed)}:")
        lines.append("        return True")
        for i in fixed:  # one differs: WIDER, unless a reading differs (as the plain path's readings check)
            if i:
                lines.append(f"    if t[{i}] != old[{i}] and pull({role[i]!r}, t[{i}]) != pulls[{i - 1}]:")
                lines.append("        return None")
        lines.append("    return WIDER")
    else:
        lines.append("    return True")
    return _function("\n".join(lines) + "\n", {"old": old, "pull": reading, "WIDER": WIDER}, "fit")

