"""Charts over time: golden data of each chart, the data agreeing with the tables at every moment, the stories
the charts exist to tell (a node lost, a rollout, a crash loop), windows, errors, specs and determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import kdsl
from kdsl.core.values import format_duration
from kdsl.views.chart_data import chart_data
from kdsl.views.chart_output import VEGA_MIME, ticks, to_vega
from kdsl.views.common import ViewError
from tests.golden import check_golden

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def shop():
    return kdsl.simulate(kdsl.load(EXAMPLES / "shop.kdsl"))


@pytest.fixture(scope="module")
def pods_sim():
    return kdsl.simulate(kdsl.load(EXAMPLES / "pods.kdsl"))


def _csv(df: pd.DataFrame) -> str:
    """Golden form independent of how tables are displayed: durations as kdsl spells them, then CSV."""
    out = df.copy()
    for col in out.columns:
        if str(out[col].dtype).startswith("timedelta"):
            out[col] = [format_duration(int(v // pd.Timedelta(milliseconds=1))) for v in out[col]]
    return out.to_csv(index=False)


def _at(df: pd.DataFrame, t_ms: int, series: str, value: str) -> dict:
    """The step series' values at the end of t: its last row at or before t."""
    td = pd.Timedelta(milliseconds=t_ms)
    when = df.loc[df["TIME"] <= td, "TIME"].max()
    return dict(zip(df.loc[df["TIME"] == when, series], df.loc[df["TIME"] == when, value]))


# ---- golden data ------------------------------------------------------------------------------------


def test_golden_chart_data(shop, pods_sim, sim):
    check_golden("views/chart-phases-shop.csv", _csv(shop.chart_data("phases")))
    check_golden("views/chart-workload-shop-web.csv", _csv(shop.chart_data("workload", "deployment shop/web")))
    check_golden("views/chart-endpoints-shop-web.csv", _csv(shop.chart_data("endpoints", "shop/web")))
    check_golden("views/chart-lifecycle-shop.csv", _csv(shop.chart_data("lifecycle")))
    check_golden("views/chart-lifecycle-pods.csv", _csv(pods_sim.chart_data("lifecycle")))
    check_golden("views/chart-phases-lab.csv", _csv(sim.chart_data("phases")))


def test_columns_and_time_types(shop):
    df = shop.chart_data("phases")
    assert list(df.columns) == ["TIME", "PHASE", "PODS"] and str(df["TIME"].dtype) == "timedelta64[ms]"
    life = shop.chart_data("lifecycle")
    assert list(life.columns) == ["NAMESPACE", "POD", "START", "END", "STATE", "STATUS", "NODE", "RESTARTS",
                                  "DELETED"]
    assert str(life["START"].dtype) == str(life["END"].dtype) == "timedelta64[ms]"
    assert (life["END"] > life["START"]).all()


# ---- the data is the tables', moment by moment ---------------------------------------------------------


@pytest.mark.parametrize("scenario", ["lab", "shop"])
def test_phase_counts_are_the_pods_table_at_every_moment(scenario, sim, shop):
    s = sim if scenario == "lab" else shop
    df = s.chart_data("phases")
    for t in s.store.moments():
        counts = {k: v for k, v in _at(df, t, "PHASE", "PODS").items() if v}
        table = s.pods(at=t, wide=True)
        assert counts == table["PHASE"].value_counts().to_dict(), format_duration(t)
        assert sum(counts.values()) == len(table)


def test_workload_counts_are_the_workloads_table_at_every_moment(shop):
    df = shop.chart_data("workload", "deployment shop/web")
    for t in shop.store.moments():
        row = shop.workloads(at=t).set_index(["KIND", "NAME"]).loc[("Deployment", "web")]
        got = _at(df, t, "SERIES", "REPLICAS")
        assert (got["desired"], got["current"], got["updated"], got["ready"], got["available"]) == tuple(
            int(row[c]) if not pd.isna(row[c]) else 0 for c in ("DESIRED", "CURRENT", "UP-TO-DATE", "READY",
                                                                "AVAILABLE")), format_duration(t)


