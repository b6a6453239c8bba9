"""The validation cases replayed through kdsl and compared with the real control plane's answers (recorded/validation.json)."""

import pytest

from tests.oracle.suite import check, params


@pytest.mark.parametrize("case", params("validation"))
def test_validation(case):
    check("validation", case)
