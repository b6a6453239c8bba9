"""A pytest plugin: `test_*.kdsl` files are collected, and each `expect` in them is a test."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.core.errors import KdslError
from kdsl.core.values import format_duration


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".kdsl" and file_path.name.startswith("test_"):
        return KdslFile.from_parent(parent, path=file_path)
    return None


class KdslFile(pytest.File):
    """One scenario: parsed and simulated once; its expectations are the items."""

    def collect(self):
        try:
            scenario = kdsl.load(self.path)
        except KdslError as exc:
            raise self.CollectError(exc.format()) from None
        self._results = None
        for i, exp in enumerate(scenario.expectations):
            line = exp.span.line if exp.span is not None else 0
            yield KdslItem.from_parent(self, name=f"{line}: {exp.text}", index=i, line=line, scenario=scenario)

    def results(self, scenario):
        if self._results is None:
            self._results = kdsl.simulate(scenario).check()
        return self._results


class KdslExpectationFailed(Exception):
    pass


class KdslItem(pytest.Item):
    def __init__(self, *, index: int, line: int, scenario, **kw):
        super().__init__(**kw)
        self.index, self.line, self.scenario = index, line, scenario

    def runtest(self):
        result = self.parent.results(self.scenario)[self.index]
        if not result.passed:
            when = f" at {format_duration(result.at_ms)}" if result.at_ms is not None else ""
            raise KdslExpectationFailed(f"{self.path.name}:{self.line}: {result.text}\n  found {result.found}{when}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, KdslExpectationFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.line - 1, f"kdsl: {self.name}"
