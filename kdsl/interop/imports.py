"""Kubernetes manifests read into model objects: each kind's fields kdsl can say, the rest kept as `yaml`."""

from __future__ import annotations

import base64
import binascii

import attrs

from kdsl.lang import values as v
from kdsl.lang.errors import Diagnostic
from kdsl.model import access, config, namespaces, network, nodes, storage, workloads
from kdsl.model.access import RESOURCE_GROUPS, VERBS
from kdsl.model.config import SECRET_TYPES
from kdsl.model.manifest import REMOVED, SERVED, SIMULATED, Manifest
from kdsl.model.namespaces import QUOTA_RESOURCES
from kdsl.interop import export
from kdsl.interop.patch import residual, yaml_text
from kdsl.interop.read_pods import _int, dump, ms, pairs, resources, template
from kdsl.interop.reader import Doc

LEGACY_CLASS = "volume.beta.kubernetes.io/storage-class"
DEFAULT_CLASS_BETA = "storageclass.beta.kubernetes.io/is-default-class"
MODES = set(storage.ACCESS_MODES.values())


def read(doc: Doc, namespace: str | None = None) -> tuple[object, Diagnostic | None]:
    """One manifest as a model object (a Manifest, with a warning, when kdsl has no kind for it)."""
    d = doc.data
    api, kind = d["apiVersion"], d["kind"]
    meta = d["metadata"]
    ns = meta.get("namespace") if isinstance(meta.get("namespace"), str) else None
    fn = _READERS.get((api, kind))
    obj = None
    if fn is not None:
        obj = fn(d, _Meta(meta, ns or namespace or "default"))
    if obj is None:
        return _manifest(d, ns or (namespace if (api, kind) in SERVED and SERVED[(api, kind)] else None)), \
            _warning(doc, api, kind, fn is not None)
    return attrs.evolve(obj, yaml=dump(residual(d, _generated(obj, d)))), None


def _generated(obj, d: dict) -> dict:
    """What an export of `obj` writes before its `yaml` block: kdsl's fields, and a PV's default source when
    the manifest has just that one (an export adds it to a PV without a source, so it needs no `yaml`)."""
    out = export.core(obj)
    spec = _spec(d)
    if isinstance(obj, storage.PersistentVolume) and [k for k in export.PV_SOURCES if k in spec] == ["hostPath"] \
            and spec["hostPath"] == {"path": export.default_pv_path(obj.name)}:
        out.setdefault("spec", {})["hostPath"] = spec["hostPath"]
    return out


def _manifest(d: dict, ns: str | None) -> Manifest:
    if ns is not None and "namespace" not in d["metadata"]:
        d = {**d, "metadata": {**d["metadata"], "namespace": ns}}
    return Manifest(name=d["metadata"]["name"], namespace=ns, manifest_kind=d["kind"],
                    manifest_api_version=d["apiVersion"], yaml=yaml_text(d))


def _warning(doc: Doc, api: str, kind: str, known: bool) -> Diagnostic:
    where = f"document {doc.index}" + (f", item {doc.item}" if doc.item is not None else "")
    if known:
        why = f"kdsl cannot say this {kind}"
    elif (api, kind) in REMOVED:
        since, instead = REMOVED[(api, kind)]
        why = (f"{kind} {api} is no longer served (removed in Kubernetes {since}"
               + (f"; use {instead}" if instead else "") + ")")
    elif (api, kind) in SIMULATED:
        why = f"the language has no words for {kind} ({api}); it is simulated"
    elif (api, kind) in SERVED:
        why = f"kdsl does not simulate {kind} ({api})"
    else:
        why = f"{kind} {api} is not a built-in Kubernetes kind (a custom resource needs its CustomResourceDefinition)"
    return Diagnostic("warning", f"{where}: {why}; kept as a manifest and exported unchanged", doc.file, doc.line, 1)


class _Meta:
    def __init__(self, meta: dict, ns: str):
        self.name, self.ns = meta["name"], ns
        self.labels, self.annotations = pairs(meta.get("labels")), pairs(meta.get("annotations"))

    def common(self, namespaced: bool = True) -> dict:
        out = dict(name=self.name, labels=self.labels, annotations=self.annotations)
        if namespaced:
            out["namespace"] = self.ns
        return out


