"""Workloads written as kdsl text: the workload's head, its pod template and containers."""

from __future__ import annotations

from kdsl.core.values import format_bytes, format_duration
from kdsl.model import workloads
from kdsl.model.pods import DEFAULT_GRACE_MS, Container, PodTemplate
from kdsl.model.config import ACCESS_SHORT
from kdsl.interop.emit_base import (Writer, pairs, pod_term, quote, ref_name, requirement, resources_line,
                                  selector, word, yaml_lines)
from kdsl.interop.pods import default_pull


KIND_WORD = {"Pod": "pod", "Deployment": "deployment", "ReplicaSet": "replicaset",
              "ReplicationController": "replicationcontroller", "StatefulSet": "statefulset",
              "DaemonSet": "daemonset", "Job": "job", "CronJob": "cronjob"}


def _probe(p) -> str:
    parts = [p.kind, p.handler]
    if p.handler == "http":
        parts.append(word(p.path or "/"))
    if p.handler == "exec":
        parts += [quote(w) for w in p.command]
    else:
        parts.append(f"port={word(str(p.port))}")
    if p.handler == "http" and p.scheme != "HTTP":
        parts.append(f"scheme={p.scheme}")
    for key, value, default in (("delay", p.initial_delay_ms, 0), ("period", p.period_ms, 10_000),
                                ("timeout", p.timeout_ms, 1_000)):
        if value != default:
            parts.append(f"{key}={format_duration(value)}")
    if p.success_threshold != 1:
        parts.append(f"successes={p.success_threshold}")
    if p.failure_threshold != 3:
        parts.append(f"failures={p.failure_threshold}")
    return " ".join(parts)


def _env(e) -> str:
    if e.source_kind is None:
        return f"env {word(e.name)}={quote(e.value or '')}"
    out = f"env {word(e.name)} from {e.source_kind} {word(e.source_name)} key={word(e.source_key or e.name)}"
    return out + (" optional" if e.optional else "")


def container(c: Container, keyword: str, depth: int) -> tuple[str, list[tuple[int, str]]]:
    head = f"{keyword} {word(c.name)} image={word(c.image)}"
    if c.image_pull_policy != default_pull(c.image):
        head += f" pull={c.image_pull_policy}"
    if c.restart_policy == "Always":
        head += " sidecar"
    body: list[tuple[int, str]] = []
    for p in c.ports:
        body.append((0, "port " + (f"{word(p.name)} " if p.name else "") + str(p.number)
                     + (f"/{p.protocol}" if p.protocol != "TCP" else "")
                     + (f" host={p.host_port}" if p.host_port is not None else "")))
    for kind, r in (("requests", c.requests), ("limits", c.limits), ("uses", c.uses)):
        text = resources_line(kind, r)
        if text:
            body.append((0, text))
    body += [(0, _env(e)) for e in c.env]
    for e in c.env_from:
        body.append((0, f"env from {e.source_kind} {word(e.source_name)}" + (f" prefix={word(e.prefix)}" if e.prefix
                                                                               else "")
                     + (" optional" if e.optional else "")))
    for m in c.mounts:
        body.append((0, f"mount {word(m.volume)} at {word(m.path)}" + (" readonly" if m.read_only else "")
                     + (f" subpath={word(m.sub_path)}" if m.sub_path else "")))
    body += [(0, _probe(p)) for p in c.probes]
    if c.command:
        body.append((0, "command " + " ".join(quote(w) for w in c.command)))
    if c.args:
        body.append((0, "args " + " ".join(quote(w) for w in c.args)))
    body += yaml_lines(c.yaml, depth + 1)
    return head, body


def _template(t: PodTemplate, kind: str, depth: int) -> list[tuple[int, str]]:
    body: list[tuple[int, str]] = []
    if t.labels:
        body.append((0, "labels " + pairs(t.labels)))
    if t.annotations:
        body.append((0, "annotations " + pairs(t.annotations)))
    for keyword, cs in (("init", t.init_containers), ("container", t.containers)):
        for c in cs:
            head, inner = container(c, keyword, depth + 1)
            body.append((0, head + (" {" if inner else "")))
            body += [(1 + d, text) for d, text in inner]
            if inner:
                body.append((0, "}"))
    if t.restart_policy != ("Never" if kind in ("job", "cronjob") else "Always"):
        body.append((0, f"restart {t.restart_policy}"))
    if t.node_selector:
        body.append((0, "node-selector " + pairs(t.node_selector)))
    for x in t.tolerations:
        spec = "*" if x.key is None else word(x.key) + (f"={word(x.value)}" if x.operator == "Equal" else "")
        spec += f":{x.effect}" if x.effect else ""
        body.append((0, f"toleration {quote(spec) if x.key is None else spec}"
                     + (f" for={format_duration(x.toleration_ms)}" if x.toleration_ms is not None else "")))
    for v in t.volumes:
        src = "emptydir" if v.source == "emptydir" else f"{v.source}={word(v.ref)}"
        body.append((0, f"volume {word(v.name)} {src}" + (" optional" if v.optional else "")
                     + (" readonly" if v.read_only else "")))
    if t.priority is not None:
        body.append((0, f"priority {t.priority}"))
    if t.service_account:
        body.append((0, f"serviceaccount {word(t.service_account)}"))
    if t.grace_ms != DEFAULT_GRACE_MS:
        body.append((0, f"grace {format_duration(t.grace_ms)}"))
    body += [(0, f"gate {word(g)}") for g in t.scheduling_gates]
    a = t.affinity
    body += [(0, "affinity node " + " ".join(requirement(r) for r in term)) for term in a.node_required]
    body += [(0, "prefer node " + " ".join(requirement(r) for r in w.requirements) + f" weight={w.weight}")
             for w in a.node_preferred]
    body += [(0, "affinity pods " + pod_term(x)) for x in a.pod_required]
    body += [(0, "prefer pods " + pod_term(w.pod_term) + f" weight={w.weight}") for w in a.pod_preferred]
    body += [(0, "anti-affinity pods " + pod_term(x)) for x in a.anti_required]
    body += [(0, "prefer anti-affinity pods " + pod_term(w.pod_term) + f" weight={w.weight}")
             for w in a.anti_preferred]
    for s in t.spread:
        line = f"spread topology={word(s.topology_key)} maxSkew={s.max_skew} unsatisfiable={s.when_unsatisfiable}"
        body.append((0, line + (" " + selector(s.selector) if s.selector is not None else "")))
    return body


