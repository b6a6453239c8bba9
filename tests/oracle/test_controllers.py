"""The controllers cases replayed through kdsl, compared with the real control plane's (recorded/controllers.json)."""

import pytest

from tests.oracle.suite import check, params


@pytest.mark.parametrize("case", params("controllers"))
def test_controllers(case):
    check("controllers", case)