def _spec(d: dict) -> dict:
    return d["spec"] if isinstance(d.get("spec"), dict) else {}


def _tpl(spec: dict, m: _Meta, restart: str = "Always"):
    t = spec.get("template") if isinstance(spec.get("template"), dict) else {}
    return template(t.get("metadata"), t.get("spec"), restart, m.name)


def _workload(cls, d, m: _Meta, restart="Always", **f):
    tpl = _tpl(_spec(d), m, restart)
    if not tpl.containers:
        return None
    for key, field in (("minReadySeconds", "min_ready_ms"),):
        if hasattr(cls, "__attrs_attrs__") and field in attrs.fields_dict(cls):
            x = ms(_spec(d).get(key))
            if x is not None:
                f[field] = x
    return cls.build(name=m.name, namespace=m.ns, labels=tpl.labels, annotations=tpl.annotations, template=tpl, **f)


def _replicas(d) -> dict:
    x = _int(_spec(d).get("replicas"))
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


def _pod(d, m):
    tpl = template(d["metadata"], _spec(d), "Always", m.name)
    if not tpl.containers:
        return None
    return workloads.Pod.build(name=m.name, namespace=m.ns, labels=tpl.labels, annotations=tpl.annotations,
                               template=tpl)


def _deployment(d, m):
    f = _replicas(d)
    spec = _spec(d)
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


def _replicaset(d, m):
    return _workload(workloads.ReplicaSet, d, m, **_replicas(d))


def _rc(d, m):
    return _workload(workloads.ReplicationController, d, m, **_replicas(d))


def _claim(c) -> workloads.ClaimTemplate | None:
    if not isinstance(c, dict) or not isinstance(c.get("metadata"), dict):
        return None
    name, spec = c["metadata"].get("name"), c.get("spec") if isinstance(c.get("spec"), dict) else {}
    size = _size(spec)
    if not isinstance(name, str) or size is None:
        return None
    cls = spec.get("storageClassName")
    if cls is None:
        cls = pairs(c["metadata"].get("annotations")) and dict(pairs(c["metadata"].get("annotations"))).get(LEGACY_CLASS)
    modes = tuple(x for x in spec.get("accessModes") or () if x in MODES) or ("ReadWriteOnce",)
    return workloads.ClaimTemplate(name=name, storage=size, storage_class=cls if isinstance(cls, str) else None,
                                   access_modes=modes)


def _size(spec: dict) -> int | None:
    res = spec.get("resources") if isinstance(spec.get("resources"), dict) else {}
    req = res.get("requests") if isinstance(res.get("requests"), dict) else {}
    x = req.get("storage")
    try:
        return v.byte_count(str(x)) if isinstance(x, (str, int)) and not isinstance(x, bool) else None
    except v.BadValue:
        return None


def _statefulset(d, m):
    spec, f = _spec(d), _replicas(d)
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


def _daemonset(d, m):
    spec, f = _spec(d), {}
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
    return f


def _job(d, m):
    return _workload(workloads.Job, d, m, restart="Never", **_job_fields(_spec(d)))


def _cronjob(d, m):
    spec = _spec(d)
    jt = spec.get("jobTemplate") if isinstance(spec.get("jobTemplate"), dict) else {}
    jspec = jt.get("spec") if isinstance(jt.get("spec"), dict) else {}
    if not isinstance(spec.get("schedule"), str):
        return None
    job = _workload(workloads.Job, {"spec": jspec}, m, restart="Never", **_job_fields(jspec))
    if job is None:
        return None
    job = attrs.evolve(job, annotations=())
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
    return workloads.CronJob(name=m.name, namespace=m.ns, labels=job.labels, annotations=job.template.annotations,
                             job=job, **f)


