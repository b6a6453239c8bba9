"""The other kinds' manifests read into model objects: services, ingresses, config, storage, access, nodes."""

from __future__ import annotations

import base64
import binascii

from kdsl.core.values import digits
from kdsl.core import values as v
from kdsl.model import access, config, network, nodes
from kdsl.model.access import RESOURCE_GROUPS, VERBS
from kdsl.model.config import SECRET_TYPES
from kdsl.model.nodes import QUOTA_RESOURCES
from kdsl.interop import export
from kdsl.interop.read_pods import _int, pairs, resources
from kdsl.interop.read_workloads import LEGACY_CLASS, MODES, spec_of, storage_size


def read_service(d, m):
    spec = spec_of(d)
    stype = spec.get("type") if spec.get("type") in ("ClusterIP", "NodePort", "LoadBalancer") else "ClusterIP"
    ip = spec.get("clusterIP") if isinstance(spec.get("clusterIP"), str) else None
    headless = ip == "None" and stype == "ClusterIP"
    ports = []
    raw = spec.get("ports") if isinstance(spec.get("ports"), list) else []
    for p in raw:
        if not isinstance(p, dict) or not _int(p.get("port")):
            return None
        target = p.get("targetPort", p["port"])
        if isinstance(target, str) and digits(target):
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


def read_ingress(d, m):
    spec = spec_of(d)
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


def read_configmap(d, m):
    return config.ConfigMap(**m.common(), data=pairs(d.get("data")), immutable=d.get("immutable") is True)


def read_secret(d, m):
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


def read_storageclass(d, m):
    ann = dict(m.annotations)
    default = ann.pop(export.DEFAULT_CLASS, None) == "true"
    if not isinstance(d.get("provisioner"), str):
        return None
    return config.StorageClass(
        **{**m.common(False), "annotations": tuple(ann.items())}, provisioner=d["provisioner"], default=default,
        binding_mode=d.get("volumeBindingMode") if d.get("volumeBindingMode") == "WaitForFirstConsumer" else "Immediate",
        reclaim_policy=d.get("reclaimPolicy") if d.get("reclaimPolicy") in ("Retain", "Recycle") else "Delete",
        allow_expansion=d.get("allowVolumeExpansion") is True)


def read_pv(d, m):
    spec = spec_of(d)
    cap = spec.get("capacity") if isinstance(spec.get("capacity"), dict) else {}
    size = storage_size({"resources": {"requests": cap}})
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
    return config.PersistentVolume(**m.common(False), capacity=size, storage_class=cls if isinstance(cls, str) else "",
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


def read_pvc(d, m):
    spec = spec_of(d)
    size = storage_size(spec)
    if size is None:
        return None
    cls = spec.get("storageClassName")
    if cls is None:
        cls = dict(m.annotations).get(LEGACY_CLASS)
    modes = tuple(x for x in spec.get("accessModes") or () if x in MODES) or ("ReadWriteOnce",)
    vol = spec.get("volumeName") if isinstance(spec.get("volumeName"), str) and spec.get("volumeName") else None
    return config.PersistentVolumeClaim(**m.common(), storage=size, storage_class=cls if isinstance(cls, str) else None,
                                         access_modes=modes, volume_name=vol)


def read_namespace(d, m):
    return nodes.Namespace(**m.common(False))


def read_quota(d, m):
    hard = spec_of(d).get("hard") if isinstance(spec_of(d).get("hard"), dict) else {}
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
    return nodes.ResourceQuota(**m.common(), hard=tuple(out))


def read_limitrange(d, m):
    items = spec_of(d).get("limits") if isinstance(spec_of(d).get("limits"), list) else []
    item = next((i for i in items if isinstance(i, dict) and i.get("type") == "Container"), {})
    f = {}
    for key, field in (("default", "default"), ("defaultRequest", "default_request"), ("min", "min"), ("max", "max")):
        r = resources(item.get(key))
        if r.items():
            f[field] = r.items()
    ratio = item.get("maxLimitRequestRatio") if isinstance(item.get("maxLimitRequestRatio"), dict) else {}
    f["max_ratio"] = tuple((k, x) for k in ("cpu", "memory", "ephemeral-storage") if (x := _ratio(ratio.get(k))))
    return nodes.LimitRange(**m.common(), **f)


def _ratio(x) -> int | None:
    """A maxLimitRequestRatio quantity in thousandths (`2` is 2000), None when it is not one."""
    if isinstance(x, bool) or not isinstance(x, (str, int, float)):
        return None
    try:
        return v.millicores(str(x)) or None
    except v.BadValue:
        return None


def read_serviceaccount(d, m):
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


def read_role(d, m, cluster: bool = False):
    rules = _rules(d)
    if rules is None:
        rules = ()  # the rules kdsl cannot say are all kept in the `yaml` block
    if cluster:
        return access.ClusterRole(**m.common(False), rules=rules)
    return access.Role(**m.common(), rules=rules)


def read_binding(d, m, cluster: bool = False):
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


def read_node(d, m):
    status = d.get("status") if isinstance(d.get("status"), dict) else {}
    shape = status.get("allocatable") or status.get("capacity") or {}
    f = {}
    r = resources(shape)
    if r.cpu is not None:
        f["cpu"] = r.cpu
    if r.memory is not None:
        f["memory"] = r.memory
    pods = shape.get("pods") if isinstance(shape, dict) else None
    if isinstance(pods, (int, str)) and digits(str(pods)):
        f["pods"] = int(pods)
    spec = spec_of(d)
    taints = []
    for t in spec.get("taints") or []:
        if isinstance(t, dict) and isinstance(t.get("key"), str) and t.get("effect") in nodes.EFFECTS:
            taints.append(nodes.Taint(t["key"], t.get("value") or None, t["effect"]))
    images = _images(status.get("images"))
    if images:
        f["images"] = images
    ready = next((c.get("status") for c in status.get("conditions") or [] if isinstance(c, dict)
                  and c.get("type") == "Ready"), None)
    if ready in ("False", "Unknown"):  # a node not Ready starts so, tainted (engine/controllers/node_lifecycle.py)
        f["ready"] = ready
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
