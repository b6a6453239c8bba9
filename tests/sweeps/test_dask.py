"""Real Dask: a `dask scheduler` and two `dask worker` processes on 127.0.0.1, started here as the docs tell a
user to start them. `kdsl sweep --scheduler` on them writes the same runs as on kdsl's own LocalCluster and on one
worker; a worker killed in the middle of a sweep loses no row (Dask runs its runs again on the other)."""

from __future__ import annotations

import csv
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import kdsl

HERE = Path(__file__).parent
SCENARIO = str(HERE / "lose-a-node.kdsl")
BIN = Path(sys.executable).parent  # the dask and kdsl commands of this environment
GRID = ["-p", "replicas=2,3", "-p", "fail_at=30s,1m"]  # 2 params, 2 values each
TIMEOUT = 600  # s: generous, for a busy CI machine; never reached when things work
# Minutes, not seconds: each test starts a scheduler and worker processes, and the first also three `kdsl sweep`
# commands with clusters of their own. `make test` (CI) runs slow tests; `-m "not slow"` leaves them out.
pytestmark = pytest.mark.slow


class Cluster:
    """A scheduler and worker processes (no nanny: a worker is one process, so killing it loses it), their
    output in log files; every process is killed on close."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.procs: list[subprocess.Popen] = []
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.address = f"tcp://127.0.0.1:{port}"
        self._start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
        self.client = None

    def _start(self, name: str, *argv: str) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("wb")
        proc = subprocess.Popen([str(BIN / "dask"), *argv], stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=self.folder)
        log.close()
        self.procs.append(proc)
        return proc

    def add_workers(self, n: int) -> None:
        from distributed import Client

        for i in range(n):
            self._start(f"worker-{i}", "worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                        "--host", "127.0.0.1", "--name", f"worker-{i}")
        self.client = self.client or Client(self.address, timeout=f"{TIMEOUT}s", set_as_default=False)
        try:
            self.client.wait_for_workers(n, timeout=TIMEOUT)
        except TimeoutError:
            pytest.fail(f"the workers did not join the scheduler:\n{self.logs()}")

    def pids(self) -> dict[str, int]:
        """Each worker's address → its process id, as the worker itself says."""
        return self.client.run(os.getpid)

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(self.folder.glob("*.log")))

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.kill()
            proc.wait()


@pytest.fixture
def cluster(tmp_path):
    (tmp_path / "dask").mkdir()
    c = Cluster(tmp_path / "dask")
    try:
        c.add_workers(2)
        yield c
    finally:
        c.close()


def kdsl_sweep(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "kdsl"), "sweep", SCENARIO, *GRID, "--seeds", "0..9", *argv],
                          capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)


def without_wall_time(path: Path) -> list[list[str]]:
    """The CSV's cells as written, but for the `wall_s` column."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    i = rows[0].index("wall_s")
    assert all(float(r[i]) >= 0 for r in rows[1:])
    return [r[:i] + r[i + 1:] for r in rows]


def test_real_workers_a_local_cluster_and_one_worker_write_the_same_runs(cluster, tmp_path):
    """`kdsl sweep --scheduler` on a real scheduler and two worker processes, on kdsl's default LocalCluster and
    with `--workers 1`: the -o CSV files are the same, byte for byte, in every column but `wall_s` — the run's wall
    time is the one column that is not a function of the inputs (the scenario's text, the params, the seed), so it
    is left out of the comparison. The seeds differ, so tables that agree are not agreeing on nothing."""
    outputs = {"scheduler": ["--scheduler", cluster.address], "local": [], "one": ["--workers", "1"]}
    done = {}
    for name, where in outputs.items():
        done[name] = kdsl_sweep(*where, "-o", str(tmp_path / f"{name}.csv"))
        assert (done[name].returncode, done[name].stderr) == (0, ""), (name, done[name].stderr, cluster.logs())
    headlines = {name: p.stdout.splitlines()[0] for name, p in done.items()}
    assert " on 2 workers in " in headlines["scheduler"] and " on 1 worker in " in headlines["one"]
    assert f" on {os.cpu_count()} worker" in headlines["local"]
    for name in ("local", "one"):
        assert headlines[name].startswith("lose-a-node.kdsl: 40 runs (4 combinations of replicas, fail_at × 10 "
                                          "seeds) on ") and headlines[name].endswith(", 0 failed")
        assert done[name].stdout.splitlines()[1:] == done["scheduler"].stdout.splitlines()[1:]  # the summary
        assert without_wall_time(tmp_path / f"{name}.csv") == without_wall_time(tmp_path / "scheduler.csv")
    # Both worker processes played runs: each built the scenario's combinations in its own cache.
    built = cluster.client.run(eval, "len(__import__('kdsl.sweeps.play', fromlist=['_built'])._built)")
    assert len(built) == 2 and all(n >= 1 for n in built.values()), built
    runs = pd.read_csv(tmp_path / "scheduler.csv")
    assert len(runs) == 40 and list(runs["seed"]) == list(range(10)) * 4 and runs["error"].isna().all()
    varying = runs.drop(columns=["seed", "wall_s"]).groupby(["replicas", "fail_at"]).nunique(dropna=False)
    assert (varying.max(axis=1) > 1).any(), "every seed gave the same run: the comparison would prove nothing"


def test_a_worker_killed_mid_sweep_loses_no_row(cluster, inproc):
    """SIGKILL the worker process that is playing runs once the first rows are in: Dask gives its runs to the
    other worker, and the table has every row, none with an error, the same as a sweep that lost nothing."""
    grid, seeds = {"replicas": [2, 3], "fail_at": ["30s", "1m"]}, range(30)
    killed = []
    pids = cluster.pids()

    def progress(done, total, failed):
        if done >= 4 and not killed:
            busy = [w for w, keys in cluster.client.processing().items() if keys]
            if busy:  # a worker with runs in hand
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append((busy[0], done, total))

    result = kdsl.sweep(SCENARIO, grid, seeds, scheduler=cluster.address, progress=progress)
    assert killed, "no worker was killed: the sweep ended before one had runs in hand"
    victim, done_then, total = killed[0]
    assert done_then < total and len(result.runs) == total == 120
    assert result.failures.empty, list(result.failures["error"])
    assert list(cluster.client.scheduler_info()["workers"]) == [w for w in pids if w != victim]
    expected = kdsl.sweep(SCENARIO, grid, seeds, client=inproc)
    pd.testing.assert_frame_equal(result.runs.drop(columns="wall_s"), expected.runs.drop(columns="wall_s"))
