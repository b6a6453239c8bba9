"""The validation cases replayed through kdsl, compared with the real control plane's (recorded/validation.json)."""

import pytest

from tests.oracle.suite import check, params


@pytest.mark.parametrize("case", params("validation"))
def test_validation(case):
    check("validation", case)
