"""A container run's timers (kubelet/containers.py): remembered, they are what run_timers plans."""

from __future__ import annotations

import pytest

from kdsl.engine.kubelet import containers

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
