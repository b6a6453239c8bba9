"""Workload statements over several lines alike but for their name, label values and images: one object, new words."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import attrs

from kdsl.core.errors import Span
from kdsl.core.evolve import evolve
from kdsl.lang.syntax import Stmt, Word, word_place
from kdsl.model.build.alike_compare import Same
from kdsl.model.build.alike_fit import WIDER, fit_of, pattern_of, readings
from kdsl.model.build.alike_objects import (
    MISSING,
    NotAlike,
    at_path,
    compiled,
    deep,
    diff,
    found,
    nest,
    places_of,
    spans_at,
    word_slots,
    words_at,
)
from kdsl.model.build.context import Ctx
from kdsl.model.build.workloads import build_workload

# Many namespaces of deployments repeat one block that differs in a few words: the name, a label's value
# (`app=web-3`), an image, and the namespace. Those are the "slots" (the namespace a slot of its own); the
# statements of one key (the same text but for the slots' words) are built (build_workload) until two differ, and
# the others are the first one's object with their own words and spans put in (one that differs in a slot the
# examples had all the same is built and learnt from too: Entry.wide). Why that is build_workload's object,
# checked when an entry is made (Entry.learn) and used (made):
# - the statement equals the first node by node but for the slots' texts (_alike), so every other word is the same;
# - the builder reads a slot's text only to copy it into the object whole (and a namespace into the messages), to
#   validate it (a label value, by label_value: the same complaints, none, for the new text), to compare it with
#   other words (no varying slot's text is another word of the statement, nor the namespace, and the slots equal to
#   each other are the same ones: pattern_of), for an image to default the pull policy (the same for the new one:
#   alike_fit.reading) and for the name to read a namespace out of it (it has no `/`);
# - the objects built differ from the first only in strings, each the text of one slot in either (so the copies
#   are found), and in spans, each the span of a node of the statement found again by its place in the tree; any
#   other type than strings, numbers, spans, tuples and attrs classes stops it (alike_objects.diff); each example
#   made again from the first must be it, spans and all (alike_objects.deep);
# - building said nothing (no diagnostic, no secret value), and the names the builders noted (Ctx.name_spans) are
#   at the same places in each; the checks that read the object (checks.py, the precheck) run on it as before.
_NOT_ALIKE = object()
NOT_MINE = object()


def build_words(ctx: Ctx, stmt: Stmt, namespace: str | None, slots=(), builder: Callable | None = None):
    """The statement's object, or NOT_MINE for one left to alike.py (no slots, or no key). `slots` (when given)
    and `builder`: another kind's (alike.py)."""
    slots = word_slots(stmt) if slots == () else slots
    build = builder or build_workload
    if slots is None:
        return NOT_MINE
    paths = tuple(p for p, _ in slots)
    words = words_at(paths)(stmt)
    key = _key(ctx, stmt, namespace, paths, words)
    if key is None:
        return NOT_MINE
    entry = ctx.alike.get(key)
    if type(entry) is Entry:
        made = entry.made(ctx, stmt, namespace, words)
        if made is not WIDER:
            if made is None:
                return build(ctx, stmt, namespace)
            ctx.alike_of[id(made)] = (made, entry)  # for the checks and the precheck: kept, its id stays its own
            return made
    elif entry is _NOT_ALIKE:
        return NOT_MINE
    before = (len(ctx.diagnostics), len(ctx.name_spans), len(ctx.secret_values))
    obj = build(ctx, stmt, namespace)
    said = (len(ctx.diagnostics), len(ctx.secret_values)) != (before[0], before[2])
    added = len(ctx.name_spans) - before[1]  # what it noted (the newest entries of the dict)
    noted = list(itertools.islice(reversed(ctx.name_spans.items()), added))[::-1]
    built = (stmt, obj, said, noted, namespace)
    if entry is None:
        ctx.alike[key] = built
    elif type(entry) is tuple:
        ctx.alike[key] = Entry.learn(entry, (built,), slots, ctx.made) or _NOT_ALIKE
    else:  # a slot that stayed the same so far differs: learn where its text goes, else build such ones
        learnt = Entry.learn(entry.first, entry.examples + (built,), slots, ctx.made)
        ctx.alike[key] = learnt or evolve(entry, wide=False)
    return obj


