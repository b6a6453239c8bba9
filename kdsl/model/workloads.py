"""Pods and the controllers' objects: Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob."""

from __future__ import annotations

from typing import ClassVar

import attrs

from kdsl.core.values import Percent
from kdsl.model.base import NamespacedObject, Selector
from kdsl.model.pods import PodTemplate


@attrs.frozen(kw_only=True, weakref_slot=False)
class Strategy:
    """An update strategy. Deployments default to RollingUpdate 25%/25% (apps/v1 defaults),
    StatefulSets to RollingUpdate partition 0, DaemonSets to RollingUpdate maxUnavailable 1."""

    type: str = "RollingUpdate"  # RollingUpdate | Recreate | OnDelete
    max_surge: int | Percent | None = None
    max_unavailable: int | Percent | None = None
    partition: int | None = None


DEPLOYMENT_STRATEGY = Strategy(max_surge=Percent(25), max_unavailable=Percent(25))


@attrs.frozen(kw_only=True, weakref_slot=False)
class Workload(NamespacedObject):
    """An object that owns pods made from a template."""

    api_version: ClassVar[str] = "apps/v1"
    template: PodTemplate
    selector: Selector = Selector()

    @property
    def selects_template(self) -> bool:
        """The selector is the template's labels (the default kdsl gives), in whatever order."""
        return not self.selector.expressions and dict(self.selector.match_labels) == dict(self.template.labels)

    @classmethod
    def build(cls, **fields):
        """Kubernetes' defaulting: the selector comes from the template's labels."""
        template = fields["template"]
        if "selector" not in fields or fields["selector"] is None:
            fields["selector"] = Selector.of(template.labels)
        return cls(**fields)


@attrs.frozen(kw_only=True, weakref_slot=False)
class Pod(NamespacedObject):
    kind: ClassVar[str] = "Pod"
    plural: ClassVar[str] = "pods"
    template: PodTemplate

    @classmethod
    def build(cls, **fields) -> Pod:
        return cls(**fields)


@attrs.frozen(kw_only=True, weakref_slot=False)
class Deployment(Workload):
    kind: ClassVar[str] = "Deployment"
    plural: ClassVar[str] = "deployments"
    replicas: int = 1
    strategy: Strategy = DEPLOYMENT_STRATEGY
    min_ready_ms: int = 0
    progress_deadline_ms: int = 600_000
    revision_history_limit: int = 10
    paused: bool = False


@attrs.frozen(kw_only=True, weakref_slot=False)
class ReplicaSet(Workload):
    kind: ClassVar[str] = "ReplicaSet"
    plural: ClassVar[str] = "replicasets"
    replicas: int = 1
    min_ready_ms: int = 0


@attrs.frozen(kw_only=True, weakref_slot=False)
class ReplicationController(Workload):
    kind: ClassVar[str] = "ReplicationController"
    api_version: ClassVar[str] = "v1"
    plural: ClassVar[str] = "replicationcontrollers"
    replicas: int = 1
    min_ready_ms: int = 0


@attrs.frozen(kw_only=True, weakref_slot=False)
class ClaimTemplate:
    """A volumeClaimTemplate: each ordinal gets the claim `<name>-<set>-<ordinal>`."""

    name: str
    storage: int
    storage_class: str | None = None
    access_modes: tuple[str, ...] = ("ReadWriteOnce",)


@attrs.frozen(kw_only=True, weakref_slot=False)
class StatefulSet(Workload):
    kind: ClassVar[str] = "StatefulSet"
    plural: ClassVar[str] = "statefulsets"
    replicas: int = 1
    service_name: str | None = None
    pod_management_policy: str = "OrderedReady"
    strategy: Strategy = Strategy(partition=0)
    claims: tuple[ClaimTemplate, ...] = ()
    min_ready_ms: int = 0
    revision_history_limit: int = 10
    ordinals_start: int = 0
    retain_on_delete: bool = True  # persistentVolumeClaimRetentionPolicy whenDeleted: Retain
    retain_on_scale: bool = True  # whenScaled: Retain

    def pod_name(self, ordinal: int) -> str:
        return f"{self.name}-{ordinal}"

    def claim_name(self, claim: str, ordinal: int) -> str:
        return f"{claim}-{self.name}-{ordinal}"


@attrs.frozen(kw_only=True, weakref_slot=False)
class DaemonSet(Workload):
    kind: ClassVar[str] = "DaemonSet"
    plural: ClassVar[str] = "daemonsets"
    strategy: Strategy = Strategy(max_unavailable=1, max_surge=0)
    min_ready_ms: int = 0
    revision_history_limit: int = 10


@attrs.frozen(kw_only=True, weakref_slot=False)
class Job(Workload):
    """batch/v1 defaults: completions 1, parallelism 1, backoffLimit 6. kdsl defaults the
    template's restart policy to Never, as `kubectl create job` does (Jobs may not use Always)."""

    kind: ClassVar[str] = "Job"
    api_version: ClassVar[str] = "batch/v1"
    plural: ClassVar[str] = "jobs"
    completions: int | None = 1
    parallelism: int = 1
    backoff_limit: int = 6
    active_deadline_ms: int | None = None
    ttl_after_finished_ms: int | None = None
    # or Indexed: each pod gets an index 0..completions-1. Out of the model's dump and the repr while NonIndexed (see
    # below), so the dumps and store reprs of every job without it stay as they were.
    completion_mode: str = attrs.field(default="NonIndexed", repr=False, metadata={"omit_default": True})

    @classmethod
    def build(cls, **fields):
        # A Job's pods select by controller-uid in Kubernetes; kdsl selects by the template labels.
        return super().build(**fields)


_job_repr = Job.__repr__


def _repr_with_mode(self: Job) -> str:
    text = _job_repr(self)
    return text if self.completion_mode == "NonIndexed" else f"{text[:-1]}, completion_mode={self.completion_mode!r})"


Job.__repr__ = _repr_with_mode  # type: ignore[method-assign]


@attrs.frozen(kw_only=True, weakref_slot=False)
class CronJob(NamespacedObject):
    kind: ClassVar[str] = "CronJob"
    api_version: ClassVar[str] = "batch/v1"
    plural: ClassVar[str] = "cronjobs"
    schedule: str
    job: Job
    concurrency_policy: str = "Allow"
    suspend: bool = False
    successful_jobs_history_limit: int = 3
    failed_jobs_history_limit: int = 1
    starting_deadline_ms: int | None = None

    @property
    def template(self) -> PodTemplate:
        return self.job.template


WORKLOAD_KINDS = {c.kind.lower(): c for c in (Pod, Deployment, ReplicaSet, ReplicationController, StatefulSet,
                                              DaemonSet, Job, CronJob)}
