"""Statements that say what one built before says but for their name and place, or a Service's words: built from it."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import attrs

from kdsl.lang.syntax import Attr, Kw, Stmt
from kdsl.model.build.alike_compare import Same
from kdsl.model.build.alike_objects import (
    MISSING,
    NotAlike,
    compiled,
    found,
    name_at,
    nested,
    one_word,
    places_by_id,
    places_made,
    spans_in,
)
from kdsl.model.build.alike_words import NOT_MINE, build_words
from kdsl.model.build.context import Ctx
from kdsl.model.build.objects import build_service
from kdsl.model.build.workloads import build_workload
from kdsl.model.names import all_pass, dns1123_label

# A generated scenario of 150,000 `pod` lines is mostly lines alike but for the name: the first of each is built
# (build_workload), the others are its object with their own name and spans put in. What makes that the object
# build_workload would give, checked when an entry is made (Entry.of):
# - the key is the statement's text without its name, on one line; a hit is then compared node by node (the syntax
#   tree's equality leaves spans out: Entry.same), so the words, attributes and block are the same;
# - the name is a plain word without `/`, so it is the object's name in the same namespace, and the one-container
#   shorthand's container name (pod_template.template); it reaches nothing else once the block says its labels (the
#   default labels `app=NAME`, and the selector and spreads made from them) and there is no `yaml` statement, and the
#   kind is not a cronjob (whose Job is named after it);
# - building it said nothing (no diagnostic, no secret value): only the messages name the object; the checks
#   (checks.py, the precheck) are handed the objects of each entry (Ctx.alike_of) and check once what does not
#   read the name;
# - every span the object holds (alike_objects.diff walks every field, and a type it does not know stops the entry)
#   is the span of a node of the statement, found again by its place in the tree (Entry.make puts each in); and the
#   names the builders noted (Ctx.name_spans) likewise.
_NOT_ALIKE = object()  # a key whose first statement cannot stand for the others: each is built


def build_alike(ctx: Ctx, stmt: Stmt, namespace: str | None):
    span = stmt.span
    if span is not None and stmt.end_line not in (None, span.line):  # over several lines: alike_words.py's (word_slots)
        obj = build_words(ctx, stmt, namespace)  # alike but for more words than the name
        if obj is not NOT_MINE:
            return obj
    key = _key(ctx, stmt, namespace)
    if key is None:
        return build_workload(ctx, stmt, namespace)
    entry = ctx.alike.get(key)
    if type(entry) is tuple:  # the second of its kind: worth an entry (a statement met once costs no more)
        entry = ctx.alike[key] = Entry.of(*entry, ctx.made, ctx.templated) or _NOT_ALIKE
        if entry is not _NOT_ALIKE:
            ctx.alike_of[id(entry.obj)] = (entry.obj, entry)
    if entry is not None and entry is not _NOT_ALIKE:
        made = entry.made(ctx, stmt)
        if made is not None:
            ctx.alike_of[id(made)] = (made, entry)  # the object is kept: its id stays its own
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


@attrs.frozen(weakref_slot=False)
class Entry:
    stmt: Stmt
    at: int  # where the name stands in the head
    obj: object
    same: Same  # whether a statement equals `stmt` but for the name's text (alike_compare)
    # `obj` with a statement's spans and name put in, noting the Ctx.name_spans its builders noted at the statement's
    # places (alike_objects.compiled with `noted`)
    make: Callable
    shorthand: bool  # the first container is named after the object (`pod NAME image=...`)
    others: frozenset[str]  # the names of the containers not named after the object

    def name_fits(self, name: str) -> bool:
        """Whether an object of this entry named `name` names its containers as well as every other one does
        (the checks of a container's name and of duplicates then say of it what they say of any other): without the
        shorthand its containers are the same, with it the first is `name`, a DNS-1123 label no other has."""
        return not self.shorthand or (not dns1123_label(name) and name not in self.others)

    def quiet(self, obj, named: bool = True):
        """The key under which the model's checks of a template (checks.py, checks_refs.py) said nothing for one
        object of this entry, and so say nothing for `obj` (None when its name does not fit, for checks that read
        the containers' names: `named`)."""
        return id(self) if not named or self.name_fits(obj.name) else None

    def quiet_all(self, names: list[str], named: bool = True, namespace: str | None = None):
        """The key `quiet` gives each object of this entry named one of `names`, or None when one would get None
        (their names checked at once: names.all_pass)."""
        fit = not named or not self.shorthand or (all_pass(dns1123_label, names) and self.others.isdisjoint(names))
        return id(self) if fit else None

    @classmethod
    def of(cls, stmt: Stmt, obj, said: bool, noted: list, made: dict, kept: dict | None = None) -> Entry | None:
        """An entry from the first statement of its kind: `said` whether building it said anything, `noted` the
        Ctx.name_spans it added; `made` and `kept` Ctx.made and Ctx.templated (where what a replay template's
        statements share is kept: alike_compare.templated, places_made; None reads each statement whole)."""
        if obj is None or said or stmt.head[0].text == "cronjob" or not hasattr(obj, "template"):
            return None
        block = stmt.block or ()
        if any(s.kind == "yaml" for s in block) or not any(
                s.kind == "labels" and any(type(p) is Attr for p in s.head) for s in block):
            return None
        at = name_at(stmt)
        name = stmt.head[at].text
        by = made.get(id(stmt)) if kept is not None else None
        if by is not None and by[0] is stmt:
            places = places_made(stmt, by[1], kept)
        else:
            places = {}  # by the spans' ids
            places_by_id(stmt, (), places)
        leaves: dict = {}
        try:
            spans_in(obj, (), places, leaves)  # every span it holds, each a span of the statement
        except NotAlike:
            return None
        containers = obj.template.containers
        shorthand = bool(containers) and containers[0].span is stmt.span
        if shorthand and containers[0].name != name:
            return None
        if any(c.span is stmt.span for c in containers[shorthand:] + obj.template.init_containers):
            return None
        if any(id(k) not in places or id(v) not in places for k, v in noted) or obj.name != name:
            return None
        leaves[("name",)] = ("word", 0)
        if shorthand:
            leaves[("template", "containers", 0, "name")] = ("word", 0)
        return cls(stmt=stmt, at=at, obj=obj, same=Same.of(stmt, {1: {at: True}}, made, kept),
                   make=compiled(obj, nested(tuple(leaves)), tuple(leaves.values()),
                                 tuple((tuple(places[id(k)]), tuple(places[id(v)])) for k, v in noted)),
                   shorthand=shorthand,
                   others=frozenset(c.name for c in containers[shorthand:] + obj.template.init_containers))

    def made(self, ctx: Ctx, stmt: Stmt):
        """This entry's object for an alike statement, or None when the statement is not alike after all."""
        same = self.same
        by = ctx.made.get(id(stmt))  # (Same.__call__'s first branch, here once a statement)
        if not (same.texts(stmt) if by is not None and by[0] is stmt and by[1] in same.by else same(ctx.made, stmt)):
            return None
        text = stmt.head[self.at].text
        if "/" in text:
            return None
        return self.make(stmt, (text,), found, MISSING, ctx.name_spans.setdefault)


# A scenario of many namespaces writes `service web-3 selects app=web-3 ports 80->http` again and again, one line
# differing in its name and its selector's values. Those are slots as alike_words.py's (a workload's label values
# and images): what build_service reads of them is what the workload's builder does, and alike_words.py's Entry
# checks it the same way (copied whole: the name into the object, a value into the selector; validated: a value by
# label_value, the same complaints, none, for every one; read otherwise: the name for a `/`); the rest of the line
# is the same, node by node. The checks of a Service (checks.py, checks_refs.py) read its selector: they run on
# every one as before.


def build_service_alike(ctx: Ctx, stmt: Stmt, namespace: str | None):
    slots = _service_slots(stmt)
    obj = build_words(ctx, stmt, namespace, slots, build_service) if slots is not None else NOT_MINE
    return obj if obj is not NOT_MINE else build_service(ctx, stmt, namespace)


def _service_slots(stmt: Stmt) -> tuple[tuple[tuple[int, ...], str], ...] | None:
    """The name, each `selects` value and each value of the block's `labels`; None without a plain name, or with a
    `yaml` statement (which may say anything of the object)."""
    if stmt.span is None:
        return None
    at = name_at(stmt)
    if at is None:
        return None
    out = [((1, at), "name")]
    selects = False
    for j, p in enumerate(stmt.head):
        if type(p) is Kw:
            selects = p.text == "selects"
        elif selects and one_word(p):
            out.append(((1, j, 2, 0), "label"))
    for i, s in enumerate(stmt.block or ()):
        if s.kind == "labels":
            out += [((2, i, 1, j, 2, 0), "label") for j, p in enumerate(s.head) if one_word(p)]
        elif s.kind == "yaml":
            return None
    return tuple(out)
