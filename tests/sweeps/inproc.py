"""A Dask cluster inside the test process (a worker thread, no processes): for tests that need a client, not the
seconds a cluster of worker processes takes to start (tests/sweeps/test_dask.py starts real ones)."""

from __future__ import annotations

import logging

import pytest


@pytest.fixture(scope="session")
def inproc():
    from distributed import Client, LocalCluster

    with LocalCluster(processes=False, n_workers=1, threads_per_worker=1, dashboard_address="127.0.0.1:0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster, set_as_default=False) as client:
        yield client
