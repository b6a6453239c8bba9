"""The pod a Job makes from its template, and Indexed Jobs: completion indexes and their intervals."""

from __future__ import annotations

import attrs
import yaml

from kdsl.core import yamls
from kdsl.engine.apiserver.strategy import generated_labels
from kdsl.engine.controllers.job_util import JOB_TRACKING
from kdsl.engine.apiserver.defaults import MAX_GENERATED_BASE
from kdsl.engine.objects import ApiObject, Meta, OwnerRef
from kdsl.model.pods import Container, PodTemplate
from kdsl.model.workloads import Pod

# pkg/controller/job/indexed_job_utils.go (and batch/v1 types.go JobCompletionIndexAnnotation)
INDEX_KEY = "batch.kubernetes.io/job-completion-index"  # the annotation, and (PodIndexLabel, GA 1.32) the label
INDEX_ENV = "JOB_COMPLETION_INDEX"  # completionIndexEnvName
INDEX_FIELD = f"metadata.labels['{INDEX_KEY}']"  # addCompletionIndexEnvVariable's fieldPath with PodIndexLabel
UNKNOWN = -1  # unknownCompletionIndex

Intervals = tuple[tuple[int, int], ...]  # orderedIntervals: (first, last) pairs, ascending and apart


def is_indexed(spec) -> bool:
    """isIndexedJob. The API server refuses an Indexed job without completions (validateJobSpec; kdsl's check and
    import say so), so one the store holds has them."""
    return getattr(spec, "completion_mode", "NonIndexed") == "Indexed" and spec.completions is not None


def completion_index(pod) -> int:
    """getCompletionIndex: the pod's index annotation as a non-negative integer, else -1."""
    value = dict(pod.meta.annotations).get(INDEX_KEY)
    if value is None or not value.isdigit():  # strconv.Atoi; a sign or a blank is no index
        return UNKNOWN
    return int(value)


def parse(text: str, completions: int) -> Intervals:
    """succeededIndexesFromString: `1,3-5` as intervals, cut at `completions`; a corrupt interval is skipped."""
    out: list[list[int]] = []
    for part in text.split(",") if text else ():
        limits = part.split("-")
        try:
            first = int(limits[0])
            last = min(int(limits[1]), completions - 1) if len(limits) > 1 else first
        except ValueError:
            continue
        if first >= completions:
            break
        if out and out[-1][1] == first - 1:
            out[-1][1] = last
        else:
            out.append([first, last])
    return tuple((a, b) for a, b in out)


def with_indexes(intervals: Intervals, new: list[int]) -> Intervals:
    """withOrderedIndexes: the intervals with the indexes `new` (ascending) added, neighbours merged."""
    items = sorted(list(intervals) + [(i, i) for i in new])
    out: list[list[int]] = []
    for first, last in items:
        if not out or first > out[-1][1] + 1:
            out.append([first, last])
        elif out[-1][1] < last:
            out[-1][1] = last
    return tuple((a, b) for a, b in out)


def total(intervals: Intervals) -> int:
    return sum(last - first + 1 for first, last in intervals)


def to_string(intervals: Intervals) -> str:
    """orderedIntervals.String: `0-2`, and two neighbours as `3,4` rather than `3-4`."""
    return ",".join(str(a) if a == b else f"{a}{',' if b == a + 1 else '-'}{b}" for a, b in intervals)


def succeeded_indexes(status, spec, new) -> Intervals:
    """calculateSucceededIndexes: the status's completed indexes and those of the pods (phase, finished, index) that
    succeeded since; an index counts once, however many of its pods succeed (trackJobStatusAndRemoveFinalizers)."""
    fresh = {ix for phase, _, ix in new if phase == "Succeeded" and UNKNOWN < ix < spec.completions}
    return with_indexes(parse(status.completed_indexes, spec.completions), sorted(fresh))


def first_pending(active: list, done: Intervals, count: int, completions: int) -> list[int]:
    """firstPendingIndexes: the `count` lowest indexes below `completions` neither running nor succeeded."""
    taken = with_indexes(done, sorted({ix for ix in map(completion_index, active) if ix != UNKNOWN}))
    out: list[int] = []
    candidate = 0
    for first, last in taken:
        while candidate < completions and len(out) < count and candidate < first:
            out.append(candidate)
            candidate += 1
        candidate = max(candidate, last + 1)
    while candidate < completions and len(out) < count:
        out.append(candidate)
        candidate += 1
    return out