def _key(ctx: Ctx, stmt: Stmt, namespace: str | None, paths: tuple, words: tuple) -> tuple | None:
    """The statement's lines with each slot's word cut out (None when a slot's word does not stand on one line)."""
    span = stmt.span
    source = ctx.sources.get(span.file)
    if source is None:
        return None
    cuts: dict[int, list[tuple[int, int]]] = {}
    top, end = span.line, stmt.end_line or span.line
    for w in words:
        at = word_place(w)  # (w.span's place: a label value's or an image's span is made when read)
        if at is None or at[0] != at[1] or not top <= at[0] <= end:  # past a head's `\` line break
            return None
        cuts.setdefault(at[0], []).append((at[2], at[3]))
    lines = list(source.lines[top - 1:end])
    if len(lines) != end - top + 1:
        return None
    for n, at in cuts.items():
        line, pieces, last = lines[n - top], [], 0
        for c, e in sorted(at):
            pieces.append(line[last:c - 1])
            last = e - 1
        pieces.append(line[last:])
        lines[n - top] = tuple(pieces)
    first = lines[0]
    lines[0] = first[span.column - 1:] if type(first) is str else (first[0][span.column - 1:], *first[1:])
    return "words", namespace is None, span.file, paths, tuple(lines)


def _texts(stmt: Stmt, slots, namespace: str | None) -> tuple[str, ...]:
    """The namespace the object goes to (a slot of its own, first) and each slot's text."""
    return (namespace or "default", *[at_path(stmt, p).text for p, _ in slots])


def _words(node, out: set, trie: dict) -> None:
    """Every word's text in a syntax node but those at the trie's leaves."""
    for i, x in enumerate(node):
        hole = trie.get(i)
        if hole is True:
            continue
        if type(x) is Word:
            out.add(x.text)
        elif isinstance(x, tuple) and type(x) is not Span:
            _words(x, out, hole or {})


