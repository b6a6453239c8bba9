"""A pod template as Kubernetes writes it (containers, probes, env, volumes, tolerations, affinity), and a NetworkPolicy's spec."""

from __future__ import annotations

import math

from kdsl.core import yamls
from kdsl.core.values import format_bytes, format_millicores
from kdsl.model.network import NetworkPolicy, NetworkPolicyRule, PolicyPeer, PolicyPort
from kdsl.model.pods import (DEFAULT_GRACE_MS, Affinity, Container, PodAffinityTerm, PodTemplate, Probe, Resources,
                             WeightedTerm, _tag)
from kdsl.interop.patch import merge
from kdsl.interop.uses import with_uses

PROBE_FIELDS = {"readiness": "readinessProbe", "liveness": "livenessProbe", "startup": "startupProbe"}


def seconds(ms: int) -> int:
    """Kubernetes counts these durations in whole seconds; a part of a second rounds up."""
    return math.ceil(ms / 1000)


def quantity(resource: str, value: int) -> str:
    return format_millicores(value) if resource == "cpu" else format_bytes(value)


def resources(r: Resources) -> dict:
    return {k: quantity(k, v) for k, v in r.items()}


def default_pull(image: str) -> str:
    return "Always" if _tag(image) in (None, "latest") else "IfNotPresent"


def probe(p: Probe) -> dict:
    if p.handler == "http":
        out: dict = {"httpGet": {"path": p.path or "/", "port": p.port}}
        if p.scheme != "HTTP":
            out["httpGet"]["scheme"] = p.scheme
    elif p.handler == "tcp":
        out = {"tcpSocket": {"port": p.port}}
    elif p.handler == "grpc":
        out = {"grpc": {"port": p.port}}
    else:
        out = {"exec": {"command": list(p.command)}}
    for key, value, default in (("initialDelaySeconds", seconds(p.initial_delay_ms), 0),
                                ("periodSeconds", seconds(p.period_ms), 10), ("timeoutSeconds", seconds(p.timeout_ms), 1),
                                ("successThreshold", p.success_threshold, 1),
                                ("failureThreshold", p.failure_threshold, 3)):
        if value != default:
            out[key] = value
    return out


def container(c: Container) -> dict:
    out: dict = {"name": c.name, "image": c.image}
    if c.image_pull_policy != default_pull(c.image):
        out["imagePullPolicy"] = c.image_pull_policy
    if c.command:
        out["command"] = list(c.command)
    if c.args:
        out["args"] = list(c.args)
    if c.ports:
        out["ports"] = [_port(p) for p in c.ports]
    if c.env:
        out["env"] = [_env(e) for e in c.env]
    if c.env_from:
        out["envFrom"] = [_env_from(e) for e in c.env_from]
    res = {k: resources(r) for k, r in (("requests", c.requests), ("limits", c.limits)) if r.items()}
    if res:
        out["resources"] = res
    if c.mounts:
        out["volumeMounts"] = [_mount(m) for m in c.mounts]
    for p in c.probes:
        out[PROBE_FIELDS[p.kind]] = probe(p)
    if c.restart_policy:
        out["restartPolicy"] = c.restart_policy
    return merge(out, yamls.safe_load(c.yaml)) if c.yaml else out


def _port(p) -> dict:
    out: dict = {"containerPort": p.number}
    if p.name:
        out["name"] = p.name
    if p.protocol != "TCP":
        out["protocol"] = p.protocol
    if p.host_port is not None:
        out["hostPort"] = p.host_port
    return out


def _env(e) -> dict:
    if e.source_kind is None:
        return {"name": e.name, "value": e.value or ""}
    ref: dict = {"name": e.source_name, "key": e.source_key or e.name}
    if e.optional:
        ref["optional"] = True
    field = "configMapKeyRef" if e.source_kind == "configmap" else "secretKeyRef"
    return {"name": e.name, "valueFrom": {field: ref}}


def _env_from(e) -> dict:
    ref: dict = {"name": e.source_name}
    if e.optional:
        ref["optional"] = True
    out: dict = {"configMapRef" if e.source_kind == "configmap" else "secretRef": ref}
    if e.prefix:
        out["prefix"] = e.prefix
    return out


def _mount(m) -> dict:
    out: dict = {"name": m.volume, "mountPath": m.path}
    if m.read_only:
        out["readOnly"] = True
    if m.sub_path:
        out["subPath"] = m.sub_path
    return out


def volume(v) -> dict:
    if v.source == "configmap":
        src: dict = {"configMap": {"name": v.ref}}
    elif v.source == "secret":
        src = {"secret": {"secretName": v.ref}}
    elif v.source == "pvc":
        src = {"persistentVolumeClaim": {"claimName": v.ref}}
        if v.read_only:
            src["persistentVolumeClaim"]["readOnly"] = True
    elif v.source == "hostpath":
        src = {"hostPath": {"path": v.ref}}
    else:
        src = {"emptyDir": {}}
    if v.optional:
        next(iter(src.values()))["optional"] = True
    return {"name": v.name, **src}


def toleration(t) -> dict:
    out: dict = {}
    if t.key is not None:
        out["key"] = t.key
    out["operator"] = t.operator
    if t.value:
        out["value"] = t.value
    if t.effect:
        out["effect"] = t.effect
    if t.toleration_ms is not None:
        out["tolerationSeconds"] = seconds(t.toleration_ms)
    return out


def selector(sel) -> dict:
    out: dict = {}
    if sel.match_labels:
        out["matchLabels"] = dict(sel.match_labels)
    if sel.expressions:
        out["matchExpressions"] = [requirement(r) for r in sel.expressions]
    return out


