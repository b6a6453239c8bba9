"""The Job controller: runs pods to completion, replaces failed ones with back-off, and finishes the job."""

from __future__ import annotations

import attrs

from kdsl.engine.controllers.base import Client, Controller
from kdsl.engine.controllers.job_indexed import (UNKNOWN, completion_index, duplicated, first_pending,
                                                  generate_name, is_indexed, new_pod, succeeded_indexes, to_string,
                                                  total)
from kdsl.engine.controllers.job_util import (Backoff, JobStatus, counted_pods, finish_ms, is_active, is_finished_pod,
                                              orphaned, past_backoff_on_failure, release, release_orphan, removal_rank,
                                              suspended, suspension)
from kdsl.engine.apiserver.defaults import generate_free_name
from kdsl.engine.objects import ApiObject, Condition, set_condition
from kdsl.engine.podview import is_ready


# pkg/controller/job/job_controller.go
SYNC_BATCH_MS = 1_000  # syncJobBatchPeriod: pod changes wake the job one second later, batched
API_BACKOFF_MS = 1_000  # DefaultJobApiBackOff: a refused create is retried, doubling ...
MAX_API_BACKOFF_MS = 60_000  # ... up to MaxJobApiBackOff
SLOW_START_BATCH = 1  # controller.SlowStartInitialBatchSize

BACKOFF_LIMIT_EXCEEDED = ("BackoffLimitExceeded", "Job has reached the specified backoff limit")
DEADLINE_EXCEEDED = ("DeadlineExceeded", "Job was active longer than specified deadline")
COMPLETIONS_REACHED = ("CompletionsReached", "Reached expected number of succeeded pods")
TERMINATING_NAMESPACE = "because it is being terminated"