def _service(d, m):
    spec = _spec(d)
    stype = spec.get("type") if spec.get("type") in ("ClusterIP", "NodePort", "LoadBalancer") else "ClusterIP"
    ip = spec.get("clusterIP") if isinstance(spec.get("clusterIP"), str) else None
    headless = ip == "None" and stype == "ClusterIP"
    ports = []
    raw = spec.get("ports") if isinstance(spec.get("ports"), list) else []
    for p in raw:
        if not isinstance(p, dict) or not _int(p.get("port")):
            return None
        target = p.get("targetPort", p["port"])
        if isinstance(target, str) and target.isdigit():
            return None
        name = p.get("name") if isinstance(p.get("name"), str) else None
        if name is None and isinstance(target, str):
            name = target  # kdsl names a port after its named target
        if name is None and len(raw) > 1:
            name = f"port-{p['port']}"
        ports.append(network.ServicePort(port=p["port"], target=target, name=name,
                                         protocol=p.get("protocol") if p.get("protocol") in ("UDP", "SCTP") else "TCP",
                                         node_port=_int(p.get("nodePort")) if stype != "ClusterIP" else None))
    sel = spec.get("selector")
    return network.Service(**m.common(), type=stype, headless=headless,
                           selector=pairs(sel) if isinstance(sel, dict) and sel else None, ports=tuple(ports),
                           cluster_ip="None" if headless else ip if ip not in (None, "") else None)


def _backend(b) -> tuple | None:
    svc = b.get("service") if isinstance(b, dict) else None
    if not isinstance(svc, dict) or not isinstance(svc.get("name"), str) or not isinstance(svc.get("port"), dict):
        return None
    port = svc["port"].get("number", svc["port"].get("name"))
    return (svc["name"], port) if isinstance(port, (int, str)) and not isinstance(port, bool) else None


def _ingress(d, m):
    spec = _spec(d)
    rules = []
    for r in spec.get("rules") or []:
        http = r.get("http") if isinstance(r, dict) and isinstance(r.get("http"), dict) else {}
        host = r.get("host", "") if isinstance(r, dict) and isinstance(r.get("host", ""), str) else ""
        for p in http.get("paths") or []:
            b = _backend(p.get("backend")) if isinstance(p, dict) else None
            path = p.get("path", "/") if isinstance(p, dict) else None
            if b is None or not isinstance(path, str) or not path.startswith("/"):
                continue
            rules.append(network.IngressPath(host=host, path=path, path_type="Exact" if p.get("pathType") == "Exact"
                                             else "Prefix", service=b[0], port=b[1]))
    tls = tuple(network.IngressTLS(hosts=tuple(t["hosts"]), secret=t.get("secretName"))
                for t in spec.get("tls") or [] if isinstance(t, dict) and isinstance(t.get("hosts"), list)
                and t["hosts"] and all(isinstance(h, str) for h in t["hosts"]))
    default = _backend(spec.get("defaultBackend"))
    if not rules and default is None:
        return None
    cls = spec.get("ingressClassName") if isinstance(spec.get("ingressClassName"), str) else None
    return network.Ingress(**m.common(), class_name=cls, rules=tuple(rules), default_backend=default, tls=tls)


def _configmap(d, m):
    return config.ConfigMap(**m.common(), data=pairs(d.get("data")), immutable=d.get("immutable") is True)


def _secret(d, m):
    data = []
    for k, x in pairs(d.get("data")):
        try:
            data.append((k, base64.b64decode(x, validate=True).decode("utf-8")))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue  # binary: kept, encoded, in the `yaml` block
    merged = dict(data)
    merged.update(pairs(d.get("stringData")))
    stype = d.get("type", "Opaque")
    return config.Secret(**m.common(), data=tuple(merged.items()), immutable=d.get("immutable") is True,
                         type=stype if stype in SECRET_TYPES.values() else "Opaque")


def _storageclass(d, m):
    ann = dict(m.annotations)
    default = ann.pop(export.DEFAULT_CLASS, None) == "true"
    if not isinstance(d.get("provisioner"), str):
        return None
    return storage.StorageClass(
        **{**m.common(False), "annotations": tuple(ann.items())}, provisioner=d["provisioner"], default=default,
        binding_mode=d.get("volumeBindingMode") if d.get("volumeBindingMode") == "WaitForFirstConsumer" else "Immediate",
        reclaim_policy=d.get("reclaimPolicy") if d.get("reclaimPolicy") in ("Retain", "Recycle") else "Delete",
        allow_expansion=d.get("allowVolumeExpansion") is True)


