"""The admission cases replayed through kdsl, compared with the real control plane's (recorded/admission.json)."""

import pytest

from tests.oracle.suite import check, params


@pytest.mark.parametrize("case", params("admission"))
def test_admission(case):
    check("admission", case)
