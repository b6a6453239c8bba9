"""getPhase and the kubelet's pod conditions, rule by rule, and terminal phases that never change back."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kdsl.engine.kubelet.phase import containers_ready_condition, get_phase, initialized_condition, pod_conditions
from kdsl.engine.kubelet.runtime import new_pod, run_pod
from kdsl.engine.objects import Condition, ContainerStatus, Running, Terminated, Waiting

from .helpers import template

EXITED_0 = Terminated(0, "Completed", 0, 1)
EXITED_1 = Terminated(1, "Error", 0, 1)


def cs(name, state, last=None, started=False, ready=False):
    return ContainerStatus(name=name, image="x:1", state=state, last_state=last, started=started, ready=ready)


APP = template("restart Never\ncontainer app image=x:1")
TWO = template("restart OnFailure\ncontainer a image=x:1\ncontainer b image=x:1")
SIDECAR = template("init proxy image=envoy:1 sidecar\ncontainer app image=x:1")


def test_regular_containers():
    assert get_phase(APP, (), ()) == "Pending"  # no status yet: unknown
    assert get_phase(APP, (), (cs("app", Waiting("ContainerCreating")),)) == "Pending"
    assert get_phase(APP, (), (cs("app", Running(0)),)) == "Running"
    assert get_phase(APP, (), (cs("app", EXITED_1),)) == "Failed"
    assert get_phase(APP, (), (cs("app", EXITED_0),)) == "Succeeded"
    # OnFailure: a failed container restarting keeps the pod Running; all succeeded → Succeeded
    waiting_again = cs("a", Waiting("CrashLoopBackOff"), last=EXITED_1)
    assert get_phase(TWO, (), (waiting_again, cs("b", EXITED_0))) == "Running"
    assert get_phase(TWO, (), (cs("a", EXITED_0), cs("b", EXITED_0))) == "Succeeded"
    # a container that has not started keeps the pod Pending even while another runs
    assert get_phase(TWO, (), (cs("a", Running(0)), cs("b", Waiting("ErrImagePull")))) == "Pending"
    # torn down (deleted): stopped containers decide whatever the policy
    always = template("container app image=x:1")
    assert get_phase(always, (), (cs("app", EXITED_1),)) == "Running"
    assert get_phase(always, (), (cs("app", EXITED_1),), terminal=True) == "Failed"
    assert get_phase(always, (), (cs("app", EXITED_0),), terminal=True) == "Succeeded"


def test_init_and_sidecar_containers():
    t = template("restart Never\ninit setup image=x:1\ncontainer app image=x:1")
    app = cs("app", Waiting("PodInitializing"))
    assert get_phase(t, (cs("setup", Running(0)),), (app,)) == "Pending"
    assert get_phase(t, (cs("setup", EXITED_1),), (app,)) == "Failed"
    on_failure = template("restart OnFailure\ninit setup image=x:1\ncontainer app image=x:1")
    assert get_phase(on_failure, (cs("setup", Waiting("CrashLoopBackOff"), last=EXITED_1),), (app,)) == "Pending"
    # a sidecar not yet started holds the pod Pending only before any regular container has run
    unstarted = cs("proxy", Running(0))
    assert get_phase(SIDECAR, (unstarted,), (app,)) == "Pending"
    assert get_phase(SIDECAR, (unstarted,), (cs("app", Running(0)),)) == "Running"
    assert get_phase(SIDECAR, (cs("proxy", Running(0), started=True),), (cs("app", Running(0)),)) == "Running"
    # a terminated sidecar is ignored
    no_restart = template("restart Never\ninit proxy image=envoy:1 sidecar\ncontainer app image=x:1")
    assert get_phase(no_restart, (cs("proxy", Terminated(143, "Error")),), (cs("app", EXITED_0),)) == "Succeeded"


def test_condition_messages_name_unknown_and_incomplete_containers():
    t = template("init a image=x:1\ninit b image=x:1\ninit c image=x:1 sidecar\ncontainer app image=x:1")
    inits = (cs("a", EXITED_0, ready=True), cs("c", Running(0)))
    c = initialized_condition(t, "Pending", inits, ())
    assert (c.status, c.reason, c.message) == (
        "False", "ContainersNotInitialized", "containers with unknown status: [b], containers with incomplete "
                                             "status: [c]")
    c = containers_ready_condition(t, "Pending", inits, ())
    assert (c.status, c.reason, c.message) == (
        "False", "ContainersNotReady", "containers with unknown status: [app], containers with unready status: [c]")


def test_transition_times_move_only_with_the_status():
    statuses = (cs("app", Running(0), started=True, ready=True),)
    first = pod_conditions(APP, "Running", (), statuses, sandbox_ready=True, now_ms=5)
    again = pod_conditions(APP, "Running", (), statuses, sandbox_ready=True, now_ms=9, previous=first)
    assert first == again
    gone = pod_conditions(APP, "Failed", (), (cs("app", EXITED_1),), sandbox_ready=False, now_ms=12, previous=first)
    assert [(c.type, c.status, c.last_transition_ms) for c in gone] == [
        ("PodReadyToStartContainers", "False", 12), ("Initialized", "True", 5), ("Ready", "False", 12),
        ("ContainersReady", "False", 12), ("PodScheduled", "True", 5)]
    # someone else's conditions are kept where they were
    mine = pod_conditions(APP, "Running", (), statuses, sandbox_ready=True, now_ms=1,
                          previous=(Condition(type="PodScheduled", status="True"), Condition(type="X", status="True")))
    assert [c.type for c in mine][:2] == ["PodScheduled", "X"]


STATES = st.sampled_from([Waiting("ContainerCreating"), Waiting("CrashLoopBackOff"), Running(0), EXITED_0, EXITED_1])


@given(st.sampled_from(["Succeeded", "Failed"]), st.lists(STATES, min_size=1, max_size=1), st.booleans())
def test_get_phase_never_leaves_a_terminal_phase(previous, states, terminal):
    assert get_phase(APP, (), (cs("app", states[0]),), terminal=terminal, previous=previous) == previous


BEHAVIOUR = st.sampled_from(["", "exit 0 after 3s", "crash after 5s", "oom after 4s", "pull fails", "hang after 2s",
                             "start 15s", "unready after 20s"])
PROBES = st.sampled_from(["", "liveness http / port=80", "readiness tcp port=80 failures=1",
                          "startup http / port=80 period=2s failures=3"])


@st.composite
def bodies(draw):
    lines = [f"restart {draw(st.sampled_from(['Always', 'OnFailure', 'Never']))}"]
    if draw(st.booleans()):
        lines.append(f"init setup image=busybox:1 {{ {draw(st.sampled_from(['exit 0 after 2s', 'crash after 2s']))} }}")
    if draw(st.booleans()):
        lines.append("init proxy image=envoy:1 sidecar")
    for name in ("a", "b")[:draw(st.integers(1, 2))]:
        lines.append(f"container {name} image=x:1 {{\n{draw(BEHAVIOUR)}\n{draw(PROBES)}\n}}")
    return "\n".join(lines)


@settings(max_examples=60)
@given(bodies(), st.one_of(st.none(), st.integers(0, 120_000)), st.sampled_from([None, 0, 5_000, 30_000]))
def test_a_pod_s_phase_never_leaves_succeeded_or_failed(body, delete_at, sigterm):
    pod = new_pod(template(body), 0, name="p", sigterm_ms={"a": sigterm, "b": sigterm, "proxy": sigterm})
    trace = run_pod(pod, 400_000, delete_at_ms=delete_at)
    phases = [s.status.phase for s in trace.states]
    for before, after in zip(phases, phases[1:], strict=False):
        if before in ("Succeeded", "Failed"):
            assert after == before
    times = [s.now_ms for s in trace.states]
    assert times == sorted(times)
