"""A suspended Job (spec.suspend, kept in the Job's `yaml`): no pods, and the Suspended condition with its event."""

from __future__ import annotations

from kdsl.core import yamls
from kdsl.engine.objects import Condition, set_condition

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
