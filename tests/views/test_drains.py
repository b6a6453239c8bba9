"""sim.drains(): one row a drain; IGNORED and ERROR only when a drain has one, every column with wide=True."""

from __future__ import annotations

import kdsl
from kdsl.views.display import html, text

SCENARIO = """
cluster drains {
  node worker-1 cpu=4 memory=8Gi
  node worker-2 cpu=4 memory=8Gi
}
namespace shop {
  deployment web replicas=2 image=nginx:1.25 port=80
  pod debug image=busybox:1.36 { node-selector kubernetes.io/hostname=worker-2 }
}
"""
ALL = ["NODE", "STARTED", "FINISHED", "OUTCOME", "EVICTED", "IGNORED", "RETRIES", "ERROR"]


def drained(timeline: str):
    return kdsl.simulate(kdsl.parse(SCENARIO + timeline, "drains.kdsl"))


def test_columns_empty_in_every_row_are_left_out_of_the_default_view():
    sim = drained("at 1m: drain node worker-1\nrun 2m\n")  # no DaemonSet pod, no error
    assert list(sim.drains().columns) == ["NODE", "STARTED", "FINISHED", "OUTCOME", "EVICTED", "RETRIES"]
    wide = sim.drains(wide=True)
    assert list(wide.columns) == ALL and list(wide["IGNORED"]) == [""] and list(wide["ERROR"]) == [""]


def test_an_error_keeps_its_column_whole_and_wraps_only_between_words():
    sim = drained("at 1m: drain node worker-2\nrun 2m\n")
    df = sim.drains()
    assert list(df.columns) == ["NODE", "STARTED", "FINISHED", "OUTCOME", "EVICTED", "RETRIES", "ERROR"]
    error = "cannot delete Pods that declare no controller (use --force to override): shop/debug"
    assert list(df["ERROR"]) == [error] and error in text(df)  # kubectl's words, never cut
    assert '<span class="kdsl-word">--force</span>' in html(df)  # wraps, but not at the flag's hyphens
