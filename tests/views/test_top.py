"""`sim.top()` and `sim.top_nodes()`: kubectl top's columns and spelling, from metrics-server's view of the use."""

from __future__ import annotations

from pathlib import Path

import pytest

import kdsl
from kdsl.engine.metrics import pod_metrics
from kdsl.views.display import text
from kdsl.views.top import UNKNOWN, cpu_text, memory_text, percent_text
from tests.golden import check_golden

USAGE = Path(__file__).with_name("usage.kdsl")
MOMENTS = ("20s", "1m", "2m10s", "2m15s", "3m30s", "4m10s", "4m15s")


@pytest.fixture(scope="module")
def sim():
    return kdsl.simulate(kdsl.load(USAGE))


def test_golden_top_tables_over_the_run(sim):
    parts = []
    for at in MOMENTS:
        parts.append(f"== top at {at}\n{text(sim.top(at=at))}== top-nodes at {at}\n{text(sim.top_nodes(at=at))}")
    parts.append(f"== top --containers -n shop at 1m\n{text(sim.top(at='1m', namespace='shop', containers=True))}")
    parts.append(f"== top wide at the end\n{text(sim.top(wide=True))}")
    parts.append(f"== top-nodes wide at the end\n{text(sim.top_nodes(wide=True))}")
    parts.append(f"== pods wide at 1m\n{text(sim.pods(at='1m', wide=True))}")
    check_golden("views/top-usage.txt", "\n".join(parts))


def test_quantities_are_spelled_as_kubectls_metrics_printer():
    assert cpu_text(2000) == "2000m" and cpu_text(0) == "0m"  # always millicores
    assert memory_text(300 * 2**20 + 2**20 - 1) == "300Mi"  # Value()/(1024*1024): rounded down
    assert memory_text(2 * 2**30) == "2048Mi"  # never Gi
    assert percent_text(2000, 3000) == "66%"  # int64(float64): truncated, not rounded
    assert percent_text(1, 0) == "0%"  # a zero allocatable is 0%
    assert percent_text(5000, 4000) == "125%"  # use above allocatable shows as it is


def test_columns_are_kubectls(sim):
    assert list(sim.top(at="1m").columns) == ["NAMESPACE", "NAME", "CPU(cores)", "MEMORY(bytes)"]
    assert list(sim.top(at="1m", namespace="shop").columns) == ["NAME", "CPU(cores)", "MEMORY(bytes)"]  # as -n
    assert list(sim.top(at="1m", containers=True).columns) == ["NAMESPACE", "POD", "NAME", "CPU(cores)",
                                                               "MEMORY(bytes)"]
    assert list(sim.top_nodes(at="1m").columns) == ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]


def test_values_are_metrics_servers_and_the_load_is_shared_by_ready_pods(sim):
    df = sim.top(at="1m", namespace="shop").set_index("NAME")
    # 50m + 10m steady, plus 2000m shared by three Ready pods (667, 667, 666 by name order) on the first container
    webs = df[df.index.str.startswith("web-")]
    assert sorted(webs["CPU(cores)"]) == ["726m", "727m", "727m"]
    assert set(webs["MEMORY(bytes)"]) == {"320Mi"}  # 200Mi + 20Mi + 300Mi / 3
    assert df.loc["batch", "CPU(cores)"] == "1500m"  # no limit: not capped
    for name in df.index:
        m = pod_metrics(sim.usage, ("Pod", "shop", name), 60_000)
        assert df.loc[name, "CPU(cores)"] == f"{m.cpu}m"


def test_cpu_is_the_average_over_the_last_scrape_window(sim):
    web = sorted(n for n in sim.top(at="2m15s", namespace="shop")["NAME"] if n.startswith("web-"))[0]

    def cpu(at):
        return sim.top(at=at, namespace="shop").set_index("NAME").loc[web, "CPU(cores)"]

    # `at 2m: load ... cpu=6`: the scrape at 2m averages [1m45s, 2m), before it; the one at 2m15s sees 1000m + 10m
    # (the app container is capped at its limit); between scrapes the last one stands
    assert (cpu("2m"), cpu("2m14s"), cpu("2m15s")) == ("727m", "727m", "1010m")


