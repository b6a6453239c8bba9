"""A fast attrs.evolve for the frozen slotted records the engine copies millions of times; compiled makers; a memo."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import attrs

T = TypeVar("T")
_MAKERS: dict[tuple, Callable] = {}  # (class, changed names...) -> copier; (class, None) -> any change
_BY_CLASS: dict[type, dict[tuple, Callable]] = {}  # evolve's: class -> changed names -> copier


def _plain(cls: type, fields) -> bool:
    """A slotted record whose __init__ only stores its arguments (no converter, validator, default
    factory reading other fields, or post-init hook): a copy may then be filled slot by slot."""
    slots = {s for c in cls.__mro__ for s in getattr(c, "__slots__", ()) if s != "__weakref__"}
    return (bool(slots) and slots == {a.name for a in fields} and all(a.init for a in fields)
            and not any(a.converter or a.validator for a in fields)
            and not hasattr(cls, "__attrs_post_init__") and not hasattr(cls, "__attrs_pre_init__"))


def plain(cls: type) -> bool:
    """Whether `cls` is a plain slotted record (see _plain), whose slots a maker may fill directly."""
    return _plain(cls, attrs.fields(cls))


_TWINS: dict[type, type | None] = {}


def twin(cls: type) -> type | None:
    """A plain class of `cls`'s slots whose filled instance can be made a `cls` (`__class__` set: CPython's
    layout check passes only without a `__weakref__` slot), or None: a slot set by STORE_ATTR costs a few
    instructions, through a descriptor's `__set__` some 450 (its method-wrapper builds an argument tuple)."""
    if cls not in _TWINS:
        made = None
        if len(cls.__bases__) == 1 and "__slots__" in cls.__dict__:
            # a record on a base record (Pod on NamespacedObject) is twinned by a class on the same base: CPython
            # compares the slots each adds to a common base; the frozen setters are put back to object's, or
            # every STORE_ATTR goes through type's slot_tp_setattro (unspecialised, ~300 ns a slot)
            plain = {} if cls.__base__ is object else {"__setattr__": object.__setattr__,
                                                        "__delattr__": object.__delattr__}
            made = type(f"{cls.__name__}Twin", cls.__bases__, {"__slots__": tuple(cls.__slots__), **plain})
        try:
            if made is not None:
                object.__new__(made).__class__ = cls
        except TypeError:
            made = None
        _TWINS[cls] = made
    return _TWINS[cls]


def _maker(cls: type, keys: tuple[str, ...] | None = None) -> Callable:
    """Compile a copier for the class: attrs.evolve looks the fields up and fills a dict on every
    call. A plain slotted record is filled through its slot descriptors (what a frozen class's
    __init__ does, less the keyword parsing); any other class goes through __init__. With `keys`,
    the copier is for exactly those changes (it takes them without asking for each field)."""
    fields = attrs.fields(cls)
    names = frozenset(a.alias for a in fields if a.init)
    if keys is not None and not names.issuperset(keys):
        raise TypeError(f"{cls.__name__}.__init__() got an unexpected keyword argument "
                        f"{sorted(set(keys) - names)[0]!r}")

    def value(a) -> str:
        if keys is None:
            return f"c[{a.alias!r}] if {a.alias!r} in c else i.{a.name}"
        return f"c[{a.alias!r}]" if a.alias in keys else f"i.{a.name}"

    env = {"cls": cls, "new": object.__new__, "twin": twin(cls)}
    if _plain(cls, fields) and env["twin"] is not None:
        lines = ["def make(i, c):", "    n = new(twin)", *(f"    n.{a.name} = {value(a)}" for a in fields),
                 "    n.__class__ = cls", "    return n"]
    elif _plain(cls, fields):
        lines = ["def make(i, c):", "    n = new(cls)"]
        for a in fields:
            env[f"set_{a.name}"] = getattr(cls, a.name).__set__
            lines.append(f"    set_{a.name}(n, {value(a)})")
        lines.append("    return n")
    else:
        args = ", ".join(f"{a.alias}={value(a)}" for a in fields if a.init)
        lines = ["def make(i, c):", f"    return cls({args})"]
    # named after the class, so that a profile tells one class's copies from another's
    code = compile("\n".join(lines), f"<kdsl evolve {cls.__qualname__}>", "exec")
    exec(code, env)  # noqa: S102 - identifiers from attrs.fields
    return env["make"]


def copier(cls: type, *names: str) -> Callable:
    """The compiled copier of `cls`: `copy(inst, changes)`, where `changes` is a dict of init-field
    names, for a hot path that copies one class many times and knows its field names are right. With
    `names`, for changes of exactly those names (it takes them without asking for each field)."""
    key = (cls, *names) if names else (cls, None)
    make = _MAKERS.get(key)
    if make is None:
        make = _MAKERS[key] = _maker(cls, names or None)
    return make


def evolve(inst: T, /, **changes) -> T:
    """A copy of `inst` with `changes` applied, equal to what attrs.evolve makes; a name that is not
    an init field raises TypeError, as there. A copier is compiled once per class and set of changed
    names: a run makes the same few kinds of change millions of times. Looked up by class, then by
    the names: a run copies few classes, and the names' tuple is then all that is hashed per call."""
    try:
        make = _BY_CLASS[inst.__class__][tuple(changes)]
    except KeyError:  # a first copy of this class with these names
        names = tuple(changes)
        make = _MAKERS.get((inst.__class__, *names)) or _maker(inst.__class__, names)
        _MAKERS[(inst.__class__, *names)] = _BY_CLASS.setdefault(inst.__class__, {})[names] = make
    return make(inst, changes)


def straight(cls: type, name: str, params: str, values: dict[str, str], body: str = "", env: dict | None = None,
             ) -> Callable:
    """`def name(params)`: a new `cls` whose slots are set to `values` (field -> expression; a field left out is left
    for `body`, the lines that end the function), as _maker compiles its copiers: a frozen class's
    __setattr__ refuses, and its __init__ parses every keyword and sets each field through object.__setattr__."""
    env = {**(env or {}), "cls": cls, "new": object.__new__, "twin": twin(cls)}
    lines = [f"def {name}({params}):", f"    n = new({'cls' if env['twin'] is None else 'twin'})"]
    for a in attrs.fields(cls):
        env[f"set_{a.name}"] = getattr(cls, a.name).__set__
        if a.name in values:
            lines.append(f"    set_{a.name}(n, {values[a.name]})" if env["twin"] is None else
                         f"    n.{a.name} = {values[a.name]}")
    if env["twin"] is not None:
        lines.append("    n.__class__ = cls")  # the body's setters are cls's descriptors
    code = "\n".join([*lines, body or "    return n"])
    exec(compile(code, f"<kdsl {cls.__name__} {name.strip('_')}>", "exec"), env)  # noqa: S102
    return env[name]


class ByIdentity:
    """`fn(record, *args)` remembered by the record's identity, for a pure function of an immutable
    record that many objects share (the pods of one ReplicaSet share their template): each is then
    derived once, and what is made from it is shared as well. Bounded, as most records are seen once;
    an entry keeps its record alive, so that its id is not reused while the entry stands."""

    def __init__(self, fn: Callable, kept: int = 512) -> None:
        self.fn, self.kept, self.made = fn, kept, {}

    def __call__(self, record, *args):
        key = (id(record), args)
        made = self.made.get(key)
        if made is None or made[0] is not record:
            if len(self.made) >= self.kept:
                self.made.clear()
            made = self.made[key] = (record, self.fn(record, *args))
        return made[1]
