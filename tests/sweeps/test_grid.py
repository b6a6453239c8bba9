"""A sweep's grid: `-p` values and ranges, seeds in each form, params checked as one override is, and the grid's
order (params as given, each one's values as given)."""

from __future__ import annotations

import pytest

from kdsl.core.errors import UsageError
from kdsl.sweeps.grid import MAX_RUNS, cli_values, combinations, params_of, seeds_of, word_value

# (`-p NAME=` text, the values)
VALUES = [
    ("2,3,4", [2, 3, 4]),
    ("4,2,3", [4, 2, 3]),  # the order given is the order of the table
    ("1..4", [1, 2, 3, 4]),
    ("3..3", [3]),
    ("-2..1", [-2, -1, 0, 1]),
    (" 2 , 3 ", [2, 3]),
    ("90s,2m", ["90s", "2m"]),
    ("0.5,1.5", [0.5, 1.5]),
    (".5", [0.5]),
    ("500m,1", ["500m", 1]),
    ("nginx:1.25,nginx:1.27", ["nginx:1.25", "nginx:1.27"]),
    ("true", ["true"]),  # a word: kdsl reads it as the flag it writes
    ("a..b", ["a..b"]),  # no number beside `..`: a word, not a range
    ('"a, b",c', ['"a, b"', "c"]),  # a comma inside a kdsl string belongs to the value
    ('"say \\"hi, you\\"",c', ['"say \\"hi, you\\""', "c"]),
    ("two words", ["two words"]),
]


@pytest.mark.parametrize("spec, values", VALUES, ids=[v[0] for v in VALUES])
def test_cli_values(spec, values):
    assert cli_values(spec) == values
    assert [type(v) for v in cli_values(spec)] == [type(v) for v in values]


# (`-p NAME=` text, the start of the error)
BAD_VALUES = [
    ("5..1", "`5..1`: a range goes from low to high (`1..5`?)"),
    ("1..x", "`1..x` is not a range: a range is two whole numbers, LO..HI (`1..5`)"),
    ("0.5..2", "`0.5..2` is not a range"),
    ("x..3", "`x..3` is not a range"),
    ("", "`` holds an empty value: give values separated by commas (`2,3,4`) or a range (`1..5`)"),
    ("2,,3", "`2,,3` holds an empty value"),
    ("2,3,", "`2,3,` holds an empty value"),
    (",2", "`,2` holds an empty value"),
    (f"0..{MAX_RUNS}", f"`0..{MAX_RUNS}` holds {MAX_RUNS + 1:,} values; a sweep takes at most {MAX_RUNS:,} runs"),
]


def test_word_value():
    assert [word_value(t) for t in ("3", "-3", "0.25", "3.", "90s", "1e3")] == [3, -3, 0.25, 3.0, "90s", "1e3"]


# (seeds as given, the seeds)
SEEDS = [
    (1, (0,)),
    (3, (0, 1, 2)),
    ("3", (0, 1, 2)),  # a count, as from `--seeds 3`
    ("5..7", (5, 6, 7)),
    ("7..7", (7,)),  # one seed, N..N
    ("4,1,9", (4, 1, 9)),
    (range(2, 5), (2, 3, 4)),
    ([8, 3], (8, 3)),
    ((0,), (0,)),
]


@pytest.mark.parametrize("seeds, out", SEEDS, ids=[repr(s[0]) for s in SEEDS])
def test_seeds_of(seeds, out):
    assert seeds_of(seeds) == out


BAD_SEEDS = [
    (0, "seeds=0: a sweep plays at least one seed"),
    (-2, "seeds=-2: a sweep plays at least one seed"),
    ("0", "seeds=0: a sweep plays at least one seed"),
    ("x", "seeds `x`: give a count (20), a range (0..19) or a list (1,5,9)"),
    ("", "seeds ``: give a count"),
    ("1,a", "seeds `1,a`: give a count"),
    ("9..0", "`9..0`: a range goes from low to high (`0..9`?)"),
    ("1,1", "seed 1 is given twice; each (params, seed) is one run"),
    ([], "seeds: a sweep plays at least one seed"),
    ([1, "a"], "seeds: each seed is an integer, not 'a'"),
    ([True], "seeds: each seed is an integer, not True"),
    (True, "seeds=True: give a count"),
    (2.0, "seeds=2.0: give a count (20), a range"),
    (None, "seeds=None: give a count"),
]


def test_params_of():
    assert params_of(None) == {}
    assert params_of({"replicas": [2, 3], "fail_at": "90s", "n": range(1, 3), "ok": True}) == {
        "replicas": (2, 3), "fail_at": ("90s",), "n": (1, 2), "ok": (True,)}


BAD_PARAMS = [
    ([("replicas", 2)], "params= takes a mapping of param names to values or lists of values, not list"),
    ({"2x": 1}, "'2x' is not a param name (letters, digits and `_`, not starting with a digit)"),
    ({"fail-at": 1}, "'fail-at' is not a param name"),
    ({3: 1}, "3 is not a param name"),
    ({"seed": [1, 2]}, "`seed` is a column of every sweep (seed, wall_s, error); name the param otherwise"),
    ({"wall_s": 1}, "`wall_s` is a column of every sweep"),
    ({"error": 1}, "`error` is a column of every sweep"),
    ({"replicas": []}, "param replicas: give at least one value"),
    ({"replicas": [2, 3, 2]}, "param replicas: 2 is given twice"),
    ({"replicas": [2, None]}, "param replicas=None: give an int, a float, a bool or a str"),
    ({"ratio": [float("nan")]}, "param ratio=nan is not a value a scenario can hold"),
]


# (the function, what it is given, the start of its error)
ERRORS = ([(cli_values, spec, error) for spec, error in BAD_VALUES] + [(seeds_of, s, e) for s, e in BAD_SEEDS]
          + [(params_of, p, e) for p, e in BAD_PARAMS])


@pytest.mark.parametrize("function, given, error", ERRORS, ids=[f"{f.__name__}({g!r})" for f, g, _ in ERRORS])
def test_errors(function, given, error):
    with pytest.raises(UsageError) as exc:
        function(given)
    assert exc.value.message.startswith(error)


def test_combinations_in_grid_order():
    grid = params_of({"b": [3, 1], "a": ["x", "y", "z"]})
    assert combinations(grid) == [
        (("b", 3), ("a", "x")), (("b", 3), ("a", "y")), (("b", 3), ("a", "z")),
        (("b", 1), ("a", "x")), (("b", 1), ("a", "y")), (("b", 1), ("a", "z"))]
    assert combinations({}) == [()]  # no params: one combination, the defaults
