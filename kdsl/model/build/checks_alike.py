"""The objects of a family made alike (Ctx.alike_of) that the per-object checks pass over, found once a family."""

from __future__ import annotations

from kdsl.model.names import all_pass, name_rule

# checks.py and checks_refs.py say nothing of an object made from an alike entry whose template checks said nothing
# for another object of the entry (under the same `quiet` key) unless its name breaks the kind's rule, another
# object has its kind, namespace and name, or its namespace is not declared. Those are answered here for a family
# (an entry's objects in one namespace) at once: its names in one pass (names.all_pass), its namespace once, the
# key `quiet` gives each object once (Entry.quiet_all). A family any of whose objects fails goes the plain way,
# object by object, and says what it says there.


def families(alike_of: dict) -> list[tuple[object, str | None, list, list[str]]]:
    """(entry, namespace, objects, their names) for each entry's objects in a namespace, in the order made."""
    by: dict[tuple, list] = {}
    entries = {}
    for obj, entry in alike_of.values():
        k = (id(entry), obj.namespace)
        objs = by.get(k)
        if objs is None:
            objs = by[k] = []
            entries[k] = entry
        objs.append(obj)
    return [(entries[k], k[1], objs, [o.name for o in objs]) for k, objs in by.items()]


def passed(d, alike_of: dict, named: bool) -> dict[int, object]:
    """id of an object → the `quiet` key under which the checks pass over it once its template's checks said
    nothing for one object with that key. `named`: checks.py's (which read the name, the namespace and the other
    objects' names); else checks_refs.py's (which read none of them)."""
    fams = d.families(alike_of)
    twice = _twice(d) if named else frozenset()
    out: dict[int, object] = {}
    for entry, ns, objs, names in fams:
        key = entry.quiet_all(names, named, ns)
        if key is None:
            continue
        if named:
            kind = objs[0].kind
            if ns is not None and ns not in d.namespaces or not all_pass(name_rule(kind), names):
                continue
            if twice and any((kind, ns, n) in twice for n in names):
                continue
        out.update(dict.fromkeys(map(id, objs), key))
    return out


def _twice(d) -> frozenset:
    """The (kind, namespace, name) of two or more of the objects (none when each has its own)."""
    if d.distinct():
        return frozenset()
    seen: set = set()
    twice = set()
    for o in d.objects:
        k = (o.kind, getattr(o, "namespace", None), o.name)
        (twice if k in seen else seen).add(k)
    return frozenset(twice)
