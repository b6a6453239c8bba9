"""The tables: golden columns and rows of the fixed scenario, moments, namespaces, selectors, purity."""

from __future__ import annotations

import pandas as pd
import pytest

from kdsl.views import TABLE_NAMES, tables
from kdsl import NotFoundError, UsageError
from kdsl.views.common import ViewError, moment, selector
from kdsl.views.display import text
from kdsl.model.base import Requirement, Selector
from tests.golden import check_golden


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_golden_table(sim, name):
    df = tables.TABLES[name](sim)
    check_golden(f"views/{name}.txt", f"columns: {list(df.columns)}\n" + text(df))


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_golden_table_at_30s(sim, name):
    df = tables.TABLES[name](sim, at="30s")
    check_golden(f"views/{name}-30s.txt", text(df))


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_golden_wide_table(sim, name):
    df = tables.TABLES[name](sim, wide=True)
    check_golden(f"views/{name}-wide.txt", f"columns: {list(df.columns)}\n" + text(df))


def test_golden_timeline_and_explain(sim):
    check_golden("views/timeline.txt", text(sim.timeline()))
    check_golden("views/explain-huge.txt", text(sim.explain("huge")))
    wide = sim.explain("shop/slow", wide=True)
    check_golden("views/explain-slow-wide.txt", f"columns: {list(wide.columns)}\n" + text(wide))


def test_table_names_match_the_functions():
    assert list(tables.TABLES) == TABLE_NAMES


def test_pods_columns_and_values_are_kubectl_like(sim):
    assert list(sim.pods().columns) == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert list(sim.pods(namespace="shop").columns) == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]  # as -n
    df = sim.pods(wide=True)
    assert list(df.columns) == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "PHASE",
                                "QOS", "OWNER", "REPORTED"]
    row = df.set_index("NAME").loc["db-0"]
    assert (row["OWNER"], row["PHASE"], row["REPORTED"], row["QOS"]) == ("StatefulSet/db", "Unknown", "Running",
                                                                         "Burstable")
    assert df.set_index("NAME").loc["slow", "QOS"] == "Guaranteed"
    assert pd.isna(df.set_index("NAME").loc["huge", "NODE"])


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_wide_adds_columns_and_keeps_the_default_ones_in_their_order(sim, name):
    default, wide = tables.TABLES[name](sim), tables.TABLES[name](sim, wide=True)
    assert [c for c in wide.columns if c in set(default.columns)] == list(default.columns)
    assert set(default.columns) <= set(wide.columns)
    assert wide[list(default.columns)].equals(default)
    if name not in ("conditions",):  # every column of conditions is a default one
        assert len(wide.columns) > len(default.columns)


def test_at_takes_ms_and_durations_and_namespace_and_selector_filter(sim):
    assert sim.pods(at=30_000).equals(sim.pods(at="30s"))
    assert sim.pods(at=0)["AGE"].eq(pd.Timedelta(0)).all()
    assert set(sim.pods(namespace="shop")["NAME"]) == {"db-0", "slow", "web-1", "web-2"}
    assert list(sim.pods(selector="app=web,app notin (x)")["NAME"]) == ["slow", "web-1", "web-2"]
    assert list(sim.pods(selector={"app": "db"})["NAME"]) == ["db-0"]
    assert list(sim.pods(namespace="infra", selector="!app")["NAME"]) == []


def test_selector_text_is_kubectl_s():
    assert selector("a=b,c!=d,e in (f, g),h,!i") == Selector(
        (("a", "b"),), (Requirement("c", "NotIn", ("d",)), Requirement("e", "In", ("f", "g")),
                        Requirement("h", "Exists"), Requirement("i", "DoesNotExist")))
    with pytest.raises(ViewError, match=r"`a b` is not a label requirement"):
        selector("a b")


def test_bad_moments_are_clear_errors(sim):
    with pytest.raises(UsageError, match="`soon` is not a duration"):
        sim.pods(at="soon")
    with pytest.raises(UsageError, match="before the start"):
        moment(sim, -1)
    with pytest.raises(NotFoundError, match="no pod default/nope at 3m"):
        sim.explain("nope")


def test_an_empty_table_keeps_its_columns(sim):
    df = sim.pods(selector="app=nothing-here")
    assert df.empty and list(df.columns)[:2] == ["NAMESPACE", "NAME"]
    assert str(df["AGE"].dtype) == "timedelta64[ms]"
    assert text(df) == "No resources found.\n"


def test_counts_not_written_yet_stay_integers(sim):
    df = sim.workloads()
    assert str(df["UP-TO-DATE"].dtype) == "Int64" and df.set_index("NAME").loc["once", "UP-TO-DATE"] is pd.NA


