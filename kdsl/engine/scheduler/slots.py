"""Makers of frozen slotted records compiled straight-line through their slots' setters, for the scheduler's hot paths."""

from __future__ import annotations

from collections.abc import Callable

import attrs


def straight(cls: type, name: str, params: str, values: dict[str, str], body: str = "", env: dict | None = None,
             ) -> Callable:
    """`def name(params)`: a new `cls` whose slots are set to `values` (field -> expression; a field left out is left
    for `body`, the lines that end the function), as kdsl.core.evolve compiles its copiers: a frozen class's
    __setattr__ refuses, and its __init__ parses every keyword and sets each field through object.__setattr__."""
    env = {**(env or {}), "cls": cls, "new": object.__new__}
    lines = [f"def {name}({params}):", "    n = new(cls)"]
    for a in attrs.fields(cls):
        env[f"set_{a.name}"] = getattr(cls, a.name).__set__
        if a.name in values:
            lines.append(f"    set_{a.name}(n, {values[a.name]})")
    code = "\n".join([*lines, body or "    return n"])
    exec(compile(code, f"<kdsl {cls.__name__} {name.strip('_')}>", "exec"), env)  # noqa: S102
    return env[name]
