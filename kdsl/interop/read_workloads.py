"""Workload manifests (Pod, Deployment ... CronJob) read into model objects, with the pod template."""

from __future__ import annotations

import attrs

from kdsl.core import values as v
from kdsl.model import config, workloads
from kdsl.model.base import Selector
from kdsl.interop.read_pods import _int, ms, pairs, template


LEGACY_CLASS = "volume.beta.kubernetes.io/storage-class"


MODES = set(config.ACCESS_MODES.values())


class Meta:
    def __init__(self, meta: dict, ns: str):
        self.name, self.ns = meta["name"], ns
        self.labels, self.annotations = pairs(meta.get("labels")), pairs(meta.get("annotations"))

    def common(self, namespaced: bool = True) -> dict:
        out = dict(name=self.name, labels=self.labels, annotations=self.annotations)
        if namespaced:
            out["namespace"] = self.ns
        return out


def spec_of(d: dict) -> dict:
    return d["spec"] if isinstance(d.get("spec"), dict) else {}


def _tpl(spec: dict, m: Meta, restart: str = "Always", labelled: bool = True):
    t = spec.get("template") if isinstance(spec.get("template"), dict) else {}
    return template(t.get("metadata"), t.get("spec"), restart, m.name if labelled else "")


def _workload(cls, d, m: Meta, restart="Always", **f):
    # A Job's template keeps exactly its labels, none when it has none, as kdsl text's Job does
    tpl = _tpl(spec_of(d), m, restart, labelled=cls is not workloads.Job)
    if not tpl.containers:
        return None
    for key, field in (("minReadySeconds", "min_ready_ms"),):
        if hasattr(cls, "__attrs_attrs__") and field in attrs.fields_dict(cls):
            x = ms(spec_of(d).get(key))
            if x is not None:
                f[field] = x
    # a Job's selector is generated (controller-uid); one written (manualSelector) stays in its `yaml`
    sel = None if cls is workloads.Job else _selector(spec_of(d).get("selector"), cls is workloads.ReplicationController)
    # the object's own labels, exactly as written: apps/v1 and batch/v1 never copy the template's onto it
    obj = cls.build(name=m.name, namespace=m.ns, labels=m.labels, annotations=tpl.annotations, template=tpl, **f)
    if sel is None:
        return obj
    written = attrs.evolve(obj, selector=sel)  # as written, never widened to the template's labels
    return obj if written.selects_template else written  # the labels themselves: kdsl's default


def _selector(d, plain: bool) -> Selector | None:
    """A workload's selector: a LabelSelector, or for a ReplicationController a plain map of labels."""
    if plain:
        return Selector.of(pairs(d)) if isinstance(d, dict) and pairs(d) else None
    sel = Selector.from_manifest(d)
    return None if sel is None or sel.empty else sel


def _replicas(d) -> dict:
    x = _int(spec_of(d).get("replicas"))
    return {"replicas": x} if x is not None and x >= 0 else {}


def _pct(x):
    if isinstance(x, bool) or not isinstance(x, (int, str)):
        return None
    try:
        return v.int_or_percent(str(x))
    except v.BadValue:
        return None


def _rolling(s, keys: tuple[str, ...], defaults: dict) -> workloads.Strategy | None:
    if not isinstance(s, dict):
        return None
    if s.get("type") in ("Recreate", "OnDelete"):
        return workloads.Strategy(type=s["type"])
    r = s.get("rollingUpdate") if isinstance(s.get("rollingUpdate"), dict) else {}
    f = dict(defaults)
    for key in keys:
        if key in r:
            x = _int(r[key]) if key == "partition" else _pct(r[key])
            if x is not None:
                f[{"maxSurge": "max_surge", "maxUnavailable": "max_unavailable", "partition": "partition"}[key]] = x
    return workloads.Strategy(**f)


def read_pod(d, m):
    tpl = template(d["metadata"], spec_of(d), "Always")
    if not tpl.containers:
        return None
    return workloads.Pod.build(name=m.name, namespace=m.ns, labels=tpl.labels, annotations=tpl.annotations,
                               template=tpl)


def read_deployment(d, m):
    f = _replicas(d)
    spec = spec_of(d)
    s = _rolling(spec.get("strategy"), ("maxSurge", "maxUnavailable"),
                 dict(max_surge=v.Percent(25), max_unavailable=v.Percent(25)))
    if s is not None:
        f["strategy"] = s
    for key, field, conv in (("revisionHistoryLimit", "revision_history_limit", _int),
                             ("progressDeadlineSeconds", "progress_deadline_ms", ms)):
        x = conv(spec.get(key))
        if x is not None:
            f[field] = x
    f["paused"] = spec.get("paused") is True
    return _workload(workloads.Deployment, d, m, **f)


def read_replicaset(d, m):
    return _workload(workloads.ReplicaSet, d, m, **_replicas(d))


def read_rc(d, m):
    return _workload(workloads.ReplicationController, d, m, **_replicas(d))