def test_endpoint_counts_are_the_services_table_at_every_moment(shop):
    df = shop.chart_data("endpoints", "shop/web")
    for t in shop.store.moments():
        row = shop.services(at=t).set_index("NAME").loc["web"]
        got = _at(df, t, "ENDPOINTS", "COUNT")
        assert (got["ready"], got["not ready"]) == (row["READY"], row["NOT READY"]), format_duration(t)


def test_lifecycle_status_is_the_pods_table_at_every_moment(pods_sim):
    df = pods_sim.chart_data("lifecycle")
    for t in pods_sim.store.moments():
        td = pd.Timedelta(milliseconds=t)
        table = pods_sim.pods(at=t, wide=True).set_index("NAME")
        live = df[(df["START"] <= td) & ((df["END"] > td) | ((df["END"] == td) & ~df["DELETED"]))]
        live = live.drop_duplicates("POD", keep="last").set_index("POD")
        assert sorted(live.index) == sorted(table.index), format_duration(t)
        for pod, seg in live.iterrows():
            assert seg["STATUS"] == table.loc[pod, "STATUS"], (pod, format_duration(t))
            node = table.loc[pod, "NODE"]
            assert (seg["NODE"] if pd.notna(seg["NODE"]) else None) == (node if pd.notna(node) else None)


# ---- the stories -------------------------------------------------------------------------------------


def test_a_lost_node_takes_available_down_and_the_rollout_brings_it_back_to_3(shop):
    df = shop.chart_data("workload", "deployment shop/web")
    available = df[df["SERIES"] == "available"].set_index("TIME")["REPLICAS"]
    assert available[available.index <= pd.Timedelta("2m")].iloc[-1] == 3  # before worker-2 fails at 2m
    assert _at(df, 180_000, "SERIES", "REPLICAS")["available"] == 1  # as `expect ... available=1 at 3m`
    dips = available[(available.index > pd.Timedelta("2m")) & (available < 3)]
    assert dips.index.min() == pd.Timedelta("2m50s")  # NotReady 50 s after the node stopped reporting
    assert available.iloc[-1] == 3 and dips.index.max() < pd.Timedelta("5m30s")
    updated = df[df["SERIES"] == "updated"].set_index("TIME")["REPLICAS"]
    assert updated[pd.Timedelta("5m")] == 1  # the rollout at 5m starts with one new pod


def test_pods_on_the_lost_node_turn_unknown_then_terminating(shop):
    df = shop.chart_data("lifecycle")
    web = df[df["POD"].str.startswith("web-5c5d46cf4d-")]
    lost = web[web["NODE"] == "worker-2"]
    assert set(lost["STATE"]) >= {"Unknown", "Terminating"}
    assert (lost.loc[lost["STATE"] == "Unknown", "START"] == pd.Timedelta("2m50s")).all()
    phases = shop.chart_data("phases")
    assert _at(phases, 170_000, "PHASE", "PODS")["Unknown"] == 3


def test_a_crash_loop_shows_its_restarts(pods_sim):
    df = pods_sim.chart_data("lifecycle")
    flaky = df[df["POD"] == "flaky"]
    assert {"Ready", "Error", "CrashLoopBackOff"} <= set(flaky["STATE"])
    assert flaky["RESTARTS"].is_monotonic_increasing
    restarts = int(pods_sim.pods().set_index("NAME").loc["flaky", "RESTARTS"])
    assert flaky["RESTARTS"].iloc[-1] == restarts
    bars = pods_sim.chart("lifecycle").to_dict()["datasets"]
    assert len(bars["restarts"]) == restarts and {r["pod"] for r in bars["restarts"]} == {"flaky"}
    broken = df[df["POD"] == "broken"]
    assert set(broken["STATE"]) == {"Pending", "Error"} and "ImagePullBackOff" in set(broken["STATUS"])
    assert set(df.loc[df["POD"] == "huge", "STATE"]) == {"Pending"}
    assert df.loc[df["POD"] == "migrate", "STATE"].iloc[-1] == "Succeeded"


