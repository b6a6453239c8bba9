"""Two sweeps of one scenario on one client: the second gets its scenario too (the first one's release of it
must not take it away) and the same table."""

from __future__ import annotations

import pytest

import kdsl

TEXT = """param replicas = 2
node n1 cpu=2 memory=4Gi
node n2 cpu=2 memory=4Gi
deployment web replicas=$replicas image=nginx:1.25 cpu=100m
run 20s
measure ready = at 20s deployment default/web available
"""


pytestmark = pytest.mark.slow  # a cluster of worker processes: about 30 s on a busy machine


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    with distributed.Client(processes=True, n_workers=1, threads_per_worker=1, dashboard_address=":0") as c:
        yield c


def test_two_sweeps_of_one_scenario_on_one_client(client):
    scenario = kdsl.parse(TEXT)
    first = kdsl.sweep(scenario, {"replicas": [1, 2]}, seeds=3, client=client, progress=False)
    second = kdsl.sweep(scenario, {"replicas": [1, 2]}, seeds=3, client=client, progress=False)
    assert first.runs["error"].isna().all() and second.runs["error"].isna().all(), second.runs["error"].tolist()
    columns = [c for c in first.runs.columns if c != "wall_s"]
    assert first.runs[columns].equals(second.runs[columns])
    assert first.runs["ready"].tolist() == [1.0] * 3 + [2.0] * 3
    assert first.dashboard is None or first.dashboard == second.dashboard  # the caller's cluster: its link stays
