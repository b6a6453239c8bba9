"""Tables written out: CSV, JSON, Parquet or Markdown files, with every column (`wide=True`)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kdsl.views.common import ViewError
from kdsl.views.display import Columns

FORMATS = ("csv", "json", "parquet", "markdown")
SUFFIX = {"csv": ".csv", "json": ".json", "parquet": ".parquet", "markdown": ".md"}


def markdown(df: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table of the shown cells (display's rules; `|` in a cell escaped)."""
    cols = Columns(df)

    def line(values) -> str:
        return "| " + " | ".join(v.replace("|", "\\|") for v in values) + " |"

    out = [line(cols.labels), "|" + "|".join("---" for _ in cols.labels) + "|"]
    out += [line(cols.row(r)) for r in range(cols.rows)]
    return "\n".join(out) + "\n"


def machine(df: pd.DataFrame) -> pd.DataFrame:
    """The frame as CSV and JSON write it: a duration as ISO 8601 text (`P0DT0H4M50S`, which
    `pd.to_timedelta` reads back), a missing one empty (CSV) or null (JSON); Parquet keeps its duration type."""
    out = df.copy()
    for name in df.columns:
        if pd.api.types.is_timedelta64_dtype(df[name].dtype):
            out[name] = pd.Series([None if pd.isna(v) else v.isoformat() for v in df[name]], index=df.index,
                                  dtype=object)
    return out


def _need_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ViewError("parquet needs pyarrow, which is not installed; install kdsl[parquet] "
                        "(`pip install 'kdsl[parquet]'`) or choose csv or json") from None


def write(df: pd.DataFrame, fmt: str, path: str | Path | None = None) -> str | None:
    """One table in one format: to `path`, or returned as text when `path` is None (not parquet)."""
    if fmt not in FORMATS:
        raise ViewError(f"`{fmt}` is not a table format; use {', '.join(FORMATS)}")
    if fmt == "parquet":
        _need_pyarrow()
        if path is None:
            raise ViewError("parquet is binary: give a file to write it to (-o PATH)")
        df.to_parquet(path, index=False)
        return None
    if fmt == "csv":
        out = machine(df).to_csv(index=False, lineterminator="\n")
    elif fmt == "json":
        # through pandas' own encoder (numpy and nullable values), re-indented without its `\/` escapes
        out = json.dumps(json.loads(machine(df).to_json(orient="records")), indent=1, ensure_ascii=False) + "\n"
    else:
        out = markdown(df)
    if path is None:
        return out
    Path(path).write_text(out, encoding="utf-8")
    return None


def export_tables(sim, directory, format: str = "csv", at=None) -> list[Path]:
    """Every table (pods, containers, conditions, events, nodes, namespaces, workloads, services,
    ingresses, storage) and the timeline, one file each (`pods.csv`, ...) in `directory` (made if
    missing), at a moment (default: the end). Returns the paths written, in that order."""
    from kdsl.views.tables import TABLES, timeline

    if format not in FORMATS:
        raise ViewError(f"`{format}` is not a table format; use {', '.join(FORMATS)}")
    if format == "parquet":
        _need_pyarrow()
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    frames = [(name, fn(sim, at, wide=True)) for name, fn in TABLES.items()] + [("timeline", timeline(sim))]
    for name, df in frames:
        path = out / f"{name}{SUFFIX[format]}"
        write(df, format, path)
        written.append(path)
    return written
