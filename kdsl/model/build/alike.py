"""Workload statements that say what one built before says but for their name and place: built from its object."""

from __future__ import annotations

import itertools

import attrs

from kdsl.core.errors import Span
from kdsl.core.evolve import evolve
from kdsl.lang.syntax import Attr, Stmt, Word
from kdsl.model.build.alike_places import MISSING, found, name_at, places_of
from kdsl.model.build.alike_words import build_words
from kdsl.model.build.context import Ctx
from kdsl.model.build.workloads import build_workload

# A generated scenario of 150,000 `pod` lines is mostly lines alike but for the name: the first of each is built
# (build_workload), the others are its object with their own name and spans put in. What makes that the object
# build_workload would give, checked when an entry is made (Entry.of):
# - the key is the statement's text without its name, on one line; a hit is then compared node by node (the syntax
#   tree's equality leaves spans out), so the words, attributes and block are the same;
# - the name is a plain word without `/`, so it is the object's name in the same namespace, and the one-container
#   shorthand's container name (pod_template.template); it reaches nothing else once the block says its labels (the
#   default labels `app=NAME`, and the selector and spreads made from them) and there is no `yaml` statement, and the
#   kind is not a cronjob (whose Job is named after it);
# - building it said nothing (no diagnostic, no secret value): only the messages name the object, and the
#   checks that read the name (checks.py, the precheck) run on every object as before;
# - every span the object holds (Object.span and pods.py's span fields: the generic count in Entry.of proves
#   _respan sees them all) is the span of a node of the statement, found again by its place in the tree; and the
#   names the builders noted (Ctx.name_spans) likewise.
_NOT_ALIKE = object()  # a key whose first statement cannot stand for the others: each is built


def build_alike(ctx: Ctx, stmt: Stmt, namespace: str | None):
    key = _key(ctx, stmt, namespace)
    if key is None:  # a statement over several lines: alike_words.py
        return build_words(ctx, stmt, namespace)
    entry = ctx.alike.get(key)
    if type(entry) is tuple:  # the second of its kind: worth an entry (a statement met once costs no more)
        entry = ctx.alike[key] = Entry.of(*entry) or _NOT_ALIKE
    if entry is not None and entry is not _NOT_ALIKE:
        made = entry.made(ctx, stmt)
        if made is not None:
            return made
    before = (len(ctx.diagnostics), len(ctx.name_spans), len(ctx.secret_values))
    obj = build_workload(ctx, stmt, namespace)
    if entry is None:
        said = (len(ctx.diagnostics), len(ctx.secret_values)) != (before[0], before[2])
        added = len(ctx.name_spans) - before[1]  # what it noted (the newest entries of the dict)
        noted = list(itertools.islice(reversed(ctx.name_spans.items()), added))[::-1]
        ctx.alike[key] = (stmt, obj, said, noted)
    return obj


def _key(ctx: Ctx, stmt: Stmt, namespace: str | None) -> tuple | None:
    """The statement's line on either side of its name (None when it spans lines or has no plain name)."""
    span = stmt.span
    if span is None or span.line != span.end_line or stmt.end_line not in (None, span.line):
        return None
    i = name_at(stmt)
    if i is None:
        return None
    source = ctx.sources.get(span.file)
    line = source.line(span.line) if source is not None else None
    name = stmt.head[i].span
    if line is None or name is None or name.line != span.line:
        return None
    return namespace, span.file, line[span.column - 1:name.column - 1], line[name.end_column - 1:]  # and its block


