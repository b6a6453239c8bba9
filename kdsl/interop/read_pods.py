"""A pod template read from a manifest into the model: what kdsl can say, with each container's rest as `yaml`."""

from __future__ import annotations

import re

import attrs

from kdsl.core import values as v
from kdsl.model.base import Requirement, Selector
from kdsl.model.pods import (DEFAULT_GRACE_MS, Affinity, Container, EnvFrom, EnvVar, Mount, PodAffinityTerm,
                             PodTemplate, Port, Probe, Resources, SpreadConstraint, Toleration, Volume, WeightedTerm)
from kdsl.interop import pods as out
from kdsl.interop.patch import SAME, residual, yaml_text
from kdsl.interop.uses import apply_uses, read_uses

_PORT_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def dump(patch) -> str | None:
    """A residual as the text of a `yaml` block (None when there is nothing left to say)."""
    if patch is SAME or patch in ({}, None):
        return None
    return yaml_text(patch)


def pairs(d) -> tuple[tuple[str, str], ...]:
    """A map of strings (labels, annotations, data); a value that is not a string is left to `yaml`."""
    if not isinstance(d, dict):
        return ()
    return tuple((k, x) for k, x in d.items() if isinstance(k, str) and isinstance(x, str))


def ms(x) -> int | None:
    return x * 1000 if isinstance(x, int) and not isinstance(x, bool) and x >= 0 else None


def _int(x) -> int | None:
    return x if isinstance(x, int) and not isinstance(x, bool) else None


def resources(d) -> Resources:
    fields = {}
    for key, field, conv in (("cpu", "cpu", v.millicores), ("memory", "memory", v.byte_count),
                             ("ephemeral-storage", "ephemeral_storage", v.byte_count)):
        x = d.get(key) if isinstance(d, dict) else None
        if isinstance(x, (str, int, float)) and not isinstance(x, bool):
            try:
                fields[field] = conv(str(x))
            except v.BadValue:
                pass
    return Resources(**fields)


def _probe(kind: str, d) -> Probe | None:
    if not isinstance(d, dict):
        return None
    f: dict = {}
    if isinstance(d.get("httpGet"), dict):
        h = d["httpGet"]
        f = dict(handler="http", path=h.get("path") if isinstance(h.get("path"), str) else "/", port=h.get("port"),
                 scheme=h.get("scheme") if h.get("scheme") in ("HTTP", "HTTPS") else "HTTP")
    elif isinstance(d.get("tcpSocket"), dict):
        f = dict(handler="tcp", port=d["tcpSocket"].get("port"))
    elif isinstance(d.get("grpc"), dict):
        f = dict(handler="grpc", port=d["grpc"].get("port"))
    elif isinstance(d.get("exec"), dict) and _words(d["exec"].get("command")):
        f = dict(handler="exec", command=tuple(d["exec"]["command"]))
    else:
        return None
    if f["handler"] != "exec" and not (_int(f["port"]) or (isinstance(f["port"], str) and f["port"])):
        return None
    for key, field, conv in (("initialDelaySeconds", "initial_delay_ms", ms), ("periodSeconds", "period_ms", ms),
                             ("timeoutSeconds", "timeout_ms", ms), ("successThreshold", "success_threshold", _int),
                             ("failureThreshold", "failure_threshold", _int)):
        x = conv(d.get(key)) if key in d else None
        if x is not None and (x > 0 or field == "initial_delay_ms"):
            f[field] = x
    if kind != "readiness" and f.get("success_threshold", 1) != 1:
        return None
    return Probe(kind=kind, **f)


def _words(x) -> bool:
    return isinstance(x, list) and all(isinstance(w, str) for w in x)


def _env(d) -> EnvVar | None:
    if not isinstance(d, dict) or not isinstance(d.get("name"), str):
        return None
    if "valueFrom" not in d:
        return EnvVar(name=d["name"], value=d["value"] if isinstance(d.get("value"), str) else "")
    src = d["valueFrom"] if isinstance(d["valueFrom"], dict) else {}
    for field, kind in (("configMapKeyRef", "configmap"), ("secretKeyRef", "secret")):
        ref = src.get(field)
        if isinstance(ref, dict) and isinstance(ref.get("name"), str) and isinstance(ref.get("key"), str):
            return EnvVar(name=d["name"], source_kind=kind, source_name=ref["name"], source_key=ref["key"],
                          optional=ref.get("optional") is True)
    return None


def _env_from(d) -> EnvFrom | None:
    if not isinstance(d, dict):
        return None
    for field, kind in (("configMapRef", "configmap"), ("secretRef", "secret")):
        ref = d.get(field)
        if isinstance(ref, dict) and isinstance(ref.get("name"), str):
            return EnvFrom(source_kind=kind, source_name=ref["name"],
                           prefix=d["prefix"] if isinstance(d.get("prefix"), str) else "",
                           optional=ref.get("optional") is True)
    return None