def _claim(c) -> workloads.ClaimTemplate | None:
    if not isinstance(c, dict) or not isinstance(c.get("metadata"), dict):
        return None
    name, spec = c["metadata"].get("name"), c.get("spec") if isinstance(c.get("spec"), dict) else {}
    size = storage_size(spec)
    if not isinstance(name, str) or size is None:
        return None
    cls = spec.get("storageClassName")
    if cls is None:
        cls = pairs(c["metadata"].get("annotations")) and dict(pairs(c["metadata"].get("annotations"))).get(LEGACY_CLASS)
    modes = tuple(x for x in spec.get("accessModes") or () if x in MODES) or ("ReadWriteOnce",)
    return workloads.ClaimTemplate(name=name, storage=size, storage_class=cls if isinstance(cls, str) else None,
                                   access_modes=modes)


def storage_size(spec: dict) -> int | None:
    res = spec.get("resources") if isinstance(spec.get("resources"), dict) else {}
    req = res.get("requests") if isinstance(res.get("requests"), dict) else {}
    x = req.get("storage")
    try:
        return v.byte_count(str(x)) if isinstance(x, (str, int)) and not isinstance(x, bool) else None
    except v.BadValue:
        return None


def read_statefulset(d, m):
    spec, f = spec_of(d), _replicas(d)
    if isinstance(spec.get("serviceName"), str) and spec["serviceName"]:
        f["service_name"] = spec["serviceName"]
    if spec.get("podManagementPolicy") in ("OrderedReady", "Parallel"):
        f["pod_management_policy"] = spec["podManagementPolicy"]
    s = _rolling(spec.get("updateStrategy"), ("partition", "maxUnavailable"), dict(partition=0))
    if s is not None and s.type != "Recreate":
        f["strategy"] = s
    claims = spec.get("volumeClaimTemplates") or []
    f["claims"] = tuple(c for c in map(_claim, claims if isinstance(claims, list) else []) if c)
    if isinstance(spec.get("ordinals"), dict) and _int(spec["ordinals"].get("start")):
        f["ordinals_start"] = spec["ordinals"]["start"]
    policy = spec.get("persistentVolumeClaimRetentionPolicy")
    if isinstance(policy, dict) and policy.get("whenDeleted") == policy.get("whenScaled") == "Delete":
        f["retain_on_delete"] = f["retain_on_scale"] = False
    x = _int(spec.get("revisionHistoryLimit"))
    if x is not None:
        f["revision_history_limit"] = x
    return _workload(workloads.StatefulSet, d, m, **f)


def read_daemonset(d, m):
    spec, f = spec_of(d), {}
    s = _rolling(spec.get("updateStrategy"), ("maxSurge", "maxUnavailable"), dict(max_unavailable=1, max_surge=0))
    if s is not None and s.type != "Recreate":
        f["strategy"] = s
    x = _int(spec.get("revisionHistoryLimit"))
    if x is not None:
        f["revision_history_limit"] = x
    return _workload(workloads.DaemonSet, d, m, **f)


def _job_fields(spec: dict) -> dict:
    f = {}
    for key, field, conv in (("completions", "completions", _int), ("parallelism", "parallelism", _int),
                             ("backoffLimit", "backoff_limit", _int), ("activeDeadlineSeconds", "active_deadline_ms", ms),
                             ("ttlSecondsAfterFinished", "ttl_after_finished_ms", ms)):
        x = conv(spec.get(key))
        if x is not None and x >= 0:
            f[field] = x
    if spec.get("completionMode") in ("NonIndexed", "Indexed"):  # another is refused (validate_spec.py)
        f["completion_mode"] = spec["completionMode"]
    return f


def read_job(d, m):
    return _workload(workloads.Job, d, m, restart="Never", **_job_fields(spec_of(d)))


def read_cronjob(d, m):
    spec = spec_of(d)
    jt = spec.get("jobTemplate") if isinstance(spec.get("jobTemplate"), dict) else {}
    jspec = jt.get("spec") if isinstance(jt.get("spec"), dict) else {}
    if not isinstance(spec.get("schedule"), str):
        return None
    job = _workload(workloads.Job, {"spec": jspec}, m, restart="Never", **_job_fields(jspec))
    if job is None:
        return None
    job = attrs.evolve(job, labels=job.template.labels, annotations=())
    f = dict(schedule=spec["schedule"])
    for key, field, conv in (("successfulJobsHistoryLimit", "successful_jobs_history_limit", _int),
                             ("failedJobsHistoryLimit", "failed_jobs_history_limit", _int),
                             ("startingDeadlineSeconds", "starting_deadline_ms", ms)):
        x = conv(spec.get(key))
        if x is not None and x >= 0:
            f[field] = x
    if spec.get("concurrencyPolicy") in ("Allow", "Forbid", "Replace"):
        f["concurrency_policy"] = spec["concurrencyPolicy"]
    f["suspend"] = spec.get("suspend") is True
    return workloads.CronJob(name=m.name, namespace=m.ns, labels=m.labels, annotations=job.template.annotations,
                             job=job, **f)
