"""Interactive tables in a notebook: the plain table, made sortable, searchable and filterable by itables, offline."""

# Why this way (docs/jupyter.md, "Display rules"): the output is the plain HTML table of kdsl.views.display, which
# nbconvert, static exports and untrusted notebooks show as it is, plus a script that hands that very table to
# itables' DataTables (its `ITable` reads rows from the page, and sorts number and duration cells by their
# `data-order`). Nothing is fetched from a CDN: the first table a Python process shows carries itables' own
# offline bundle (gzip-compressed, about 250 KB), as `itables.init_notebook_mode(connected=False)` would, under
# the same global name, so both can share it; every later table waits for it. Where no script runs, the plain
# table stays: readable, wrapped, with its header row kept in view.

from __future__ import annotations

import base64
import gzip
import json
from functools import cache
from importlib import resources

import pandas as pd

from kdsl.views.display import MAX_ROWS, block

PAGE = 25  # rows per page once a table is longer than that
FILTERS = 10  # a search box, and a filter box under each column, on a table longer than this


@cache
def _version() -> str:
    from itables.version import __version__

    return __version__


def _names() -> tuple[str, str]:
    """The global promise and the event itables' offline mode uses for this version of its bundle."""
    v = _version()
    return f"_itables_{v.replace('.', '_').replace('-', '_')}", f"itables-{v}-ready"


@cache
def _packed(name: str) -> str:
    """A file of itables' bundle, gzip-compressed (fixed mtime, so the output is the same on every run)."""
    data = resources.files("itables").joinpath("html", name).read_bytes()
    return base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode("ascii")


def loader() -> str:
    """A script that loads itables' DataTables bundle from the page itself, once per page."""
    promise, event = _names()
    return f"""<script>(function () {{
  if (window.{promise}) return;
  const unzip = async b64 => {{
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return await new Response(stream).text();
  }};
  window.{promise} = (async () => {{
    const style = document.createElement("style");
    style.textContent = await unzip("{_packed('dt_bundle.css')}");
    document.head.appendChild(style);
    const url = URL.createObjectURL(new Blob([await unzip("{_packed('dt_bundle.js')}")], {{type: "text/javascript"}}));
    try {{ return await import(url); }} finally {{ URL.revokeObjectURL(url); }}
  }})();
  window.{promise}.then(() => window.dispatchEvent(new Event("{event}")));
}})();</script>"""


def options(rows: int) -> dict:
    """DataTables' options: the rows' own order, paging past PAGE rows, and the search box and a filter box
    under each column only on a table long enough to need them (every table sorts by a click on a header)."""
    paged, searched = rows > PAGE, rows > FILTERS
    return {
        "order": [], "autoWidth": False, "paging": paged, "pageLength": PAGE,
        "lengthMenu": [PAGE, 50, 100, MAX_ROWS], "classes": ["display", "compact"],
        "layout": {"topStart": "pageLength" if paged else None, "topEnd": "search" if searched else None,
                   "bottomStart": "info" if paged else None, "bottomEnd": "paging" if paged else None},
        **({"column_filters": "footer"} if searched else {}),
    }


def _starter(rows: int) -> str:
    """The script after a table: once the bundle is there, hand the table above it to itables. The table
    leaves its scrolling box for DataTables' container, and goes back into one inside it, so the search box
    and the pages stay put while the rows scroll under a header that stays in view."""
    promise, event = _names()
    return f"""<script>(function () {{
  const root = document.currentScript.parentElement;
  const start = ({{ITable, set_or_remove_dark_class}}) => {{
    const table = root.querySelector("table.kdsl-table");
    if (!table || table.classList.contains("dataTable")) return;
    set_or_remove_dark_class();
    const dt = {json.dumps(options(rows))};
    if (dt.column_filters) {{
      const foot = table.createTFoot().insertRow();
      table.querySelectorAll("thead th").forEach(th => {{
        const cell = document.createElement("th"); cell.textContent = th.textContent; foot.appendChild(cell);
      }});
    }}
    const box = table.parentElement;
    box.replaceWith(table);
    new ITable(table, dt);
    table.parentElement.insertBefore(box, table);
    box.appendChild(table);
    root.classList.add("kdsl-interactive");
  }};
  if (window.{promise}) window.{promise}.then(start);
  else window.addEventListener("{event}", () => window.{promise}.then(start), {{once: true}});
}})();</script>"""


# Once DataTables has the table: its controls in JupyterLab's colours, the filter boxes as wide as their column.
_INTERACTIVE_STYLE = """<style>
.kdsl-interactive .dt-container{width:fit-content;max-width:100%;font-size:var(--jp-ui-font-size1,13px);
 color:inherit}
.kdsl-interactive .dt-input{color:inherit;background:var(--jp-layout-color1,#fff);
 border:1px solid var(--jp-border-color1,#bdbdbd);border-radius:2px}
.kdsl-interactive tfoot th{position:static}
.kdsl-interactive tfoot input{width:100%;min-width:4em;box-sizing:border-box;font-weight:normal}
.kdsl-interactive table.dataTable>tbody>tr{background:transparent}
</style>"""

_SHOWN = {"loader": False}  # whether this process has shown a table, which carried the bundle


def notebook_html(df: pd.DataFrame) -> str:
    """What a notebook shows for a table: the plain table (whole cells, at most MAX_ROWS rows) with its style,
    made interactive where scripts run."""
    first = not _SHOWN["loader"]
    _SHOWN["loader"] = True
    rows = min(len(df), MAX_ROWS)
    scripts = (loader() if first else "") + (_starter(rows) if rows else "")
    return block(df, MAX_ROWS, _INTERACTIVE_STYLE + scripts)
