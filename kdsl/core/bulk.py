"""Garbage-collector pauses for the bulk phases: parsing a file and running a simulation."""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def bulk():
    """Pause the cyclic collector while a parse or a run builds millions of small frozen objects that
    live as long as the result and form no cycles, then move what survived into the permanent
    generation (`gc.freeze`) so no later collection walks it again. Without this, each collection
    re-walks the growing result, and the first full collection afterwards walks every object the run
    made (6 s after 150,000 pods). The young generations are collected on entry, so only cyclic garbage
    made inside the block could be kept; `gc.unfreeze()` hands everything back to the collector."""
    enabled = gc.isenabled()
    gc.collect(1)
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
