"""The scheduling cases replayed through kdsl, compared with the real control plane's (recorded/scheduling.json)."""

import pytest

from tests.oracle.suite import check, params


@pytest.mark.parametrize("case", params("scheduling"))
def test_scheduling(case):
    check("scheduling", case)
