"""Spec rules of the API server's validation that kdsl's model cannot hold the breach of, checked on a manifest as
read, in the API server's words (the model would default the bad value away and the simulation accept it)."""

# Each rule cites its upstream function; the words are the v1.34.4 recordings' (tests/oracle/recorded, issue 16):
# pkg/apis/core/validation/validation.go (ValidatePodSpec, validateRestartPolicy, ValidateTolerations,
# ValidateService, ValidatePersistentVolumeClaimSpec), pkg/apis/apps/validation/validation.go
# (ValidateDeploymentSpec, ValidateDeploymentStrategy, ValidateStatefulSetSpec, ValidateReplicaSetSpec) and
# pkg/apis/batch/validation/validation.go (validateJobSpec), pkg/apis/rbac/validation/validation.go.

from __future__ import annotations

import json

from kdsl.engine.apiserver.errors import FieldError, Printed, go_json, go_quote
from kdsl.engine.apiserver.validation import DUPLICATE, FORBIDDEN, INVALID, REQUIRED
from kdsl.model import names

UNSUPPORTED = "Unsupported value"
NONNEGATIVE = "must be greater than or equal to 0"
REPLICATED = ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")


class _Printed(str):
    """A value printed as the API server prints it (JSON), which FieldError must not quote again."""

    __slots__ = ()


def _supported(field: str, value, allowed: tuple[str, ...]) -> FieldError:
    return FieldError(field, UNSUPPORTED, value, "supported values: " + ", ".join(f'"{x}"' for x in allowed))


def _nonnegative(spec: dict, keys: tuple[str, ...]) -> list[FieldError]:
    return [FieldError(f"spec.{k}", INVALID, spec[k], NONNEGATIVE) for k in keys
            if isinstance(spec.get(k), int) and not isinstance(spec.get(k), bool) and spec[k] < 0]


def worded_by_validation(kind: str, path: list) -> bool:
    """A field the OpenAPI schema marks required whose absence the API server's validation words itself (the
    schema's `required` is not checked for built-in kinds: a missing field decodes as its Go zero value): a
    container's name (pod_spec_names), a Service port's number, an apps/v1 selector (both above)."""
    if len(path) >= 3 and path[-1] == "name" and path[-3] in ("containers", "initContainers"):
        return True
    if kind == "Service" and len(path) == 4 and path[:2] == ["spec", "ports"] and path[3] == "port":
        return True
    return kind in APPS and path == ["spec", "selector"]


def pod_spec_rules(spec: dict, prefix: str, kind: str) -> list[FieldError]:
    """A bare pod's restart policy (a workload's template is the model's to check), and each toleration's operator."""
    out = []
    restart = spec.get("restartPolicy")
    if kind == "Pod" and isinstance(restart, str) and restart not in ("Always", "OnFailure", "Never"):
        out.append(_supported(f"{prefix}.restartPolicy", restart, ("Always", "OnFailure", "Never")))
    if kind in ("Job", "CronJob") and restart == "Always":  # validateJobSpec's words (field.Required)
        out.append(FieldError(f"{prefix}.restartPolicy", REQUIRED, detail='valid values: "OnFailure", "Never"'))
    tolerations = spec.get("tolerations") if isinstance(spec.get("tolerations"), list) else []
    for i, t in enumerate(tolerations):
        op = t.get("operator") if isinstance(t, dict) else None
        if isinstance(op, str) and op and op not in ("Equal", "Exists"):
            out.append(_supported(f"{prefix}.tolerations[{i}].operator", op, ("Equal", "Exists")))
    return out


