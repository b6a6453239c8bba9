"""A bare pod's status answered by its containers' shape (kubelet/shaped.py) is what refresh.py computes for it."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import kdsl
from kdsl.core.evolve import evolve
from kdsl.engine.kubelet import merge, recipe, refresh, runtime, shaped
from kdsl.engine.objects import Condition, PodStatus, set_condition
from kdsl.engine.simulation import Simulation
from tests.engine.apiserver.test_prepared import _facts

from .helpers import template
from .test_alike import BARE
from .test_refresh import STATUS, STATUS_FIELDS, _ctrs

# each body twice, its containers named otherwise: the same shape
BODIES = (
    ("container app image=x:1", "container web-2 image=y:1"),
    ("restart Never\ncontainer app image=x:1", "restart Never\ncontainer z image=x:1"),
    ("restart OnFailure\ncontainer a image=x:1\ncontainer b image=x:1",
     "restart OnFailure\ncontainer c1 image=x:1\ncontainer c2 image=y:2"),
    ("restart Never\ninit setup image=x:1\ncontainer app image=x:1",
     "restart Never\ninit s image=x:1\ncontainer a image=x:1"),
    ("init proxy image=envoy:1 sidecar\ncontainer app image=x:1",
     "init p2 image=envoy:1 sidecar\ncontainer a2 image=x:1"),
)
TEMPLATES = tuple(template(b) for pair in BODIES for b in pair)
OTHERS = (Condition(type="DisruptionTarget", status="True", reason="EvictionByEvictionAPI", message="x"),
          Condition(type="PodScheduled", status="True", last_transition_ms=1),
          Condition(type="Ready", status="False", reason="ContainersNotReady",
                    message="containers with unready status: [app]"),
          Condition(type="Initialized", status="True", last_transition_ms=2))


def _plain(t, ctrs, deleting, sandbox, status, now):
    fields, sandbox = refresh.refreshed(t, ctrs, deleting, sandbox, (), status, now, alone=True)
    return fields, sandbox


def _cleared():
    for table in (shaped._ANSWERS, recipe._RECIPES, recipe._CANONS, shaped._FAST):
        table.clear()


SANDBOX = st.sampled_from(("creating", "ready", "gone"))
STEP = st.tuples(st.lists(STATUS, min_size=2, max_size=2), st.booleans(), SANDBOX, st.integers(0, 3),
                 st.none() | st.sampled_from(OTHERS))


@settings(max_examples=400, deadline=None)
@given(st.integers(0, len(BODIES) - 1), st.lists(STEP, min_size=1, max_size=6), st.lists(st.sampled_from(OTHERS),
                                                                                       max_size=3),
       st.sampled_from(("Pending", "Running", "Failed")), st.booleans(), st.integers(0, 5), st.integers(0, 1),
       st.sampled_from(sorted(STATUS_FIELDS)), STATUS)
def test_pods_of_one_shape_refreshed_step_by_step_read_what_each_would_compute(body, steps, others, phase, fresh,
                                                                               at, which, field, other):
    # two pods of the same shape, their containers named otherwise, take the same steps one after the other
    # (the second finds the first one's answers and recipes), then a third whose statuses differ in one field
    # of one container at one step; between steps another component may set a condition (the kubelet's last
    # conditions are then no longer the pod's). Each status is what refresh.py makes of it.
    if fresh:
        _cleared()
    near = list(steps)
    facts = [dict(f) for f in near[at % len(near)][0]]
    facts[which][field] = other[field]
    near[at % len(near)] = (facts, *near[at % len(near)][1:])
    for t, played in ((TEMPLATES[2 * body], steps), (TEMPLATES[2 * body + 1], steps), (TEMPLATES[2 * body], near)):
        status, canon, now = PodStatus(phase=phase, conditions=tuple(others)), None, 0
        for facts, deleting, sandbox, dt, set_by_another in played:
            now += dt
            if set_by_another is not None:
                status = evolve(status, conditions=set_condition(status.conditions, set_by_another))
            ctrs = _ctrs(t, facts)
            want = _plain(t, ctrs, deleting, sandbox, status, now)
            fields, got_sandbox, canon = shaped.refreshed(t, ctrs, deleting, sandbox, (), status, now, canon)
            assert (fields, got_sandbox) == want
            if fields is not None:
                status = evolve(status, **fields)
            assert canon is None or canon[0] is status.conditions


def test_pods_alike_but_for_their_names_share_one_answer_and_one_recipe():
    _cleared()
    made = []
    for i in range(5):
        t = template(f"container c{i} image=x:{i}")
        ctrs = _ctrs(t, [{"state": kdsl.engine.objects.Waiting("ContainerCreating"), "last": None, "ready": False,
                          "started": False, "restarts": 0, "stage": "blocked"}])
        status = PodStatus(conditions=(Condition(type="PodScheduled", status="True"),))  # a tuple of its own
        answers = len(shaped._ANSWERS)
        fields, _, canon = shaped.refreshed(t, ctrs, False, "creating", (), status, 7, None)
        assert fields == _plain(t, ctrs, False, "creating", status, 7)[0]
        # the first refresh too: after the first pod's, found in one look-up (by its conditions' fields)
        assert len(shaped._ANSWERS) == answers + (i == 0) and len(shaped._FAST) == 1 + (i > 0)
        assert fields["conditions"][3].message == f"containers with unready status: [c{i}]"
        made.append(canon)
        # its next refresh, from the conditions this one made: after the first pod's, found in one look-up
        status = evolve(status, **fields)
        ctrs = _ctrs(t, [{"state": kdsl.engine.objects.Running(8), "last": None, "ready": True, "started": True,
                          "restarts": 0, "stage": "running"}])
        answers = len(shaped._ANSWERS)
        again, _, _ = shaped.refreshed(t, ctrs, False, "ready", (), status, 8, canon)
        assert again == _plain(t, ctrs, False, "ready", status, 8)[0]
        assert len(shaped._ANSWERS) == answers + (i == 0) and len(shaped._FAST) == 2
    assert len(shaped._ANSWERS) == 2 and len(recipe._RECIPES) == 2
    assert len({id(c[1]) for c in made}) == 1  # one canonical form for all five


@pytest.mark.parametrize("names", [("App",), ("a b",), ("a]",), ("a", "b, c"), ("a", "a"), ("a", "b", "a")])
def test_names_validation_refuses_read_what_each_would_compute(names):
    # the model and validation refuse such names: a template made without them; names twice take the
    # computed path (getPhase pairs containers and statuses by name)
    t = template("\n".join(f"container c{i} image=x:1" for i in range(len(names))))
    t = evolve(t, containers=tuple(evolve(c, name=n) for c, n in zip(t.containers, names)))
    for ready in (False, True):
        ctrs = _ctrs(t, [{"state": kdsl.engine.objects.Waiting("ContainerCreating"), "last": None, "ready": ready,
                          "started": False, "restarts": 0, "stage": "blocked"}] * len(names))
        status = PodStatus(conditions=OTHERS[:2])  # no condition of a type whose message names containers
        fields, sandbox, canon = shaped.refreshed(t, ctrs, False, "ready", (), status, 3, None)
        assert (fields, sandbox) == _plain(t, ctrs, False, "ready", status, 3)
        assert (canon is None) == (len(set(names)) < len(names))


def test_statuses_out_of_the_templates_order_take_the_computed_path():
    t = template("container a image=x:1\ncontainer b image=x:1")
    facts = [{"state": kdsl.engine.objects.Running(1), "last": None, "ready": r, "started": True, "restarts": 0,
              "stage": "running"} for r in (True, False)]
    ctrs = _ctrs(t, facts)[::-1]
    fields, sandbox, canon = shaped.refreshed(t, ctrs, False, "ready", (), PodStatus(), 3, None)
    assert canon is None and (fields, sandbox) == _plain(t, ctrs, False, "ready", PodStatus(), 3)


def test_containers_not_split_as_the_templates_take_the_computed_path():
    # a regular container taken for an init one: the statuses still name the template's containers in order
    t = template("restart Never\ninit setup image=x:1\ncontainer app image=x:1")
    facts = [{"state": kdsl.engine.objects.Terminated(0, "Completed"), "last": None, "ready": True, "started": False,
              "restarts": 0, "stage": "done"}, _UNSTARTED]
    ctrs = _ctrs(t, facts)
    ctrs = (ctrs[0], evolve(ctrs[1], init=True))
    fields, sandbox, canon = shaped.refreshed(t, ctrs, False, "ready", (), PodStatus(), 3, None)
    assert canon is None and (fields, sandbox) == _plain(t, ctrs, False, "ready", PodStatus(), 3)


def test_a_run_of_bare_pods_is_the_run_with_their_status_computed(monkeypatch):
    def run() -> tuple:
        _cleared()
        merge._CONDITIONS.clear()
        return _facts(Simulation(kdsl.parse(BARE)).run())

    shortcut = run()
    answered = len(shaped._ANSWERS)
    assert answered  # the bare pods' statuses were answered by their shape

    def computed(t, ctrs, deleting, sandbox, gates, status, now, canon):
        return (*refresh.refreshed(t, ctrs, deleting, sandbox, gates, status, now, alone=True), None)

    monkeypatch.setattr(runtime.shaped, "refreshed", computed)
    assert run() == shortcut


# a refresh from the conditions the pod's last refresh made: (facts, deleting, sandbox, previous phase, now, policy)
FROM_OWN = st.tuples(st.lists(STATUS, min_size=2, max_size=2), st.booleans(), SANDBOX,
                     st.sampled_from(("Pending", "Running", "Succeeded", "Failed")), st.integers(1, 3),
                     st.sampled_from(("Always", "OnFailure", "Never")))


_EXITED = {"state": kdsl.engine.objects.Terminated(0, "Completed"), "last": None, "ready": False, "started": False,
           "restarts": 0, "stage": "done"}


@settings(max_examples=300, deadline=None)
# an exited container: Running while the pod is not deleted (restart Always), Succeeded once it is
@example(0, [_EXITED] * 2, ([_EXITED] * 2, False, "ready", "Pending", 1, "Always"),
         [([_EXITED] * 2, True, "ready", "Pending", 1, "Always")], [1])
@given(st.integers(0, len(BODIES) - 1), st.lists(STATUS, min_size=2, max_size=2), FROM_OWN,
       st.lists(FROM_OWN, min_size=1, max_size=4), st.lists(st.integers(0, 5), min_size=1, max_size=4))
def test_a_refresh_from_the_pods_own_conditions_found_in_one_look_up_is_the_computed_one(body, first, base, others,
                                                                                       which):
    # two pods of one shape (the second finds the first's answers), each refreshed from the conditions its first
    # refresh made as the first call, then as calls that differ from it in one thing, each followed by it again
    _cleared()
    calls = [base]
    for other, i in zip(others, which):
        calls += [(*base[:i], other[i], *base[i + 1:]), base]
    for t0 in (TEMPLATES[2 * body], TEMPLATES[2 * body + 1]):
        status = PodStatus(conditions=(OTHERS[1],))
        fields, _, canon = shaped.refreshed(t0, _ctrs(t0, first), False, "creating", (), status, 0, None)
        status = evolve(status, **fields) if fields is not None else status
        for facts, deleting, sandbox, phase, now, policy in calls:
            t = evolve(t0, restart_policy=policy)  # its containers the same tuple: the same pod's
            ctrs, now_status = _ctrs(t, facts), evolve(status, phase=phase)
            fields, got_sandbox, _ = shaped.refreshed(t, ctrs, deleting, sandbox, (), now_status, now, canon)
            assert (fields, got_sandbox) == _plain(t, ctrs, deleting, sandbox, now_status, now)


# another's conditions a pod's first refresh starts from (none names a container): a list drawn from these
AT_FIRST = (Condition(type="PodScheduled", status="True", last_transition_ms=1),
            Condition(type="PodScheduled", status="True", last_transition_ms=2),
            Condition(type="PodScheduled", status="False", reason="Unschedulable", message="0/1 nodes"),
            Condition(type="DisruptionTarget", status="True", reason="EvictionByEvictionAPI", message="x"),
            Condition(type="PodReadyToStartContainers", status="True", last_transition_ms=3),
            Condition(type="example.com/gate", status="True"))
# a first refresh: (facts, deleting, sandbox, previous phase, now, policy, the conditions it starts from)
FIRST = st.tuples(st.lists(STATUS, min_size=2, max_size=2), st.booleans(), SANDBOX,
                  st.sampled_from(("Pending", "Running", "Succeeded", "Failed")), st.integers(0, 3),
                  st.sampled_from(("Always", "OnFailure", "Never")),
                  st.lists(st.sampled_from(AT_FIRST), max_size=3).map(tuple))


_RESTARTING = {"state": kdsl.engine.objects.Waiting("CrashLoopBackOff"),
               "last": kdsl.engine.objects.Terminated(1, "Error"), "ready": False, "started": False, "restarts": 1,
               "stage": "backoff"}
_UNSTARTED = {"state": kdsl.engine.objects.Running(0), "last": None, "ready": False, "started": False, "restarts": 0,
              "stage": "running"}


@settings(max_examples=300, deadline=None)
@example(0, ([_EXITED] * 2, False, "ready", "Pending", 1, "Always", AT_FIRST[:1]),
         [([_EXITED] * 2, True, "ready", "Pending", 1, "Always", AT_FIRST[:1])], [1])
# a sidecar running but not started holds the pod Pending while no regular container has started; then started
@example(4, ([_UNSTARTED, _RESTARTING], False, "ready", "Pending", 1, "Always", ()),
         [([{**_UNSTARTED, "started": True}, _RESTARTING], False, "ready", "Pending", 1, "Always", ())], [0])
@given(st.integers(0, len(BODIES) - 1), FIRST, st.lists(FIRST, min_size=1, max_size=4),
       st.lists(st.integers(0, 6), min_size=1, max_size=4))
def test_a_first_refresh_found_by_its_conditions_fields_is_the_computed_one(body, base, others, which):
    # a pod's first refresh (no canonical form of its conditions known) as the first call, then calls that differ
    # from it in one thing, each followed by it again, for two pods of one shape: each found by its conditions'
    # fields once another call had them is what refresh.py computes
    _cleared()
    calls = [base]
    for other, i in zip(others, which):
        calls += [(*base[:i], other[i], *base[i + 1:]), base]
    pairs = (body, 7 - body) if body in (3, 4) else (body,)  # an init container, then a sidecar: other answers
    for t0 in [TEMPLATES[2 * b + i] for b in pairs for i in (0, 1)]:
        for facts, deleting, sandbox, phase, now, policy, previous in calls:
            t = evolve(t0, restart_policy=policy)
            ctrs, status = _ctrs(t, facts), PodStatus(phase=phase, conditions=previous)
            fields, got_sandbox, canon = shaped.refreshed(t, ctrs, deleting, sandbox, (), status, now, None)
            assert (fields, got_sandbox) == _plain(t, ctrs, deleting, sandbox, status, now)
            assert canon is None or canon[0] is (status.conditions if fields is None else fields["conditions"])
