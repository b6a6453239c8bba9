"""Tables written out: CSV, JSON, Parquet or Markdown files, and the plain text `kdsl run` prints."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kdsl.views.common import NONE, ViewError

FORMATS = ("csv", "json", "parquet", "markdown")
SUFFIX = {"csv": ".csv", "json": ".json", "parquet": ".parquet", "markdown": ".md"}


def _cells(df: pd.DataFrame) -> list[list[str]]:
    """Each cell as text: a missing value (a status not written yet) as kubectl's `<none>`."""
    return [[NONE if _missing(v) else str(v) for v in row] for row in df.itertuples(index=False, name=None)]


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def text(df: pd.DataFrame) -> str:
    """As kubectl prints a table: headers, columns padded to their widest cell, three spaces apart."""
    if df.empty:
        return "No resources found.\n"
    cols = [str(c) for c in df.columns]
    cells = _cells(df)
    width = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(cols)]
    lines = ["   ".join(c.ljust(w) for c, w in zip(cols, width)).rstrip()]
    lines += ["   ".join(v.ljust(w) for v, w in zip(r, width)).rstrip() for r in cells]
    return "\n".join(lines) + "\n"


def markdown(df: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table (`|` in a cell escaped)."""
    cols = [str(c) for c in df.columns]

    def line(values) -> str:
        return "| " + " | ".join(v.replace("|", "\\|") for v in values) + " |"

    out = [line(cols), "|" + "|".join("---" for _ in cols) + "|"]
    out += [line(r) for r in _cells(df)]
    return "\n".join(out) + "\n"


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
        out = df.to_csv(index=False, lineterminator="\n")
    elif fmt == "json":
        # through pandas' own encoder (numpy and nullable values), re-indented without its `\/` escapes
        out = json.dumps(json.loads(df.to_json(orient="records")), indent=1, ensure_ascii=False) + "\n"
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
    frames = [(name, fn(sim, at)) for name, fn in TABLES.items()] + [("timeline", timeline(sim))]
    for name, df in frames:
        path = out / f"{name}{SUFFIX[format]}"
        write(df, format, path)
        written.append(path)
    return written
