"""A kubelet step's copies of the pod and its status (runtime._copied) made as evolve makes them."""

from __future__ import annotations

import itertools

import attrs
import pytest

from kdsl.engine.kubelet import runtime
from kdsl.engine.kubelet.pod import PodRun
from kdsl.engine.objects import PodStatus

from .helpers import play


def test_a_step_copies_the_pod_and_its_status_as_evolve_does():
    # runtime._copied (the compiled copier found by the changed names in one table a class) against
    # attrs.evolve: every set of one or two fields and all of them, one table for all, in both orders of the
    # names, with the values of the pod and status three states on
    trace = play("container a image=x:1 { exit 0 after 5s }\ncontainer b image=y:1 { pull 3s }", 30_000)
    first, later = trace.states[0], trace.states[3]
    assert first != later and first.status != later.status
    for cls, old, new in ((PodRun, first, later), (PodStatus, first.status, later.status)):
        table: dict = {}
        names = [a.alias for a in attrs.fields(cls) if a.init]
        for combo in [*itertools.combinations(names, 1), *itertools.combinations(names, 2), tuple(names)]:
            for order in (combo, combo[::-1]):
                changes = {n: getattr(new, n) for n in order}
                given = dict(changes)
                got, want = runtime._copied(table, cls, old, given), attrs.evolve(old, **changes)
                assert got == want and all(getattr(got, n) is getattr(want, n) for n in names), order
                assert given == changes  # read, not kept or changed
        with pytest.raises(TypeError):
            runtime._copied(table, cls, old, {"no_such_field": 1})
