"""Notebook integration: the explorer widget, the `%%kdsl` cell magic and rich displays."""

from __future__ import annotations


def explore(sim, **kwargs):
    """The ipywidgets explorer of a finished simulation (see kdsl.notebook.explorer)."""
    from kdsl.notebook.explorer import explore as _explore

    return _explore(sim, **kwargs)


def load_ipython_extension(ipython) -> None:
    from kdsl.notebook.magic import load_ipython_extension as _load

    _load(ipython)


__all__ = ["explore", "load_ipython_extension"]