def spec_rules(data: dict) -> list[FieldError]:
    """The rules of this document's kind that the model would lose: negative counts, unknown enumerations, a
    Service's port names and node ports, a claim's access modes."""
    kind, spec = data.get("kind"), data.get("spec")
    if kind in ("ConfigMap", "Secret"):
        return _config_keys(data)
    if kind in ("RoleBinding", "ClusterRoleBinding"):
        return _role_ref(kind, data.get("roleRef"))
    if not isinstance(spec, dict):
        return []
    out: list[FieldError] = []
    if kind in REPLICATED:
        out += _nonnegative(spec, ("replicas",))
    if kind in APPS:
        out += _selector(kind, spec)
    if kind == "Job":
        out += _nonnegative(spec, ("parallelism", "completions")) + _completion_mode(spec)
    if kind == "Deployment" and isinstance(spec.get("strategy"), dict):
        s = spec["strategy"]
        if isinstance(s.get("type"), str) and s["type"] not in ("Recreate", "RollingUpdate"):
            rolling = s.get("rollingUpdate") if isinstance(s.get("rollingUpdate"), dict) else None
            shown = None if rolling is None else {"MaxUnavailable": rolling.get("maxUnavailable"),
                                                  "MaxSurge": rolling.get("maxSurge")}
            value = _Printed(json.dumps({"Type": s["type"], "RollingUpdate": shown}, separators=(",", ":")))
            out.append(_supported("spec.strategy", value, ("Recreate", "RollingUpdate")))
    if kind == "Deployment":
        out += _rolling_update(spec.get("strategy"))
    if kind == "StatefulSet":
        policy = spec.get("podManagementPolicy")
        if isinstance(policy, str) and policy not in ("OrderedReady", "Parallel"):
            out.append(FieldError("spec.podManagementPolicy", INVALID, policy, "must be 'OrderedReady' or 'Parallel'"))
    if kind == "Service":
        out += _service(spec)
    if kind == "PersistentVolumeClaim":
        if not spec.get("accessModes"):
            out.append(FieldError("spec.accessModes", REQUIRED, detail="at least 1 access mode is required"))
        requests = (spec.get("resources") or {}).get("requests") if isinstance(spec.get("resources"), dict) else None
        if not isinstance(requests, dict) or "storage" not in requests:
            out.append(FieldError("spec.resources[storage]", REQUIRED))
    return out


def _completion_mode(spec: dict) -> list[FieldError]:
    """validateJobSpec's completionMode rules. Defaulting comes first (SetDefaults_Job gives completions 1 only when
    parallelism is unset too), so an Indexed job that gives parallelism must give completions."""
    mode = spec.get("completionMode")
    if mode is None or mode == "NonIndexed":
        return []
    if mode != "Indexed":
        return [_supported("spec.completionMode", mode, ("NonIndexed", "Indexed"))]
    out = []
    if spec.get("completions") is None and spec.get("parallelism") is not None:
        out.append(FieldError("spec.completions", REQUIRED, detail="when completion mode is Indexed"))
    parallelism = spec.get("parallelism")
    if isinstance(parallelism, int) and parallelism > 100_000:  # maxParallelismForIndexedJob
        out.append(FieldError("spec.parallelism", INVALID, parallelism,
                              "must be less than or equal to 100000 when completion mode is Indexed"))
    return out


def _role_ref(kind: str, ref) -> list[FieldError]:
    """ValidateRoleBinding / ValidateClusterRoleBinding (pkg/apis/rbac/validation/validation.go): the roleRef's
    group is rbac.authorization.k8s.io and its kind one a binding can name."""
    if not isinstance(ref, dict):
        return []
    out = []
    if isinstance(ref.get("apiGroup"), str) and ref["apiGroup"] != "rbac.authorization.k8s.io":
        out.append(_supported("roleRef.apiGroup", ref["apiGroup"], ("rbac.authorization.k8s.io",)))
    kinds = ("Role", "ClusterRole") if kind == "RoleBinding" else ("ClusterRole",)
    if isinstance(ref.get("kind"), str) and ref["kind"] not in kinds:
        out.append(_supported("roleRef.kind", ref["kind"], kinds))
    return out


# The apps/v1 kinds whose selector a manifest must give (ValidateDeploymentSpec, ValidateReplicaSetSpec,
# ValidateStatefulSetSpec; ValidateDaemonSetSpec has no Required): missing, Required; and, missing too
# (LabelSelectorAsSelector(nil) is labels.Nothing()), one the template's labels do not match. The model refuses an empty selector and a bad key
# in its own words; those are left to it.
APPS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet")
MISMATCH = "`selector` does not match template `labels`"
_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def _selector(kind: str, spec: dict) -> list[FieldError]:
    sel = spec.get("selector")
    tpl = spec.get("template") if isinstance(spec.get("template"), dict) else {}
    meta = tpl.get("metadata") if isinstance(tpl.get("metadata"), dict) else {}
    labels = meta.get("labels") if isinstance(meta.get("labels"), dict) else {}
    labels = {str(k): "" if x is None else str(x) for k, x in labels.items()}
    if sel is None:  # ValidateDaemonSetSpec requires none: a nil selector only matches nothing
        return ([] if kind == "DaemonSet" else [FieldError("spec.selector", REQUIRED)]) + [_mismatch(labels)]
    matched = _matches(sel, labels)
    return [] if matched is None or matched else [_mismatch(labels)]


def _mismatch(labels: dict[str, str]) -> FieldError:
    shown = dict(sorted(labels.items()))
    go = ("map[string]string{" + ", ".join(f"{go_quote(k)}:{go_quote(x)}" for k, x in shown.items()) + "}"
          if shown else "map[string]string(nil)")
    return FieldError("spec.template.metadata.labels", INVALID, Printed(go=go, json=go_json(shown or None)), MISMATCH)


