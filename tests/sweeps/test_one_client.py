"""Sweeps one after another on one Dask client, as a notebook makes them: each gets all its runs."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.sweeps.runner import _row

TEXT = ("param r = 1\nnode n1\ndeployment web replicas=$r image=nginx:1.25\nrun 10s\n"
        "expect deployment default/web available=$r by 10s\n")


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    # Workers in this process: the scheduler's bookkeeping is what is under test, not process spawning.
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None)
    with cluster, distributed.Client(cluster, set_as_default=False) as c:
        yield c


def test_the_same_scenario_swept_again_on_one_client_finishes_every_run(client):
    # The bundle was scattered under its hash: a second sweep of it raced the first's release of that key and
    # came back with every run cancelled, about every other time.
    scenario = kdsl.parse(TEXT, "t.kdsl")
    first = kdsl.sweep(scenario, {"r": [1, 2]}, 2, client=client, progress=False)
    for _ in range(6):
        again = kdsl.sweep(scenario, {"r": [1, 2]}, 2, client=client, progress=False)
        assert again.failures.empty, again.failures["error"].tolist()
        assert again.runs.drop(columns="wall_s").equals(first.runs.drop(columns="wall_s"))


def test_a_cancelled_run_says_so():
    class Cancelled:
        status = "cancelled"

        def exception(self):
            return None

    assert _row(Cancelled()) == {"error": "the run was cancelled before it finished (its cluster closed, or a client "
                                           "cancelled it)", "wall_s": None}


def test_a_run_lost_after_it_finished_is_waited_for_on_its_own_future():
    # A worker killed after as_completed handed its run over leaves the future `lost` while Dask plays it again.
    # The sweep's client is not the default one, so the wait must be the future's own: `distributed.wait` asked
    # for a default client and failed the sweep with "No clients found".
    class Lost:
        status = "lost"

        def exception(self):
            self.status = "finished"  # Dask played it again elsewhere

        def result(self):
            return {"error": None, "wall_s": 0.1}

    assert _row(Lost()) == {"error": None, "wall_s": 0.1}