@attrs.frozen(weakref_slot=False)
class Entry:
    first: tuple  # its key's first statement, as build_words built it (stmt, obj, said, noted, namespace)
    examples: tuple  # the others built, likewise
    trie: dict  # the slots' places as a trie of indices (_alike's holes)
    same: Same  # _alike(first statement, b, trie), compiled (alike_compare)
    slots: tuple[tuple[tuple[int, ...], str], ...]
    texts: tuple[str, ...]  # the first statement's (_texts)
    pulls: tuple  # and what the builder makes of them (readings)
    pattern: tuple[int, ...]  # and which are equal (pattern_of)
    varying: frozenset[int]  # texts that differed in an example (others must stay)
    others: frozenset  # the statement's words but the varying slots' (and the namespace unless it varies)
    make: Callable  # the first object with a statement's spans and words (alike_objects.compiled)
    fit: Callable  # fits, compiled (fit_of)
    names: tuple
    spans: Callable  # `names` at a statement's places (alike_objects.spans_at)
    leaves: tuple[tuple, ...]  # the object's paths holding a slot's text (alike_objects.diff)
    unread: bool  # whether the template checks read none of them (_unread)
    wide: bool = True  # may learn from one more example

    def quiet(self, obj, named: bool = True):
        """The key under which a template's checks (checks.py, checks_refs.py) said nothing for an object of this
        entry, so nothing for `obj`, with its namespace (where references are looked up); None if a slot's text lands
        where they read it (`named`: moot here)."""
        return (id(self), obj.namespace) if self.unread else None

    def quiet_all(self, names: list[str], named: bool = True, namespace: str | None = None):
        """The key `quiet` gives each object of this entry in `namespace` (named one of `names`: moot here)."""
        return (id(self), namespace) if self.unread else None

    @classmethod
    def learn(cls, first, examples, slots, made: dict) -> Entry | None:
        """An entry from a key's first statement and others built (each as build_words's `built`), or None when
        one is not the first with its words put in (`made`: Ctx.made)."""
        s1, o1, said1, noted1, ns1 = first
        if o1 is None or said1:
            return None
        trie = _trie(slots)
        t1 = _texts(s1, slots, ns1)
        pulls = readings(slots, t1)
        seen = []
        for s, o, said, _noted, ns in examples:
            if o is None or said or not _alike(s1, s, trie):
                return None
            t = _texts(s, slots, ns)
            if pattern_of(t) != pattern_of(t1) or readings(slots, t) != pulls:
                return None
            seen.append(t)
        varying = frozenset(i for t in seen for i in range(len(t1)) if t[i] != t1[i])
        others: set = {t1[0]} if 0 not in varying else set()
        _words(s1, others, _trie([slots[i - 1] for i in varying if i]))
        if any(t[i] in others for t in (t1, *seen) for i in varying):
            return None
        places: dict[Span, list] = {}
        places_of(s1, (), places)
        flat: dict = {}
        try:
            for (_s, o, *_), t in zip(examples, seen):
                diff(o1, o, (), places, {t1[i]: (i, t[i]) for i in varying if t[i] != t1[i]}, flat)
        except NotAlike:
            return None
        names1 = [(places.get(k), places.get(v)) for k, v in noted1]
        if any(k is None or v is None for k, v in names1):
            return None
        values = tuple(flat.values())
        entry = cls(first=first, examples=tuple(examples), trie=trie, same=Same.of(s1, trie, made), slots=slots,
                    texts=t1, pulls=pulls, pattern=pattern_of(t1), varying=varying,
                    others=frozenset(others),
                    make=compiled(o1, nest(list(enumerate(flat)), 0), values), fit=fit_of(slots, t1, varying),
                    names=tuple((tuple(k), tuple(v)) for k, v in names1),
                    spans=spans_at(tuple((tuple(k), tuple(v)) for k, v in names1)),
                    leaves=tuple(p for p, (what, _at) in flat.items() if what == "word"),
                    unread=all(_unread(p) for p, (what, _at) in flat.items() if what == "word"))
        for (s, o, _said, noted, _ns), t in zip(examples, seen):  # the proof on each example
            if [(found(s, k), found(s, v)) for k, v in entry.names] != noted:
                return None
            again = entry._fill(s, t)
            if again is None or deep(again) != deep(o):
                return None
        return entry

    def made(self, ctx: Ctx, stmt: Stmt, namespace: str | None, words: tuple):
        """This entry's object for an alike statement (`words`: at its slots); None when it is not alike after all,
        WIDER when it is but for a text the examples all had the same."""
        if not self.same(ctx.made, stmt):
            return None
        texts = (namespace or "default", *[w[0] for w in words])  # as _texts
        fit = self.fit(self.pulls, self.others, texts)
        if fit is not True:
            return WIDER if fit is WIDER and self.wide else None
        names = self.spans(stmt, found, MISSING)
        if names is None:
            return None
        made = self._fill(stmt, texts)
        if made is not None:
            for k, v in names:
                ctx.name_spans.setdefault(k, v)
        return made

    def _fill(self, stmt: Stmt, texts: tuple[str, ...]):
        return self.make(stmt, texts, found, MISSING)


# Where a slot's text may land unread by the model's template checks (the object's name and namespace, label
# values, images): a container's name, a volume's, a reference's are read.
def _unread(path: tuple) -> bool:
    return (path in (("name",), ("namespace",)) or (path[0] in ("labels", "selector") and path[-1] == 1)
            or (path[:2] == ("template", "labels") and path[-1] == 1)
            or (len(path) == 4 and path[:2] in (("template", "containers"), ("template", "init_containers"))
                and path[3] == "image"))


def _trie(slots) -> dict:
    trie: dict = {}
    for path, _role in slots:
        node = trie
        for i in path[:-1]:
            node = node.setdefault(i, {})
        node[path[-1]] = True
    return trie


def _alike(a, b, trie: dict) -> bool:
    """Whether two syntax nodes are equal but for the texts of the words at the trie's leaves."""
    if type(a) is not type(b):
        return False
    n = getattr(a, "_n", None)
    if n is None:
        n = len(a)
        if len(b) != n:
            return False
    for i in range(n):
        hole = trie.get(i)
        if hole is None:
            if a[i] != b[i]:
                return False
        elif hole is True:
            x, y = a[i], b[i]
            if type(x) is not Word or type(y) is not Word or x.quoted != y.quoted or x.triple != y.triple:
                return False
        elif not _alike(a[i], b[i], hole):
            return False
    return True


