"""The display rules of every kdsl table, in one place: durations as Kubernetes prints them, `<none>`, whole text."""

# The DataFrames keep data (durations as Timedelta, missing values as None/NA/NaT); these rules make the text
# `kdsl table` prints and the HTML a notebook shows. The column's dtype says how a cell is written, its name only
# which spelling of a duration and whether long text may wrap:
# - a duration in an age column (AGE, LAST SEEN, FIRST SEEN) is an age, rounded as kubectl's HumanDuration
#   rounds it (`4m50s`, `15m`, `3h`); any other duration column (TIME, LAST TRANSITION, AT, ...) is a moment of
#   the simulation in kdsl's exact spelling (`1m30s`, `1500ms`);
# - every missing value (None, NaN, NA, NaT) is kubectl's `<none>`; booleans are `true`/`false`, as kubectl
#   prints Go's;
# - no cell is ever cut: free-text columns (MESSAGE, REASON, EXPECT, FOUND, ...) and any column holding a cell
#   longer than LONG characters wrap in HTML (when the table would not fit otherwise); names, times and counts
#   never wrap, a field path (FIELD: `status.conditions[type=Ready].status`) breaks only between its parts, a
#   list of names (`shop/a, shop/b`) only after its commas, and wrapping text never inside a word that holds a
#   hyphen (a browser breaks after one, splitting `--force` or `api-7c459dd778-jlp6t`);
# - the row index is not shown unless it has a name (`df.set_index("NAME")` means something, `.tail()` does not).

from __future__ import annotations

import datetime
import html as _html
import math
import re

import numpy as np
import pandas as pd

from kdsl.engine.kubelet.status_text import human_duration
from kdsl.core.values import format_duration

NONE = "<none>"
UNKNOWN = "<unknown>"
AGES = frozenset({"AGE", "LAST SEEN", "FIRST SEEN"})
WRAP = frozenset({"MESSAGE", "REASON", "EXPECT", "FOUND", "CONDITIONS", "TAINTS", "QUOTA", "SELECTOR", "IMAGES",
                  "ENDPOINTS", "TLS"})
PATHS = frozenset({"FIELD"})  # columns of field paths, which break after a dot or before a bracket, not in a name
# kubectl top's quantities (`717m`, `300Mi`, `55%`): text as kubectl prints it, sorted and aligned as numbers
QUANTITIES = frozenset({"CPU(cores)", "MEMORY(bytes)", "CPU(%)", "MEMORY(%)", "CPU USE", "MEMORY USE"})
_QUANTITY = re.compile(r"(\d+)(?:m|Mi|%)")
SHORT = 24  # a free-text column whose cells are all this short never needs to wrap
LONG = 60  # a text cell longer than this may wrap whatever its column's name
MAX_ROWS = 500  # rows a notebook display holds; the DataFrame keeps every row
_MS = datetime.timedelta(milliseconds=1)


def is_missing(value) -> bool:
    """None, NaN, pandas' NA and NaT: every spelling of "no value" a DataFrame can hold."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def ms(value: datetime.timedelta) -> int:
    """A duration (datetime.timedelta or pandas Timedelta) in whole milliseconds."""
    return value // _MS


def duration_text(value, age: bool = False) -> str:
    """A duration as kubectl prints an age (`age=True`) or as kdsl spells a moment; `<none>` when missing."""
    if is_missing(value):
        return NONE
    n = ms(value)
    if age:
        return human_duration(n)
    return format_duration(n) if n >= 0 else "-" + format_duration(-n)


def cell(value, age: bool = False) -> str:
    """One value as a table shows it (see the module's rules)."""
    if is_missing(value):
        return NONE
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, datetime.timedelta):
        return duration_text(value, age)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def is_age(column: str) -> bool:
    return column in AGES


def _visible(df: pd.DataFrame) -> pd.DataFrame:
    """The frame as shown: a named index becomes leading columns, an unnamed one (0..n, or what `.tail()`
    or a filter left of it) is dropped; column labels are text (a MultiIndex label joined by spaces)."""
    if any(name is not None for name in df.index.names):
        try:
            df = df.reset_index()
        except ValueError:  # an index level named like a column: its values are in that column already
            pass
    return df


def _label(column) -> str:
    return " ".join(str(c) for c in column) if isinstance(column, tuple) else str(column)


