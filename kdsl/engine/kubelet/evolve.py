"""attrs.evolve with each class's init fields looked up once: the kubelet evolves its frozen records
tens of times per pod, and attrs.evolve reads the class's fields again on every call."""

from __future__ import annotations

from typing import TypeVar

import attrs

T = TypeVar("T")
_INIT_FIELDS: dict[type, tuple[tuple[str, str], ...]] = {}


def evolve(inst: T, **changes) -> T:
    """A copy of `inst` with `changes` applied, exactly as attrs.evolve makes it (through __init__)."""
    cls = inst.__class__
    names = _INIT_FIELDS.get(cls)
    if names is None:
        names = _INIT_FIELDS[cls] = tuple((a.name, a.alias) for a in attrs.fields(cls) if a.init)
    for name, alias in names:
        if alias not in changes:
            changes[alias] = getattr(inst, name)
    return cls(**changes)
