"""The display rules (kdsl.views.display): every table's HTML golden, whole text, `<none>`, durations, the Table type."""

from __future__ import annotations

import html as _html
import re

import pandas as pd
import pytest

from kdsl.views import TABLE_NAMES, interactive, tables
from kdsl.views.common import duration, frame
from kdsl.views.display import Columns, Table, block, cell, html, text
from tests.golden import check_golden

OTHER_MISSING = {"None", "nan", "NaN", "<NA>", "NaT", "null"}
TIME_NAMES = {"AGE", "LAST SEEN", "TIME", "LAST TRANSITION"}


def every_table(sim, at=None, wide=True):
    out = {name: tables.TABLES[name](sim, at=at, wide=wide) for name in TABLE_NAMES}
    out["timeline"] = sim.timeline()
    out["explain"] = sim.explain("shop/slow", at=at, wide=wide)
    return out


@pytest.mark.parametrize("at", [None, "30s"], ids=["end", "30s"])
@pytest.mark.parametrize("name", TABLE_NAMES)
def test_golden_html(sim, name, at):
    check_golden(f"views/html/{name}{'-30s' if at else ''}.html", html(tables.TABLES[name](sim, at=at)))


def test_golden_html_of_explain_and_timeline(sim):
    check_golden("views/html/explain-huge.html", html(sim.explain("huge")))
    check_golden("views/html/timeline.html", html(sim.timeline(namespace="shop")))


def test_a_long_message_is_shown_whole_in_every_form(sim):
    for df in (sim.events(), sim.conditions()):
        long = max(df["MESSAGE"].dropna(), key=len)
        assert len(long) > 200
        assert long in text(df) and long in repr(df)
        assert _html.escape(long) in html(df) and _html.escape(long) in df._repr_mimebundle_()["text/html"]
        assert "…" not in html(df) + text(df)
    shown = html(sim.events())
    assert re.search(r'<th class="kdsl-wrap">MESSAGE</th>', shown)  # it may wrap, as the stylesheet says
    assert "white-space:pre-wrap" in interactive.notebook_html(sim.events())


def test_no_ms_column_anywhere(sim):
    for at in (None, "30s"):
        for name, df in every_table(sim, at).items():
            assert not [c for c in df.columns if str(c).lower().endswith("ms")], name


@pytest.mark.parametrize("at", [None, "10s", "2m"])
def test_none_is_the_only_spelling_of_missing(sim, at):
    for name, df in every_table(sim, at).items():
        cols = Columns(df)
        # a headless Service's CLUSTER-IP is the API's literal value `None`, as kubectl prints it
        cells = {c for label, column in zip(cols.labels, cols.cells) if label != "CLUSTER-IP" for c in column}
        assert not cells & OTHER_MISSING and "" not in cells, name
        assert not re.search(r">(None|nan|NaN|&lt;NA&gt;|NaT)<", html(df.drop(columns="CLUSTER-IP", errors="ignore")))
    missing = pd.DataFrame({"A": [None, float("nan"), pd.NA, pd.NaT]}, dtype=object)
    assert [cell(v) for v in missing["A"]] == ["<none>"] * 4


def test_time_columns_hold_durations(sim):
    for name, df in every_table(sim).items():
        for column in TIME_NAMES & set(df.columns):
            assert str(df[column].dtype) == "timedelta64[ms]", (name, column)
        for column in df.columns:  # and no other column holds a duration or a preformatted one
            if str(df[column].dtype) == "object":
                assert not any(isinstance(v, pd.Timedelta) for v in df[column]), (name, column)
    assert sim.events()["TIME"].max() == pd.Timedelta(minutes=1, seconds=50)


def test_ages_read_as_kubectl_and_moments_as_kdsl():
    ms = [500, 50_000, 290_500, 930_000, None]
    df = frame(("AGE", "LAST SEEN", "TIME", "LAST TRANSITION"), [(duration(m),) * 4 for m in ms])
    got = Columns(df).cells
    assert got[0] == got[1] == ["0s", "50s", "4m50s", "15m", "<none>"]  # HumanDuration: ~2 figures
    assert got[2] == got[3] == ["500ms", "50s", "4m50s500ms", "15m30s", "<none>"]  # kdsl's exact spelling
    assert cell(pd.Timedelta(-1500, unit="ms")) == "-1s500ms" and cell(True) == "true"


def test_sorting_by_age_sorts_by_duration(sim):
    df = frame(("NAME", "AGE"), [("a", duration(290_000)), ("b", duration(50_000)), ("c", duration(None))])
    assert list(df.sort_values("AGE")["NAME"]) == ["b", "a", "c"]  # as text, "4m50s" would sort before "50s"
    assert list(df.sort_values("AGE", ascending=False, na_position="last")["NAME"]) == ["a", "b", "c"]
    assert re.findall(r'<td class="kdsl-num" data-order="([0-9]*)">', html(df)) == ["290000", "50000", ""]
    events = sim.events(at="2m")
    assert events.sort_values("LAST SEEN")["TIME"].is_monotonic_decreasing


