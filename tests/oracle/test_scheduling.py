"""The scheduling cases replayed through kdsl and compared with the real control plane's answers (recorded/scheduling.json)."""

import pytest

from tests.oracle.suite import check, params


@pytest.mark.parametrize("case", params("scheduling"))
def test_scheduling(case):
    check("scheduling", case)