class JobController(Controller):
    """The job controller, and the ttl-after-finished controller that deletes finished jobs. It notes each
    finished pod as the watch shows it, counts it at the next sync, then lets it go (job_util.py)."""

    name = "job-controller"
    kinds = ("Job",)

    def setup(self) -> None:
        super().setup()
        self.store.watch("Pod", self.on_pod, owners=self.kinds)
        self.ttl = Client(self.sim, "ttl-after-finished-controller")
        # job uid -> pod uid -> (phase, finished, completion index)
        self._uncounted: dict[str, dict[str, tuple[str, int, int]]] = {}
        self._counted: dict[str, set[str]] = {}  # job uid -> pod uids already in the job's counters
        self._backoff: dict[str, Backoff] = {}
        self._api_failures: dict[str, int] = {}

    def on_pod(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        pod = new or old
        ref = next((o for o in pod.meta.owners if o.controller), None)
        if ref is None or ref.kind != "Job":
            return
        verdict = is_finished_pod(new) if new is not None else ("Succeeded" if old.status.phase == "Succeeded"
                                                                else "Failed")
        if new is not None and orphaned(self.store, new, ref):
            self.enqueue(("Pod", new.namespace, new.name))  # the orphan queue: no batching
            return
        uid = pod.meta.uid
        if verdict and uid not in self._counted.get(ref.uid, ()):
            self._uncounted.setdefault(ref.uid, {}).setdefault(uid, (verdict, finish_ms(pod, self.sim.now),
                                                                     completion_index(pod)))
        self.enqueue(("Job", pod.namespace, ref.name), SYNC_BATCH_MS)

    def reconcile(self, key) -> None:
        if key[0] == "Pod":  # the orphan queue's
            release_orphan(self.client, key)
            return
        job = self.store.get(*key)
        if job is None:
            return  # deleted: the garbage collector removes its pods
        uid = job.meta.uid
        status = job.status or JobStatus()
        if status.finished is not None:
            self._forget(uid)
            self._expire(job, status.finished)
            return  # finished jobs are left alone, but for their time to live
        now = self.sim.now
        spec = job.spec
        pods = self.owned("Pod", job)
        counted = self._counted.setdefault(uid, set())
        new = self._uncounted.pop(uid, {})
        for pod in pods:  # a finished pod the watch saw before this job existed in the cache
            verdict = is_finished_pod(pod)
            if verdict and pod.meta.uid not in counted:
                new.setdefault(pod.meta.uid, (verdict, finish_ms(pod, now), completion_index(pod)))
        counted.update(new)
        for pod in counted_pods(pods, counted):  # counted: the finalizer goes before the counts are written
            release(self.client, pod)
        succeeded = status.succeeded + sum(1 for v, _, _ in new.values() if v == "Succeeded")
        indexes = succeeded_indexes(status, spec, new.values()) if is_indexed(spec) else None
        succeeded = total(indexes) if indexes is not None else succeeded
        failed = status.failed + sum(1 for v, _, _ in new.values() if v == "Failed")
        self._backoff[uid] = self._backoff.get(uid, Backoff()).after(
            [t for v, t, _ in new.values() if v == "Succeeded"], [t for v, t, _ in new.values() if v == "Failed"])
        paused = suspended(spec)
        # A suspended Job has no startTime until it is resumed; a resume starts its clock again.
        conditions, suspend_event = suspension(spec, status.conditions, now)
        start = now if suspend_event == "Resumed" else status.start_ms if status.start_ms is not None \
            else None if paused else now
        active = [p for p in pods if is_active(p)]
        terminating = sum(1 for p in pods if p.terminating and p.status.phase not in ("Succeeded", "Failed"))
        final = None  # (type, reason, message) of the terminal condition to reach
        if status.condition("FailureTarget") is not None:
            c = status.condition("FailureTarget")
            final = ("Failed", c.reason, c.message)
        elif status.condition("SuccessCriteriaMet") is not None:
            final = ("Complete",) + COMPLETIONS_REACHED
        elif failed > spec.backoff_limit or past_backoff_on_failure(job, active):
            final = ("Failed",) + BACKOFF_LIMIT_EXCEEDED
        elif spec.active_deadline_ms is not None and start is not None and not paused \
                and now - start >= spec.active_deadline_ms:
            final = ("Failed",) + DEADLINE_EXCEEDED
        elif spec.active_deadline_ms is not None and start is not None and not paused:
            self.enqueue(key, start + spec.active_deadline_ms - now)
        if final is not None and final[0] == "Failed":
            if status.condition("FailureTarget") is None:
                conditions = set_condition(conditions, Condition(type="FailureTarget", status="True", reason=final[1],
                                                                 message=final[2], last_transition_ms=now))
            for pod in active:  # every pod still running when the job fails counts as failed
                counted.add(pod.meta.uid)  # before the delete, whose write the pod watch sees at once
                self._delete_pod(job, pod)
            failed += len(active)
            terminating += len(active)
            active = []
        elif final is None and paused:  # manageJob: a suspended Job's active pods go, uncounted
            for pod in active:
                counted.add(pod.meta.uid)
                self._delete_pod(job, pod)
            terminating += len(active)
            active = []
        elif final is None:
            active = self._manage(job, active, succeeded, indexes)
            done = (succeeded > 0 if spec.completions is None else succeeded >= spec.completions) and not active
            if done:
                final = ("Complete",) + COMPLETIONS_REACHED
                conditions = set_condition(conditions, Condition(type="SuccessCriteriaMet", status="True",
                                                                 reason=final[1], message=final[2],
                                                                 last_transition_ms=now))
        completion = status.completion_ms
        finished = final is not None and terminating == 0  # the terminal condition waits for pods to go
        if finished:
            conditions = set_condition(conditions, Condition(type=final[0], status="True", reason=final[1],
                                                             message=final[2], last_transition_ms=now))
            completion = now if final[0] == "Complete" else completion
        new_status = JobStatus(active=len(active), ready=sum(1 for p in active if is_ready(p)),
                               terminating=terminating, succeeded=succeeded, failed=failed, start_ms=start,
                               completion_ms=completion, conditions=conditions,
                               completed_indexes=to_string(indexes) if indexes is not None else "")
        if suspend_event is not None:
            self.client.event("Normal", suspend_event, job, f"Job {suspend_event.lower()}")
        if new_status != status:
            self.client.update_status(attrs.evolve(job, status=new_status))
        if finished:
            self._finished(job, final, succeeded)

    def _finished(self, job: ApiObject, final: tuple, succeeded: int) -> None:
        """recordJobFinished: the events, then the job's time to live starts."""
        if final[0] == "Complete":
            if job.spec.completions is not None and succeeded > job.spec.completions:
                self.client.event("Warning", "TooManySucceededPods", job,
                                  "Too many succeeded pods running after completion count reached")
            self.client.event("Normal", "Completed", job, "Job completed")
        else:
            self.client.event("Warning", final[1], job, final[2])
        self._forget(job.meta.uid)
        if job.spec.ttl_after_finished_ms is not None:
            self.enqueue(job.key, job.spec.ttl_after_finished_ms)

    def _forget(self, uid: str) -> None:
        self._backoff.pop(uid, None)
        self._api_failures.pop(uid, None)

    def _expire(self, job: ApiObject, finished: Condition) -> None:
        """The ttl-after-finished controller: delete the job (Foreground, so its pods go first) once
        ttlSecondsAfterFinished have passed since it finished."""
        ttl = job.spec.ttl_after_finished_ms
        if ttl is None or job.terminating:
            return
        due = finished.last_transition_ms + ttl
        if due > self.sim.now:
            self.enqueue(job.key, due - self.sim.now)
            return
        self.ttl.delete("Job", job.namespace, job.name, propagation="Foreground")

    def _manage(self, job: ApiObject, active: list[ApiObject], succeeded: int, indexes) -> list[ApiObject]:
        """manageJob: as many active pods as parallelism allows and completions still need; an Indexed job's
        pending indexes get one each, lowest first (`indexes`: those that succeeded)."""
        spec = job.spec
        if spec.completions is None:
            want = len(active) if succeeded > 0 else spec.parallelism
        else:
            want = max(0, min(spec.completions - succeeded, spec.parallelism))
        # activePodsForRemoval: an Indexed job's duplicated and out-of-range pods, then the least far along.
        extra = duplicated(active, spec.completions, removal_rank) if indexes is not None else []
        if len(active) - want > len(extra):
            extra += sorted((p for p in active if p not in extra), key=removal_rank)[:len(active) - want - len(extra)]
        if extra:
            for pod in extra:
                self._delete_pod(job, pod)
            return [p for p in active if p not in extra]
        diff = want - len(active)
        if diff <= 0:
            return active
        wait = self._backoff.get(job.meta.uid, Backoff()).remaining_ms(self.sim.now)
        if wait > 0:
            self.enqueue(job.key, wait)
            return active  # the failed pods' back-off has not run out
        pending = first_pending(active, indexes, diff, spec.completions) if indexes is not None else None
        created = self._create_pods(job, diff if pending is None else len(pending), pending)
        return active + created

    def _create_pods(self, job: ApiObject, count: int, pending: list[int] | None) -> list[ApiObject]:
        """Slow start: batches of 1, 2, 4, ... (of the `pending` indexes, if Indexed); a batch with a refusal ends
        the round, and the job is synced again after the API back-off (1 s doubling to 1 min)."""
        created: list[ApiObject] = []
        todo = iter(pending or ())
        batch = min(count, SLOW_START_BATCH)
        retry = False
        while count > 0:
            refused = False
            for _ in range(batch):
                before = len(self.sim.rejections)
                index = next(todo, UNKNOWN)
                prefix = f"{job.name}-" if index == UNKNOWN else generate_name(job.name, index)
                name = generate_free_name(prefix, self.sim.rng,
                                          lambda n: self.store.get("Pod", job.namespace, n) is not None)
                pod = self.client.create(new_pod(job, name, index), generate_name=prefix)
                if pod is None:
                    refused = True
                    retry = self._refusal(job, before) or retry
                else:
                    created.append(pod)
                    self.client.event("Normal", "SuccessfulCreate", job, f"Created pod: {pod.name}")
            count -= batch
            if refused:
                break
            batch = min(2 * batch, count)
        uid = job.meta.uid
        if retry:
            failures = self._api_failures.get(uid, 0)
            self._api_failures[uid] = failures + 1
            self.enqueue(job.key, min(API_BACKOFF_MS * 2 ** failures, MAX_API_BACKOFF_MS))
        elif created:
            self._api_failures.pop(uid, None)
        return created

    def _refusal(self, job: ApiObject, before: int) -> bool:
        """A refused create: FailedCreate on the job, unless its namespace is being deleted (then every create
        fails and Kubernetes says nothing). Returns whether to retry. A 409 Conflict is no rejection (the work
        queue retries it, nothing is recorded): retried, no event."""
        if len(self.sim.rejections) == before:
            return True
        rejection = self.sim.rejections[-1]
        if TERMINATING_NAMESPACE in rejection.message:
            return False
        self.client.event("Warning", "FailedCreate", job, f"Error creating: {rejection.message}")
        return True

    def _delete_pod(self, job: ApiObject, pod: ApiObject) -> None:
        self.client.delete("Pod", pod.namespace, pod.name)
        self.client.event("Normal", "SuccessfulDelete", job, f"Deleted pod: {pod.name}")
