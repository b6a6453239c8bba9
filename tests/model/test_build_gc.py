"""The model's build runs with the collector paused and freezes what is left (core/limits.py bulk), as the parse:
a cycle made while building (a recursive helper closed over its own cell, a compiled alike maker kept in its own
globals) would be kept for the life of the process."""

from __future__ import annotations

import gc
import sys
import types
from pathlib import Path

from kdsl.engine.precheck import precheck
from kdsl.lang import parse_document
from kdsl.model.build import build

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import parse as bench  # noqa: E402


def test_the_build_makes_no_cycle():
    """Only kdsl's own functions are counted among the garbage (another thread may make cycles of its own)."""
    doc = parse_document(bench.generate(2000), "bench.kdsl")  # alike deployments and services: compiled makers
    gc.unfreeze()  # what earlier builds and parses froze (a test's kept exception may hold a cycle) is freed here,
    gc.collect()  # so that only this build's garbage is found below
    gc.disable()
    try:
        sc = build(doc, later=precheck)
        assert len(sc.objects) > 200
        del sc
        gc.unfreeze()  # what the build froze goes back to the collector: its garbage is found again
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        ours = [o for o in gc.garbage if type(o) is types.FunctionType and "kdsl" in o.__code__.co_filename]
        assert ours == []
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
