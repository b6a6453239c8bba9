"""The engine's fast copy of its frozen records (kdsl.core.evolve, where the model's builders reach it too), and a
memo of what is derived from records many objects share."""

from __future__ import annotations

from collections.abc import Callable

from kdsl.core.evolve import copier, evolve

__all__ = ["ByIdentity", "copier", "evolve"]


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
