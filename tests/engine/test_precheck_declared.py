"""The precheck's declared objects of an entry stored in one step once one has passed (precheck._Replay.declared) as
write() would store them: every diagnostic (message, place, order) and every object kept, by identity."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kdsl.engine import precheck as prechecking
from kdsl.engine.objects import ApiObject
from tests.engine.test_precheck_alike import HEADS, NAMES, _said
from tests.engine.test_precheck_alike_batch import checked_builds


def _both_ways(text: str, writes: list | None = None) -> list:
    """For each build that reaches its checks: the precheck's diagnostics and objects kept with the shortcut and
    without, run after the model's checks even when they found errors (where the build would stop before it)."""
    def kept(ctx, scenario):
        out = []
        for shortcut in (True, False):
            with pytest.MonkeyPatch.context() as m:
                m.setattr(prechecking._Replay, "shortcut", shortcut)
                if writes is not None:
                    write = prechecking._Replay.write
                    m.setattr(prechecking._Replay, "write", lambda self, *a, **k: writes.append(shortcut) or
                              write(self, *a, **k))
                replay = prechecking._Replay(scenario, ctx.alike_of)
                diagnostics = replay.run()
                out.append((_said(diagnostics), [(k, v if type(v) is ApiObject else id(v))  # a model object by identity
                                                 for k, v in replay.objects.items()]))
        return out

    return checked_builds(text, kept)


@settings(max_examples=100, deadline=None)
@example(kind="pod", head="image=busybox", names=["p1", "p2", "a.b", "Bad_Name"], other=False)
@example(kind="pod", head="image=busybox", names=["p1", "p2", "p1", "p3"], other=True)
@example(kind="deployment", head="", names=["p1", "p2", "x" * 64], other=False)
@given(kind=st.sampled_from(["pod", "deployment", "statefulset", "daemonset", "replicaset", "service", "job"]),
       head=HEADS, names=st.lists(NAMES, min_size=2, max_size=8), other=st.booleans())
def test_an_entrys_objects_stored_in_one_step_are_what_each_write_stores(kind, head, names, other):
    rest = " selects app=web ports 80" if kind == "service" else (" " + head if head else "") + \
        " { labels app=web; container side image=busybox }"
    lines = [f"  {kind} {name}{rest}\n" for name in names]
    if other:  # another entry's objects between, one of which takes a name of the first's
        lines[1:1] = [f"  pod {name} image=nginx {{ labels app=db }}\n" for name in ("db-0", names[0], "db-1")]
    seen = _both_ways("namespace bench {\n" + "".join(lines) + "}\n")
    assert seen
    for shortcut, each in seen:
        assert shortcut == each


def test_the_shortcut_is_taken_for_an_entrys_objects_after_the_first():
    pods = "".join(f"  pod p{i} image=busybox {{ labels app=web }}\n" for i in range(50))
    writes: list = []
    seen = _both_ways("namespace bench {\n" + pods + "  pod p3 image=busybox { labels app=web }\n}\n", writes)
    assert len(seen) == 1 and seen[0][0] == seen[0][1]
    assert writes.count(True) == 2 and writes.count(False) == 52  # the namespace, the first pod; without: each
