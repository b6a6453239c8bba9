"""`uv run python -m tests.fuzz --inputs 1000000 --seed 1 --jobs 2 --save /tmp/fuzz`: a long fuzz run's figures."""

from __future__ import annotations

import argparse
from pathlib import Path

from tests.fuzz.harness import run


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    p.add_argument("--inputs", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--batch", type=int, default=50_000, help="inputs per batch (a line of figures each)")
    p.add_argument("--save", type=Path, default=None, help="write each failing input (and why) here")
    args = p.parse_args()
    total, failed = 0, 0
    for b, start in enumerate(range(0, args.inputs, args.batch)):
        report = run(min(args.batch, args.inputs - start), seed=args.seed * 1_000_003 + b, jobs=args.jobs,
                     save=args.save)
        total += report.inputs
        failed += len(report.failures)
        print(f"batch {b}: {report.text()}", flush=True)
    print(f"{total:,} inputs, {failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
