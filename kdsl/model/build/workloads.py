"""Builds pods and workloads: each kind's head attributes and the pod template from its block."""

from __future__ import annotations

import attrs

from kdsl.core import values as v
from kdsl.lang.syntax import Stmt
from kdsl.model.build.context import Ctx, Head, split_ref
from kdsl.model.build.pod_template import RESTART, template
from kdsl.model.build.scheduling import access_modes, selector, workload_selector
from kdsl.model.build.yaml_fields import bound_node, from_yaml, own_annotations, own_labels
from kdsl.model.workloads import (DEPLOYMENT_STRATEGY, ClaimTemplate, CronJob, DaemonSet, Deployment, Job, Pod,
                                  ReplicaSet, ReplicationController, StatefulSet, Strategy)

STRATEGIES = {"rolling": "RollingUpdate", "rollingupdate": "RollingUpdate", "recreate": "Recreate",
              "ondelete": "OnDelete"}
POLICIES = {"orderedready": "OrderedReady", "parallel": "Parallel"}
CONCURRENCY = {"allow": "Allow", "forbid": "Forbid", "replace": "Replace"}
COMPLETION_MODES = {"nonindexed": "NonIndexed", "indexed": "Indexed"}
MAX_INDEXED_PARALLELISM = 100_000  # pkg/apis/batch/validation/validation.go maxParallelismForIndexedJob


def _nonneg(text: str) -> int:
    return v.integer(text, minimum=0)


def _strategy(ctx: Ctx, stmts: list[Stmt], kind: str, what: str, default: Strategy) -> Strategy:
    if not stmts:
        return default
    if len(stmts) > 1:
        ctx.error(stmts[1], f"{what} has two strategies")
    s = stmts[0]
    h = Head(ctx, s, f"strategy of {what}")
    w = h.word("rolling, recreate or ondelete")
    stype = h.ctx_choice(w, STRATEGIES, "strategy", default.type) if w else default.type
    if (kind == "deployment" and stype == "OnDelete") or (kind != "deployment" and stype == "Recreate"):
        ctx.error(w or s, f"a {kind} cannot use the {stype} strategy")
    surge = h.take("maxSurge", v.int_or_percent) if kind != "statefulset" else None
    zero_at = h.attrs.get("maxUnavailable") or h.attrs.get("maxSurge") or s  # the caret for `may not be 0`
    unavailable = h.take("maxUnavailable", v.int_or_percent)
    partition = h.take("partition", _nonneg) if kind == "statefulset" else None
    h.done()
    if stype != "RollingUpdate":
        if surge is not None or unavailable is not None or partition is not None:
            ctx.error(s, f"{stype} takes no maxSurge, maxUnavailable or partition")
        return Strategy(type=stype)
    if kind == "deployment":
        surge = DEPLOYMENT_STRATEGY.max_surge if surge is None else surge
        unavailable = DEPLOYMENT_STRATEGY.max_unavailable if unavailable is None else unavailable
        if _is_zero(surge) and _is_zero(unavailable):
            ctx.error(zero_at, f"{what}: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: "
                               "may not be 0 when `maxSurge` is 0")
        return Strategy(max_surge=surge, max_unavailable=unavailable)
    if kind == "daemonset":
        surge = 0 if surge is None else surge
        unavailable = 1 if unavailable is None else unavailable
        if _is_zero(surge) and _is_zero(unavailable):
            ctx.error(zero_at, f"{what}: spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: "
                               "may not be 0 when `maxSurge` is 0")
        return Strategy(max_surge=surge, max_unavailable=unavailable)
    return Strategy(partition=partition or 0, max_unavailable=unavailable)


def _is_zero(x) -> bool:
    return x == 0 or (isinstance(x, v.Percent) and x.value == 0)


def _claims(ctx: Ctx, stmts: list[Stmt], what: str) -> tuple[ClaimTemplate, ...]:
    out = []
    for s in stmts:
        h = Head(ctx, s, f"claim of {what}")
        name = h.name()
        size = h.word("a size, e.g. 10Gi")
        storage = ctx.convert(size, v.byte_count, "claim size") if size else None
        cls = h.take("class", str)
        modes = h.take_list("access", access_modes, ("ReadWriteOnce",))
        h.done()
        if name and storage is not None:
            out.append(ClaimTemplate(name=name.text, storage=storage, storage_class=_class(cls),
                                     access_modes=modes))
    return tuple(out)


def _class(cls: str | None) -> str | None:
    return "" if cls in ("none", '""') else cls


def _completion_mode(ctx: Ctx, head: Head, stmt: Stmt, said: dict, parallelism: int) -> str:
    """`mode=Indexed` (spec.completionMode), and validateJobSpec's rules for it in the API server's words
    (pkg/apis/batch/validation/validation.go): SetDefaults_Job leaves `completions` unset when `parallelism` is
    given, and an Indexed job must give it; its parallelism is at most 10^5."""
    mode = head.choice("mode", COMPLETION_MODES, "NonIndexed", "completionMode")
    spec = "spec" if head.what.startswith("job ") else "spec.jobTemplate.spec"  # a cronjob's job template
    if mode == "Indexed" and "parallelism" in said and "completions" not in said:
        ctx.error(stmt, f"{head.what}: {spec}.completions: Required value: when completion mode is Indexed")
    if mode == "Indexed" and parallelism > MAX_INDEXED_PARALLELISM:
        ctx.error(said["parallelism"], f"{head.what}: {spec}.parallelism: Invalid value: {parallelism}: must be less "
                  f"than or equal to {MAX_INDEXED_PARALLELISM} when completion mode is Indexed")
    return mode