def test_explain_is_one_row_per_node_by_default(sim):
    ex = sim.explain("huge")
    assert list(ex.columns) == ["NODE", "FEASIBLE", "FAILED FILTER", "REASON", "SCORE"]
    assert ex.values.tolist() == [
        ["worker-1", False, "NodeResourcesFit", "Insufficient cpu", None],
        ["worker-2", False, "TaintToleration", "node(s) had untolerated taint {node.kubernetes.io/unreachable: }",
         None]]
    ok = sim.explain("shop/web-1", at="10s").set_index("NODE")
    assert ok["FEASIBLE"].all() and ok["FAILED FILTER"].isna().all() and ok["SCORE"].notna().all()
    wide = sim.explain("huge", wide=True)
    assert list(wide.columns[:7]) == ["NODE", "FEASIBLE", "FAILED FILTER", "REASON", "SCORE", "BEST", "UNRESOLVABLE"]
    assert wide.loc[0, "filter:NodeResourcesFit"] == "Insufficient cpu" and "NodeResourcesFit.raw" in wide


def test_nodes_sum_the_requests_of_pods_bound_and_not_finished(sim):
    row = sim.nodes().set_index("NAME").loc["worker-1"]
    assert (row["REQUESTED CPU"], row["REQUESTED MEMORY"], row["PODS"]) == ("250m", "128Mi", 3)
    assert sim.nodes().set_index("NAME").loc["worker-2", "STATUS"] == "NotReady"


def test_services_count_ready_and_not_ready_endpoints(sim):
    web = sim.services(wide=True).set_index("NAME").loc["web"]
    assert (web["READY"], web["NOT READY"], web["ENDPOINTS"]) == (1, 2, "10.244.0.2:80")


def test_namespaces_count_objects_and_show_quota_used_over_hard(sim):
    shop = sim.namespaces().set_index("NAME").loc["shop"]
    assert shop["QUOTA"] == "pods: 4/10, requests.cpu: 1100m/4"
    assert "default" in set(sim.namespaces()["NAME"])


def test_storage_joins_claims_to_volumes_and_their_pods(sim):
    df = sim.storage(wide=True).set_index("CLAIM")
    assert (df.loc["data-db-0", "PODS"], df.loc["data-db-0", "CLAIM STATUS"]) == ("db-0", "Bound")
    assert (df.loc["scratch", "VOLUME"], df.loc["scratch", "CAPACITY"], df.loc["scratch", "REQUESTED"]) == (
        "manual", "5Gi", "2Gi")


def test_the_timeline_has_each_change_of_phase_and_readiness(sim):
    df = sim.timeline(namespace="shop", selector="app=web")
    web2 = df[df["POD"] == "web-2"]
    assert list(web2["PHASE"])[-1] == "Unknown" and web2["TIME"].is_monotonic_increasing
    assert set(df["POD"]) == {"slow", "web-1", "web-2"}


def test_views_never_change_the_simulation(sim):
    before = (sim.store.resource_version, len(sim.store.history), len(sim.log.events), sim.now)
    for name in TABLE_NAMES:
        tables.TABLES[name](sim, at="20s")
        tables.TABLES[name](sim)
    sim.timeline()
    sim.explain("huge", at="10s")
    sim.topology()
    sim.topology_diff(0, "3m")
    assert (sim.store.resource_version, len(sim.store.history), len(sim.log.events), sim.now) == before


def test_verdicts_are_one_row_per_node_read_from_the_engine(sim):
    from kdsl.views.pods import verdicts

    df = verdicts(sim, "huge")
    check_golden("views/verdicts-huge.txt", text(df))
    assert list(df.columns) == ["NODE", "FEASIBLE", "FAILED PLUGIN", "REASON", "SCORE"]
    full = sim.explanation("huge").rows()
    assert list(df.NODE) == [r["node"] for r in full]
    assert list(df.FEASIBLE) == ["yes" if r["feasible"] else "no" for r in full]
    assert list(df.REASON) == [r["reason"] for r in full]
    assert list(df["FAILED PLUGIN"]) == [r["failed_plugin"] for r in full]
    # Before worker-2 was lost, each node turns huge away for the same reason.
    assert set(verdicts(sim, "huge", at="30s").REASON) == {"Insufficient cpu"}
    fits = verdicts(sim, "shop/web-2", at="30s").set_index("NODE")
    assert fits.loc["worker-2", "FEASIBLE"] == "yes" and fits.loc["worker-2", "SCORE"] > 0
    with pytest.raises(ViewError, match="pod default/nope does not exist at 10s"):
        verdicts(sim, "nope", at="10s")
