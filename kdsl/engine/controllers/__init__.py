"""Controllers: level-triggered, one file each, woken by store changes, acting through the API."""

from __future__ import annotations

# Each entry is a Controller subclass; the order is the order they are built and woken in at one moment.
CONTROLLERS: tuple = ()