def _strategy(s, default) -> list[tuple[int, str]]:
    if s == default:
        return []
    if s.type != "RollingUpdate":
        return [(0, f"strategy {s.type.lower()}")]
    parts = ["strategy rolling"]
    for key, value in (("maxSurge", s.max_surge), ("maxUnavailable", s.max_unavailable), ("partition", s.partition)):
        if value is not None:
            parts.append(f"{key}={value}")
    return [(0, " ".join(parts))]


def workload(w: Writer, obj, depth: int, ns: str | None) -> None:
    kind = KIND_WORD[obj.kind]
    head = [kind, ref_name(obj, ns)]
    job = obj.job if isinstance(obj, workloads.CronJob) else obj
    if isinstance(obj, workloads.CronJob):
        head.append(f"schedule={quote(obj.schedule)}")
        for key, value, default in (("concurrency", obj.concurrency_policy, "Allow"),
                                    ("successfulJobsHistoryLimit", obj.successful_jobs_history_limit, 3),
                                    ("failedJobsHistoryLimit", obj.failed_jobs_history_limit, 1)):
            if value != default:
                head.append(f"{key}={value}")
        if obj.starting_deadline_ms is not None:
            head.append(f"startingDeadline={format_duration(obj.starting_deadline_ms)}")
        if obj.suspend:
            head.append("suspend")
    if isinstance(job, workloads.Job):
        for key, value, default in (("completions", job.completions, 1), ("parallelism", job.parallelism, 1),
                                    ("backoff", job.backoff_limit, 6), ("mode", job.completion_mode, "NonIndexed")):
            if value != default:
                head.append(f"{key}={value}")
        for key, value in (("deadline", job.active_deadline_ms), ("ttl", job.ttl_after_finished_ms)):
            if value is not None:
                head.append(f"{key}={format_duration(value)}")
    if hasattr(obj, "replicas"):
        head.append(f"replicas={obj.replicas}")
    if isinstance(obj, workloads.StatefulSet):
        if obj.service_name:
            head.append(f"service={word(obj.service_name)}")
        if obj.pod_management_policy != "OrderedReady":
            head.append(f"policy={obj.pod_management_policy}")
        if obj.ordinals_start:
            head.append(f"start={obj.ordinals_start}")
        if not obj.retain_on_delete:
            head.append("retain=Delete")
    if getattr(obj, "min_ready_ms", 0):
        head.append(f"minReady={format_duration(obj.min_ready_ms)}")
    if getattr(obj, "revision_history_limit", 10) != 10:
        head.append(f"revisionHistoryLimit={obj.revision_history_limit}")
    if isinstance(obj, workloads.Deployment):
        if obj.progress_deadline_ms != 600_000:
            head.append(f"progressDeadline={format_duration(obj.progress_deadline_ms)}")
        if obj.paused:
            head.append("paused")
    body = _template(obj.template, kind, depth)
    if isinstance(obj, workloads.Workload) and not obj.selects_template:
        # beside the labels it narrows; the default (the template's labels) goes unsaid
        body.insert(1 if obj.template.labels else 0, (0, "selector " + selector(obj.selector)))
    if isinstance(obj, workloads.Deployment):
        body += _strategy(obj.strategy, workloads.DEPLOYMENT_STRATEGY)
    elif isinstance(obj, workloads.StatefulSet):
        body += _strategy(obj.strategy, workloads.Strategy(partition=0))
        for c in obj.claims:
            body.append((0, f"claim {word(c.name)} {format_bytes(c.storage)}"
                         + ("" if c.storage_class is None else f" class={word(c.storage_class) or 'none'}")
                         + f" access={','.join(ACCESS_SHORT[m] for m in c.access_modes)}"))
    elif isinstance(obj, workloads.DaemonSet):
        body += _strategy(obj.strategy, workloads.Strategy(max_unavailable=1, max_surge=0))
    body += yaml_lines(obj.yaml, depth)
    w.block(depth, " ".join(head), body)
