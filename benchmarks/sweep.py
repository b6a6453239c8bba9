"""Prints a sweep's speed on the shop: runs/s on 1 and 2 Dask workers, its cost a run against a kdsl.simulate loop."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

SHOP = Path(__file__).resolve().parents[1] / "examples" / "shop.kdsl"
# The shop with its web replicas and the moment worker-2 fails made params, and two measures a planner compares.
PARAMS = "param replicas = 3\nparam fail_at = 2m\n"
EDITS = (("deployment web replicas=3", "deployment web replicas=$replicas"),
         ("at 2m: fail node worker-2", "at $fail_at: fail node worker-2"))
MEASURES = ("measure floor = min deployment shop/web available from 2m\n"
            "measure degraded = when deployment shop/web available<$replicas from 2m\n")


def shop() -> str:
    """examples/shop.kdsl with params `replicas` and `fail_at` and measures `floor` and `degraded`."""
    text = SHOP.read_text(encoding="utf-8")
    for old, new in EDITS:
        if old not in text:
            raise SystemExit(f"examples/shop.kdsl no longer has `{old}`: update benchmarks/sweep.py")
        text = text.replace(old, new)
    return PARAMS + text + MEASURES


def loop(text: str, grid: dict, seeds: int) -> tuple[float, float, list]:
    """The same runs in this process, as a hand-written loop does them: each combination parsed once, then
    kdsl.simulate per seed with its expectations and measures read (what a sweep's row holds)."""
    import itertools

    import kdsl

    start, cpu = time.perf_counter(), time.process_time()
    rows = []
    for values in itertools.product(*grid.values()):
        scenario = kdsl.parse(text, "shop.kdsl", params=dict(zip(grid, values)))
        for seed in range(seeds):
            sim = kdsl.simulate(scenario, seed=seed)
            rows.append(([r.passed for r in sim.check()], list(sim.measure_values().values())))
    return time.perf_counter() - start, time.process_time() - cpu, rows


def on_dask(text: str, grid: dict, seeds: int, workers: int) -> dict:
    """Start a LocalCluster as kdsl.sweep does, then a first sweep (each worker imports kdsl and parses) and a
    second, steady one (the parse cache warm), each timed apart. The steady sweep's CPU time is read in each
    worker and in this process, which holds the LocalCluster's scheduler beside the client: on a machine others
    share, CPU time is what a run costs, where wall time also counts the waits for a core."""
    import kdsl
    from kdsl.sweeps.runner import connect

    scenario = kdsl.parse(text, "shop.kdsl")
    out = {}
    start = time.perf_counter()
    with connect(workers=workers) as client:
        out["start"] = time.perf_counter() - start
        t = time.perf_counter()
        first = kdsl.sweep(scenario, grid, seeds, client=client, progress=False)
        out["first"] = time.perf_counter() - t
        busy = client.run(time.process_time)
        t, cpu = time.perf_counter(), time.process_time()
        steady = kdsl.sweep(scenario, grid, seeds, client=client, progress=False)
        out["steady"] = time.perf_counter() - t
        out["cpu_here"] = time.process_time() - cpu
        out["cpu_workers"] = sum(v - busy[k] for k, v in client.run(time.process_time).items())
        out["task"] = task_cost(client, len(steady.runs))
        t = time.perf_counter()
    out["close"] = time.perf_counter() - t
    out["play"] = float(steady.runs["wall_s"].sum())  # the runs' own time, measured inside the workers
    out["failed"] = steady.failures["error"].value_counts().to_dict()
    out["same"] = first.runs.drop(columns="wall_s").equals(steady.runs.drop(columns="wall_s"))
    out["sweep"] = steady
    return out


def nothing(i: int) -> dict:
    return {"error": None, "wall_s": 0.0}


def task_cost(client, n: int) -> float:
    """Dask's own CPU time a task, workers, scheduler and client together: `n` tasks that do nothing, each
    waited for as a sweep waits for its runs."""
    from distributed import as_completed

    busy = client.run(time.process_time)
    cpu = time.process_time()
    futures = [client.submit(nothing, i, pure=False) for i in range(n)]
    for fut in as_completed(futures, loop=client.loop):
        fut.result()
    here = time.process_time() - cpu
    return (here + sum(v - busy[k] for k, v in client.run(time.process_time).items())) / n


def agree(sweep, rows: list) -> bool:
    """The sweep's expectation and measure columns are the loop's, run for run."""
    import math

    import pandas as pd

    for i, (passed, values) in enumerate(rows):
        row = sweep.runs.iloc[i]
        if row["error"] is not pd.NA or [bool(row[e]) for e in sweep.expectations] != passed:
            return False
        got = [None if math.isnan(row[m]) else row[m] for m in sweep.measures]
        if got != [None if v is None else float(v) for v in values]:
            return False
    return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, default=50, help="seeds per combination (default 50)")
    ap.add_argument("--replicas", default="2,3", help="values of the param replicas (default 2,3)")
    ap.add_argument("--fail-at", default="2m", help="values of the param fail_at (default 2m)")
    ap.add_argument("--workers", default="1,2", help="cluster sizes to time (default 1,2)")
    args = ap.parse_args()
    grid = {"replicas": [int(v) for v in args.replicas.split(",")], "fail_at": args.fail_at.split(",")}
    text = shop()
    runs = args.seeds * len(grid["replicas"]) * len(grid["fail_at"])
    print(f"sweep.py: the shop, {runs} runs ({len(grid['replicas'])} × {len(grid['fail_at'])} combinations "
          f"× {args.seeds} seeds)", flush=True)

    loop(text, grid, min(args.seeds, 2))  # this process's imports and parser, which the sweep's first pass counts
    loop_s, loop_cpu, loop_rows = loop(text, grid, args.seeds)
    print(f"  kdsl.simulate in a loop: {loop_s:.2f} s, {runs / loop_s:.1f} runs/s, {loop_s / runs * 1000:.0f} ms "
          f"a run ({loop_cpu / runs * 1000:.0f} ms CPU)", flush=True)
    print(f"  {'workers':>7} {'start s':>8} {'first s':>8} {'steady s':>9} {'runs/s':>7} {'vs loop':>7} "
          f"{'wall_s ms':>9} {'CPU ms a run':>12} {'in workers':>10} {'overhead':>8} {'Dask a task':>11} "
          f"{'close s':>7}", flush=True)
    for n in [int(w) for w in args.workers.split(",")]:
        r = on_dask(text, grid, args.seeds, n)
        cpu = (r["cpu_workers"] + r["cpu_here"]) / runs
        print(f"  {n:>7} {r['start']:>8.2f} {r['first']:>8.2f} {r['steady']:>9.2f} {runs / r['steady']:>7.1f} "
              f"{loop_s / r['steady']:>6.2f}× {r['play'] / runs * 1000:>9.0f} {cpu * 1000:>12.0f} "
              f"{r['cpu_workers'] / runs * 1000:>10.0f} {(cpu - loop_cpu / runs) * 1000:>6.0f}ms "
              f"{r['task'] * 1000:>9.1f}ms {r['close']:>7.2f}", flush=True)
        if r["failed"] or not r["same"] or not agree(r["sweep"], loop_rows):
            print(f"    failed runs: {r['failed']}; the two sweeps agree: {r['same']}; the sweep agrees with the "
                  f"loop: {agree(r['sweep'], loop_rows)}", flush=True)
    print("  start: the LocalCluster up, its workers connected; first: a sweep whose workers import kdsl and parse "
          "each combination; steady: the same sweep again; wall_s: a run's own time in its worker; CPU: the steady "
          "sweep's, workers + scheduler + client; overhead: CPU a run beyond the loop's; Dask a task: the CPU of a "
          "task that does nothing", flush=True)


if __name__ == "__main__":
    main()
