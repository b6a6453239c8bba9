"""The remembered phase and conditions (kubelet/refresh.py) answer what the pure path computes, for any statuses."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kdsl.core.evolve import evolve
from kdsl.engine.kubelet import containers as ct
from kdsl.engine.kubelet import merge, refresh
from kdsl.engine.kubelet.phase import TERMINAL, get_phase, pod_conditions
from kdsl.engine.objects import Condition, ContainerStatus, PodStatus, Running, Terminated, Waiting

from .helpers import template

TEMPLATES = (
    template("container app image=x:1"),
    template("restart Never\ncontainer app image=x:1"),
    template("restart OnFailure\ncontainer a image=x:1\ncontainer b image=x:1"),
    template("restart Never\ninit setup image=x:1\ncontainer app image=x:1"),
    template("init proxy image=envoy:1 sidecar\ncontainer app image=x:1"),
)
# templates that share their containers (as a ReplicaSet's pods do, each with its node) but not their policy
TEMPLATES += tuple(evolve(TEMPLATES[0], restart_policy=p, node_name="n1") for p in ("Never", "OnFailure", "Always"))
STATES = st.one_of(st.builds(Waiting, st.sampled_from(("ContainerCreating", "PodInitializing", "CrashLoopBackOff"))),
                   st.builds(Running, st.integers(0, 5)),
                   st.builds(Terminated, st.sampled_from((0, 1, 137)), st.just("Error"), st.integers(0, 5)))
STATUS_FIELDS = ("state", "last", "ready", "started", "restarts", "stage")
STATUS = st.fixed_dictionaries({
    "state": STATES, "last": st.none() | st.builds(Terminated, st.sampled_from((0, 1)), st.just("Error")),
    "ready": st.booleans(), "started": st.booleans(), "restarts": st.integers(0, 3),
    "stage": st.sampled_from((ct.BLOCKED, ct.RUNNING, ct.STOPPING, ct.BACKOFF, ct.DONE))})


def _ctrs(t, facts):
    specs = [(c, True) for c in t.init_containers] + [(c, False) for c in t.containers]
    out = []
    for (spec, init), f in zip(specs, facts):
        status = ContainerStatus(name=spec.name, image=spec.image, state=f["state"], last_state=f["last"],
                                 ready=f["ready"], started=f["started"], restart_count=f["restarts"])
        out.append(ct.Ctr(spec=spec, init=init, stage=f["stage"], status=status))
    return tuple(out)


def _pure(t, ctrs, deleting, sandbox, gates, status, now):
    # the kubelet's refresh as it was before it remembered anything: the reference
    inits = tuple(c.status for c in ctrs if c.init)
    regular = tuple(c.status for c in ctrs if not c.init)
    phase = get_phase(t, inits, regular, terminal=deleting, previous=status.phase)
    if phase in TERMINAL and sandbox == "ready" and not any(c.stage in ct.LIVE for c in ctrs):
        sandbox = "gone"
    conditions = pod_conditions(t, phase, inits, regular, sandbox_ready=sandbox == "ready", now_ms=now,
                                readiness_gates=gates, previous=status.conditions)
    return phase, conditions, sandbox


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TEMPLATES), st.lists(STATUS, min_size=2, max_size=2), st.lists(STATUS, min_size=2, max_size=2),
       st.booleans(), st.sampled_from(("creating", "ready", "gone")), st.sampled_from(((), ("example.com/gate",))),
       st.sampled_from(("Pending", "Running", "Succeeded", "Failed")), st.integers(0, 3),
       st.integers(0, 1), st.sampled_from(sorted(STATUS_FIELDS)))
def test_a_remembered_answer_is_the_pure_one(t, first, second, deleting, sandbox, gates, previous, now, which,
                                             field):
    refresh._KNOWN.clear()  # each example starts from nothing remembered, so a wrong hit shows in it
    refresh._WHOLE.clear()
    gate = (Condition(type="example.com/gate", status="True"),)
    status = PodStatus(phase=previous, conditions=gate if now % 2 else ())
    if t.containers is TEMPLATES[0].containers:  # a template of the same containers answered first
        refresh.refreshed(TEMPLATES[5 + now % 3], _ctrs(t, first), deleting, sandbox, gates, status, now)
    # a second pod that differs from the first in one field of one container (a fact or not), then a third
    near = [dict(f) for f in first]
    near[which][field] = second[which][field]
    for ctrs in (_ctrs(t, first), _ctrs(t, near), _ctrs(t, second), _ctrs(t, first)):
        phase, conditions, want_sandbox = _pure(t, ctrs, deleting, sandbox, gates, status, now)
        for alone in (False, True):  # remembered, and computed for a pod whose containers are its own
            fields, got_sandbox = refresh.refreshed(t, ctrs, deleting, sandbox, gates, status, now, alone=alone)
            assert got_sandbox == want_sandbox
            got = (status.phase, status.conditions) if fields is None else (fields["phase"], fields["conditions"])
            assert got == (phase, conditions)


def test_pods_with_the_same_facts_share_the_answer_not_their_times():
    t = TEMPLATES[0]
    a = _ctrs(t, [{"state": Running(5), "last": None, "ready": True, "started": True, "restarts": 0,
                   "stage": ct.RUNNING}])
    b = _ctrs(t, [{"state": Running(9), "last": None, "ready": True, "started": True, "restarts": 2,
                   "stage": ct.RUNNING}])
    assert refresh.facts((a[0].status,)) == refresh.facts((b[0].status,))
    fa, _ = refresh.refreshed(t, a, False, "ready", (), PodStatus(), 7)
    fb, _ = refresh.refreshed(t, b, False, "ready", (), PodStatus(), 7)
    assert fa["conditions"] is fb["conditions"] and fa["phase"] == fb["phase"] == "Running"
    assert fb["container_statuses"] == (b[0].status,)  # the statuses are each pod's own
    # a different exit code is a different fact
    c = _ctrs(t, [{"state": Terminated(1, "Error"), "last": None, "ready": False, "started": False, "restarts": 0,
                   "stage": ct.DONE}])
    d = _ctrs(t, [{"state": Terminated(0, "Completed"), "last": None, "ready": False, "started": False,
                   "restarts": 0, "stage": ct.DONE}])
    assert refresh.facts((c[0].status,)) != refresh.facts((d[0].status,))


def test_a_sidecars_start_is_a_fact():
    # Initialized (and the phase) wait for a sidecar's startup, not for its readiness
    t = TEMPLATES[4]
    refresh._KNOWN.clear()
    answers = []
    for started in (False, True):
        ctrs = _ctrs(t, [{"state": Running(1), "last": None, "ready": False, "started": started, "restarts": 0,
                          "stage": ct.RUNNING},
                         {"state": Waiting("PodInitializing"), "last": None, "ready": False, "started": False,
                          "restarts": 0, "stage": ct.BLOCKED}])
        fields, _ = refresh.refreshed(t, ctrs, False, "ready", (), PodStatus(), 2)
        assert (fields["phase"], fields["conditions"]) == _pure(t, ctrs, False, "ready", (), PodStatus(), 2)[:2]
        answers.append(fields["conditions"])
    assert answers[0] != answers[1]


# Pods of a ReplicaSet that take a step together hold one tuple of containers and equal conditions (one shared
# tuple, or tuples of their own as the scheduler's PodScheduled makes them): refresh.py finds their whole answer by
# identities (_WHOLE). Calls drawn from pools of such objects, so that answers are found again, each the pure one.
_CONDITIONS = ((), (Condition(type="PodScheduled", status="True", last_transition_ms=1),),
               (Condition(type="PodScheduled", status="True", last_transition_ms=1),),  # equal, not the same tuple
               (Condition(type="PodScheduled", status="True", last_transition_ms=2),
                Condition(type="Ready", status="False", reason="ContainersNotReady", last_transition_ms=2)))
# the scheduler's one PodScheduled of a pass, each pod's in a tuple of its own; and a tuple that begins with it
_SCHEDULED = Condition(type="PodScheduled", status="True", last_transition_ms=3)
_CONDITIONS += ((_SCHEDULED,), (_SCHEDULED,), (_SCHEDULED, _CONDITIONS[3][1]))
CALL = st.tuples(st.integers(0, 2), st.integers(0, len(_CONDITIONS) - 1), st.sampled_from((0, 5, 6, 7)),
                 st.booleans(), st.sampled_from(("creating", "ready", "gone")),
                 st.sampled_from(("Pending", "Running", "Succeeded")), st.integers(0, 3))


@settings(max_examples=300, deadline=None)
@given(st.lists(STATUS, min_size=3, max_size=3), CALL, st.lists(CALL, min_size=1, max_size=4),
       st.lists(st.integers(0, 6), min_size=1, max_size=4))
def test_an_answer_found_by_identities_is_the_pure_one(facts, base, others, which):
    refresh._KNOWN.clear()
    refresh._WHOLE.clear()  # a wrong hit shows within the example
    refresh._ONE.clear()
    t0 = TEMPLATES[0]
    pool = [_ctrs(t0, [f]) for f in facts]  # one container each: the templates 0, 5, 6 and 7 share theirs
    calls = [base]
    for other, i in zip(others, which):  # a call that differs from the first in one thing, then the first again
        calls += [(*base[:i], other[i], *base[i + 1:]), base]
    for ctrs_at, conditions, template_at, deleting, sandbox, phase, now in calls:
        t, ctrs = TEMPLATES[template_at], pool[ctrs_at]
        status = PodStatus(phase=phase, conditions=_CONDITIONS[conditions])
        fields, got_sandbox = refresh.refreshed(t, ctrs, deleting, sandbox, (), status, now)
        phase_want, conditions_want, sandbox_want = _pure(t, ctrs, deleting, sandbox, (), status, now)
        assert got_sandbox == sandbox_want
        got = (status.phase, status.conditions) if fields is None else (fields["phase"], fields["conditions"])
        assert got == (phase_want, conditions_want)
        if fields is not None:
            assert fields["container_statuses"] == tuple(c.status for c in ctrs)


def test_pods_that_step_together_find_their_whole_answer():
    refresh._KNOWN.clear()
    refresh._WHOLE.clear()
    t = TEMPLATES[0]
    ctrs = _ctrs(t, [{"state": Running(5), "last": None, "ready": True, "started": True, "restarts": 0,
                      "stage": ct.RUNNING}])
    computed = []
    merged = refresh.merged
    try:
        refresh.merged = lambda *a: computed.append(1) or merged(*a)
        # three pods, each with conditions of its own (equal), then again from the tuple the first one's made
        answers = [refresh.refreshed(t, ctrs, False, "ready", (), PodStatus(conditions=c), 7)[0]
                   for c in (_CONDITIONS[1], _CONDITIONS[2], tuple(_CONDITIONS[1]))]
        again = refresh.refreshed(t, ctrs, False, "ready", (), PodStatus(**answers[0]), 7)
    finally:
        refresh.merged = merged
    assert len(computed) == 2  # merged for the first pod's conditions, and for those its refresh made
    assert answers[0] == answers[1] == answers[2] and answers[0]["conditions"] is answers[2]["conditions"]
    assert again == (None, "ready")  # nothing changed


def test_a_one_condition_tuple_is_shared_by_its_conditions_identity():
    # refresh._shared: merge.shared's answer (an equal tuple), found by the one condition's identity
    refresh._ONE.clear()
    own = [(_SCHEDULED,), (_SCHEDULED,), (_SCHEDULED, _CONDITIONS[3][1]), (_SCHEDULED, _CONDITIONS[3][0])]
    got = [refresh._shared(c) for c in own]
    assert got == own and got[0] is got[1] and got[2] is not got[3]
    assert refresh._shared(own[1]) is refresh.shared(own[1])
    merge._SHARED.clear()  # merge's table forgotten: still a tuple equal to the pod's own
    assert refresh._shared((_SCHEDULED,)) == (_SCHEDULED,) and len(refresh._ONE) == 1