class Columns:
    """The shown cells of a frame, column by column, with what each column is (age, number, wrapping text)."""

    def __init__(self, df: pd.DataFrame, max_rows: int | None = None):
        df = _visible(df)
        self.total = len(df)
        shown = df if max_rows is None or len(df) <= max_rows else df.iloc[:max_rows]
        self.rows = len(shown)
        self.labels = [_label(c) for c in df.columns]
        self.cells: list[list[str]] = []
        self.order: list[list[str] | None] = []  # sort keys of number and duration columns, for HTML
        self.wrap: list[bool] = []
        for i, label in enumerate(self.labels):
            col = shown.iloc[:, i]
            values = col.tolist()
            age = is_age(label)
            texts = [cell(v, age) for v in values]
            self.cells.append(texts)
            self.order.append(_quantity_keys(texts) if label in QUANTITIES else _sort_keys(col.dtype, values))
            numeric = self.order[-1] is not None
            longest = max((len(t) for t in texts), default=0)
            free = label in WRAP or label.startswith("filter:")
            self.wrap.append(not numeric and label not in PATHS and (longest > LONG or (free and longest > SHORT)))

    def row(self, r: int) -> list[str]:
        return [c[r] for c in self.cells]


def _quantity_keys(texts: list[str]) -> list[str]:
    """A top quantity's number (`717m` -> 717), empty for `<unknown>` or `<none>`."""
    return [m.group(1) if (m := _QUANTITY.fullmatch(t)) else "" for t in texts]


def _sort_keys(dtype, values: list) -> list[str] | None:
    """For a duration or number column, each cell's value to sort by (ms for a duration; empty when missing),
    so a sorted HTML table orders `4m50s` after `50s`; None for other columns."""
    if pd.api.types.is_timedelta64_dtype(dtype):
        return ["" if is_missing(v) else str(ms(v)) for v in values]
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        return ["" if is_missing(v) else str(v) for v in values]
    return None


# ---- the text form: what `kdsl table` and `kdsl run` print, and a DataFrame's repr ------------------


def text(df: pd.DataFrame, max_rows: int | None = None) -> str:
    """As kubectl prints a table: headers, columns padded to their widest cell, three spaces apart, every
    cell whole. With `max_rows`, the rows past it are left out and a last line says how many."""
    if len(df) == 0:
        return "No resources found.\n"
    cols = Columns(df, max_rows)
    width = [max(len(label), *(len(t) for t in cells)) for label, cells in zip(cols.labels, cols.cells)]
    lines = ["   ".join(c.ljust(w) for c, w in zip(cols.labels, width)).rstrip()]
    lines += ["   ".join(v.ljust(w) for v, w in zip(cols.row(r), width)).rstrip() for r in range(cols.rows)]
    if cols.rows < cols.total:
        lines.append(f"... {cols.total - cols.rows:,} more rows ({cols.total:,} in all)")
    return "\n".join(lines) + "\n"


# ---- the HTML form: a plain table nbconvert and static exports keep --------------------------------

# Scoped to kdsl's tables; JupyterLab's variables with fallbacks, so it reads in light and dark themes and
# outside JupyterLab. JupyterLab's own table rules (fixed layout, centred, right-aligned) are overridden: a fixed
# layout is what made wide tables thousands of pixels wide and centred their neighbours off-screen.
STYLE = """<style>
.kdsl-tables{max-width:100%;color:var(--jp-ui-font-color1,#1f1f1f)}
.kdsl-tablebox{max-width:100%;max-height:36em;overflow:auto}
.kdsl-tables table.kdsl-table{table-layout:auto;width:auto;margin:0;border-collapse:separate;border-spacing:0;
 font-size:var(--jp-ui-font-size1,13px);line-height:1.35}
.kdsl-tables .kdsl-table th,.kdsl-tables .kdsl-table td{text-align:left;vertical-align:top;white-space:nowrap;
 padding:3px 10px 3px 6px;border:none;border-bottom:1px solid var(--jp-border-color2,#e0e0e0);max-width:none}
.kdsl-tables .kdsl-table th{position:sticky;top:0;z-index:1;white-space:normal;font-weight:600;
 background:var(--jp-layout-color0,#fff);border-bottom:1px solid var(--jp-border-color1,#bdbdbd)}
.kdsl-tables .kdsl-table .kdsl-num{text-align:right}
.kdsl-tables .kdsl-table td.kdsl-wrap{white-space:pre-wrap;overflow-wrap:anywhere;min-width:12em}
.kdsl-tables .kdsl-table td:has(.kdsl-nb){white-space:normal}
.kdsl-tables .kdsl-nb,.kdsl-tables .kdsl-word{white-space:nowrap}
.kdsl-tables .kdsl-none{color:var(--jp-ui-font-color2,#757575)}
.kdsl-tables .kdsl-note{margin:4px 0;font-style:italic;color:var(--jp-ui-font-color2,#616161)}
</style>"""