def requirement(r) -> dict:
    out: dict = {"key": r.key, "operator": r.operator}
    if r.operator in ("In", "NotIn", "Gt", "Lt"):
        out["values"] = list(r.values)
    return out


def _node_term(reqs) -> dict:
    fields = [r for r in reqs if type(r).__name__ == "FieldRequirement"]
    labels = [r for r in reqs if type(r).__name__ != "FieldRequirement"]
    out: dict = {}
    if labels:
        out["matchExpressions"] = [requirement(r) for r in labels]
    if fields:
        out["matchFields"] = [requirement(r) for r in fields]
    return out


def _pod_term(t: PodAffinityTerm) -> dict:
    out: dict = {"labelSelector": selector(t.selector), "topologyKey": t.topology_key}
    if t.namespaces:
        out["namespaces"] = list(t.namespaces)
    return out


def _weighted_pod(w: WeightedTerm) -> dict:
    return {"weight": w.weight, "podAffinityTerm": _pod_term(w.pod_term)}


def affinity(a: Affinity) -> dict:
    out: dict = {}
    node: dict = {}
    if a.node_required:
        node["requiredDuringSchedulingIgnoredDuringExecution"] = {
            "nodeSelectorTerms": [_node_term(t) for t in a.node_required]}
    if a.node_preferred:
        node["preferredDuringSchedulingIgnoredDuringExecution"] = [
            {"weight": w.weight, "preference": _node_term(w.requirements)} for w in a.node_preferred]
    if node:
        out["nodeAffinity"] = node
    for field, req, pref in (("podAffinity", a.pod_required, a.pod_preferred),
                             ("podAntiAffinity", a.anti_required, a.anti_preferred)):
        part: dict = {}
        if req:
            part["requiredDuringSchedulingIgnoredDuringExecution"] = [_pod_term(t) for t in req]
        if pref:
            part["preferredDuringSchedulingIgnoredDuringExecution"] = [_weighted_pod(w) for w in pref]
        if part:
            out[field] = part
    return out


def spread(s, labels) -> dict:
    sel = s.selector if s.selector is not None else None
    out: dict = {"maxSkew": s.max_skew, "topologyKey": s.topology_key, "whenUnsatisfiable": s.when_unsatisfiable,
                 "labelSelector": selector(sel) if sel is not None else {"matchLabels": dict(labels)}}
    return out


def pod_spec(t: PodTemplate) -> dict:
    out: dict = {}
    if t.init_containers:
        out["initContainers"] = [container(c) for c in t.init_containers]
    out["containers"] = [container(c) for c in t.containers]
    if t.restart_policy != "Always":
        out["restartPolicy"] = t.restart_policy
    if t.grace_ms != DEFAULT_GRACE_MS:
        out["terminationGracePeriodSeconds"] = seconds(t.grace_ms)
    if t.node_selector:
        out["nodeSelector"] = dict(t.node_selector)
    if t.node_name:
        out["nodeName"] = t.node_name
    if t.service_account:
        out["serviceAccountName"] = t.service_account
    if t.hostname:
        out["hostname"] = t.hostname
    if t.subdomain:
        out["subdomain"] = t.subdomain
    if not t.affinity.empty:
        out["affinity"] = affinity(t.affinity)
    if t.tolerations:
        out["tolerations"] = [toleration(x) for x in t.tolerations]
    if t.priority_class:
        out["priorityClassName"] = t.priority_class
    if t.priority is not None:
        out["priority"] = t.priority
    if t.spread:
        out["topologySpreadConstraints"] = [spread(s, t.labels) for s in t.spread]
    if t.volumes:
        out["volumes"] = [volume(v) for v in t.volumes]
    if t.scheduling_gates:
        out["schedulingGates"] = [{"name": g} for g in t.scheduling_gates]
    return out


def template(t: PodTemplate) -> dict:
    meta: dict = {}
    if t.labels:
        meta["labels"] = dict(t.labels)
    annotations = with_uses(dict(t.annotations), t)  # what its containers use: kdsl's own annotation
    if annotations:
        meta["annotations"] = annotations
    return {"metadata": meta, "spec": pod_spec(t)}


def network_policy_spec(obj: NetworkPolicy, out) -> dict:
    """podSelector always (`{}` selects every pod), policyTypes as stored, then the rules that are given."""
    spec: dict = {"podSelector": selector(obj.pod_selector)}
    if obj.ingress:
        spec["ingress"] = [_policy_rule(r, "from") for r in obj.ingress]
    if obj.egress:
        spec["egress"] = [_policy_rule(r, "to") for r in obj.egress]
    spec["policyTypes"] = list(obj.policy_types)
    return spec


def _policy_rule(r: NetworkPolicyRule, word: str) -> dict:
    out: dict = {}
    if r.ports:
        out["ports"] = [_policy_port(p) for p in r.ports]
    if r.peers:
        out[word] = [_policy_peer(p) for p in r.peers]
    return out


def _policy_peer(p: PolicyPeer) -> dict:
    if p.ip_block is not None:
        block: dict = {"cidr": p.ip_block.cidr}
        if p.ip_block.excepts:
            block["except"] = list(p.ip_block.excepts)
        return {"ipBlock": block}
    out: dict = {}
    if p.namespace_selector is not None:
        out["namespaceSelector"] = selector(p.namespace_selector)
    if p.pod_selector is not None:
        out["podSelector"] = selector(p.pod_selector)
    return out


def _policy_port(p: PolicyPort) -> dict:
    out: dict = {"protocol": p.protocol}
    if p.port is not None:
        out["port"] = p.port
    if p.end_port is not None:
        out["endPort"] = p.end_port
    return out
