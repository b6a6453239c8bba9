"""kubectl's STATUS, READY and RESTARTS columns, case by case of printers.go printPod."""

from __future__ import annotations

import pytest

from kdsl.engine.kubelet.status_text import human_duration, ready_column, restarts_column, status_column
from kdsl.engine.objects import Condition, ContainerStatus, PodStatus, Running, Terminated, Waiting

from .helpers import template

T = template("init a image=x:1\ninit b image=x:1\ncontainer app image=x:1\ncontainer web image=x:1")
DONE = Terminated(0, "Completed", 0, 1)


def cs(name, state, **kw):
    return ContainerStatus(name=name, image="x:1", state=state, **kw)


def pod(inits=(), regular=(), phase="Pending", conditions=(), reason=None):
    return PodStatus(phase=phase, init_container_statuses=tuple(inits), container_statuses=tuple(regular),
                     conditions=tuple(Condition(type=t, status=s, reason=r) for t, s, r in conditions), reason=reason)


WAITING_APPS = (cs("app", Waiting("PodInitializing")), cs("web", Waiting("PodInitializing")))


@pytest.mark.parametrize(("inits", "expected"), [
    ((), "Pending"),
    ((cs("a", Waiting("PodInitializing")), cs("b", Waiting("PodInitializing"))), "Init:0/2"),
    ((cs("a", Running(0)), cs("b", Waiting("PodInitializing"))), "Init:0/2"),
    ((cs("a", DONE), cs("b", Running(0))), "Init:1/2"),
    ((cs("a", DONE), cs("b", Waiting("ErrImagePull"))), "Init:ErrImagePull"),
    ((cs("a", Terminated(1, "Error")), cs("b", Waiting("PodInitializing"))), "Init:Error"),
    ((cs("a", Terminated(3, "")), cs("b", Waiting("PodInitializing"))), "Init:ExitCode:3"),
    ((cs("a", Waiting("CrashLoopBackOff")), cs("b", Waiting("PodInitializing"))), "Init:CrashLoopBackOff"),
    ((cs("a", DONE), cs("b", DONE)), "PodInitializing"),
])
def test_init_containers(inits, expected):
    assert status_column(T, pod(inits, WAITING_APPS if inits else ())) == expected


def test_regular_containers_first_in_spec_order_wins():
    inits = (cs("a", DONE), cs("b", DONE))
    ok = cs("web", Running(0), ready=True, started=True)
    assert status_column(T, pod(inits, (cs("app", Waiting("CrashLoopBackOff")), cs("web", Terminated(137, "OOMKilled"))),
                                "Running")) == "CrashLoopBackOff"
    assert status_column(T, pod(inits, (cs("app", Terminated(2, "")), ok), "Running")) == "ExitCode:2"
    assert status_column(T, pod(inits, (cs("app", Running(0), ready=True), ok), "Running")) == "Running"
    # an unready running container says nothing: the phase shows
    assert status_column(T, pod(inits, (cs("app", Running(0)), ok), "Running")) == "Running"
    # Completed while another runs: Running if the pod is Ready, else NotReady
    mixed = (cs("app", DONE), ok)
    assert status_column(T, pod(inits, mixed, "Running")) == "NotReady"
    assert status_column(T, pod(inits, mixed, "Running", [("Ready", "True", "")])) == "Running"
    assert ready_column(T, pod(inits, mixed, "Running")) == "1/2"


def test_pod_level_reasons():
    app = template("container app image=x:1")
    running = (cs("app", Running(0), ready=True),)
    assert status_column(app, pod((), running, "Running"), deleting=True) == "Terminating"
    assert status_column(app, pod((), (cs("app", DONE),), "Succeeded"), deleting=True) == "Completed"
    assert status_column(app, pod((), running, "Running", reason="NodeLost"), deleting=True) == "Unknown"
    assert status_column(app, pod((), (), "Failed", reason="Evicted")) == "Evicted"
    assert status_column(app, pod((), (), "Pending", [("PodScheduled", "False", "SchedulingGated")])) == \
        "SchedulingGated"


def test_ready_and_restarts_count_sidecars():
    t = template("init setup image=x:1\ninit proxy image=envoy:1 sidecar\ncontainer app image=x:1")
    last = Terminated(1, "Error", 0, 40_000)
    inits = (cs("setup", DONE, restart_count=2),
             cs("proxy", Running(0), ready=True, started=True, restart_count=1, last_state=last))
    regular = (cs("app", Running(0), ready=True, restart_count=3, last_state=Terminated(1, "Error", 0, 70_000)),)
    status = pod(inits, regular, "Running", [("Initialized", "True", "")])
    assert (status_column(t, status), ready_column(t, status)) == ("Running", "2/2")
    # once initialized, init containers' restarts no longer count; the sidecar's do
    assert restarts_column(t, status) == "4"
    assert restarts_column(t, status, now_ms=100_000) == "4 (30s ago)"
    initializing = pod((cs("setup", Waiting("CrashLoopBackOff"), restart_count=2, last_state=last),),
                       (cs("app", Waiting("PodInitializing")),))
    assert (status_column(t, initializing), restarts_column(t, initializing, 50_000)) == \
        ("Init:CrashLoopBackOff", "2 (10s ago)")


@pytest.mark.parametrize(("seconds", "text"), [
    (-5, "<invalid>"), (-1, "0s"), (0, "0s"), (59, "59s"), (119, "119s"), (120, "2m"), (330, "5m30s"),
    (600, "10m"), (179 * 60, "179m"), (3 * 3600, "3h"), (7 * 3600 + 60, "7h1m"), (47 * 3600, "47h"),
    (50 * 3600, "2d2h"), (9 * 86400, "9d"), (800 * 86400, "2y70d"), (3000 * 86400, "8y"),
])
def test_human_duration(seconds, text):
    assert human_duration(seconds * 1000) == text