def html(df: pd.DataFrame, max_rows: int | None = MAX_ROWS) -> str:
    """A plain `<table class="dataframe kdsl-table">` of the shown cells (escaped, whole), number and
    duration cells carrying `data-order` (their value) for a sortable table; past `max_rows`, a note."""
    cols = Columns(df, max_rows)
    return _table(cols) + note(cols)


def _table(cols: Columns) -> str:
    head = "".join(f"<th{_class(cols, i)}>{_html.escape(label)}</th>" for i, label in enumerate(cols.labels))
    body = []
    for r in range(cols.rows):
        tds = []
        for i, texts in enumerate(cols.cells):
            order = cols.order[i]
            key = f' data-order="{order[r]}"' if order is not None else ""
            value = texts[r]
            if value in (NONE, UNKNOWN):  # no value, or none known (kubectl top's node without metrics)
                shown = f'<span class="kdsl-none">{_html.escape(value)}</span>'
            elif cols.labels[i] in PATHS and len(value) > SHORT:
                shown = _breakable([p for p in re.split(r"(?<=\.)|(?=\[)", value) if p])
            elif order is None and len(value) > SHORT and (names := _names(value)):
                shown = _breakable([n + ", " for n in names[:-1]] + names[-1:])  # whole names, broken after commas
            elif cols.wrap[i] and "-" in value:
                shown = _whole_words(value)
            elif "/" in value and order is None and not cols.wrap[i] and len(value) > SHORT:
                shown = _at_slashes(value)
            else:
                shown = _html.escape(value)
            tds.append(f"<td{_class(cols, i)}{key}>{shown}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    rows = "\n".join(body)
    return (f'<table class="dataframe kdsl-table">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}'
            + ("\n" if rows else "") + "</tbody>\n</table>")


def _names(value: str) -> list[str] | None:
    """The names of a list of them (`shop/web-1, shop/web-2`), None for any other text."""
    items = value.split(", ")
    return items if len(items) > 1 and all(i and " " not in i for i in items) else None


def _whole_words(value: str) -> str:
    """Text that wraps at its spaces only: each word with a hyphen (a flag, a pod's name) on one line. Not the
    `kdsl-nb` class, which turns a cell's pre-wrap off and would fold the lines of a many-line message."""
    return "".join(f'<span class="kdsl-word">{_html.escape(w)}</span>' if "-" in w else _html.escape(w)
                   for w in re.split(r"(\s+)", value))


def _at_slashes(value: str) -> str:
    """A long `kind/name` may break after its slashes, never inside a name (at its hyphens)."""
    parts = value.split("/")
    return _breakable([p + "/" for p in parts[:-1]] + parts[-1:])


def _breakable(parts: list[str]) -> str:
    """The parts unbroken, with a line break allowed between them."""
    return "<wbr>".join(f'<span class="kdsl-nb">{_html.escape(p)}</span>' for p in parts)


def _class(cols: Columns, i: int) -> str:
    if cols.order[i] is not None:
        return ' class="kdsl-num"'
    return ' class="kdsl-wrap"' if cols.wrap[i] else ""


def note(cols: Columns) -> str:
    if cols.total == 0:
        return '\n<p class="kdsl-note">No resources found.</p>'
    if cols.rows < cols.total:
        return (f'\n<p class="kdsl-note">The first {cols.rows:,} of {cols.total:,} rows; the DataFrame holds them '
                "all (filter it, or give namespace= or selector=).</p>")
    return ""


def block(df: pd.DataFrame, max_rows: int | None = MAX_ROWS, extra: str = "") -> str:
    """The plain table with its style, in a scrolling box whose header row stays in view, then the note
    and `extra` (scripts): what the explorer shows, and what a notebook keeps when no script runs."""
    cols = Columns(df, max_rows)
    return (f'<div class="kdsl-tables">{STYLE}<div class="kdsl-tablebox">{_table(cols)}</div>{note(cols)}'
            f"{extra}</div>")


# ---- the DataFrame kdsl returns ----------------------------------------------------------------------


class Table(pd.DataFrame):
    """A pandas DataFrame (everything pandas does works, and its results stay Tables) that displays by
    kdsl's rules: kubectl's text as its repr and text/plain, an interactive table in a notebook."""

    _metadata: list[str] = []

    @property
    def _constructor(self):
        return Table

    def __repr__(self) -> str:
        return text(self, MAX_ROWS).rstrip("\n")

    def _repr_html_(self) -> str:
        from kdsl.views.interactive import notebook_html

        return notebook_html(self)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {"text/plain": repr(self), "text/html": self._repr_html_()}
