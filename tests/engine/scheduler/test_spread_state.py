"""Hypothesis: the spreading score's normalization by table is the integer arithmetic it stands for."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kdsl.engine.scheduler.spread_state import SPAN, _scaled


@given(st.lists(st.integers(0, 3 * SPAN), min_size=1, max_size=50), st.integers(0, 2 * SPAN))
def test_scaled_is_the_plain_integer_division(values, shift):
    live = np.asarray(values, dtype=np.int64) + shift
    lo, hi = int(live.min()), int(live.max())
    if hi == 0:
        return
    got = _scaled(live, lo, hi)
    assert got.dtype == np.int64
    assert got.tolist() == [100 * (hi + lo - v) // hi for v in live.tolist()]
