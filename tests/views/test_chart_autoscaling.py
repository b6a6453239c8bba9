"""The autoscaling chart: replicas, the metric an HPA compares at each scrape against its target, nodes."""

from __future__ import annotations

import pandas as pd
import pytest

import kdsl
from kdsl.views.common import ViewError
from tests.golden import check_golden
from tests.views.test_charts import _csv

SCENARIO = """
cluster shop {
  nodes pool count=2 cpu=4 memory=16Gi%s
}
namespace shop
deployment shop/web replicas=3 {
  container app image=shop/app:1 {
    requests cpu=250m memory=256Mi
    limits cpu=1 memory=1Gi
    uses cpu=50m memory=200Mi
  }
}
load deployment shop/web cpu=2 memory=300Mi
at 2m: load deployment shop/web cpu=600m
%s
run 4m
"""


def simulate(pool: str = "", hpa: str = "hpa shop/web target=deployment/web min=2 max=10 cpu=70%"):
    return kdsl.simulate(kdsl.parse(SCENARIO % (pool, hpa)))


def test_the_replicas_follow_the_hpa():
    df = simulate().chart_data("autoscaling", "deployment shop/web")
    # 286% of a 70% target: ceil(3 × 2.86 / 0.7) = 13, bounded by the scale-up policies (max of +100% and +4 pods
    # per 15 s: 6), then by max=10; after the load falls at 2m, the 5-minute window holds the 10 replicas.
    assert _value(df, "desired", 30_000) == 6
    assert _value(df, "desired", 45_000) == 10
    assert df[df["SERIES"] == "desired"]["VALUE"].iloc[-1] == 10


def test_golden_data():
    check_golden("views/chart-autoscaling-web.csv", _csv(simulate().chart_data("autoscaling", "deployment shop/web")))


def _value(df, series: str, t_ms: int) -> int:
    rows = df[(df["SERIES"] == series) & (df["TIME"] == pd.Timedelta(milliseconds=t_ms))]
    return int(rows["VALUE"].iloc[0])


def test_utilization_is_what_the_hpa_would_read_at_each_scrape():
    # min=max=3: the HPA holds the replicas, so the shares stay those of three pods.
    df = simulate(hpa="hpa shop/web target=deployment/web min=3 max=3 cpu=70%").chart_data(
        "autoscaling", "deployment shop/web")
    # 2000m shared by 3 pods plus 50m each: 2150m of 750m requested; utilization.go truncates: 286%.
    assert _value(df, "cpu utilization (%)", 60_000) == 2150 * 100 // 750
    assert _value(df, "cpu utilization (%) target", 60_000) == 70
    # The load falls at 2m; the scrape at 2m still averages the window before it, the one at 2m15s does not.
    assert _value(df, "cpu utilization (%)", 120_000) == 286
    assert _value(df, "cpu utilization (%)", 135_000) == (600 + 150) * 100 // 750
    # A pod is reported after two scrapes: nothing before 30s.
    assert df[df["SERIES"] == "cpu utilization (%)"]["TIME"].min() == pd.Timedelta(seconds=30)


def test_average_value_targets_are_compared_as_averages_per_pod():
    df = simulate(hpa="hpa shop/web target=deployment/web min=3 max=3 cpu=500m memory=400Mi").chart_data(
        "autoscaling", "deployment shop/web")
    assert _value(df, "cpu average (m)", 60_000) == 2150 // 3
    assert _value(df, "cpu average (m) target", 60_000) == 500
    assert _value(df, "memory average (Mi)", 60_000) == 300
    assert _value(df, "memory average (Mi) target", 60_000) == 400


def test_without_an_hpa_cpu_utilization_is_shown_without_a_target():
    df = simulate(hpa="").chart_data("autoscaling", "deployment shop/web")
    assert set(df["SERIES"]) == {"desired", "ready", "cpu utilization (%)"}


def test_nodes_strip_only_with_an_autoscaled_pool():
    sim = simulate(pool=" autoscale=2..4 provision=60s")
    df = sim.chart_data("autoscaling", "deployment shop/web")
    assert _value(df, "nodes", 0) == 2
    assert len(sim.plot_autoscaling("deployment shop/web").to_dict()["vconcat"]) == 3
    assert len(simulate().plot_autoscaling("deployment shop/web", at="2m").to_dict()["vconcat"]) == 2


def test_unknown_targets_are_clear_errors():
    sim = simulate()
    with pytest.raises(ViewError, match="no deployment shop/api"):
        sim.chart_data("autoscaling", "deployment shop/api")


def test_several_node_writes_in_one_moment_are_one_point_and_strips_do_not_stack():
    sim = simulate(pool=" autoscale=2..4 provision=60s", hpa="hpa shop/web target=deployment/web min=2 max=10 cpu=70%")
    df = sim.chart_data("autoscaling", "deployment shop/web")
    nodes = df[df["SERIES"] == "nodes"]
    assert not nodes["TIME"].duplicated().any()
    spec = sim.plot_autoscaling("deployment shop/web").to_dict()
    ys = [layer["encoding"]["y"] for strip in spec["vconcat"] for layer in strip["layer"]
          if isinstance(layer.get("encoding", {}).get("y"), dict) and layer["encoding"]["y"].get("field") == "v"]
    assert ys and all(y.get("stack", "unset") is None for y in ys)  # an area's duplicate moments never add up