def _port(d) -> Port | None:
    n = _int(d.get("containerPort")) if isinstance(d, dict) else None
    if n is None:
        return None
    name = d.get("name") if isinstance(d.get("name"), str) and _PORT_NAME.match(d["name"]) else None
    return Port(number=n, name=name, protocol=d.get("protocol") if d.get("protocol") in ("UDP", "SCTP") else "TCP",
                host_port=_int(d.get("hostPort")))


def _mount(d) -> Mount | None:
    if not isinstance(d, dict) or not isinstance(d.get("name"), str) or not isinstance(d.get("mountPath"), str):
        return None
    if not d["mountPath"].startswith("/"):
        return None
    return Mount(volume=d["name"], path=d["mountPath"], read_only=d.get("readOnly") is True,
                 sub_path=d["subPath"] if isinstance(d.get("subPath"), str) and d["subPath"] else None)


def _all(items, fn) -> tuple:
    return tuple(x for x in map(fn, items if isinstance(items, list) else []) if x is not None)


def _gate(d) -> str | None:
    return d["name"] if isinstance(d, dict) and isinstance(d.get("name"), str) else None


def container(d: dict) -> Container:
    """A container, and the rest of it (securityContext, lifecycle, fieldRef env ...) as its `yaml`."""
    res = d.get("resources") if isinstance(d.get("resources"), dict) else {}
    pull = d.get("imagePullPolicy") if d.get("imagePullPolicy") in ("Always", "IfNotPresent", "Never") else None
    probes = tuple(p for kind, field in out.PROBE_FIELDS.items() for p in [_probe(kind, d.get(field))] if p)
    c = Container.build(name=d["name"], image=d["image"], pull_policy=pull, requests=resources(res.get("requests")),
                        limits=resources(res.get("limits")), ports=_all(d.get("ports"), _port),
                        env=_all(d.get("env"), _env), env_from=_all(d.get("envFrom"), _env_from),
                        mounts=_all(d.get("volumeMounts"), _mount), probes=probes,
                        command=tuple(d["command"]) if _words(d.get("command")) else (),
                        args=tuple(d["args"]) if _words(d.get("args")) else (),
                        restart_policy="Always" if d.get("restartPolicy") == "Always" else None)
    return attrs.evolve(c, yaml=dump(residual(d, out.container(c))))


def _volume(d) -> Volume | None:
    if not isinstance(d, dict) or not isinstance(d.get("name"), str):
        return None
    name = d["name"]
    for field, source, ref_key in (("configMap", "configmap", "name"), ("secret", "secret", "secretName"),
                                   ("persistentVolumeClaim", "pvc", "claimName"), ("hostPath", "hostpath", "path")):
        src = d.get(field)
        if isinstance(src, dict) and isinstance(src.get(ref_key), str):
            return Volume(name=name, source=source, ref=src[ref_key],
                          optional=source in ("configmap", "secret") and src.get("optional") is True,
                          read_only=source == "pvc" and src.get("readOnly") is True)
    # A source kdsl has no word for (nfs, projected, downwardAPI ...): an emptyDir stands in for it in the
    # simulation, and the `yaml` block gives the real source back (with `emptyDir: null`).
    return Volume(name=name, source="emptydir")


def _toleration(d) -> Toleration | None:
    if not isinstance(d, dict):
        return None
    op = d.get("operator", "Equal")
    if op not in ("Equal", "Exists") or (op == "Exists" and d.get("value")):
        return None
    key = d.get("key") if isinstance(d.get("key"), str) and d.get("key") else None
    if key is None and (op != "Exists" or d.get("effect")):
        return None
    if op == "Equal" and not (isinstance(d.get("value"), str) and d["value"]):
        return None
    effect = d.get("effect") if d.get("effect") in ("NoSchedule", "PreferNoSchedule", "NoExecute") else None
    secs = _int(d.get("tolerationSeconds"))
    if secs is not None and effect != "NoExecute":
        return None
    return Toleration(key=key, operator=op, value=d.get("value") if isinstance(d.get("value"), str) else None,
                      effect=effect, toleration_ms=ms(secs) if secs is not None else None)


def _node_term(d) -> tuple | None:
    if not isinstance(d, dict):
        return None
    exprs = d.get("matchExpressions") or []
    reqs = _all(exprs, Requirement.node_from_manifest)
    if d.get("matchFields"):  # the language has no words for matchFields: the term stays in `yaml`
        return None
    return reqs if len(reqs) == len(exprs) and reqs else None