@attrs.frozen
class Entry:
    stmt: Stmt
    at: int  # where the name stands in the head
    obj: object
    shorthand: bool  # the first container is the head's one-container shorthand, named after the object
    spans: tuple[tuple[tuple[int, ...], ...], ...]  # _respan's spans in its order, each as its places in `stmt`
    names: tuple[tuple[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]], ...]  # Ctx.name_spans noted

    @classmethod
    def of(cls, stmt: Stmt, obj, said: bool, noted: list) -> Entry | None:
        """An entry from the first statement of its kind: `said` whether building it said anything, `noted` the
        Ctx.name_spans it added."""
        if obj is None or said or stmt.head[0].text == "cronjob" or not hasattr(obj, "template"):
            return None
        block = stmt.block or ()
        if any(s.kind == "yaml" for s in block) or not any(
                s.kind == "labels" and any(type(p) is Attr for p in s.head) for s in block):
            return None
        at = name_at(stmt)
        name = stmt.head[at].text
        places: dict[Span, list[tuple[int, ...]]] = {}
        places_of(stmt, (), places)
        seen: list[Span] = []
        _respan(obj, _collect(seen), None)
        if len(seen) != _count_spans(obj) or any(s not in places for s in seen):
            return None
        containers = obj.template.containers
        shorthand = bool(containers) and containers[0].span is stmt.span
        if shorthand and containers[0].name != name:
            return None
        if any(c.span is stmt.span for c in containers[shorthand:] + obj.template.init_containers):
            return None
        if any(k not in places or v not in places for k, v in noted):
            return None
        return cls(stmt=stmt, at=at, obj=obj, shorthand=shorthand,
                   spans=tuple(tuple(places[s]) for s in seen),
                   names=tuple((tuple(places[k]), tuple(places[v])) for k, v in noted))

    def made(self, ctx: Ctx, stmt: Stmt):
        """This entry's object for an alike statement, or None when the statement is not alike after all."""
        old, at = self.stmt, self.at
        word = stmt.head[at] if len(stmt.head) > at else None
        if (type(word) is not Word or word.quoted or word.triple != old.head[at].triple or "/" in word.text
                or stmt.kind != old.kind or stmt.block != old.block or stmt.head[:at] != old.head[:at]
                or stmt.head[at + 1:] != old.head[at + 1:]):
            return None
        spans = [found(stmt, places) for places in self.spans]
        names = [(found(stmt, k), found(stmt, v)) for k, v in self.names]
        if any(s is MISSING for s in spans) or any(k is MISSING or v is MISSING for k, v in names):
            return None
        for k, v in names:
            ctx.name_spans.setdefault(k, v)
        following = iter(spans).__next__
        return _respan(self.obj, lambda _old: following(), word.text if self.shorthand else None, word.text)


def _collect(seen: list):
    def step(span):
        seen.append(span)
        return span
    return step


def _count_spans(x) -> int:
    """How many spans an object holds, wherever they are (the check that _respan misses none)."""
    if isinstance(x, Span):
        return 1
    if isinstance(x, tuple):
        return sum(_count_spans(y) for y in x)
    fields = _FIELDS.get(type(x))
    if fields is None:
        fields = _FIELDS[type(x)] = tuple(f.name for f in attrs.fields(type(x))) if attrs.has(type(x)) else ()
    return sum(_count_spans(getattr(x, f)) for f in fields)


_FIELDS: dict[type, tuple[str, ...]] = {str: (), int: (), bool: (), type(None): ()}


def _respan(obj, span, shorthand_name: str | None, name: str | None = None):
    """`obj` with each span replaced by `span(old)` (in a fixed order; None stays None), renamed to `name` and its
    shorthand container to `shorthand_name` when given. What holds no span is shared, not copied."""
    tpl = obj.template
    changes: dict = {"containers": tuple([_container(c, span, shorthand_name if i == 0 else None)
                                          for i, c in enumerate(tpl.containers)])}
    if tpl.init_containers:
        changes["init_containers"] = tuple([_container(c, span, None) for c in tpl.init_containers])
    if tpl.volumes:
        changes["volumes"] = _spanned(tpl.volumes, span)
    top = {"template": evolve(tpl, **changes)}
    if obj.span is not None:
        top["span"] = span(obj.span)
    if name is not None:
        top["name"] = name
    return evolve(obj, **top)


def _spanned(records: tuple, span) -> tuple:
    return tuple([x if x.span is None else evolve(x, span=span(x.span)) for x in records])


def _container(c, span, name: str | None):
    changes = {}
    for f in ("env", "env_from", "mounts", "probes"):
        records = getattr(c, f)
        if records:
            changes[f] = _spanned(records, span)
    if c.span is not None:
        changes["span"] = span(c.span)
    if name is not None:
        changes["name"] = name
    return evolve(c, **changes)
