"""The agreement table of docs/fidelity.md, computed from the comparison itself (never copied by hand).

`uv run python tests/oracle/agreement.py` prints it as Markdown; `--write` puts it into docs/fidelity.md between
its markers; `--list` prints every recorded case that differs and is not in differences.yaml, with the paths."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if __package__ in (None, ""):
    sys.path.insert(0, str(HERE.parents[1]))

from tests.oracle.compare import report  # noqa: E402
from tests.oracle.make_cases import AREAS  # noqa: E402
from tests.oracle.normalise import KUBELET_WRITTEN, NOT_COMPARED  # noqa: E402
from tests.oracle.normalise_steps import SETTLE_KINDS_NOT_COMPARED, TIES  # noqa: E402
from tests.oracle.suite import OPEN, cases, compared, expected_difference, recording  # noqa: E402

DOC = HERE.parents[1] / "docs" / "fidelity.md"
START, END = "<!-- agreement:start -->", "<!-- agreement:end -->"


def tally(area: str, unlisted: list | None = None) -> dict:
    """Counts of one area: cases, recorded, agreeing, differing on purpose, open (listed bugs), failing."""
    rec = recording(area)
    row = {"cases": len(cases(area)), "recorded": 0, "agreeing": 0, "on_purpose": 0, "open": 0, "failing": 0}
    if rec is None:
        return row
    for case in cases(area):
        got = rec.get("cases", {}).get(case["id"])
        if got is None:
            continue
        row["recorded"] += 1
        diffs = compared(case, got)
        reason = expected_difference(case["id"])
        if not diffs:
            row["agreeing"] += 1
        elif reason is None:
            row["failing"] += 1
            if unlisted is not None:
                unlisted.append((case["id"], diffs))
        elif reason.startswith(OPEN):
            row["open"] += 1
        else:
            row["on_purpose"] += 1
    return row


def versions() -> list[str]:
    return sorted({rec["kubernetes"] for a in AREAS if (rec := recording(a)) is not None and rec.get("kubernetes")})


def table() -> str:
    rows = {a: tally(a) for a in AREAS}
    head = ("| area | cases | recorded | agreeing | differing on purpose | open (kdsl bugs) | unlisted differences |\n"
            "|---|---:|---:|---:|---:|---:|---:|\n")
    body = "".join(f"| {a} | {r['cases']} | {r['recorded']} | {r['agreeing']} | {r['on_purpose']} | {r['open']} | "
                   f"{r['failing']} |\n" for a, r in rows.items())
    total = {k: sum(r[k] for r in rows.values()) for k in next(iter(rows.values()))}
    body += (f"| **all** | {total['cases']} | {total['recorded']} | {total['agreeing']} | {total['on_purpose']} | "
             f"{total['open']} | {total['failing']} |\n")
    seen = versions()
    against = f"Kubernetes {', '.join(seen)}" if seen else "no recording yet (run `make oracle`)"
    return f"Recorded against: {against}.\n\n" + head + body


def not_compared() -> str:
    rows = "".join(f"| `{p}` | {r} |\n" for p, r in NOT_COMPARED.items())
    kinds = "".join(f"| writes of `{k}` in a settle | {r} |\n" for k, r in SETTLE_KINDS_NOT_COMPARED.items())
    kubelet = "".join(f"| {k} | {r} |\n" for k, r in KUBELET_WRITTEN.items())
    ties = f"| `spec.nodeName` of a controller's pods, and their Scheduled event's node | {TIES} |\n"
    return "| field | why it is not compared |\n|---|---|\n" + rows + kinds + kubelet + ties


def listed() -> str:
    """The causes of differences.yaml with how many listed cases each explains (a case may have several)."""
    from collections import Counter

    from tests.oracle.suite import known_differences

    counts: Counter = Counter()
    for reason in known_differences().values():
        kind = "open (kdsl bug)" if reason.startswith(OPEN) else "on purpose"
        for cause in reason.removeprefix(OPEN).split("; "):
            counts[(kind, cause.strip())] += 1
    rows = "".join(f"| {n} | {kind} | {cause} |\n" for (kind, cause), n in
                   sorted(counts.items(), key=lambda x: (-x[1], x[0])))
    return ("| cases | kind | cause |\n|---:|---|---|\n" + rows) if rows else "None listed.\n"


def block() -> str:
    return (f"{START}\n{table()}\n### Differences listed in tests/oracle/differences.yaml\n\n{listed()}\n"
            f"### Not compared\n\n{not_compared()}{END}")


def write() -> None:
    text = DOC.read_text(encoding="utf-8")
    a, b = text.index(START), text.index(END) + len(END)
    DOC.write_text(text[:a] + block() + text[b:], encoding="utf-8")


def main(argv: list[str]) -> int:
    if "--list" in argv:
        for area in AREAS:
            unlisted: list = []
            tally(area, unlisted)
            for case_id, diffs in unlisted:
                print(f"{case_id}\n  " + report(diffs, limit=6).replace("\n", "\n  "))
        return 0
    if "--write" in argv:
        write()
    else:
        print(block())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