def duplicated(active: list, completions: int, rank) -> list:
    """appendDuplicatedIndexPodsForRemoval: the active pods with no index or one out of range, and of several with
    one index all but the one furthest along (`rank` orders the least far along first)."""
    by_index: dict[int, list] = {}
    for pod in active:
        by_index.setdefault(completion_index(pod), []).append(pod)
    rm: list = []
    for ix in sorted(by_index):
        pods = by_index[ix]
        if ix == UNKNOWN or ix >= completions:
            rm += pods
        elif len(pods) > 1:
            rm += sorted(pods, key=rank)[:-1]
    return rm


def generate_name(job_name: str, index: int) -> str:
    """podGenerateNameWithIndex: `<job>-<index>-`, the job's name cut so the prefix fits 58 characters."""
    tail = f"-{index}-"
    prefix = job_name + tail
    return prefix if len(prefix) <= MAX_GENERATED_BASE else prefix[:MAX_GENERATED_BASE - len(tail)] + tail


def new_pod(job: ApiObject, name: str, index: int = UNKNOWN) -> ApiObject:
    """A pod named `name` from the job's template (for `index`, when the job is Indexed). Its labels are the
    template's, which the API server gave the job-name and controller-uid labels (apiserver/strategy.py); a Job
    stored without them (written straight to the store) gets them here, so its pods are labelled as Kubernetes
    labels them."""
    template = job.spec.template
    added = generated_labels(job.name, job.meta.uid)
    have = {k for k, _ in template.labels}
    template = attrs.evolve(template, labels=template.labels + tuple((k, v) for k, v in added if k not in have))
    if index != UNKNOWN:
        template = _indexed_template(template, job.name, index)
    labels, annotations = template.labels, template.annotations
    meta = Meta(name=name, namespace=job.namespace, labels=labels, annotations=annotations,
                owners=(OwnerRef(kind="Job", name=job.name, uid=job.meta.uid),), finalizers=(JOB_TRACKING,))
    spec = Pod(name=name, namespace=job.namespace, labels=labels, annotations=annotations, template=template)
    return ApiObject(kind="Pod", meta=meta, spec=spec)


def _indexed_template(template: PodTemplate, job_name: str, index: int) -> PodTemplate:
    """manageJob's template for an index: the index annotation and label, the hostname `<job>-<index>` (its
    subdomain stays the template's), and JOB_COMPLETION_INDEX in every container and init container
    (addCompletionIndexEnvVariables)."""
    value = str(index)
    labels = tuple((k, v) for k, v in template.labels if k != INDEX_KEY) + ((INDEX_KEY, value),)
    annotations = tuple((k, v) for k, v in template.annotations if k != INDEX_KEY) + ((INDEX_KEY, value),)
    return attrs.evolve(template, labels=labels, annotations=annotations, hostname=f"{job_name}-{index}",
                        containers=tuple(map(_with_index_env, template.containers)),
                        init_containers=tuple(map(_with_index_env, template.init_containers)))


def _with_index_env(container: Container) -> Container:
    """addCompletionIndexEnvVariable: the variable appended to the container's env unless it has one of that name.
    kdsl's env model holds literals and ConfigMap/Secret keys; a downward-API fieldRef lives in the container's
    `yaml`, as an import keeps one, and the named-list merge appends it after the model's env, where Kubernetes
    appends it."""
    extra = yamls.safe_load(container.yaml) if container.yaml else {}
    extra = extra if isinstance(extra, dict) else {}
    env = extra.get("env") if isinstance(extra.get("env"), list) else []
    names = {e.name for e in container.env} | {e.get("name") for e in env if isinstance(e, dict)}
    if INDEX_ENV in names:
        return container
    extra = dict(extra, env=env + [{"name": INDEX_ENV, "valueFrom": {"fieldRef": {"fieldPath": INDEX_FIELD}}}])
    return attrs.evolve(container, yaml=yaml.safe_dump(extra, sort_keys=False, allow_unicode=True, width=100))
