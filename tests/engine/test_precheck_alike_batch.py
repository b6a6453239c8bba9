"""The precheck's names of an entry of alike objects checked at once (precheck._Replay.batch) say what checking each
name on its own says: every message, its place and its order."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kdsl.core.errors import KdslError
from kdsl.engine import precheck as prechecking
from kdsl.lang import parse_document
from kdsl.model.build import alike, checks
from kdsl.model.build import scenario as building
from tests.engine.test_precheck_alike import HEADS, NAMES, _said


def _both_ways(text: str) -> list:
    """The precheck's diagnostics with the batch and without, run after the model's checks even when they found
    errors (a bad name is the model's error too, and the build would stop before the precheck)."""
    def said(ctx, scenario):
        out = []
        for batch in (True, False):
            with pytest.MonkeyPatch.context() as m:
                m.setattr(prechecking._Replay, "batch", batch)
                out.append(_said(prechecking.precheck(scenario, ctx.alike_of)))
        return out

    return checked_builds(text, said)


def checked_builds(text: str, after) -> list:
    """`after(ctx, scenario)` of each build of `text` that reaches its checks, run after the model's checks even when
    they found errors."""
    seen = []

    def checked(ctx, scenario):
        checks.check(ctx, scenario)
        seen.append(after(ctx, scenario))

    with pytest.MonkeyPatch.context() as m:
        m.setattr(building, "check", checked)
        try:
            building.build(parse_document(text, "alike.kdsl"), later=prechecking.precheck)
        except KdslError:
            pass
    return seen


@settings(max_examples=100, deadline=None)
@example(kind="pod", head="image=busybox", names=["p1", "p2", "a.b", "Bad_Name"])
@example(kind="deployment", head="", names=["p1", "x" * 64, "p2"])
@example(kind="service", head="", names=["web", "0web", "api"])
@example(kind="pod", head="image=busybox", names=["p1", "p2", "p3"])
@given(kind=st.sampled_from(["pod", "deployment", "statefulset", "daemonset", "replicaset", "service"]),
       head=HEADS, names=st.lists(NAMES | st.sampled_from(["0web", "web", "db-1"]), min_size=2, max_size=7))
def test_an_entrys_names_checked_at_once_say_what_each_checked_says(kind, head, names):
    block = " { labels app=web; container side image=busybox }"
    rest = "" if kind == "service" else (" " + head if head else "") + block
    if kind == "service":
        rest = " selects app=web ports 80"
    text = "namespace bench {\n" + "".join(f"  {kind} {name}{rest}\n" for name in names) + "}\n"
    seen = _both_ways(text)
    assert seen
    for batched, each in seen:
        assert batched == each


def test_a_family_whose_names_all_pass_is_checked_at_once(monkeypatch):
    fits = []
    name_fits = alike.Entry.name_fits
    monkeypatch.setattr(alike.Entry, "name_fits", lambda self, name: fits.append(name) or name_fits(self, name))
    pods = "".join(f"  pod p{i} image=busybox {{ labels app=web }}\n" for i in range(50))
    text = "namespace bench {\n" + pods + "}\n"
    assert _both_ways(text) == [[[], []]]
    counted = []

    def later(scenario, alike_of):
        fits.clear()
        said = prechecking.precheck(scenario, alike_of)
        counted.append(len(fits))
        return said

    for batch in (True, False):
        monkeypatch.setattr(prechecking._Replay, "batch", batch)
        building.build(parse_document(text, "batch.kdsl"), later=later)
    assert counted == [0, 49]  # the first pod's entry is validated in full, the 49 others' names one by one

