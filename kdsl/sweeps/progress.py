"""A sweep's progress while it runs: a bar in a notebook (with the Dask dashboard's link), a line in a terminal."""

from __future__ import annotations

import sys
import time


def in_notebook() -> bool:
    """True in a Jupyter kernel (where a widget shows), not in a terminal IPython or a script."""
    ip = sys.modules.get("IPython")
    shell = ip.get_ipython() if ip is not None and hasattr(ip, "get_ipython") else None
    return shell is not None and hasattr(shell, "kernel")


class NotebookProgress:
    """An ipywidgets bar and a line: `37 of 200 runs · 2 failed · Dask dashboard`; green when done, red when
    some runs failed."""

    def __init__(self):
        self.bar = self.label = None
        self.failed = 0

    def start(self, total: int, dashboard: str | None) -> None:
        import ipywidgets as w
        from html import escape

        from IPython.display import display

        self.link = (f' · <a href="{escape(dashboard)}" target="_blank" rel="noopener">Dask dashboard</a>'
                     if dashboard else "")
        self.bar = w.IntProgress(value=0, min=0, max=total, description="sweep",
                                 layout=w.Layout(width="320px"))
        self.label = w.HTML(self._text(0, total, 0))
        self.label.add_class("kdsl-sweep-progress")
        display(w.HBox([self.bar, self.label]))

    def __call__(self, done: int, total: int, failed: int) -> None:
        if self.bar is None:
            return
        self.bar.value = done
        self.label.value = self._text(done, total, failed)
        if done == total:
            self.bar.bar_style = "danger" if failed else "success"

    def closed(self) -> None:
        """The cluster kdsl started is closed: the line keeps the count and loses the dead link."""
        if self.bar is not None:
            self.link = ""
            self.label.value = self._text(self.bar.value, self.bar.max, self.failed)

    def _text(self, done: int, total: int, failed: int) -> str:
        self.failed = failed
        fails = f" · {failed:,} failed" if failed else ""
        return f"{done:,} of {total:,} runs{fails}{self.link}"


class TerminalProgress:
    """`sweep: 37/200 runs, 2 failed` on stderr, rewritten in place at most every half second."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.last = 0.0

    def start(self, total: int, dashboard: str | None) -> None:
        if dashboard:
            print(f"Dask dashboard: {dashboard}", file=self.stream)

    def __call__(self, done: int, total: int, failed: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.5:
            return
        self.last = now
        fails = f", {failed:,} failed" if failed else ""
        end = "\n" if done == total else ""
        print(f"\rsweep: {done:,}/{total:,} runs{fails}", end=end, file=self.stream, flush=True)
