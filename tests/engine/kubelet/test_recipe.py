"""A recipe's plan followed (kubelet/recipe.py) makes what merged_alone makes of the pod's own conditions."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kdsl.engine.kubelet import recipe
from kdsl.engine.kubelet.merge import merged_alone
from kdsl.engine.objects import Condition

TYPES = ("PodScheduled", "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "DisruptionTarget")
# a row's message as shaped.py's stand-ins write it: none, or naming container 0 or 1
MESSAGES = ("", "containers with unready status: [\x000\x00]", "containers with unready status: [\x000\x00 \x001\x00]")
ROW = st.tuples(st.sampled_from(TYPES), st.sampled_from(("True", "False")), st.sampled_from(("", "PodCompleted")),
                st.sampled_from(MESSAGES))
# the pod's previous conditions: none names a container, or the names are the pod's own (what its rows made)
PREVIOUS = st.tuples(st.sampled_from(TYPES), st.sampled_from(("True", "False")), st.sampled_from(("", "PodCompleted")),
                     st.sampled_from(MESSAGES), st.integers(0, 3))
NAMES = ("app", "web")
# the bare pod's three refreshes: from the scheduler's PodScheduled; the sandbox made; the container ready
BARE = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")
UNREADY = "containers with unready status: [\x000\x00]"
FIRST = ((BARE[0], "False", "", ""), (BARE[1], "True", "", ""), (BARE[2], "False", "ContainersNotReady", UNREADY),
         (BARE[3], "False", "ContainersNotReady", UNREADY), (BARE[4], "True", "", ""))
SANDBOX = ((BARE[0], "True", "", ""), *FIRST[1:])
READY = (SANDBOX[0], SANDBOX[1], (BARE[2], "True", "", ""), (BARE[3], "True", "", ""), SANDBOX[4])


def _own(p: tuple) -> Condition:
    return Condition(type=p[0], status=p[1], reason=p[2], message=recipe.put_back(p[3], NAMES), last_transition_ms=p[4])


@settings(max_examples=500, deadline=None)
@example(FIRST, [("PodScheduled", "True", "", "", 0)], 1)
@example(SANDBOX, [(*r, 1) for r in FIRST], 2)
@example(READY, [(*r, 1) for r in SANDBOX], 2)
@given(st.lists(ROW, min_size=1, max_size=5, unique_by=lambda r: r[0]).map(tuple),
       st.lists(PREVIOUS, max_size=5, unique_by=lambda p: p[0]), st.integers(0, 5))
def test_a_plan_followed_is_the_pods_own_merge_picked_or_made(rows, previous, now):
    # the plan's pick (each condition a previous one or one made alike for all, read by an itemgetter) makes what
    # its steps make one by one, and both what merged_alone makes of the pod's own rows and conditions
    recipe._RECIPES.clear()
    recipe._CANONS.clear()
    conditions = tuple(map(_own, previous))
    shape = recipe.canonical(tuple(p[:4] for p in previous))
    made = recipe.recipe_for(rows, shape)
    expected = merged_alone(tuple((*r[:3], recipe.put_back(r[3], NAMES)) for r in rows), conditions, now)
    if made[2] is None:
        assert expected == conditions
        return
    plan = recipe.plan_at(made, now)
    got = recipe.follow(plan, conditions, NAMES, now)
    assert got == expected
    assert recipe.follow((*plan[:3], None), conditions, NAMES, now) == expected  # step by step
    if all(s.__class__ is int or s[4] is None and s[3].__class__ is str for s in made[2]) and len(made[2]) > 1:
        assert plan[3] is not None  # nothing named, no time kept: picked
        assert all(c in conditions or c in plan[3][1] for c in got)


def test_a_bare_pods_second_and_third_refresh_are_picked():
    recipe._RECIPES.clear()
    recipe._CANONS.clear()
    for rows, before in ((SANDBOX, FIRST), (READY, SANDBOX)):
        plan = recipe.plan_at(recipe.recipe_for(rows, recipe.canonical(before)), 7)
        assert plan[3] is not None