def _matches(sel, labels: dict[str, str]) -> bool | None:
    """Whether the selector selects the labels; None for a selector the model refuses (not a map, empty, a bad
    key, value or operator)."""
    if not isinstance(sel, dict):
        return None
    plain = sel.get("matchLabels") or {}
    exprs = sel.get("matchExpressions") or []
    if not isinstance(plain, dict) or not isinstance(exprs, list) or not (plain or exprs):
        return None
    ok = True
    for k, x in plain.items():
        k, x = str(k), "" if x is None else str(x)
        if names.label_key(k) or names.label_value(x):
            return None
        ok = ok and labels.get(k) == x
    for r in exprs:
        if not isinstance(r, dict) or r.get("operator") not in _OPERATORS or not isinstance(r.get("key"), str):
            return None
        values = [str(x) for x in r.get("values") or []]
        op, have = r["operator"], r["key"] in labels
        ok = ok and {"In": have and labels.get(r["key"]) in values, "NotIn": not have or labels[r["key"]] not in values,
                     "Exists": have, "DoesNotExist": not have}[op]
    return ok


def _rolling_update(strategy) -> list[FieldError]:
    """ValidateRollingUpdateDeployment: maxUnavailable and maxSurge (each 25% when not given) both 0 is refused,
    the value printed as the internal intstr.IntOrString (Go's %#v before 1.34, its JSON from then)."""
    strategy = strategy if isinstance(strategy, dict) else {}
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        return []
    rolling = strategy.get("rollingUpdate") if isinstance(strategy.get("rollingUpdate"), dict) else {}
    unavailable, surge = rolling.get("maxUnavailable", "25%"), rolling.get("maxSurge", "25%")
    if not (_zero(unavailable) and _zero(surge)):
        return []
    return [FieldError("spec.strategy.rollingUpdate.maxUnavailable", INVALID, _int_or_string(unavailable),
                       "may not be 0 when `maxSurge` is 0")]


def _zero(x) -> bool:
    if isinstance(x, bool):
        return False
    return x == 0 if isinstance(x, int) else isinstance(x, str) and x.endswith("%") and x[:-1].isdigit() \
        and int(x[:-1]) == 0


def _int_or_string(x) -> Printed:
    if isinstance(x, int):
        return Printed(go=f'intstr.IntOrString{{Type:0, IntVal:{x}, StrVal:""}}', json=str(x))
    return Printed(go=f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{go_quote(x)}}}", json=go_json(x))


def _config_keys(data: dict) -> list[FieldError]:
    """ValidateConfigMap / ValidateSecret: each key of data (and of a Secret's stringData, which decoding merges
    into data) a config key (IsConfigMapKey)."""
    keys = [k for field in ("data", "stringData") if isinstance(data.get(field), dict) for k in data[field]]
    return [FieldError(f"data[{k}]", INVALID, k, m) for k in sorted(set(map(str, keys))) for m in names.config_key(k)]


def _port_numbers(port: dict, at: str) -> list[FieldError]:
    """validateServicePort's IsValidPortNum on the port, and ValidatePortNumOrName on the targetPort, which
    SetDefaults_Service makes the port when not given: a missing port is the int32's 0, refused twice."""
    number = port.get("port", 0)
    if isinstance(number, bool) or not isinstance(number, int):
        return []  # the schema's decoding refused it
    target = port.get("targetPort", number) or number  # intstr's zero value is defaulted too
    out = [FieldError(f"{at}.port", INVALID, number, m) for m in names.port_number(number)]
    if isinstance(target, int) and not isinstance(target, bool):
        out += [FieldError(f"{at}.targetPort", INVALID, target, m) for m in names.port_number(target)]
    return out


SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")


def _service(spec: dict) -> list[FieldError]:
    out = []
    kind = spec.get("type", "ClusterIP")
    if isinstance(kind, str) and kind not in SERVICE_TYPES:
        out.append(_supported("spec.type", kind, SERVICE_TYPES))
    ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)] if isinstance(spec.get("ports"), list) else []
    seen: set[str] = set()
    for i, p in enumerate(ports):
        name = p.get("name")
        if len(ports) > 1 and not name:
            out.append(FieldError(f"spec.ports[{i}].name", REQUIRED))
        elif isinstance(name, str) and name in seen:
            out.append(FieldError(f"spec.ports[{i}].name", DUPLICATE, name))
        if isinstance(name, str):
            seen.add(name)
        out += _port_numbers(p, f"spec.ports[{i}]")
    if kind == "ClusterIP":
        for i, p in enumerate(ports):
            if p.get("nodePort"):
                out.append(FieldError(f"spec.ports[{i}].nodePort", FORBIDDEN,
                                      detail="may not be used when `type` is 'ClusterIP'"))
    return out
