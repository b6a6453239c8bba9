"""The rbac cases replayed through kdsl, compared with the real control plane's (recorded/rbac.json)."""

import pytest

from tests.oracle.suite import check, params


@pytest.mark.parametrize("case", params("rbac"))
def test_rbac(case):
    check("rbac", case)