def test_a_pod_is_listed_only_after_two_scrapes(sim):
    assert len(sim.top(at="14s")) == 0 and len(sim.top(at="29s")) == 0  # started at 1s: the scrapes at 15s, 30s
    assert len(sim.top(at="30s")) == 4


def test_a_node_without_metrics_is_unknown_and_listed_last(sim):
    at_2m10 = sim.top_nodes(at="2m10s")
    assert list(at_2m10["NAME"]) == ["pool-1", "pool-2", "spare", "late"]  # added at 2m: one scrape so far
    assert list(at_2m10.iloc[-1])[1:] == [UNKNOWN] * 4
    assert list(sim.top_nodes(at="2m15s")["NAME"]) == ["late", "pool-1", "pool-2", "spare"]


def test_a_stopped_kubelet_hides_its_node_and_its_pods_until_two_scrapes_after_it_is_back(sim):
    for at in ("3m", "3m30s", "4m10s"):
        nodes = sim.top_nodes(at=at).set_index("NAME")
        assert nodes.loc["pool-2", "CPU(cores)"] == UNKNOWN, at
        on_pool_2 = {p.name for p in sim.store.all_at("Pod", sim.now, "shop") if p.spec.template.node_name == "pool-2"}
        assert not on_pool_2 & set(sim.top(at=at)["NAME"]), at
    assert sim.top_nodes(at="2m59s").set_index("NAME").loc["pool-2", "CPU(cores)"] != UNKNOWN
    assert sim.top_nodes(at="4m15s").set_index("NAME").loc["pool-2", "CPU(cores)"] != UNKNOWN


@pytest.mark.parametrize("at", MOMENTS + ("5m",))
def test_a_nodes_use_is_the_sum_of_its_pods(sim, at):
    pods = sim.top(at=at, wide=True)
    for row in sim.top_nodes(at=at, wide=True).itertuples(index=False):
        if row[1] == UNKNOWN:
            continue
        mine = pods[pods["NODE"] == row[0]]
        assert row[1] == f"{sum(int(c[:-1]) for c in mine['CPU(cores)'])}m"
        assert row[7] == len(mine)


def test_the_pods_table_shows_use_beside_requests_only_when_wide(sim):
    assert list(sim.pods(at="1m").columns) == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    wide = sim.pods(at="1m", wide=True).set_index("NAME")
    assert tuple(wide.loc["batch", ["CPU REQUEST", "CPU USE", "MEMORY REQUEST", "MEMORY USE"]]) == (
        "500m", "1500m", "1Gi", "1000Mi")
    assert wide["CPU USE"].notna().all()
    assert sim.pods(at="20s", wide=True)["CPU USE"].isna().all()  # not scraped twice yet
    idle = kdsl.simulate(kdsl.parse("node a cpu=2 memory=4Gi\npod p image=nginx:1.25\nrun 1m\n"))
    assert "CPU USE" not in idle.pods(wide=True).columns  # nothing uses anything: the wide table is as it was


def test_selector_and_a_scenario_that_uses_nothing(sim):
    assert list(sim.top_nodes(at="1m", selector="role=web")["NAME"]) == ["pool-1", "pool-2"]
    assert list(sim.top(at="1m", selector="app=web")["NAME"]) == sorted(
        n for n in sim.top(at="1m")["NAME"] if n.startswith("web-"))
    idle = kdsl.simulate(kdsl.parse("node a cpu=2 memory=4Gi\npod p image=nginx:1.25\nrun 1m\n"))
    assert len(idle.top()) == 0  # nothing says `uses` or `load`: no pod uses anything
    assert list(idle.top_nodes().iloc[0]) == ["a", "0m", "0%", "0Mi", "0%"]


def test_top_never_changes_the_simulation(sim):
    before = (sim.store.resource_version, len(sim.store.history), len(sim.log.events), sim.now,
              {k: list(v) for k, v in sim.usage.history.items()})
    for at in MOMENTS:
        sim.top(at=at, containers=True, wide=True)
        sim.top_nodes(at=at, wide=True)
    assert (sim.store.resource_version, len(sim.store.history), len(sim.log.events), sim.now,
            {k: list(v) for k, v in sim.usage.history.items()}) == before