# ---- windows, filters, caps ---------------------------------------------------------------------------


def test_a_window_starts_with_the_state_then_and_ends_at_its_end(shop):
    full = shop.chart_data("phases")
    part = shop.chart_data("phases", start="4m", end="6m")
    assert part["TIME"].min() == pd.Timedelta("4m") and part["TIME"].max() == pd.Timedelta("6m")
    assert _at(part, 240_000, "PHASE", "PODS") == _at(full, 240_000, "PHASE", "PODS")
    life = shop.chart_data("lifecycle", start="6m")
    assert life["START"].min() == pd.Timedelta("6m") and "web-5c5d46cf4d-nvtfm" not in set(life["POD"])


def test_namespace_and_selector_filter_the_pods(sim):
    df = sim.chart_data("lifecycle", namespace="shop", selector="app=web")
    assert set(df["POD"]) == {"web-1", "web-2", "slow"}
    chart = sim.chart("phases", namespace="shop", selector="app=web")
    assert chart.to_dict()["title"]["subtitle"] == ["namespace shop pods app=web"]


def test_the_lifecycle_draws_at_most_max_pods_and_says_so(shop):
    spec = shop.plot_lifecycle(max_pods=3).to_dict()
    assert len({b["pod"] for b in spec["datasets"]["bars"]}) == 3
    assert "showing the first 3 of 10 pods" in spec["title"]["subtitle"][0]


# ---- errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("call, message", [
    (lambda s: s.chart("pie"), "no chart 'pie'; charts: phases, workload, endpoints, lifecycle"),
    (lambda s: s.plot_workload("deployment shop/nope"), "no deployment shop/nope; deployments in the run: shop/api, "
                                                        "shop/web"),
    (lambda s: s.plot_workload("web"), "no workload default/web; workloads in the run: deployment shop/api"),
    (lambda s: s.plot_workload("service shop/web"), "not a service"),
    (lambda s: s.plot_workload("cronjob/x"), "`cronjob/x` is not a kind|no workload"),
    (lambda s: s.plot_endpoints("shop/nope"), "no service shop/nope; services in the run: shop/api, shop/db, shop/web"),
    (lambda s: s.plot_endpoints("deployment shop/web"), "an endpoints chart is of a service"),
    (lambda s: s.chart("phases", "shop/web"), "the phases chart takes no target"),
    (lambda s: s.plot_phases(end="20m"), r"end=20m is after the end of the run \(10m\)"),
    (lambda s: s.plot_phases(start="5m", end="1m"), "start=5m is after end=1m"),
    (lambda s: s.plot_phases(start="5m", at="1m"), "at=1m is outside the chart, which runs from 5m to 10m"),
    (lambda s: s.plot_lifecycle(max_pods=0), "max_pods=0: give a number of pods"),
    (lambda s: s.plot_phases(at="soon"), "`soon` is not a duration"),
    (lambda s: s.plot_phases(namespace="nothing-here"), r"no namespace nothing-here in this run; namespaces: default, shop"),
])
def test_bad_requests_are_one_clear_view_error(shop, call, message):
    with pytest.raises(kdsl.UsageError, match=message):  # ViewError, or the argument checks' NotFoundError
        call(shop)


def test_targets_in_kubectl_s_spellings_name_the_same_workload(shop):
    want = shop.chart_data("workload", "deployment shop/web")
    for target, ns in (("deploy/web", "shop"), ("deployments shop/web", None), ("shop/web", None),
                       ("Deployment web", "shop")):
        assert shop.chart_data("workload", target, namespace=ns).equals(want), target
    assert shop.plot_workload("deployment", "web", namespace="shop").to_dict()["title"]["text"] == \
        "Replicas of deployment shop/web"
    rs = shop.chart_data("workload", "rs shop/web-5c5d46cf4d")
    assert "updated" not in set(rs["SERIES"]) and rs[rs["SERIES"] == "desired"]["REPLICAS"].iloc[-1] == 0


