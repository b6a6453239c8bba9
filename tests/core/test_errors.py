"""The nearest-name suggestion: the same as difflib's on a small set, bounded on a large one."""

from __future__ import annotations

import difflib

from kdsl.core import errors
from kdsl.core.errors import CLOSE_WINDOW, close_matches, suggest

NODES = [f"worker-{i}" for i in range(1, 65_537)]


def test_a_small_set_gives_difflibs_answer():
    names = ["web", "api", "db", "cache", "frontend", "backend"]
    for word in ("wbe", "fronted", "bakend", "dbb", "zzz"):
        assert close_matches(word, names) == difflib.get_close_matches(word, sorted(names), n=1, cutoff=0.6)


def test_a_slip_at_the_end_the_start_or_an_added_suffix_is_found_among_65536_nodes():
    assert close_matches("worker-8Ei", NODES) == ["worker-8"]  # the fuzz run's input: 7 s before
    assert close_matches("worker-6553", NODES) == ["worker-6553"]
    assert close_matches("wroker-12345", NODES) == ["worker-12345"]
    assert suggest("worker-4096x", NODES) == "worker-4096"


def test_a_large_set_is_compared_on_a_bounded_window(monkeypatch):
    seen = []
    real = difflib.get_close_matches

    def counting(word, cands, n, cutoff):
        seen.append(len(cands))
        return real(word, cands, n, cutoff)

    monkeypatch.setattr(errors.difflib, "get_close_matches", counting)
    close_matches("worker-8Ei", NODES)
    assert seen and seen[0] <= 4 * CLOSE_WINDOW + len("worker-8Ei")
