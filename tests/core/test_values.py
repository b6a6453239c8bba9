"""Quantities and durations as Kubernetes reads them (oracle 77), exact and ASCII-only."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kdsl.core.values import BadValue, byte_count, duration_ms, millicores, quantity


def test_oracle_77_quantities():
    assert quantity("500m") == Fraction(1, 2) == quantity("0.5")
    assert millicores("500m") == millicores("0.5") == 500
    assert byte_count("1Gi") == 1073741824
    assert byte_count("1G") == 1_000_000_000
    assert byte_count("1Ki") == 1024
    assert byte_count("1k") == 1000
    with pytest.raises(BadValue, match=r"`1K` is not a quantity \(the decimal kilo suffix is a lower-case `k`"):
        quantity("1K")


def test_quantities_round_up_as_milli_value_and_value_do():
    assert millicores("0.0001") == 1  # MilliValue rounds up
    assert byte_count("0.5") == 1
    assert quantity("1e3") == 1000


def test_only_ascii_digits_are_numbers():
    with pytest.raises(BadValue):
        quantity("٨")


@pytest.mark.parametrize(("text", "ms"), [("500ms", 500), ("5s", 5000), ("2m", 120_000), ("1h", 3_600_000),
                                          ("1m30s", 90_000), ("1.5s", 1500)])
def test_durations_are_integer_milliseconds(text, ms):
    assert duration_ms(text) == ms


@pytest.mark.parametrize("text, ok", [("8080", True), ("0", True), ("", False), ("8²", False), ("٨", False),
                                      ("-1", False), ("1.5", False)])
def test_digits_are_ascii_digits_only_as_go_reads_a_number(text, ok):
    """Found by tests/fuzz: `str.isdigit()` takes `²`, which int() then refuses (a ValueError from `expect ...
    connect` with port `²`)."""
    from kdsl.core.values import digits

    assert digits(text) is ok
