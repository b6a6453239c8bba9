"""Exports, `kdsl table` / `kdsl graph`, and no Secret value in any output of any view."""

from __future__ import annotations

import base64
import json
import sys

import pytest

from kdsl.cli import main
from kdsl.views import TABLE_NAMES, tables
from kdsl.views.common import ViewError
from kdsl.views.display import text
from kdsl.views.export import export_tables, markdown, write
from tests.views.conftest import LAB, SECRET


def test_export_tables_writes_every_table_and_the_timeline(sim, tmp_path):
    paths = sim.export_tables(tmp_path / "out", format="csv")
    assert [p.name for p in paths] == [f"{n}.csv" for n in TABLE_NAMES] + ["timeline.csv"]
    assert (tmp_path / "out" / "pods.csv").read_text().splitlines()[0] == (
        "NAMESPACE,NAME,READY,STATUS,RESTARTS,AGE,IP,NODE,PHASE,QOS,OWNER,REPORTED")
    records = json.loads(export_tables(sim, tmp_path / "j", "json")[0].read_text())
    assert records[1]["NAME"] == "huge" and records[1]["IP"] is None


def test_exports_write_durations_as_iso_8601_and_parquet_keeps_them(sim, tmp_path):
    import pandas as pd

    csv = pd.read_csv(export_tables(sim, tmp_path, "csv", at="30s")[3])  # events
    assert csv.loc[0, "LAST SEEN"] == "P0DT0H0M30S" and csv.loc[0, "TIME"] == "P0DT0H0M0S"
    assert pd.to_timedelta(csv["LAST SEEN"]).max() == pd.Timedelta(seconds=30)
    records = json.loads(write(sim.timeline(), "json"))
    assert records[-1]["TIME"] == "P0DT0H1M50S"
    assert not [c for c in csv.columns if c.lower().endswith("_ms")]


def test_parquet_tables_read_back(sim, tmp_path):
    import pandas as pd

    written = sim.export_tables(tmp_path, format="parquet")
    assert (tmp_path / "pods.parquet") in written
    back = pd.read_parquet(tmp_path / "pods.parquet")
    assert back.equals(sim.pods(wide=True)) and str(back["AGE"].dtype) == "timedelta64[ms]"


def test_parquet_without_pyarrow_is_a_clear_error(sim, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # what `import pyarrow` meets where the extra is absent
    with pytest.raises(ViewError, match=r"parquet needs pyarrow, which is not installed; install kdsl\[parquet\]"):
        sim.export_tables(tmp_path, format="parquet")
    with pytest.raises(ViewError, match="`xlsx` is not a table format; use csv, json, parquet, markdown"):
        sim.export_tables(tmp_path, format="xlsx")


def test_markdown_escapes_bars_and_shows_the_display_cells(sim):
    df = sim.pods(namespace="default")
    assert markdown(df).splitlines()[1:] == ["|---|---|---|---|---|", "| huge | 0/1 | Pending | 0 | 3m |"]
    assert write(df, "markdown") == markdown(df)
    bars = sim.nodes(wide=True)[["NAME", "CONDITIONS"]].assign(CONDITIONS="a|b")
    assert markdown(bars).splitlines()[2] == "| worker-1 | a\\|b |"


def test_cli_table_and_graph(tmp_path, capsys):
    assert main(["table", "pods", str(LAB), "-n", "shop", "-l", "app=web", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("NAME,READY,STATUS,RESTARTS,AGE,IP,NODE,")  # csv: every column
    assert [ln.split(",")[0] for ln in out.splitlines()[1:]] == ["slow", "web-1", "web-2"]
    assert main(["table", "storage", str(LAB), "--at", "30s", "-o", str(tmp_path / "s.txt")]) == 0
    assert (tmp_path / "s.txt").read_text().startswith("NAMESPACE   CLAIM")
    assert main(["graph", str(LAB), "--view", "node", "-o", str(tmp_path / "g.svg")]) == 0
    assert b"<svg" in (tmp_path / "g.svg").read_bytes()
    assert main(["table", "pods", str(LAB), "-l", "a b"]) == 1
    assert "kdsl table: error: `a b` is not a label requirement" in capsys.readouterr().err
    assert main(["table", "pods", str(LAB), "--format", "parquet"]) == 1


def _leaks(text_: str) -> bool:
    encoded = base64.b64encode(SECRET.encode()).decode()
    return SECRET in text_ or encoded in text_


def test_no_secret_value_in_any_table_dot_source_export_or_repr(sim, tmp_path, capsys):
    outputs = {}
    for at in (None, "10s", "2m"):
        for name in TABLE_NAMES:
            df = tables.TABLES[name](sim, at=at)
            wide = tables.TABLES[name](sim, at=at, wide=True)
            outputs[f"{name}@{at}"] = (repr(wide) + text(df) + wide.to_csv() + wide.to_json(date_format="iso")
                                       + markdown(wide) + wide.to_html() + wide._repr_html_())
    outputs["timeline"] = text(sim.timeline())
    outputs["explain"] = sim.explain("shop/db-0", wide=True).to_csv() + text(sim.explain("shop/db-0", wide=True))
    for view in ("namespace", "node"):
        outputs[view] = sim.topology(view=view).source + repr(sim.topology(view=view, max_pods=1).source)
    outputs["diff"] = sim.topology_diff(0, "3m").source
    for fmt in ("csv", "json", "markdown"):
        outputs[fmt] = "".join(p.read_text() for p in sim.export_tables(tmp_path / fmt, format=fmt))
    for kind in TABLE_NAMES:
        main(["table", kind, str(LAB), "--format", "json"])
    main(["graph", str(LAB), "-o", str(tmp_path / "g.dot")])
    got = capsys.readouterr()
    outputs["cli"] = got.out + got.err + (tmp_path / "g.dot").read_text()
    assert {k: v[:80] for k, v in outputs.items() if _leaks(v)} == {}
    assert sim.store.get("Secret", "shop", "db-credentials").spec.reveal("password") == SECRET  # it is there