def _pod_term(d) -> PodAffinityTerm | None:
    if not isinstance(d, dict) or not isinstance(d.get("topologyKey"), str):
        return None
    sel = Selector.from_manifest(d.get("labelSelector") or {})
    ns = d.get("namespaces") or []
    if sel is None or not _words(ns):
        return None
    return PodAffinityTerm(selector=sel, topology_key=d["topologyKey"], namespaces=tuple(ns))


def _weighted(d, node: bool) -> WeightedTerm | None:
    if not isinstance(d, dict) or not (_int(d.get("weight")) and 1 <= d["weight"] <= 100):
        return None
    if node:
        reqs = _node_term(d.get("preference"))
        return WeightedTerm(weight=d["weight"], requirements=reqs) if reqs else None
    term = _pod_term(d.get("podAffinityTerm"))
    return WeightedTerm(weight=d["weight"], pod_term=term) if term else None


def affinity(d) -> Affinity:
    d = d if isinstance(d, dict) else {}
    node, pod, anti = (d.get(k) if isinstance(d.get(k), dict) else {}
                       for k in ("nodeAffinity", "podAffinity", "podAntiAffinity"))
    req = node.get("requiredDuringSchedulingIgnoredDuringExecution")
    terms = req.get("nodeSelectorTerms") if isinstance(req, dict) else []
    R, P = "requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"
    return Affinity(node_required=_all(terms, _node_term),
                    node_preferred=_all(node.get(P), lambda x: _weighted(x, True)),
                    pod_required=_all(pod.get(R), _pod_term), pod_preferred=_all(pod.get(P), lambda x: _weighted(x, False)),
                    anti_required=_all(anti.get(R), _pod_term),
                    anti_preferred=_all(anti.get(P), lambda x: _weighted(x, False)))


def _spread(d, labels) -> SpreadConstraint | None:
    if not isinstance(d, dict) or not isinstance(d.get("topologyKey"), str):
        return None
    sel = Selector.from_manifest(d.get("labelSelector")) if "labelSelector" in d else None
    if sel is not None and not sel.expressions and dict(sel.match_labels) == dict(labels):
        sel = None  # kdsl's default: the pod's own labels
    skew = _int(d.get("maxSkew")) or 1
    when = d.get("whenUnsatisfiable") if d.get("whenUnsatisfiable") in ("DoNotSchedule", "ScheduleAnyway") \
        else "DoNotSchedule"
    if "labelSelector" not in d:
        return None
    return SpreadConstraint(topology_key=d["topologyKey"], max_skew=skew, when_unsatisfiable=when, selector=sel)


def template(meta, spec, default_restart: str = "Always", name: str = "") -> PodTemplate:
    """A PodTemplate from a pod's metadata and spec (a bare pod's, or a workload's template). A bare pod (no
    `name`) keeps exactly its labels, none when it has none, as the API server stores it; a workload's template
    without labels gets kdsl's `app=<name>` so its generated selector matches something (the API server refuses
    such a Deployment, ReplicaSet, StatefulSet or DaemonSet, and labels a Job's pods itself)."""
    meta = meta if isinstance(meta, dict) else {}
    spec = spec if isinstance(spec, dict) else {}
    labels = pairs(meta.get("labels")) or ((("app", name),) if name else ())
    grace = _int(spec.get("terminationGracePeriodSeconds"))
    if grace is not None and grace < 0:  # the API server stores a negative grace period as 1 (pod strategy.go)
        grace = 1
    restart = spec.get("restartPolicy") if spec.get("restartPolicy") in ("Always", "OnFailure", "Never") \
        else default_restart
    ok = [c for c in spec.get("containers") or [] if isinstance(c, dict) and isinstance(c.get("name"), str)
          and isinstance(c.get("image"), str)]
    inits = [c for c in spec.get("initContainers") or [] if isinstance(c, dict) and isinstance(c.get("name"), str)
             and isinstance(c.get("image"), str)]
    containers, init_containers = tuple(container(c) for c in ok), tuple(container(c) for c in inits)
    annotations, uses = read_uses(pairs(meta.get("annotations")), containers + init_containers)
    return PodTemplate(labels=labels, annotations=annotations, containers=apply_uses(containers, uses),
                       init_containers=apply_uses(init_containers, uses),
                       restart_policy=restart, node_selector=pairs(spec.get("nodeSelector")),
                       tolerations=_all(spec.get("tolerations"), _toleration), volumes=_all(spec.get("volumes"), _volume),
                       priority=_int(spec.get("priority")),
                       service_account=spec.get("serviceAccountName") or spec.get("serviceAccount") or None,
                       grace_ms=ms(grace) if grace is not None else DEFAULT_GRACE_MS,
                       affinity=affinity(spec.get("affinity")),
                       spread=_all(spec.get("topologySpreadConstraints"), lambda x: _spread(x, labels)),
                       scheduling_gates=_all(spec.get("schedulingGates"), _gate))