def _pv(d, m):
    spec = _spec(d)
    cap = spec.get("capacity") if isinstance(spec.get("capacity"), dict) else {}
    size = _size({"resources": {"requests": cap}})
    if size is None:
        return None
    f: dict = {}
    ref = spec.get("claimRef")
    if isinstance(ref, dict) and isinstance(ref.get("name"), str):
        f["claim"] = f"{ref.get('namespace') or 'default'}/{ref['name']}"
    na = spec.get("nodeAffinity")
    if _one_host(na):
        f["node"] = na["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]["values"][0]
    cls = spec.get("storageClassName")
    modes = tuple(x for x in spec.get("accessModes") or () if x in MODES) or ("ReadWriteOnce",)
    policy = spec.get("persistentVolumeReclaimPolicy")
    return storage.PersistentVolume(**m.common(False), capacity=size, storage_class=cls if isinstance(cls, str) else "",
                                    access_modes=modes, reclaim_policy=policy if policy in ("Delete", "Recycle")
                                    else "Retain", **f)


def _one_host(na) -> bool:
    """A local volume's node affinity, exactly as kdsl writes `node=`."""
    try:
        values = na["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]["values"]
        ok = isinstance(values, list) and len(values) == 1 and isinstance(values[0], str)
    except (KeyError, IndexError, TypeError):
        return False
    return ok and na == {"required": {"nodeSelectorTerms": [{"matchExpressions": [
        {"key": "kubernetes.io/hostname", "operator": "In", "values": values}]}]}}


def _pvc(d, m):
    spec = _spec(d)
    size = _size(spec)
    if size is None:
        return None
    cls = spec.get("storageClassName")
    if cls is None:
        cls = dict(m.annotations).get(LEGACY_CLASS)
    modes = tuple(x for x in spec.get("accessModes") or () if x in MODES) or ("ReadWriteOnce",)
    vol = spec.get("volumeName") if isinstance(spec.get("volumeName"), str) and spec.get("volumeName") else None
    return storage.PersistentVolumeClaim(**m.common(), storage=size, storage_class=cls if isinstance(cls, str) else None,
                                         access_modes=modes, volume_name=vol)


def _namespace(d, m):
    return namespaces.Namespace(**m.common(False))


def _quota(d, m):
    hard = _spec(d).get("hard") if isinstance(_spec(d).get("hard"), dict) else {}
    known = set(QUOTA_RESOURCES.values())
    out = []
    for k, x in hard.items():
        if k not in known or isinstance(x, bool) or not isinstance(x, (int, str)):
            continue
        try:
            q = v.millicores(str(x)) if k.endswith("cpu") else v.byte_count(str(x))
        except v.BadValue:
            continue
        out.append((k, q))
    return namespaces.ResourceQuota(**m.common(), hard=tuple(out))


def _limitrange(d, m):
    items = _spec(d).get("limits") if isinstance(_spec(d).get("limits"), list) else []
    item = next((i for i in items if isinstance(i, dict) and i.get("type") == "Container"), {})
    f = {}
    for key, field in (("default", "default"), ("defaultRequest", "default_request"), ("min", "min"), ("max", "max")):
        r = resources(item.get(key))
        if r.items():
            f[field] = r.items()
    return namespaces.LimitRange(**m.common(), **f)


def _serviceaccount(d, m):
    return access.ServiceAccount(**m.common())


def _rules(d) -> tuple | None:
    out = []
    for r in d.get("rules") or []:
        if not isinstance(r, dict) or set(r) - {"apiGroups", "resources", "verbs", "resourceNames"}:
            return None
        verbs, res, groups = r.get("verbs") or [], r.get("resources") or [], r.get("apiGroups") or []
        names = r.get("resourceNames") or []
        if not (verbs and res and all(x in VERBS for x in verbs) and all(isinstance(x, str) and x for x in res)
                and all(isinstance(x, str) for x in groups + names)):
            return None
        unknown = [x for x in res if x not in RESOURCE_GROUPS]
        if unknown and (any("." in x for x in unknown) or not groups or "" in groups):
            return None
        inferred = []
        for x in res:
            g = RESOURCE_GROUPS.get(x, groups[0] if groups else "")
            if g not in inferred:
                inferred.append(g)
        if groups != inferred and "" in groups:
            return None
        out.append(access.PolicyRule(verbs=tuple(verbs), resources=tuple(res), api_groups=tuple(groups),
                                     resource_names=tuple(names)))
    return tuple(out)


def _role(d, m, cluster: bool = False):
    rules = _rules(d)
    if rules is None:
        rules = ()  # the rules kdsl cannot say are all kept in the `yaml` block
    if cluster:
        return access.ClusterRole(**m.common(False), rules=rules)
    return access.Role(**m.common(), rules=rules)


def _binding(d, m, cluster: bool = False):
    ref = d.get("roleRef") if isinstance(d.get("roleRef"), dict) else {}
    if ref.get("kind") not in ("Role", "ClusterRole") or not isinstance(ref.get("name"), str) or not ref["name"]:
        return None
    if cluster and ref["kind"] != "ClusterRole":
        return None
    subjects = []
    for s in d.get("subjects") or []:
        if not isinstance(s, dict) or s.get("kind") not in ("User", "Group", "ServiceAccount") \
                or not isinstance(s.get("name"), str):
            return None
        ns = s.get("namespace") if s["kind"] == "ServiceAccount" else None
        if s["kind"] == "ServiceAccount" and not isinstance(ns, str):
            if cluster:
                return None
            ns = m.ns
        subjects.append(access.Subject(s["kind"], s["name"], ns))
    if not subjects:
        return None
    if cluster:
        return access.ClusterRoleBinding(**m.common(False), role_name=ref["name"], subjects=tuple(subjects))
    return access.RoleBinding(**m.common(), role_kind=ref["kind"], role_name=ref["name"], subjects=tuple(subjects))


def _node(d, m):
    status = d.get("status") if isinstance(d.get("status"), dict) else {}
    shape = status.get("allocatable") or status.get("capacity") or {}
    f = {}
    r = resources(shape)
    if r.cpu is not None:
        f["cpu"] = r.cpu
    if r.memory is not None:
        f["memory"] = r.memory
    pods = shape.get("pods") if isinstance(shape, dict) else None
    if isinstance(pods, (int, str)) and str(pods).isdigit():
        f["pods"] = int(pods)
    spec = _spec(d)
    taints = []
    for t in spec.get("taints") or []:
        if isinstance(t, dict) and isinstance(t.get("key"), str) and t.get("effect") in nodes.EFFECTS:
            taints.append(nodes.Taint(t["key"], t.get("value") or None, t["effect"]))
    images = _images(status.get("images"))
    if images:
        f["images"] = images
    return nodes.Node.build(**m.common(False), taints=tuple(taints), unschedulable=spec.get("unschedulable") is True,
                            **f)


def _images(items) -> tuple[str, ...]:
    """`status.images` as `images=`: each image by its first tag (a digest when it has no tag). What an export
    does not write back (other names, sizeBytes) stays in the `yaml` block."""
    out: list[str] = []
    for item in items if isinstance(items, list) else []:
        names = item.get("names") if isinstance(item, dict) else None
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
            continue
        out.append(next((n for n in names if "@" not in n), names[0]))
    return tuple(out)


_READERS = {
    ("v1", "Pod"): _pod, ("apps/v1", "Deployment"): _deployment, ("apps/v1", "ReplicaSet"): _replicaset,
    ("v1", "ReplicationController"): _rc, ("apps/v1", "StatefulSet"): _statefulset,
    ("apps/v1", "DaemonSet"): _daemonset, ("batch/v1", "Job"): _job, ("batch/v1", "CronJob"): _cronjob,
    ("v1", "Service"): _service, ("networking.k8s.io/v1", "Ingress"): _ingress, ("v1", "ConfigMap"): _configmap,
    ("v1", "Secret"): _secret, ("storage.k8s.io/v1", "StorageClass"): _storageclass,
    ("v1", "PersistentVolume"): _pv, ("v1", "PersistentVolumeClaim"): _pvc, ("v1", "Namespace"): _namespace,
    ("v1", "ResourceQuota"): _quota, ("v1", "LimitRange"): _limitrange, ("v1", "ServiceAccount"): _serviceaccount,
    ("rbac.authorization.k8s.io/v1", "Role"): _role,
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): lambda d, m: _role(d, m, True),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): _binding,
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): lambda d, m: _binding(d, m, True),
    ("v1", "Node"): _node,
}