# ---- specs: valid, shown natively, cheap at another moment, deterministic -------------------------------

KINDS = [("phases", None), ("workload", "deployment shop/web"), ("endpoints", "shop/web"), ("lifecycle", None)]


@pytest.mark.parametrize("kind, target", KINDS)
def test_every_chart_is_valid_vega_lite_and_shows_as_vega_5(shop, kind, target):
    chart = shop.chart(kind, target, at="3m")
    chart.to_dict(validate=True)  # Altair checks the spec against the Vega-Lite schema
    bundle = chart._repr_mimebundle_()
    assert set(bundle) == {VEGA_MIME, "text/plain"}  # no text/html: Altair's HTML loads Vega from a CDN
    assert bundle[VEGA_MIME]["$schema"].endswith("/vega/v5.json")
    assert bundle["text/plain"].startswith("<kdsl chart: ")
    assert chart.to_dict()["config"]["background"] == "transparent"


def test_another_moment_changes_only_the_rule_and_leaves_the_first_chart_alone(shop):
    first = shop.plot_phases(at="1m")
    second = shop.plot_phases(at="7m")
    a, b = first.to_dict(), second.to_dict()
    assert a["datasets"]["at"] == [{"s": 60.0, "label": "at 1m", "side": "left"}]
    assert b["datasets"]["at"] == [{"s": 420.0, "label": "at 7m", "side": "right"}]
    assert {k: v for k, v in a.items() if k != "datasets"} == {k: v for k, v in b.items() if k != "datasets"}
    assert shop.plot_phases().to_dict()["datasets"]["at"] == []
    assert first._repr_mimebundle_()[VEGA_MIME] == to_vega(a)


def test_a_chart_changed_in_place_shows_the_change(shop):
    chart = shop.plot_phases()
    chart.title = "mine"
    assert chart._repr_mimebundle_()["text/plain"] == "<kdsl chart: mine>"


def test_same_scenario_same_spec_and_the_views_change_nothing():
    a = kdsl.simulate(kdsl.load(EXAMPLES / "pods.kdsl"))
    b = kdsl.simulate(kdsl.load(EXAMPLES / "pods.kdsl"))
    before = len(a.store.history)
    for kind in ("phases", "lifecycle"):
        assert a.chart(kind, at="1m").to_json() == b.chart(kind, at="1m").to_json()
    assert len(a.store.history) == before and a.now == b.now


def test_time_ticks_are_round_and_labelled_as_kdsl_spells_durations(pods_sim, tmp_path):
    assert ticks(0, 600_000) == [float(60 * i) for i in range(11)]
    assert ticks(0, 300_000) == [float(30 * i) for i in range(11)]
    assert ticks(95_000, 125_000)[:2] == [95.0, 100.0]
    from kdsl.views.chart_output import save

    save(pods_sim.plot_lifecycle(), tmp_path / "l.svg")
    svg = (tmp_path / "l.svg").read_text()
    assert all(f">{label}</text>" in svg for label in ("0s", "30s", "1m30s", "4m30s", "5m"))


def test_colours_are_the_topology_s():
    from kdsl.views import common, drawing

    assert common.PHASE_COLOURS == drawing.PHASE_COLOURS
    assert set(common.STATE_COLOURS) == set(__import__("kdsl.views.chart_data", fromlist=["STATES"]).STATES)


def test_chart_data_of_the_module_is_the_method_s(shop):
    assert chart_data(shop, "endpoints", "shop/web").equals(shop.chart_data("endpoints", "web", namespace="shop"))
    assert json.loads(shop.plot_endpoints("shop/web").to_json())["$schema"].startswith("https://vega.github.io/")
