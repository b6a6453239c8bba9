"""A kubelet step's copies of the pod and its status (runtime._copied) made as evolve makes them, and new_pod's
record and next_event's Step made straight-line (pod.first_run, pod.new_step) as their __init__ makes them."""

from __future__ import annotations

import itertools

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kdsl.engine.kubelet import runtime
from kdsl.engine.kubelet.pod import FIRST, Config, PodRun, Step, first_run, new_step
from kdsl.engine.objects import Condition, PodStatus

from .helpers import play, template


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


VALUES = {
    "name": st.text(max_size=3), "namespace": st.sampled_from(("default", "shop")), "uid": st.text(max_size=3),
    "template": st.sampled_from((None, template("container app image=x:1"))), "bound_ms": st.integers(0, 10),
    "ctrs": st.just(()), "config": st.builds(Config, st.integers(0, 9)),
    "images": st.frozensets(st.sampled_from(("a", "b"))), "readiness_gates": st.sampled_from(((), ("g",))),
    "sigterm_ms": st.sampled_from(((), (("app", 5),))), "sandbox": st.sampled_from(("creating", "ready")),
    "status": st.builds(PodStatus, phase=st.sampled_from(("Pending", "Running")),
                        conditions=st.sampled_from(((), (Condition(type="PodScheduled", status="True"),)))),
    "now_ms": st.integers(0, 10), "configs": st.sampled_from((None, object())), "canon": st.sampled_from((None, ())),
}


@settings(max_examples=100, deadline=None)
@given(st.fixed_dictionaries({name: VALUES[name] for name in FIRST}))
def test_first_run_is_the_records_init(values):
    made, want = first_run(*(values[name] for name in FIRST)), PodRun(**values)
    assert made == want
    for a in attrs.fields(PodRun):  # field for field the same objects, the eq=False ones too
        assert getattr(made, a.name) is getattr(want, a.name), a.name


def test_the_fields_first_run_leaves_out_have_plain_defaults():
    for a in attrs.fields(PodRun):
        assert a.name in FIRST or not isinstance(a.default, attrs.Factory) and a.default is not attrs.NOTHING


def test_new_pod_makes_the_record_its_fields_make():
    run = runtime.new_pod(template("container app image=x:1"), 5, name="p", uid="u", node_images=("x:1",),
                  sigterm_ms={"app": 3}, readiness_gates=["g"])
    want = PodRun(name="p", namespace="default", uid="u", template=run.template, bound_ms=5, ctrs=run.ctrs,
                  images=frozenset({"x:1"}), readiness_gates=("g",), sigterm_ms=(("app", 3),), status=run.status,
                  now_ms=5)
    assert run == want and run.canon is None and run.configs is None


@given(st.integers(), st.text(max_size=3), st.one_of(st.none(), st.text(max_size=3)))
def test_new_step_is_the_records_init(time_ms, what, container):
    made, want = new_step(time_ms, what, container), Step(time_ms, what, container)
    assert type(made) is Step and made == want and hash(made) == hash(want) and repr(made) == repr(want)
    for a in attrs.fields(Step):
        assert getattr(made, a.name) is getattr(want, a.name), a.name
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.what = "changed"
