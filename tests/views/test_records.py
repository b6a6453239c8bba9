"""The run's records as tables: the store's writes (changes), the refused requests, the expectation results."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import kdsl
from kdsl.views import records
from tests.golden import check_golden

SCENARIO = Path(__file__).parents[1] / "engine" / "arguments.kdsl"
MS = "timedelta64[ms]"


@pytest.fixture(scope="module")
def run():
    return kdsl.simulate(kdsl.load(SCENARIO))


def test_changes_are_every_write_in_order(run):
    df = run.changes()
    assert list(df.columns) == ["TIME", "OP", "KIND", "NAMESPACE", "NAME"] and str(df.TIME.dtype) == MS
    assert len(df) == len(run.store.history)
    assert list(df.TIME) == sorted(df.TIME)
    assert set(df.OP) == {"ADDED", "MODIFIED", "DELETED"}
    assert df.NAMESPACE[df.KIND == "Node"].isna().all()  # cluster-scoped: missing, shown as <none>


def test_changes_between_two_moments_of_one_kind_in_one_namespace(run):
    df = run.changes(since="30s", at="40s", kind="pods", namespace="shop")
    assert set(df.KIND) == {"Pod"} and set(df.NAMESPACE) == {"shop"}
    assert df.TIME.min() >= pd.Timedelta(30, "s") and df.TIME.max() <= pd.Timedelta(40, "s")
    assert ("DELETED", "temp") in set(zip(df.OP, df.NAME))  # the timeline's `delete pod shop/temp`
    check_golden("views/records-changes.csv", df.to_csv(index=False))


def test_changes_at_one_moment_are_the_explorers(run):
    from kdsl.notebook.explorer import changes

    at = run.changes(at="40s", since="40s")
    assert (at.TIME == pd.Timedelta(40, "s")).all()
    assert changes(run, 40_000).equals(at.drop(columns="TIME").fillna({"NAMESPACE": ""}))


def test_refusals_are_the_rejections_as_kubectl_words_them(run):
    df = run.refusals()
    assert list(df.columns) == ["TIME", "NAMESPACE", "USER", "VERB", "OBJECT", "CODE", "REASON", "MESSAGE"]
    assert str(df.TIME.dtype) == MS and len(df) == len(run.rejections)
    first = df.iloc[0]
    assert (first.TIME, first.USER, first.VERB, first.OBJECT, first.CODE, first.REASON) == (
        pd.Timedelta(20, "s"), "bob", "create", "pod/sneaky", 403, "Forbidden")
    assert first.MESSAGE == 'pods is forbidden: User "bob" cannot create resource "pods" in API group "" in the namespace "shop"'
    quota = df[df.TIME >= pd.Timedelta(40, "s")]
    assert len(quota) and quota.MESSAGE.str.contains("exceeded quota: quota").all()
    check_golden("views/records-refusals.csv", df.head(3).to_csv(index=False))


def test_refusals_up_to_a_moment_and_in_a_namespace(run):
    assert len(run.refusals(at="39s")) == 1
    assert run.refusals(namespace="default").empty
    assert list(run.refusals(namespace="default").columns) == list(records.REFUSAL_COLUMNS)


def test_results_table(run):
    df = run.check().table()
    assert list(df.columns) == ["", "EXPECT", "FOUND", "AT"] and str(df.AT.dtype) == MS
    assert records.results([]).empty


def test_the_records_never_change_the_simulation(run):
    before = (len(run.store.history), len(run.rejections), run.now)
    run.changes(), run.refusals(), run.check().table()
    assert (len(run.store.history), len(run.rejections), run.now) == before
