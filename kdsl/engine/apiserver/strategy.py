"""The registry strategies' writes into a workload: a Job's selector, a DaemonSet's template generation."""

from __future__ import annotations

from kdsl.core import yamls
from kdsl.core.evolve import evolve
from kdsl.engine.objects import ApiObject
from kdsl.model.base import Selector

# pkg/apis/batch/types.go: the labels the Job strategy adds to a Job's template (and so to its pods).
JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid"
LEGACY_JOB_NAME_LABEL = "job-name"
LEGACY_CONTROLLER_UID_LABEL = "controller-uid"


def generated_labels(name: str, uid: str) -> tuple[tuple[str, str], ...]:
    return ((CONTROLLER_UID_LABEL, uid), (JOB_NAME_LABEL, name), (LEGACY_CONTROLLER_UID_LABEL, uid),
            (LEGACY_JOB_NAME_LABEL, name))


def manual_selector(job) -> bool:
    """spec.manualSelector: true, which kdsl keeps in the Job's extra `yaml`."""
    if not job.yaml or "manualSelector" not in job.yaml:
        return False
    extra = yamls.safe_load(job.yaml)
    spec = extra.get("spec") if isinstance(extra, dict) else None
    return isinstance(spec, dict) and spec.get("manualSelector") is True


def generated(job) -> bool:
    """The Job's selector is the API server's (a Job stored through it, not a model Job nor a manual selector)."""
    return any(k == CONTROLLER_UID_LABEL for k, _ in job.selector.match_labels) and not manual_selector(job)


def generate_selector(obj: ApiObject) -> ApiObject:
    """pkg/registry/batch/job/strategy.go PrepareForCreate -> generateSelector: the template gains the job-name
    and controller-uid labels (both spellings; a label the user set is kept), and the selector is
    `batch.kubernetes.io/controller-uid=<uid>`, unique to this Job — unless the manifest says `manualSelector:
    true` (kdsl's reader keeps that, and the selector written, in the Job's extra `yaml`).

    The Job's own labels: SetDefaults_Job copies the template's labels to a Job that has none, and the copy is the
    same Go map the strategy then adds to, so such a Job shows the generated labels too (`kubectl get job -o yaml`).
    A Job with labels keeps them as written, even when they equal its template's: kdsl text's Job (labels shared
    with its template) is exported with them, and the real API server leaves them alone (tests/oracle: test_jobs)."""
    if obj.kind != "Job" or not obj.meta.uid or manual_selector(obj.spec):
        return obj
    job = obj.spec
    tpl = job.template
    have = {k for k, _ in tpl.labels}
    labels = tpl.labels + tuple((k, v) for k, v in generated_labels(obj.name, obj.meta.uid) if k not in have)
    selector = Selector.of(((CONTROLLER_UID_LABEL, dict(labels)[CONTROLLER_UID_LABEL]),))
    copied = not obj.meta.labels
    meta_labels = labels if copied else obj.meta.labels
    spec = evolve(job, template=evolve(tpl, labels=labels), selector=selector,
                  labels=labels if copied else job.labels)
    return evolve(obj, meta=evolve(obj.meta, labels=meta_labels), spec=spec)


def keep_selector(obj: ApiObject, old: ApiObject) -> ApiObject:
    """An update of a Job keeps what the strategy generated: the selector and the template are immutable
    (batch validation ValidateJobSpecUpdate), and kdsl's updates carry a model Job without the generated labels."""
    if obj.kind != "Job" or obj.spec.selector == old.spec.selector or not generated(old.spec):
        return obj
    kept = generate_selector(evolve(obj, meta=evolve(obj.meta, uid=old.meta.uid)))
    return evolve(kept, meta=evolve(kept.meta, uid=obj.meta.uid), spec=evolve(kept.spec, selector=old.spec.selector))


# apps/v1 DeprecatedTemplateGeneration: the v1 form of the internal DaemonSet's spec.templateGeneration.
TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"


def template_generation(obj: ApiObject) -> int:
    """The DaemonSet's spec.templateGeneration, which apps/v1 carries as an annotation (conversion.go)."""
    value = dict(obj.meta.annotations).get(TEMPLATE_GENERATION, "")
    return int(value) if value.isascii() and value.isdigit() else 0


def _with_template_generation(obj: ApiObject, generation: int) -> ApiObject:
    annotations = tuple((k, v) for k, v in obj.meta.annotations if k != TEMPLATE_GENERATION)
    annotations += ((TEMPLATE_GENERATION, str(generation)),)
    return evolve(obj, meta=evolve(obj.meta, annotations=annotations))


def daemonset_created(obj: ApiObject) -> ApiObject:
    """pkg/registry/apps/daemonset/strategy.go PrepareForCreate: templateGeneration is at least 1."""
    if obj.kind != "DaemonSet":
        return obj
    return _with_template_generation(obj, max(1, template_generation(obj)))


def daemonset_updated(obj: ApiObject, old: ApiObject) -> ApiObject:
    """PrepareForUpdate: an update may not set templateGeneration; a changed template adds one to it."""
    if obj.kind != "DaemonSet":
        return obj
    changed = obj.spec.template != old.spec.template
    return _with_template_generation(obj, template_generation(old) + (1 if changed else 0))


def volume_created(obj: ApiObject, now_ms: int) -> ApiObject:
    """pkg/registry/core/persistentvolume/strategy.go PrepareForCreate: a new PV's status is phase Pending,
    lastPhaseTransitionTime now, whatever status the request carried (kdsl keeps the claimRef's uid in the status:
    that half of the spec stays)."""
    if obj.kind != "PersistentVolume":
        return obj
    from kdsl.engine.controllers.pv_index import VolumeStatus, volume_status  # the controllers import the API server

    return evolve(obj, status=VolumeStatus(claim_uid=volume_status(obj).claim_uid, phase_ms=now_ms))


def volume_status_updated(obj: ApiObject, old: ApiObject, now_ms: int) -> ApiObject:
    """persistentVolumeStatusStrategy.PrepareForUpdate: a status write that changes the phase stamps
    lastPhaseTransitionTime with now; one that keeps the phase keeps the old stamp."""
    if obj.kind != "PersistentVolume":
        return obj
    from kdsl.engine.controllers.pv_index import volume_status

    new, before = volume_status(obj), volume_status(old)
    stamp = before.phase_ms if new.phase == before.phase else now_ms
    return evolve(obj, status=evolve(new, phase_ms=stamp))


def created(obj: ApiObject, now_ms: int) -> ApiObject:
    """What the kind's PrepareForCreate writes."""
    return volume_created(daemonset_created(generate_selector(obj)), now_ms)


def updated(obj: ApiObject, old: ApiObject) -> ApiObject:
    """What the kind's PrepareForUpdate keeps or writes."""
    return daemonset_updated(keep_selector(obj, old), old)
