"""Writes tests/oracle/cases/<area>.json, the cases the harness records (`make oracle`) and the suite replays.

Run as `uv run python tests/oracle/make_cases.py` (`--check`: exit 1 when a committed file is out of date)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if __package__ in (None, ""):
    sys.path.insert(0, str(HERE.parents[1]))

from tests.oracle.cases_admission import admission_cases  # noqa: E402
from tests.oracle.cases_controllers import controller_cases  # noqa: E402
from tests.oracle.cases_invalid import invalid_cases  # noqa: E402
from tests.oracle.cases_rbac import rbac_cases  # noqa: E402
from tests.oracle.cases_scheduling import scheduling_cases  # noqa: E402
from tests.oracle.cases_validation import corpus_cases, kdsl_cases  # noqa: E402

CASES = HERE / "cases"
AREAS = ("validation", "admission", "rbac", "scheduling", "controllers")


def all_cases() -> dict[str, list[dict]]:
    return {
        "validation": corpus_cases() + kdsl_cases() + invalid_cases(),
        "admission": admission_cases(),
        "rbac": rbac_cases(),
        "scheduling": scheduling_cases(),
        "controllers": controller_cases(),
    }


def render(cases: list[dict]) -> str:
    ids = [c["id"] for c in cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SystemExit(f"make_cases: duplicate case ids: {duplicates[:5]}")
    return json.dumps({"cases": cases}, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for area, cases in all_cases().items():
        path = CASES / f"{area}.json"
        text = render(cases)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
            continue
        CASES.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"{path.relative_to(HERE.parents[1])}: {len(cases)} cases")
    if stale:
        print(f"out of date: {', '.join(stale)}; run `uv run python tests/oracle/make_cases.py`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