def test_a_table_stays_a_table_and_shows_no_meaningless_index(sim):
    df = sim.pods()
    for derived in (df.tail(3), df[df["STATUS"] == "Running"], df[["NAME", "AGE"]], df.query("RESTARTS == 0"),
                    df.sort_values("NAME"), pd.concat([df, df])):
        assert isinstance(derived, Table)
    tail = df.tail(2)
    assert repr(tail).splitlines()[0].split() == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert repr(tail) + "\n" == text(tail) and "<th>6</th>" not in html(tail)
    assert repr(df.set_index("NAME")).splitlines()[0].split()[:2] == ["NAME", "NAMESPACE"]  # a named index shows
    assert isinstance(df["STATUS"], pd.Series) and not isinstance(df["STATUS"], pd.DataFrame)
    bundle = df._repr_mimebundle_()
    assert bundle["text/plain"] == repr(df) and 'class="dataframe kdsl-table"' in bundle["text/html"]


def test_the_notebook_form_carries_the_bundle_once_and_fetches_nothing(sim, monkeypatch):
    monkeypatch.setitem(interactive._SHOWN, "loader", False)
    first, second = sim.pods()._repr_html_(), sim.events()._repr_html_()
    promise = interactive._names()[0]
    assert "DecompressionStream" in first and "DecompressionStream" not in second
    assert f"window.{promise}" in first and f"window.{promise}" in second
    for shown in (first, second):
        assert 'class="dataframe kdsl-table"' in shown
        code = re.sub(r'"[A-Za-z0-9+/=]{1000,}"', '""', shown)  # the bundle's base64 may spell anything
        assert not re.search(r"https?://|unpkg|jsdelivr|cdn", code, re.IGNORECASE)
    assert len(first) < 400_000  # the bundle compressed, not the 900 KB of base64 of itables' own loader


def test_long_tables_are_capped_in_a_notebook_not_in_text():
    df = frame(("N",), [(i,) for i in range(620)])
    assert text(df).count("\n") == 621
    assert repr(df).splitlines()[-1] == "... 120 more rows (620 in all)"
    shown = html(df)
    assert shown.count("<tr>") == 501 and "The first 500 of 620 rows" in shown
    assert interactive.options(500)["paging"] and not interactive.options(12)["paging"]


def test_an_empty_table_says_so():
    empty = frame(("NAME", "AGE"), [])
    assert text(empty) == "No resources found.\n"
    assert "<th>NAME</th>" in html(empty) and "No resources found." in html(empty)


def test_a_long_field_path_breaks_between_its_parts_never_inside_a_name():
    path = "endpoints[targetRef.name=web-5c5d46cf4d-kk8g8].conditions.terminating"
    out = html(frame(("FIELD", "OLD"), [(path, "true"), ("spec.replicas", 2)]))
    assert ('<td><span class="kdsl-nb">endpoints</span><wbr><span class="kdsl-nb">[targetRef.</span><wbr>'
            '<span class="kdsl-nb">name=web-5c5d46cf4d-kk8g8].</span><wbr><span class="kdsl-nb">conditions.</span>'
            '<wbr><span class="kdsl-nb">terminating</span></td>') in out
    assert "<td>spec.replicas</td>" in out and "kdsl-wrap" not in out  # a short path is plain; none wraps anywhere


def test_a_list_of_names_breaks_after_its_commas_never_between_a_namespace_and_its_name():
    out = html(frame(("POLICIES",), [("shop/api-from-web, shop/default-deny",)]))
    assert ('<td><span class="kdsl-nb">shop/api-from-web, </span><wbr>'
            '<span class="kdsl-nb">shop/default-deny</span></td>') in out
    assert '<span class="kdsl-nb">deployment/</span><wbr>' in html(frame(("OWNER",), [("deployment/web-frontend-01",)]))
    evicted = ", ".join(f"shop/api-7c459dd778-{i}x9z" for i in range(4))  # long enough to be a wrapping column
    assert ('<span class="kdsl-nb">shop/api-7c459dd778-0x9z, </span><wbr><span class="kdsl-nb">shop/api-7c459dd778-'
            in html(frame(("EVICTED",), [(evicted,)])))
    message = "Warning: ignoring DaemonSet-managed Pods: shop/agent-x, shop/agent-y"  # text, not a list of names
    assert "kdsl-nb" not in html(frame(("MESSAGE",), [(message,)]))


def test_wrapping_text_never_breaks_inside_a_flag_or_a_hyphenated_name():
    error = "cannot delete Pods that declare no controller (use --force to override): shop/debug"
    out = html(frame(("ERROR",), [(error,)]))  # longer than LONG: a column that wraps, whatever its name
    assert ('<td class="kdsl-wrap">cannot delete Pods that declare no controller (use <span class="kdsl-word">'
            '--force</span> to override): shop/debug</td>') in out
    message = "Created pod: api-7c459dd778-jlp6t\nsecond line"
    out = html(frame(("MESSAGE",), [(message,)]))
    assert 'Created pod: <span class="kdsl-word">api-7c459dd778-jlp6t</span>\nsecond line' in out
    assert "kdsl-nb" not in out  # the cell keeps pre-wrap: the message's own line break stays one
    # The stylesheet keeps such a word on one line, and a list of names still breaks after its commas only.
    assert ".kdsl-tables .kdsl-nb,.kdsl-tables .kdsl-word{white-space:nowrap}" in block(frame(("MESSAGE",), [(message,)]))
    evicted = ", ".join(f"shop/api-7c459dd778-{i}x9z" for i in range(4))
    assert "kdsl-word" not in html(frame(("EVICTED",), [(evicted,)]))
    assert "kdsl-word" not in html(frame(("MESSAGE",), [("a short message with no hyphen at all, long enough",)]))
