"""Runs a sweep's (params, seed) on Dask: a LocalCluster kdsl starts and closes, or a cluster the caller names."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import uuid

from kdsl.core.errors import UsageError
from kdsl.sweeps.play import play


@contextlib.contextmanager
def connect(client=None, scheduler: str | None = None, workers: int | None = None):
    """A dask.distributed Client: the caller's `client`; one connected to `scheduler` (`tcp://host:8786`);
    else a LocalCluster of `workers` processes (default: one per core), one thread each, since a run is Python
    that holds the GIL. What kdsl starts here it closes on the way out."""
    given = sum(x is not None for x in (client, scheduler, workers))
    if given > 1:
        raise UsageError("give one of client=, scheduler= and workers=: each names the cluster the runs go to")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise UsageError(f"workers={workers!r}: give a number of worker processes, 1 or more")
    if client is not None:
        yield client
        return
    from distributed import Client, LocalCluster

    if scheduler is not None:
        _reachable(scheduler)
        try:
            c = Client(scheduler, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise UsageError(_unreachable(scheduler, exc)) from None
        with c:
            yield c
        return
    n = workers or os.cpu_count() or 1
    # A dashboard on a free port (8787 may be another cluster's); Dask's own logs stay out of the user's output.
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster, set_as_default=False) as c:
        c.wait_for_workers(n)
        yield c


def _reachable(scheduler: str) -> None:
    """A scheduler's address is one Dask reads, and a TCP one accepts connections: said at once, where Dask's
    Client would retry for its whole timeout (and a malformed address would leave it closing for as long)."""
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import get_backend

    if not isinstance(scheduler, str):
        raise UsageError(f"scheduler={scheduler!r}: give the scheduler's address as a str (tcp://host:8786)")
    try:
        scheme, where = parse_address(scheduler)
        get_backend(scheme)
        host, port = parse_host_port(where) if scheme in ("tcp", "tls") else (None, None)
        if port is not None and not 0 < port < 65536:
            raise ValueError(f"port {port} is not a TCP port (1 to 65535)")
    except ValueError as exc:
        raise UsageError(f"`{scheduler}` is not a Dask scheduler's address ({exc}); give tcp://HOST:PORT, as "
                         "`dask scheduler` prints it") from None
    if host is not None:
        try:
            socket.create_connection((host, port), timeout=10).close()
        except OSError as exc:
            raise UsageError(_unreachable(scheduler, exc)) from None


def _unreachable(scheduler: str, exc: Exception) -> str:
    why = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return (f"cannot reach the Dask scheduler at {scheduler}: {why}; start one with `dask scheduler` and "
            f"workers with `dask worker {scheduler}`")


def run(client, bundle, combos: list, seeds: tuple[int, ...], progress=None) -> list[dict]:
    """Every (combination, seed)'s row, in the grid's order whatever order they finish in. A worker lost
    mid-run has its runs rescheduled by Dask (up to `distributed.scheduler.allowed-failures` times); a run
    that still cannot finish is a row with its error. `progress(done, total, failed)` follows the runs."""
    from distributed import as_completed

    # A key of its own per sweep (hash=False): a key named by the bundle's content would be shared by the next
    # sweep of the same scenario on this client, and the scheduler forgetting this sweep's copy would cancel
    # every run of that one (the per-process cache is keyed by the digest, so nothing is built twice for it).
    shared = client.scatter(bundle, broadcast=True, hash=False)
    # Keys only name the tasks (the rows do not depend on them): unique per sweep, so two sweeps on one
    # cluster never share or cancel each other's runs.
    name = f"kdsl-run-{bundle.digest[:12]}-{uuid.uuid4().hex[:8]}"
    tasks = [(combo, seed) for combo in combos for seed in seeds]
    futures = [client.submit(play, shared, combo, seed, key=f"{name}-{i}", pure=False)
               for i, (combo, seed) in enumerate(tasks)]
    index = {f.key: i for i, f in enumerate(futures)}
    rows: list = [None] * len(tasks)
    failed = 0
    try:
        for done, fut in enumerate(as_completed(futures, loop=client.loop), 1):
            rows[index[fut.key]] = row = _row(fut)
            failed += row["error"] is not None
            if progress is not None:
                progress(done, len(tasks), failed)
    finally:
        client.cancel(futures)
    return rows


def _row(fut) -> dict:
    if fut.status not in ("finished", "cancelled", "error"):
        # as_completed gave it finished, but the worker holding its result has died since: the future is `lost`
        # and Dask computes it again (a worker killed mid-sweep); wait for that, as for any run in hand. The
        # future's own wait: `distributed.wait` asks for a default client, and the sweep's client is not one
        fut.exception()
    if fut.status == "finished":
        return fut.result()
    if fut.status == "cancelled":
        return {"error": "the run was cancelled before it finished (its cluster closed, or a client cancelled it)",
                "wall_s": None}
    exc = fut.exception()
    name = type(exc).__name__
    if name == "KilledWorker":
        return {"error": "the run's worker was lost each time it was tried (KilledWorker)", "wall_s": None}
    return {"error": f"the run did not finish: {name}: {exc}", "wall_s": None}
