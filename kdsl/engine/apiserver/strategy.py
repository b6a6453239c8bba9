"""The registry strategies' writes into a workload: a Job's selector, a DaemonSet's template generation."""

from __future__ import annotations

from kdsl.core import yamls
from kdsl.engine.evolve import evolve
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
    kdsl's reader makes that copy, so a Job whose labels are its template's labels is taken to have none (a Job
    written with labels equal to its template's cannot be told apart: it shows the generated labels too)."""
    if obj.kind != "Job" or not obj.meta.uid or manual_selector(obj.spec):
        return obj
    job = obj.spec
    tpl = job.template
    have = {k for k, _ in tpl.labels}
    labels = tpl.labels + tuple((k, v) for k, v in generated_labels(obj.name, obj.meta.uid) if k not in have)
    selector = Selector.of(((CONTROLLER_UID_LABEL, dict(labels)[CONTROLLER_UID_LABEL]),))
    copied = not obj.meta.labels or dict(obj.meta.labels) == dict(tpl.labels)
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


def created(obj: ApiObject) -> ApiObject:
    """What the kind's PrepareForCreate writes."""
    return daemonset_created(generate_selector(obj))


def updated(obj: ApiObject, old: ApiObject) -> ApiObject:
    """What the kind's PrepareForUpdate keeps or writes."""
    return daemonset_updated(keep_selector(obj, old), old)
