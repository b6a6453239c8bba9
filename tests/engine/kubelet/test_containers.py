"""A container run's timers and start (kubelet/containers.py): remembered, they are what is computed afresh."""

from __future__ import annotations

import pytest

from kdsl.core.evolve import evolve
from kdsl.engine.kubelet import containers
from kdsl.engine.objects import ContainerStatus, Running, Waiting

from .helpers import template

BODIES = (
    "container app image=x:1",
    "container app image=x:1 { exit 3 after 5s }",
    "container app image=x:1 { oom after 2s }",
    "container app image=x:1 { readiness http /healthz port=8080 }",
    "container app image=x:1 { liveness http /healthz port=8080\n hang after 20s }",
    "init setup image=x:1\ncontainer app image=x:1",
    "init proxy image=envoy:1 sidecar\ncontainer app image=x:1",
)


@pytest.mark.parametrize("body", BODIES)
def test_a_runs_remembered_timers_are_what_run_timers_plans(body):
    t = template(body)
    for spec in t.init_containers + t.containers:
        for regular_init in (False, True):
            for start in (0, 1_000):
                expected = containers.run_timers(spec, start, regular_init=regular_init)
                assert containers.planned(spec, start, regular_init) == expected
                assert containers.planned(spec, start, regular_init) == expected  # and again, remembered


def test_containers_without_probes_or_a_scripted_end_share_one_plan_whatever_their_names():
    a, b = template("container a image=x:1").containers[0], template("container b image=y:2 cpu=1").containers[0]
    assert containers.planned(a, 7, False) is containers.planned(b, 7, False)
    assert [t.what for t in containers.planned(a, 7, False)] == ["started", "ready"]
    assert [t.what for t in containers.planned(a, 7, True)] == ["started"]  # a regular init container: not ready


def _start_computed(c, now, restart):
    # start as it was before its begun runs were shared: every timer planned and folded in afresh
    timers = containers.run_timers(c.spec, now, regular_init=c.init and not c.sidecar)
    started = ready = False
    due = 0
    while due < len(timers) and timers[due].time_ms == now and timers[due].what in ("started", "ready"):
        if timers[due].what == "started":
            started = True
        else:
            ready = bool(timers[due].detail) and started
        due += 1
    status = evolve(c.status, state=Running(now), ready=ready, started=started,
                    restart_count=c.status.restart_count + restart)
    return evolve(c, stage=containers.RUNNING, status=status, run_start_ms=now, timers=timers[due:])


@pytest.mark.parametrize("body", BODIES)
def test_a_start_is_the_one_computed_afresh(body):
    # each container of the template (an init one, a sidecar, probes, a scripted end) started at two moments, first
    # and again (restarted, its share found), and one of another name at the same moment: what start computes
    containers._BEGUN.clear()
    t = template(body)
    for spec in t.init_containers + t.containers:
        init = spec in t.init_containers
        for now in (0, 1_000, 1_000):
            for named in (spec, evolve(spec, name="other")):
                c = containers.new(named, init, "PodInitializing" if t.init_containers else "ContainerCreating")
                for restart in (False, True):
                    assert containers.start(c, now, restart=restart) == _start_computed(c, now, restart)
                    c = evolve(c, status=evolve(c.status, restart_count=2))


def test_a_new_containers_status_is_made_with_its_reason():
    t = template("init setup image=y:2\ncontainer app image=x:1")
    for reason in ("ContainerCreating", "PodInitializing", "ContainerCreating"):
        for spec, init in ((t.containers[0], False), (t.init_containers[0], True)):
            c = containers.new(spec, init, reason)
            assert c == containers.Ctr(spec=spec, init=init, stage=containers.BLOCKED,
                                       status=ContainerStatus(name=spec.name, image=spec.image, state=Waiting(reason)))
