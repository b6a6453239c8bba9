"""Fixtures the controllers' tests share."""

from __future__ import annotations

import pytest

from kdsl.engine.apiserver import admission


@pytest.fixture
def admitted(monkeypatch) -> list:
    """The names of the pod creates that go the whole way (through admission's mutating plugins)."""
    names: list = []
    mutate = admission.mutate
    monkeypatch.setattr(admission, "mutate", lambda a, view: (
        a.info.kind == "Pod" and a.operation == admission.CREATE and names.append(a.name)) or mutate(a, view))
    return names
