"""The Job controller's `batch.kubernetes.io/job-tracking` finalizer: on each pod it creates, off once counted."""

from __future__ import annotations

import attrs

from kdsl.engine.controllers.job_util import is_finished_pod
from kdsl.engine.objects import ApiObject

# pkg/apis/batch/types.go JobTrackingFinalizer. The controller puts it on every pod it creates (manageJob,
# appendJobCompletionFinalizerIfNotFound), so that a pod cannot go before it is counted, and takes it off once the
# pod is in the job's counters (trackJobStatusAndRemoveFinalizers), or at once for a pod whose job is gone or
# finished (handleOrphanPod; pkg/controller/job/job_controller.go).
JOB_TRACKING = "batch.kubernetes.io/job-tracking"


def tracked(pod: ApiObject) -> bool:
    return JOB_TRACKING in pod.meta.finalizers


def release(client, pod: ApiObject) -> None:
    """removeTrackingFinalizerPatch: the pod patched without the finalizer (a terminating pod whose grace period
    is over goes with it)."""
    current = client.sim.store.get("Pod", pod.namespace, pod.name)
    if current is None or current.meta.uid != pod.meta.uid or not tracked(current):
        return
    kept = tuple(f for f in current.meta.finalizers if f != JOB_TRACKING)
    client.patch(attrs.evolve(current, meta=attrs.evolve(current.meta, finalizers=kept)))


def release_orphan(client, key: tuple) -> None:
    """handleOrphanPod for the pod of `key`, if it still is one when its turn comes."""
    pod = client.sim.store.get(*key)
    ref = next((o for o in pod.meta.owners if o.controller), None) if pod is not None else None
    if ref is not None and orphaned(client.sim.store, pod, ref):
        release(client, pod)


def counted_pods(pods: list[ApiObject], counted: set[str]) -> list[ApiObject]:
    """The job's pods in its counters that still carry the finalizer: finished, or terminating (counted failed)."""
    return [p for p in pods if tracked(p) and p.meta.uid in counted and is_finished_pod(p)]


def orphaned(store, pod: ApiObject, ref) -> bool:
    """handleOrphanPod: a tracked pod whose job is gone (or is another of that name) or has finished."""
    if not tracked(pod):
        return False
    job = store.get("Job", pod.namespace, ref.name)
    return job is None or job.meta.uid != ref.uid or (job.status is not None and job.status.finished is not None)
