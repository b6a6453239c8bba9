"""A sweep's grid: each param's values and the seeds, as a Python call or `kdsl sweep -p/--seeds` gives them."""

from __future__ import annotations

import itertools
from collections import Counter
import numbers
import re
from collections.abc import Iterable, Mapping

from kdsl.core.errors import UsageError
from kdsl.model.build.params import NAME, overrides_of

_RANGE = re.compile(r"^(-?\d+)\.\.(-?\d+)$")
_INT = re.compile(r"^-?\d+$")
_FLOAT = re.compile(r"^-?(\d+\.\d*|\.\d+)$")
# `1..x`, `0.5..2`: meant as a range (a number on one side of `..`), but not one of whole numbers.
_NUMBERS = re.compile(r"^(-?[\d.]*\d[\d.]*\.\.[^,]*|[^,]*\.\.-?[\d.]*\d[\d.]*)$")
# One value of a list: up to the next comma that is not inside a kdsl string (`"a, b"`); `(?<=,)$` is the empty
# value after a trailing comma.
_ITEM = re.compile(r'(?:^|(?<=,))(?:"(?:[^"\\]|\\.)*"?|[^,"])*')
# Columns of every sweep's table: a param or a measure may not take their names.
FIXED = ("seed", "wall_s", "error")
MAX_RUNS = 1_000_000  # a grid beyond this is a mistake in a range, not a sweep anyone waits for


def word_value(text: str):
    """A value as the command line writes it: `3` an int, `0.5` a float, anything else (`90s`, `500m`) a str."""
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def cli_values(spec: str) -> list:
    """`-p NAME=a,b,c` or `-p NAME=LO..HI` (integers, both ends included) → the values; a comma inside a kdsl
    string (`"a, b"`) is part of the value."""
    m = _RANGE.match(spec.strip())
    if m:
        return _span(int(m[1]), int(m[2]), spec)
    if _NUMBERS.match(spec.strip()):
        raise UsageError(f"`{spec}` is not a range: a range is two whole numbers, LO..HI (`1..5`); give other "
                         "values as a list (`0.5,1,1.5`)")
    items = _ITEM.findall(spec)
    if any(not v.strip() for v in items):
        raise UsageError(f"`{spec}` holds an empty value: give values separated by commas (`2,3,4`) or a "
                         "range (`1..5`)")
    return [word_value(v.strip()) for v in items]


def _span(lo: int, hi: int, spec: str) -> list[int]:
    if hi < lo:
        raise UsageError(f"`{spec}`: a range goes from low to high (`{hi}..{lo}`?)")
    if hi - lo >= MAX_RUNS:
        raise UsageError(f"`{spec}` holds {hi - lo + 1:,} values; a sweep takes at most {MAX_RUNS:,} runs")
    return list(range(lo, hi + 1))


def seeds_of(seeds) -> tuple[int, ...]:
    """`seeds=20` (the first 20: 0..19), `range(20)`, `[3, 7]` or `"0..19"` → the seeds, each once."""
    if isinstance(seeds, str):
        m = _RANGE.match(seeds.strip())
        if m:
            out = _span(int(m[1]), int(m[2]), seeds)
        elif _INT.match(seeds.strip()):  # a count, as seeds=20 (one seed N is `N..N`)
            return seeds_of(int(seeds))
        else:
            try:
                out = [int(s) for s in seeds.split(",")]
            except ValueError:
                raise UsageError(f"seeds `{seeds}`: give a count (20), a range (0..19) or a list (1,5,9)") from None
    elif isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool):
        if seeds < 1:
            raise UsageError(f"seeds={seeds}: a sweep plays at least one seed")
        out = _span(0, int(seeds) - 1, f"seeds={seeds}")
    elif isinstance(seeds, Iterable):
        out = list(seeds)
        wrong = [s for s in out if not isinstance(s, numbers.Integral) or isinstance(s, bool)]
        if wrong:
            raise UsageError(f"seeds: each seed is an integer, not {wrong[0]!r}")
        out = [int(s) for s in out]
    else:
        raise UsageError(f"seeds={seeds!r}: give a count (20), a range (range(20), \"0..19\") or a list of integers")
    if not out:
        raise UsageError("seeds: a sweep plays at least one seed")
    twice = sorted(s for s, n in Counter(out).items() if n > 1)
    if twice:
        raise UsageError(f"seed {twice[0]} is given twice; each (params, seed) is one run")
    return tuple(out)


def params_of(params: Mapping | None) -> dict[str, tuple]:
    """`{"replicas": [2, 3, 4], "fail_at": "90s"}` → each param's values in the order given (a list, tuple or
    range is several values, anything else one); each value checked as kdsl.parse(params=) checks it."""
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise UsageError(f"params= takes a mapping of param names to values or lists of values, not "
                         f"{type(params).__name__}")
    out = {}
    for name, values in params.items():
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise UsageError(f"{name!r} is not a param name (letters, digits and `_`, not starting with a digit)")
        if name in FIXED:
            raise UsageError(f"`{name}` is a column of every sweep ({', '.join(FIXED)}); name the param otherwise")
        vals = tuple(values) if isinstance(values, (list, tuple, range)) else (values,)
        if not vals:
            raise UsageError(f"param {name}: give at least one value")
        for v in vals:
            overrides_of({name: v})  # the same checks (and messages) as one override
        twice = [v for i, v in enumerate(vals) if v in vals[:i]]
        if twice:
            raise UsageError(f"param {name}: {twice[0]!r} is given twice")
        out[name] = vals
    return out


def combinations(params: dict[str, tuple]) -> list[tuple[tuple[str, object], ...]]:
    """Every combination, in the grid's order: the params as given, each one's values as given."""
    names = list(params)
    combos = [tuple(zip(names, vals)) for vals in itertools.product(*(params[n] for n in names))]
    return combos
