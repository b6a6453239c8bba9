"""The CronJob controller: a Job at each time of a cron schedule, by concurrency policy, with history."""

from __future__ import annotations

import attrs

from kdsl.engine.controllers.base import Controller, Key
from kdsl.engine.controllers.job_util import JobStatus
from kdsl.engine.cron import MINUTE_MS, CronError, Schedule, timestamp
from kdsl.engine.objects import ApiObject, Meta, OwnerRef

NEXT_SCHEDULE_DELTA_MS = 100  # nextScheduleDelta: woken 100 ms after the scheduled time
MAX_MISSED = 100
SCHEDULED_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp"


@attrs.frozen(kw_only=True)
class JobRef:
    name: str
    uid: str


@attrs.frozen(kw_only=True)
class CronJobStatus:
    active: tuple[JobRef, ...] = ()
    last_schedule_ms: int | None = None
    last_successful_ms: int | None = None


class CronJobController(Controller):
    """pkg/controller/cronjob (v2): woken by its CronJobs and their Jobs, and 100 ms after each
    scheduled time. Jobs are named `<cronjob>-<scheduled minutes since the epoch>`."""

    name = "cronjob-controller"
    kinds = ("CronJob",)

    def setup(self) -> None:
        super().setup()
        self.store.watch("Job", self.on_owned)

    def reconcile(self, key: Key) -> None:
        cj = self.store.get(*key)
        if cj is None:
            return  # deleted: the garbage collector removes its jobs
        status = cj.status or CronJobStatus()
        jobs = self.owned("Job", cj)
        new = self._sync(cj, status, jobs)
        new = self._cleanup(cj, new, jobs)
        if new != status:
            self.client.update_status(attrs.evolve(cj, status=new))

    def _sync(self, cj: ApiObject, status: CronJobStatus, jobs: list[ApiObject]) -> CronJobStatus:
        now = self.sim.now
        active = list(status.active)
        live = {j.meta.uid for j in jobs}
        for job in jobs:
            finished = (job.status or JobStatus()).finished
            listed = any(r.uid == job.meta.uid for r in active)
            if not listed and finished is None:
                self.client.event("Warning", "UnexpectedJob", cj,
                                  f"Saw a job that the controller did not create or forgot: {job.name}")
            elif listed and finished is not None:
                active = [r for r in active if r.uid != job.meta.uid]
                self.client.event("Normal", "SawCompletedJob", cj,
                                  f"Saw completed job: {job.name}, status: {finished.type}")
            if finished is not None and finished.type == "Complete":
                done = job.status.completion_ms
                if status.last_successful_ms is None or (done is not None and done > status.last_successful_ms):
                    status = attrs.evolve(status, last_successful_ms=done)
        for ref in list(active):
            if ref.uid not in live:
                self.client.event("Normal", "MissingJob", cj, f"Active job went missing: {ref.name}")
                active.remove(ref)
        status = attrs.evolve(status, active=tuple(active))
        spec = cj.spec
        if cj.terminating or spec.suspend:
            return status  # being deleted, or suspended: no new jobs (an update wakes it again)
        try:
            schedule = Schedule.parse(spec.schedule)
        except CronError as exc:
            self.client.event("Warning", "UnparseableSchedule", cj,
                              f'unparseable schedule: "{spec.schedule}" : {exc}')
            return status  # a user error: nothing runs until the schedule is changed
        scheduled = self._most_recent(cj, status, schedule, now)
        upcoming = schedule.next_after(max(now, scheduled or now))
        if upcoming is not None:
            self.enqueue(cj.key, upcoming + NEXT_SCHEDULE_DELTA_MS - now)
        if scheduled is None:
            return status  # no start time has passed since the last one
        if spec.starting_deadline_ms is not None and scheduled + spec.starting_deadline_ms < now:
            self.client.event("Warning", "MissSchedule", cj, "Missed scheduled time to start a job: "
                              + timestamp(scheduled).strftime("%a, %d %b %Y %H:%M:%S +0000"))
            return status  # too late to start this one; the next one is queued
        name = f"{cj.name}-{scheduled // MINUTE_MS}"
        if any(r.name == name for r in active) or status.last_schedule_ms == scheduled:
            return status  # this time was already started
        if spec.concurrency_policy == "Forbid" and active:
            self.client.event("Normal", "JobAlreadyActive", cj, "Not starting job because prior execution is "
                                                                  "running and concurrency policy is Forbid")
            return status  # skipped, as Forbid says; the next time is queued
        if spec.concurrency_policy == "Replace":
            for ref in active:
                self._delete_job(cj, ref.name)
            active = []
        job = self.client.create(self._job(cj, name, scheduled))
        if job is None:
            rejection = self.sim.rejections[-1]
            if "because it is being terminated" not in rejection.message:
                self.client.event("Warning", "FailedCreate", cj, f"Error creating job: {rejection.message}")
            return attrs.evolve(status, active=tuple(active))
        self.client.event("Normal", "SuccessfulCreate", cj, f"Created job {job.name}")
        return attrs.evolve(status, active=tuple(active) + (JobRef(name=job.name, uid=job.meta.uid),),
                            last_schedule_ms=scheduled)

    def _most_recent(self, cj: ApiObject, status: CronJobStatus, schedule: Schedule, now: int) -> int | None:
        """mostRecentScheduleTime: the latest scheduled time in (last schedule or creation, now]."""
        earliest = status.last_schedule_ms if status.last_schedule_ms is not None else cj.meta.creation_ms
        if cj.spec.starting_deadline_ms is not None:
            earliest = max(earliest, now - cj.spec.starting_deadline_ms)
        latest, missed = None, 0
        t = schedule.next_after(earliest)
        while t is not None and t <= now:
            latest, missed = t, missed + 1
            t = schedule.next_after(t)
        if missed > MAX_MISSED:
            self.client.event("Warning", "TooManyMissedTimes", cj, f"too many missed start times: {missed}. Set or "
                              "decrease .spec.startingDeadlineSeconds or check clock skew")
        return latest

    def _job(self, cj: ApiObject, name: str, scheduled: int) -> ApiObject:
        template = cj.spec.job
        stamp = timestamp(scheduled).strftime("%Y-%m-%dT%H:%M:%SZ")
        annotations = template.annotations + ((SCHEDULED_ANNOTATION, stamp),)
        meta = Meta(name=name, namespace=cj.namespace, labels=template.labels, annotations=annotations,
                    owners=(OwnerRef(kind="CronJob", name=cj.name, uid=cj.meta.uid),))
        spec = attrs.evolve(template, name=name, namespace=cj.namespace, annotations=annotations)
        return ApiObject(kind="Job", meta=meta, spec=spec)

    def _delete_job(self, cj: ApiObject, name: str) -> None:
        """deleteJob: in Background, so the job goes at once and the garbage collector takes its pods."""
        self.client.delete("Job", cj.namespace, name, propagation="Background")
        self.client.event("Normal", "SuccessfulDelete", cj, f"Deleted job {name}")

    def _cleanup(self, cj: ApiObject, status: CronJobStatus, jobs: list[ApiObject]) -> CronJobStatus:
        """cleanupFinishedJobs: keep the newest successfulJobsHistoryLimit complete jobs and
        failedJobsHistoryLimit failed ones (oldest by start time go first)."""
        by_type: dict[str, list[ApiObject]] = {"Complete": [], "Failed": []}
        for job in jobs:
            finished = (job.status or JobStatus()).finished
            if finished is not None and self.store.get(*job.key) is not None:
                by_type[finished.type].append(job)
        limits = {"Complete": cj.spec.successful_jobs_history_limit, "Failed": cj.spec.failed_jobs_history_limit}
        for kind in ("Complete", "Failed"):
            done = sorted(by_type[kind], key=lambda j: (j.status.start_ms is None, j.status.start_ms or 0, j.name))
            for job in done[:max(0, len(done) - limits[kind])]:
                self._delete_job(cj, job.name)
                status = attrs.evolve(status, active=tuple(r for r in status.active if r.uid != job.meta.uid))
        return status
