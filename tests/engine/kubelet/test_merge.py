"""The kubelet's conditions merged into a pod's (kubelet/merge.py): set_condition one by one, whatever is remembered."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kdsl.engine.kubelet import merge
from kdsl.engine.objects import Condition, set_condition

TYPES = ("PodScheduled", "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "DisruptionTarget")
ROW = st.tuples(st.sampled_from(TYPES), st.sampled_from(("True", "False")), st.sampled_from(("", "PodCompleted")),
                st.sampled_from(("", "containers with unready status: [app]")))
CONDITION = st.builds(lambda row, since: Condition(type=row[0], status=row[1], reason=row[2], message=row[3],
                                                   last_transition_ms=since), ROW, st.integers(0, 3))


def _one_by_one(mine, previous, now):
    for type_, status, reason, message in mine:
        previous = set_condition(previous, Condition(type=type_, status=status, reason=reason, message=message,
                                                     last_transition_ms=now))
    return previous


@settings(max_examples=400, deadline=None)
@given(st.lists(ROW, max_size=6, unique_by=lambda r: r[0]), st.lists(CONDITION, max_size=6, unique_by=lambda c: c.type),
       st.integers(0, 5), st.booleans())
def test_a_merge_is_set_condition_for_each_of_the_kubelets_conditions(mine, previous, now, forget):
    if forget:
        merge._MERGED.clear()
        merge._SHARED.clear()
        merge._FIELDS_OF.clear()
    mine, previous = tuple(mine), tuple(previous)
    expected = _one_by_one(mine, previous, now)
    got = merge.merged(mine, previous, now)
    assert got == expected
    assert merge.merged(mine, tuple(previous), now) == expected  # an equal tuple of its own: the shared answer
    assert merge.merged(mine, got, now) is got  # merged again, nothing changes: the same tuple


@settings(max_examples=400, deadline=None)
@given(st.lists(ROW, max_size=6), st.lists(CONDITION, max_size=6), st.integers(0, 5))
def test_the_one_pass_merge_is_the_merge_one_condition_at_a_time_even_for_a_type_twice(mine, previous, now):
    mine, previous = tuple(mine), tuple(previous)
    values = tuple(map(merge._FIELDS, previous))
    fast, reference = merge._merge(mine, previous, now, values), merge._merge_each(mine, previous, now, values)
    assert fast == reference
    assert fast[1] == tuple(map(merge._FIELDS, fast[0]))  # the fields it gives back are its conditions'
    assert (fast[0] is previous) == (fast[0] == previous)  # nothing changed: the same tuple, else a new one


@settings(max_examples=400, deadline=None)
@given(st.lists(ROW, max_size=6), st.lists(CONDITION, max_size=6), st.integers(0, 5), st.booleans())
def test_a_bare_pods_merge_is_the_one_pass_merge(mine, previous, now, as_list):
    # merged_alone compares condition by condition, keeping no fields: what _merge (proven above) makes,
    # for types met twice and for a list as well
    mine, previous = tuple(mine), (list if as_list else tuple)(previous)
    expected = merge._merge(mine, previous, now, tuple(map(merge._FIELDS, previous)))[0]
    got = merge.merged_alone(mine, previous, now)
    assert got == expected and isinstance(got, tuple)
    assert (got is previous) == (expected is previous)  # nothing changed: the same tuple


@settings(max_examples=200, deadline=None)
@given(st.lists(ROW, max_size=6, unique_by=lambda r: r[0]), st.lists(CONDITION, max_size=6, unique_by=lambda c: c.type),
       st.integers(0, 5))
def test_a_bare_pods_merge_is_set_condition_for_each(mine, previous, now):
    mine, previous = tuple(mine), tuple(previous)
    assert merge.merged_alone(mine, previous, now) == _one_by_one(mine, previous, now)
