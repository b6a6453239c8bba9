"""The Job controller's batch.kubernetes.io/job-tracking finalizer: on every pod it creates, off once the pod is
counted, or at once when its job is gone (pkg/controller/job/job_controller.go)."""

from __future__ import annotations

import kdsl
from kdsl.engine.controllers.job_util import JOB_TRACKING
from kdsl.engine.simulation import Simulation

NODE = "node n1 cpu=8 memory=16Gi\nnamespace shop\n"


def run(text: str, until: int | None = None) -> Simulation:
    return Simulation(kdsl.parse(NODE + text)).run(until)


def pod_writes(sim, prefix: str) -> list:
    return [c for c in sim.store.history if c.key[0] == "Pod" and c.key[2].startswith(prefix)]


def test_a_pod_keeps_the_finalizer_until_the_sync_that_counts_it():
    sim = run("job shop/migrate { container run image=busybox { exit 0 after 20s } }")
    writes = pod_writes(sim, "migrate-")
    assert writes[0].op == "ADDED" and writes[0].obj.meta.finalizers == (JOB_TRACKING,)
    released = next(c for c in writes if c.obj is not None and JOB_TRACKING not in c.obj.meta.finalizers)
    assert released.obj.status.phase == "Succeeded"
    assert all(JOB_TRACKING in c.obj.meta.finalizers for c in writes if c.resource_version < released.resource_version)
    # taken off before the job's counters say the pod succeeded (trackJobStatusAndRemoveFinalizers)
    counted = next(c for c in sim.store.history if c.key == ("Job", "shop", "migrate") and c.obj is not None
                   and c.obj.status is not None and c.obj.status.succeeded == 1)
    assert released.resource_version < counted.resource_version
    assert sim.store.get("Job", "shop", "migrate").status.condition("Complete") is not None


def test_the_pod_of_a_deleted_job_loses_the_finalizer_and_goes():
    sim = run("job shop/slow { container run image=busybox { exit 0 after 10m } }\nat 30s: delete job shop/slow\n",
              until=120_000)
    assert sim.store.get("Job", "shop", "slow") is None
    writes = pod_writes(sim, "slow-")
    terminating = next(c for c in writes if c.obj is not None and c.obj.terminating)
    assert JOB_TRACKING in terminating.obj.meta.finalizers  # the garbage collector's delete, then the release
    assert writes[-1].op == "DELETED" and not sim.store.list("Pod", "shop")


def test_running_pods_of_a_failed_job_are_released_as_they_terminate():
    sim = run("job shop/slow deadline=30s { container run image=busybox { exit 0 after 10m } }", until=120_000)
    status = sim.store.get("Job", "shop", "slow").status
    assert (status.failed, status.condition("Failed").reason) == (1, "DeadlineExceeded")
    assert not sim.store.list("Pod", "shop")
