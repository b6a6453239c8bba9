"""Hypothesis: the spreading score's normalization by table is the integer arithmetic it stands for."""

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from kdsl.engine.scheduler.spread_state import DIRECT, SPAN, _bounds, _doubled, _matcher, _scaled
from kdsl.model.base import Requirement, Selector


@given(st.lists(st.integers(0, 3 * SPAN), min_size=1, max_size=50), st.integers(0, 2 * SPAN))
def test_scaled_is_the_plain_integer_division(values, shift):
    live = np.asarray(values, dtype=np.int64) + shift
    lo, hi = int(live.min()), int(live.max())
    if hi == 0:
        return
    got = _scaled(live, lo, hi)
    assert got.dtype == np.int64
    assert got.tolist() == [100 * (hi + lo - v) // hi for v in live.tolist()]


KEYS = st.sampled_from(["app", "group", "tier", ""])
VALUES = st.sampled_from(["a", "b", "", "a b"])


@given(st.dictionaries(KEYS, VALUES, max_size=4), st.lists(st.tuples(KEYS, VALUES), max_size=3),
       st.lists(st.builds(Requirement, KEYS, st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist"]),
                          st.lists(VALUES, max_size=2).map(tuple)), max_size=1))
def test_the_replays_matcher_is_selector_matches(labels, pairs, expressions):
    """Matching a bind's labels by the containment of the selector's pairs in the labels' items (matchLabels
    alone) decides as Selector.matches does, duplicate and missing keys included."""
    sel = Selector(tuple(pairs), tuple(expressions))
    assert _matcher(sel)(labels) == sel.matches(labels)


@given(st.lists(st.integers(-2**40, 2**40), min_size=1, max_size=80), st.integers(0, 79), st.integers(0, 80))
def test_bounds_by_argmin_and_argmax_are_min_and_max(values, start, stop):
    """The raw scores' least and greatest read at argmin's and argmax's positions, of an array or a slice (a view, as
    the spreading score's window is), are min() and max() as Python ints."""
    whole = np.asarray(values, dtype=np.int64)
    live = whole[start:stop] if start < min(stop, len(values)) else whole
    lo, hi = _bounds(live)
    assert (type(lo), type(hi)) == (int, int)
    assert (lo, hi) == (min(live.tolist()), max(live.tolist()))


@given(st.lists(st.integers(0, 3 * SPAN), min_size=1, max_size=50), st.integers(-SPAN, 5 * SPAN))
@example([0, 5, 10], -5).via("a negative least score: not by the direct table")
@example([0, 1, 2], DIRECT - 2).via("the greatest score at the direct table's bound")
def test_doubled_is_twice_the_plain_integer_division(values, shift):
    """The doubled normalization, by a table indexed by the raw score (small scores), by its distance from the least
    (larger ones) or computed (a wide span), is twice the integer arithmetic; a table made for one (lo, hi) serves
    again."""
    live = np.asarray(values, dtype=np.int64) + shift
    lo, hi = int(live.min()), int(live.max())
    if hi <= 0:
        return
    want = [2 * (100 * (hi + lo - v) // hi) for v in live.tolist()]
    for _ in range(2):
        got = _doubled(live, lo, hi)
        assert got.dtype == np.int64
        assert got.tolist() == want
