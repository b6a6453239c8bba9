"""Model objects written as kdsl text (then laid out by `kdsl fmt`): what `kdsl import` prints."""

from __future__ import annotations

from kdsl.lang.fmt import bare, format_document, quote, text_word
from kdsl.lang.parser import parse_document
from kdsl.lang.values import format_bytes, format_duration, format_millicores
from kdsl.model import access, config, namespaces, network, storage, workloads
from kdsl.model.config import SECRET_TYPES
from kdsl.model.manifest import Manifest
from kdsl.model.pods import DEFAULT_GRACE_MS, Container, PodTemplate
from kdsl.model.storage import ACCESS_SHORT
from kdsl.interop.pods import default_pull

_KEYWORDS = {"labels", "annotations", "yaml"}
_SECRET_SHORT = {v: k for k, v in SECRET_TYPES.items()}
_KIND_WORD = {"Pod": "pod", "Deployment": "deployment", "ReplicaSet": "replicaset",
              "ReplicationController": "replicationcontroller", "StatefulSet": "statefulset",
              "DaemonSet": "daemonset", "Job": "job", "CronJob": "cronjob"}


def word(text: str) -> str:
    """A value as a bare word when it reads back as one, else a string (`kdsl fmt`'s rule)."""
    return text_word(text)


def triple(text: str, indent: str) -> str:
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    lines = [(indent + "  " + line) if line.strip() else "" for line in body.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return '"""\n' + "\n".join(lines) + "\n" + indent + '"""'


def pairs(items) -> str:
    return " ".join(f"{word(k)}={word(v) if v else quote('')}" for k, v in items)


def cpu(m: int) -> str:
    return format_millicores(m)


class Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def line(self, depth: int, text: str) -> None:
        self.lines.append("  " * depth + text)

    def block(self, depth: int, head: str, body: list[tuple[int, str]] | None) -> None:
        """`head { ... }` when the body has lines, else `head`."""
        if not body:
            self.line(depth, head)
            return
        self.line(depth, head + " {")
        for d, text in body:
            self.line(depth + 1 + d, text)
        self.line(depth, "}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _meta(obj, depth: int, with_yaml: bool = True, labels: bool = True) -> list[tuple[int, str]]:
    out = []
    if labels and obj.labels:
        out.append((0, "labels " + pairs(obj.labels)))
    if obj.annotations:
        out.append((0, "annotations " + pairs(obj.annotations)))
    if with_yaml and obj.yaml:
        out.append((0, "yaml " + triple(obj.yaml, "  " * (depth + 1))))
    return out


def _yaml(text: str | None, depth: int) -> list[tuple[int, str]]:
    return [(0, "yaml " + triple(text, "  " * (depth + 1)))] if text else []


def _res(kind: str, r) -> str | None:
    items = [f"{k}={cpu(v) if k == 'cpu' else format_bytes(v)}" for k, v in r.items()]
    return f"{kind} " + " ".join(items) if items else None


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
    for kind, r in (("requests", c.requests), ("limits", c.limits)):
        text = _res(kind, r)
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
    body += _yaml(c.yaml, depth + 1)
    return head, body


def _requirement(r) -> str:
    if r.operator == "In":
        return f"{word(r.key)} in ({','.join(word(x) for x in r.values)})"
    if r.operator == "NotIn":
        return f"{word(r.key)} notin ({','.join(word(x) for x in r.values)})"
    return f"{word(r.key)} exists" if r.operator == "Exists" else f"!{word(r.key)}"


def _selector(sel) -> str:
    return " ".join([pairs(sel.match_labels)] * bool(sel.match_labels) + [_requirement(r) for r in sel.expressions])


def _pod_term(t) -> str:
    out = f"{_selector(t.selector)} topology={word(t.topology_key)}".lstrip()
    return out + (f" namespaces={','.join(word(n) for n in t.namespaces)}" if t.namespaces else "")


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
    body += [(0, "affinity node " + " ".join(_requirement(r) for r in term)) for term in a.node_required]
    body += [(0, "prefer node " + " ".join(_requirement(r) for r in w.requirements) + f" weight={w.weight}")
             for w in a.node_preferred]
    body += [(0, "affinity pods " + _pod_term(x)) for x in a.pod_required]
    body += [(0, "prefer pods " + _pod_term(w.pod_term) + f" weight={w.weight}") for w in a.pod_preferred]
    body += [(0, "anti-affinity pods " + _pod_term(x)) for x in a.anti_required]
    body += [(0, "prefer anti-affinity pods " + _pod_term(w.pod_term) + f" weight={w.weight}")
             for w in a.anti_preferred]
    for s in t.spread:
        line = f"spread topology={word(s.topology_key)} maxSkew={s.max_skew} unsatisfiable={s.when_unsatisfiable}"
        body.append((0, line + (" " + _selector(s.selector) if s.selector is not None else "")))
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


def _name(obj, ns: str | None) -> str:
    if not obj.namespaced or obj.namespace == ns:
        return word(obj.name)
    return f"{word(obj.namespace)}/{word(obj.name)}"


def _workload(w: Writer, obj, depth: int, ns: str | None) -> None:
    kind = _KIND_WORD[obj.kind]
    head = [kind, _name(obj, ns)]
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
                                    ("backoff", job.backoff_limit, 6)):
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
    body += _yaml(obj.yaml, depth)
    w.block(depth, " ".join(head), body)


def _service(w: Writer, obj, depth: int, ns: str | None) -> None:
    head = ["service", _name(obj, ns)]
    if obj.headless:
        head.append("headless")
    elif obj.type != "ClusterIP":
        head.append(obj.type.lower())
    if obj.cluster_ip and not obj.headless:
        head.append(f"clusterIP={obj.cluster_ip}")
    if obj.selector is not None:
        head += ["selects", pairs(obj.selector)]
    if obj.ports:
        ports = []
        for p in obj.ports:
            text = (f"{p.name}:" if p.name else "") + str(p.port)
            if p.target != p.port or p.node_port is not None:
                text += f"->{p.target}"
            if p.node_port is not None:
                text += f":{p.node_port}"
            if p.protocol != "TCP":
                text += f"/{p.protocol}"
            ports.append(text)
        head += ["ports", ",".join(ports)]
    w.block(depth, " ".join(head), _meta(obj, depth))


def _ingress(w: Writer, obj, depth: int, ns: str | None) -> None:
    head = f"ingress {_name(obj, ns)}" + (f" class={word(obj.class_name)}" if obj.class_name else "")
    body = []
    for r in obj.rules:
        path = ("=" if r.path_type == "Exact" else "") + word(r.path)  # `=` marks Exact outside the word
        body.append((0, "rule " + (f"{word(r.host)} " if r.host else "") + f"{path} -> {r.service}:{r.port}"))
    if obj.default_backend:
        body.append((0, f"default -> {obj.default_backend[0]}:{obj.default_backend[1]}"))
    for t in obj.tls:
        body.append((0, "tls " + " ".join(word(h) for h in t.hosts) + (f" secret={word(t.secret)}" if t.secret else "")))
    w.block(depth, head, body + _meta(obj, depth))


def _data(w: Writer, obj, depth: int, ns: str | None) -> None:
    head = [obj.kind.lower(), _name(obj, ns)]
    if isinstance(obj, config.Secret) and obj.type != "Opaque":
        head.append(f"type={_SECRET_SHORT.get(obj.type, obj.type)}")
    if obj.immutable:
        head.append("immutable")
    data = obj.merged().data if isinstance(obj, config.Secret) else obj.data
    body = [(0, f"{quote(k) if k in _KEYWORDS or not bare(k) else k} = {quote(x)}") for k, x in data]
    w.block(depth, " ".join(head), body + _meta(obj, depth))


def _pvc(w: Writer, obj, depth: int, ns: str | None) -> None:
    head = f"pvc {_name(obj, ns)} {format_bytes(obj.storage)}"
    if obj.storage_class is not None:
        head += f" class={word(obj.storage_class) if obj.storage_class else 'none'}"
    head += f" access={','.join(ACCESS_SHORT[m] for m in obj.access_modes)}"
    if obj.volume_name:
        head += f" volume={word(obj.volume_name)}"
    w.block(depth, head, _meta(obj, depth))


def _role(w: Writer, obj, depth: int, ns: str | None) -> None:
    body = []
    for r in obj.rules:
        line = f"allow {','.join(r.verbs)} on {','.join(_resource(x, r) for x in r.resources)}"
        if r.resource_names:
            line += f" names={','.join(word(n) for n in r.resource_names)}"
        if list(r.api_groups) != _inferred(r):
            line += f" groups={','.join(word(g) for g in r.api_groups)}"
        body.append((0, line))
    w.block(depth, f"{obj.kind.lower()} {_name(obj, ns)}", body + _meta(obj, depth))


def _resource(res: str, r) -> str:
    return res if res in access.RESOURCE_GROUPS else f"{res}.{r.api_groups[0]}"


def _inferred(r) -> list[str]:
    out: list[str] = []
    for x in r.resources:
        g = access.RESOURCE_GROUPS.get(x, r.api_groups[0] if r.api_groups else "")
        if g not in out:
            out.append(g)
    return out


def _binding(w: Writer, obj, depth: int, ns: str | None) -> None:
    role = "clusterrole" if obj.role_kind == "ClusterRole" else "role"
    subjects = []
    for s in obj.subjects:
        if s.kind == "ServiceAccount":
            subjects.append(f"serviceaccount:{s.namespace}/{s.name}")
        else:
            subjects.append(f"{s.kind.lower()}:{s.name}")
    head = f"{obj.kind.lower()} {_name(obj, ns)} {role}={word(obj.role_name)} to {','.join(subjects)}"
    w.block(depth, head, _meta(obj, depth))


def _serviceaccount(w: Writer, obj, depth: int, ns: str | None) -> None:
    w.block(depth, f"serviceaccount {_name(obj, ns)}", _meta(obj, depth))


def _quota(w: Writer, obj, depth: int) -> None:
    hard = " ".join(f"{k}={cpu(x) if k.endswith('cpu') else format_bytes(x) if k.endswith(('memory', 'storage')) else x}"
                    for k, x in obj.hard)
    w.line(depth, f"quota name={word(obj.name)} {hard}".rstrip())


def _limits(w: Writer, obj, depth: int) -> None:
    parts = [f"limits name={word(obj.name)}"]
    for section, field in (("default", "default"), ("request", "default_request"), ("min", "min"), ("max", "max")):
        values = getattr(obj, field)
        if values:
            parts.append(section + " " + " ".join(f"{k}={cpu(x) if k == 'cpu' else format_bytes(x)}" for k, x in values))
    w.line(depth, " ".join(parts))


def _node(w: Writer, n, depth: int) -> None:
    head = f"node {word(n.name)}"
    for key, value, default in (("cpu", cpu(n.cpu), "4"), ("memory", format_bytes(n.memory), "16Gi"),
                                ("pods", str(n.pods), "110")):
        if value != default:
            head += f" {key}={value}"
    if n.images:
        head += " images=" + ",".join(word(i) for i in n.images)
    if n.unschedulable:
        head += " unschedulable"
    own = {"kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"}
    labels = [(k, x) for k, x in n.labels if own.get(k) != x]
    body = [(0, "labels " + pairs(labels))] if labels else []
    body += [(0, f"taint {t}") for t in n.taints]
    w.block(depth, head, body + _meta(n, depth, labels=False))


def _storageclass(w: Writer, obj, depth: int) -> None:
    head = f"storageclass {word(obj.name)} provisioner={word(obj.provisioner)}"
    if obj.binding_mode != "Immediate":
        head += f" binding={obj.binding_mode}"
    if obj.reclaim_policy != "Delete":
        head += f" reclaim={obj.reclaim_policy}"
    if obj.default:
        head += " default"
    if obj.allow_expansion:
        head += " expandable"
    w.block(depth, head, _meta(obj, depth))


def _pv(w: Writer, obj, depth: int) -> None:
    head = f"pv {word(obj.name)} {format_bytes(obj.capacity)}"
    if obj.storage_class:
        head += f" class={word(obj.storage_class)}"
    head += f" access={','.join(ACCESS_SHORT[m] for m in obj.access_modes)}"
    if obj.reclaim_policy != "Retain":
        head += f" reclaim={obj.reclaim_policy}"
    if obj.claim:
        head += f" claim={obj.claim}"
    if obj.node:
        head += f" node={word(obj.node)}"
    w.block(depth, head, _meta(obj, depth))


_NAMESPACED = {network.Service: _service, network.Ingress: _ingress, config.ConfigMap: _data, config.Secret: _data,
               storage.PersistentVolumeClaim: _pvc, access.Role: _role, access.RoleBinding: _binding,
               access.ServiceAccount: _serviceaccount}


def _object(w: Writer, obj, depth: int, ns: str | None) -> None:
    if isinstance(obj, Manifest):
        w.line(depth, "manifest " + triple(obj.yaml, "  " * depth))
    elif obj.kind in _KIND_WORD:
        _workload(w, obj, depth, ns)
    elif type(obj) in _NAMESPACED:
        _NAMESPACED[type(obj)](w, obj, depth, ns)
    elif isinstance(obj, access.ClusterRole):
        _role(w, obj, depth, ns)
    elif isinstance(obj, access.ClusterRoleBinding):
        _binding(w, obj, depth, ns)
    elif isinstance(obj, storage.StorageClass):
        _storageclass(w, obj, depth)
    elif isinstance(obj, storage.PersistentVolume):
        _pv(w, obj, depth)
    else:
        raise TypeError(f"kdsl cannot write a {obj.kind}")


def emit(objects, nodes_=(), header: str = "") -> str:
    """kdsl text for nodes and objects, laid out as `kdsl fmt` does. Declared namespaces hold their
    objects, quota and limits; objects of other namespaces are written `ns/name` (`default` bare)."""
    w = Writer()
    for line in header.splitlines():
        w.line(0, f"# {line}".rstrip())
    for n in nodes_:
        _node(w, n, 0)
    declared = [o for o in objects if isinstance(o, namespaces.Namespace)]
    names = {o.name for o in declared}
    extra = sorted({o.namespace for o in objects if isinstance(o, (namespaces.ResourceQuota, namespaces.LimitRange))
                    and o.namespace not in names})
    inside = {n: [] for n in [o.name for o in declared] + extra}
    top = []
    for o in objects:
        ns = getattr(o, "namespace", None) if o.namespaced and not isinstance(o, Manifest) else None
        if isinstance(o, namespaces.Namespace):
            continue
        (inside[ns] if ns in inside else top).append(o)
    for o in top:
        _object(w, o, 0, "default")
    for ns in inside:
        decl = next((o for o in declared if o.name == ns), None)
        w.line(0, f"namespace {word(ns)} {{")
        for d, text in _meta(decl, 0) if decl is not None else []:
            w.line(1 + d, text)
        for o in inside[ns]:
            if isinstance(o, namespaces.ResourceQuota):
                _quota(w, o, 1)
            elif isinstance(o, namespaces.LimitRange):
                _limits(w, o, 1)
            else:
                _object(w, o, 1, ns)
        w.line(0, "}")
    return format_document(parse_document(w.text()))