def build_workload(ctx: Ctx, stmt: Stmt, namespace: str | None):
    kind = stmt.head[0].text
    head = Head(ctx, stmt, kind)
    w = head.name()
    if w is None:
        return None
    ns, name = split_ref(ctx, w, namespace, kind)
    what = head.what = f"{kind} {ns}/{name}"
    common = dict(name=name, namespace=ns, span=stmt.span)
    f: dict = {}
    if kind in ("deployment", "replicaset", "replicationcontroller", "statefulset"):
        f["replicas"] = head.take("replicas", _nonneg, 1)
    if kind in ("deployment", "replicaset", "replicationcontroller", "statefulset", "daemonset"):
        f["min_ready_ms"] = head.take("minReady", v.duration_ms, 0, "minReadySeconds")
    if kind in ("deployment", "statefulset", "daemonset"):
        f["revision_history_limit"] = head.take("revisionHistoryLimit", _nonneg, 10)
    if kind == "deployment":
        f["progress_deadline_ms"] = head.take("progressDeadline", v.duration_ms, 600_000)
        f["paused"] = head.flag("paused") is not None
    if kind == "statefulset":
        f["service_name"] = head.take("service", str)
        f["pod_management_policy"] = head.choice("policy", POLICIES, "OrderedReady")
        f["ordinals_start"] = head.take("start", _nonneg, 0)
        retain = head.choice("retain", {"retain": "Retain", "delete": "Delete"}, "Retain")
        f["retain_on_delete"] = f["retain_on_scale"] = retain == "Retain"
    job: dict = {}
    said = {k: head.attrs[k] for k in ("completions", "parallelism") if k in head.attrs}
    if kind in ("job", "cronjob"):
        job["completions"] = head.take("completions", _nonneg, 1)
        job["parallelism"] = head.take("parallelism", _nonneg, 1)
        job["backoff_limit"] = head.take("backoff", _nonneg, 6, "backoffLimit")
        job["active_deadline_ms"] = head.take("deadline", v.duration_ms, None, "activeDeadline")
        job["ttl_after_finished_ms"] = head.take("ttl", v.duration_ms)
        job["completion_mode"] = _completion_mode(ctx, head, stmt, said, job["parallelism"])
    cron: dict = {}
    if kind == "cronjob":
        cron["schedule"] = head.take("schedule", str, "* * * * *", required=True)
        cron["concurrency_policy"] = head.choice("concurrency", CONCURRENCY, "Allow")
        cron["suspend"] = head.flag("suspend") is not None
        cron["starting_deadline_ms"] = head.take("startingDeadline", v.duration_ms)
        cron["successful_jobs_history_limit"] = head.take("successfulJobsHistoryLimit", _nonneg, 3)
        cron["failed_jobs_history_limit"] = head.take("failedJobsHistoryLimit", _nonneg, 1)
    restart_attr = head.attrs.get("restart")
    restart = head.choice("restart", RESTART, None)
    extra: dict = {"restart": restart, "restart_at": restart_attr.value} if restart else {}
    tpl, labels, annotations = template(ctx, stmt, kind, name, what, head, extra)
    tpl = from_yaml(tpl, extra.get("yaml"), kind)
    own = own_labels(extra.get("yaml"))
    if own is not None:  # the object's own labels, said apart from its template's (an imported manifest's)
        labels = own
        tpl = attrs.evolve(tpl, labels=own) if kind == "pod" else tpl
    own = own_annotations(extra.get("yaml")) if kind != "pod" else None
    if own is not None:  # and its own annotations
        annotations = own
    meta = dict(common, labels=labels, annotations=annotations, yaml=extra.get("yaml"))
    if kind != "pod":  # Workload.build gives the template's labels when there is no `selector`
        f["selector"] = workload_selector(ctx, extra.get("selector", []), kind, what, tpl.labels)
    if kind == "pod":
        bound = bound_node(extra.get("yaml"))
        return Pod.build(template=attrs.evolve(tpl, node_name=bound) if bound else tpl, **meta)
    if kind == "deployment":
        f["strategy"] = _strategy(ctx, extra.get("strategy", []), kind, what, DEPLOYMENT_STRATEGY)
        return Deployment.build(template=tpl, **meta, **f)
    if kind == "replicaset":
        return ReplicaSet.build(template=tpl, **meta, **f)
    if kind == "replicationcontroller":
        return ReplicationController.build(template=tpl, **meta, **f)
    if kind == "statefulset":
        f["strategy"] = _strategy(ctx, extra.get("strategy", []), kind, what, Strategy(partition=0))
        f["claims"] = _claims(ctx, extra.get("claim", []), what)
        return StatefulSet.build(template=tpl, **meta, **f)
    if kind == "daemonset":
        f["strategy"] = _strategy(ctx, extra.get("strategy", []), kind, what,
                                  Strategy(max_unavailable=1, max_surge=0))
        return DaemonSet.build(template=tpl, **meta, **f)
    if kind == "job":
        return Job.build(template=tpl, **meta, **job)
    job_obj = Job.build(template=tpl, name=name, namespace=ns, labels=labels, **job)
    return CronJob(job=job_obj, **meta, **cron)


__all__ = ["build_workload", "selector", "access_modes"]
