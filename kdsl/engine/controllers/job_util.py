"""The Job's status, the pod facts its controller counts, its failure back-off, suspension, job-tracking finalizer."""

from __future__ import annotations

import attrs

from kdsl.core import yamls
from kdsl.engine import expect
from kdsl.engine.objects import ApiObject, Condition, Terminated, set_condition
from kdsl.engine.podview import is_ready

# pkg/controller/job/job_controller.go
POD_FAILURE_BACKOFF_MS = 10_000  # DefaultJobPodFailureBackOff
MAX_POD_FAILURE_BACKOFF_MS = 600_000  # MaxJobPodFailureBackOff (the docs say six minutes; the code ten)


@attrs.frozen(kw_only=True)
class JobStatus:
    """batch/v1 JobStatus with integer-ms times. `conditions` hold the interim SuccessCriteriaMet /
    FailureTarget and the terminal Complete / Failed, as Kubernetes ≥ 1.31 writes them."""

    active: int = 0
    ready: int = 0
    terminating: int = 0
    succeeded: int = 0
    failed: int = 0
    start_ms: int | None = None
    completion_ms: int | None = None
    conditions: tuple[Condition, ...] = ()
    # an Indexed job's succeeded indexes as intervals ("1,3-5"); in the repr only when set, as the job's mode
    completed_indexes: str = attrs.field(default="", repr=False)

    def condition(self, type_: str) -> Condition | None:
        return next((c for c in self.conditions if c.type == type_ and c.status == "True"), None)

    @property
    def finished(self) -> Condition | None:
        """The terminal condition (Complete or Failed), if the job has one."""
        return self.condition("Complete") or self.condition("Failed")


_status_repr = JobStatus.__repr__


def _repr_with_indexes(self: JobStatus) -> str:
    text = _status_repr(self)
    return f"{text[:-1]}, completed_indexes={self.completed_indexes!r})" if self.completed_indexes else text


JobStatus.__repr__ = _repr_with_indexes  # type: ignore[method-assign]


class FailedCount(int):
    """`expect job ... failed=2` compares the count; the bare flag `failed` asks for the Failed condition."""

    flag: bool

    def __new__(cls, count: int, flag: bool) -> FailedCount:
        obj = super().__new__(cls, count)
        obj.flag = flag
        return obj

    def __bool__(self) -> bool:
        return self.flag


def job_values(obj: ApiObject, checker, t: int) -> dict:
    status = obj.status or JobStatus()
    return {"succeeded": status.succeeded, "active": status.active,
            "failed": FailedCount(status.failed, status.condition("Failed") is not None),
            "complete": status.condition("Complete") is not None}


expect.register("job", "Job", job_values)


def is_finished_pod(pod: ApiObject) -> str | None:
    """`Succeeded` or `Failed` for a pod the job counts (isPodFailed: a pod deleted before it
    succeeded counts as failed, since it may never reach a terminal phase), else None."""
    phase = pod.status.phase
    if phase in ("Succeeded", "Failed"):
        return phase
    return "Failed" if pod.terminating else None


def finish_ms(pod: ApiObject, now: int) -> int:
    """getFinishedTime: the last container's finish, else the deletion moment, else now."""
    ends = [cs.state.finished_ms for cs in pod.status.container_statuses if isinstance(cs.state, Terminated)]
    if ends and len(ends) == len(pod.status.container_statuses) and None not in ends:
        return max(ends)
    if pod.meta.deletion_ms is not None:
        return pod.meta.deletion_ms - (pod.meta.deletion_grace_ms or 0)
    return now


def removal_rank(pod: ApiObject) -> tuple:
    """activePodsForRemoval's order (controller.ActivePods): the pods least far along first."""
    return pod.spec.template.node_name is not None, pod.status.phase == "Running", is_ready(pod)


def is_active(pod: ApiObject) -> bool:
    return pod.status.phase not in ("Succeeded", "Failed") and not pod.terminating


@attrs.frozen
class Backoff:
    """backoffRecord: failures since the last success, and when the last of them happened."""

    failures: int = 0
    last_failure_ms: int | None = None

    def remaining_ms(self, now: int) -> int:
        if self.failures == 0 or self.last_failure_ms is None:
            return 0
        delay = POD_FAILURE_BACKOFF_MS
        for _ in range(1, self.failures):
            delay *= 2
            if delay >= MAX_POD_FAILURE_BACKOFF_MS:
                delay = MAX_POD_FAILURE_BACKOFF_MS
                break
        return max(0, delay - (now - self.last_failure_ms))

    def after(self, succeeded: list[int], failed: list[int]) -> Backoff:
        """newBackoffRecord: a success resets the count; failures after the last success add up."""
        if not succeeded:
            if not failed:
                return self
            return Backoff(self.failures + len(failed), max(failed))
        last_success = max(succeeded)
        later = sorted(f for f in failed if f > last_success)
        return Backoff(len(later), later[-1] if later else None)


def past_backoff_on_failure(job, active: list) -> bool:
    """pastBackoffLimitOnFailure: with restartPolicy OnFailure, restarts inside running pods count."""
    if job.spec.template.restart_policy != "OnFailure":
        return False
    restarts = sum(cs.restart_count for p in active if p.status.phase in ("Pending", "Running")
                   for cs in p.status.init_container_statuses + p.status.container_statuses)
    return restarts > 0 if job.spec.backoff_limit == 0 else restarts >= job.spec.backoff_limit


# pkg/controller/job/job_controller.go syncJob: the condition and event a suspend or a resume writes.
SUSPENDED = ("True", "JobSuspended", "Job suspended", "Suspended")
RESUMED = ("False", "JobResumed", "Job resumed", "Resumed")


def spec_field(job, key: str):
    """A field of the Job's spec that kdsl keeps in its extra `yaml` (suspend, completionMode ...), or None."""
    if not job.yaml or key not in job.yaml:
        return None
    extra = yamls.safe_load(job.yaml)
    spec = extra.get("spec") if isinstance(extra, dict) else None
    return spec.get(key) if isinstance(spec, dict) else None


def suspended(job) -> bool:
    return spec_field(job, "suspend") is True


def suspension(job, conditions: tuple[Condition, ...], now: int) -> tuple[tuple[Condition, ...], str | None]:
    """ensureJobConditionStatus on JobSuspended: True (JobSuspended) while suspended; False (JobResumed) once resumed,
    only when it was True. Returns the conditions and, when the condition changed, the event's reason (Suspended or
    Resumed; its message is the condition's)."""
    was = next((c for c in conditions if c.type == "Suspended"), None)
    if suspended(job):
        status, reason, message, event = SUSPENDED
    elif was is not None and was.status == "True":
        status, reason, message, event = RESUMED
    else:
        return conditions, None
    if was is not None and (was.status, was.reason, was.message) == (status, reason, message):
        return conditions, None
    new = Condition(type="Suspended", status=status, reason=reason, message=message, last_transition_ms=now)
    return set_condition(conditions, new), event


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
