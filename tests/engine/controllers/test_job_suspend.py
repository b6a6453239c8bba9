"""A suspended Job: no pods, the Suspended condition and event, no start time until it is resumed."""

from __future__ import annotations

import attrs

import kdsl
from kdsl.engine.controllers.job_util import spec_field, suspended
from kdsl.engine.simulation import Simulation

JOB = """
apiVersion: batch/v1
kind: Job
metadata: {name: pi, namespace: shop}
spec:
  suspend: %s
  template:
    spec:
      restartPolicy: Never
      containers: [{name: run, image: busybox}]
"""


def sim_of(suspend: str, until: int) -> Simulation:
    return Simulation(kdsl.from_manifests(text=JOB % suspend)).run(until)


def condition(job):
    return next(c for c in job.status.conditions if c.type == "Suspended")


def test_a_job_created_suspended_runs_no_pod_and_says_so_once():
    sim = sim_of("true", 60_000)
    job = sim.store.get("Job", "shop", "pi")
    assert suspended(job.spec) and spec_field(job.spec, "completionMode") is None
    c = condition(job)
    assert (c.status, c.reason, c.message) == ("True", "JobSuspended", "Job suspended")
    assert job.status.start_ms is None and job.status.active == 0
    assert not sim.store.list("Pod", "shop")
    assert [(e.reason, e.message) for e in sim.log.events if e.name == "pi"] == [("Suspended", "Job suspended")]


def test_a_resumed_job_starts_then_and_runs_its_pod():
    sim = sim_of("true", 10_000)
    job = sim.store.get("Job", "shop", "pi")
    resumed = attrs.evolve(job.spec, yaml=job.spec.yaml.replace("suspend: true", "suspend: false"))
    sim.submit("update", attrs.evolve(job, spec=resumed), source="kubectl")
    sim.run(120_000)
    job = sim.store.get("Job", "shop", "pi")
    c = condition(job)
    assert (c.status, c.reason, c.message) == ("False", "JobResumed", "Job resumed")
    assert job.status.start_ms == 10_000 and job.status.active == 1 and len(sim.store.list("Pod", "shop")) == 1
    reasons = [e.reason for e in sim.log.events if e.name == "pi" and e.kind == "Job"]
    # syncJob calls manageJob (its pods) before it writes the condition and its event
    assert reasons[:3] == ["Suspended", "SuccessfulCreate", "Resumed"]


def test_a_job_not_suspended_has_no_suspended_condition():
    sim = sim_of("false", 60_000)
    job = sim.store.get("Job", "shop", "pi")
    assert not suspended(job.spec) and all(c.type != "Suspended" for c in job.status.conditions)
