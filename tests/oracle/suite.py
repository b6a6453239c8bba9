"""The comparison suite's machinery: cases, recordings, the differences kept on purpose, one check a case."""

from __future__ import annotations

import fnmatch
import json
import os
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from tests.oracle.compare import differences, report
from tests.oracle.normalise_steps import normal_result
from tests.oracle.replay import replay

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
# The recordings `make oracle` writes; KDSL_ORACLE_RECORDED points the suite at another folder of them.
RECORDED = Path(os.environ.get("KDSL_ORACLE_RECORDED") or HERE / "recorded")
DIFFERENCES = HERE / "differences.yaml"
OPEN = "open:"  # a reason that starts so is a kdsl bug not fixed yet; any other reason is a difference on purpose


@lru_cache(maxsize=None)
def cases(area: str) -> tuple[dict, ...]:
    return tuple(json.loads((CASES / f"{area}.json").read_text(encoding="utf-8"))["cases"])


@lru_cache(maxsize=None)
def recording(area: str) -> dict | None:
    path = RECORDED / f"{area}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


@lru_cache(maxsize=None)
def known_differences() -> dict[str, str]:
    """id pattern (fnmatch) -> reason, from differences.yaml."""
    data = yaml.safe_load(DIFFERENCES.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(isinstance(v, str) and v.strip() for v in data.values()):
        raise ValueError(f"{DIFFERENCES.name}: a mapping of case id pattern to a non-empty reason")
    return data


def expected_difference(case_id: str) -> str | None:
    for pattern, reason in known_differences().items():
        if fnmatch.fnmatchcase(case_id, pattern):
            return reason
    return None


_replayed: dict[str, dict] = {}  # case id -> kdsl's answer, once a process (the suite and agreement.py share it)


def replayed(case: dict) -> dict:
    if case["id"] not in _replayed:
        _replayed[case["id"]] = replay(case)
    return _replayed[case["id"]]


def compared(case: dict, recorded: dict) -> list:
    """Every difference between the recorded answer and kdsl's, both normalised."""
    return differences(normal_result(case, recorded), normal_result(case, replayed(case)))


def params(area: str) -> list:
    """One pytest param a case: skipped without a recording, xfail(strict) when differences.yaml lists it."""
    rec = recording(area)
    out = []
    for case in cases(area):
        marks = []
        if rec is None:
            marks.append(pytest.mark.skip(reason="no recording: run `make oracle`"))
        elif case["id"] not in rec.get("cases", {}):
            marks.append(pytest.mark.skip(reason=f"not in recorded/{area}.json: run `make oracle`"))
        else:
            reason = expected_difference(case["id"])
            if reason is not None:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
        out.append(pytest.param(case, id=case["id"], marks=marks))
    return out


def check(area: str, case: dict) -> None:
    recorded = recording(area)["cases"][case["id"]]
    diffs = compared(case, recorded)
    version = recording(area).get("kubernetes")
    assert not diffs, f"{case['id']}: kdsl differs from Kubernetes {version}:\n" + report(diffs)
