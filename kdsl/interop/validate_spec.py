"""Spec rules of the API server's validation that kdsl's model cannot hold the breach of, checked on a manifest as
read, in the API server's words (the model would default the bad value away and the simulation accept it)."""

# Each rule cites its upstream function; the words are the v1.34.4 recordings' (tests/oracle/recorded, issue 16):
# pkg/apis/core/validation/validation.go (ValidatePodSpec, validateRestartPolicy, ValidateTolerations,
# ValidateService, ValidatePersistentVolumeClaimSpec), pkg/apis/apps/validation/validation.go
# (ValidateDeploymentSpec, ValidateDeploymentStrategy, ValidateStatefulSetSpec, ValidateReplicaSetSpec) and
# pkg/apis/batch/validation/validation.go (validateJobSpec), pkg/apis/rbac/validation/validation.go.

from __future__ import annotations

import json

from kdsl.engine.apiserver.errors import FieldError
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
    if kind == "Job":
        out += _nonnegative(spec, ("parallelism", "completions"))
    if kind == "Deployment" and isinstance(spec.get("strategy"), dict):
        s = spec["strategy"]
        if isinstance(s.get("type"), str) and s["type"] not in ("Recreate", "RollingUpdate"):
            rolling = s.get("rollingUpdate") if isinstance(s.get("rollingUpdate"), dict) else None
            shown = None if rolling is None else {"MaxUnavailable": rolling.get("maxUnavailable"),
                                                  "MaxSurge": rolling.get("maxSurge")}
            value = _Printed(json.dumps({"Type": s["type"], "RollingUpdate": shown}, separators=(",", ":")))
            out.append(_supported("spec.strategy", value, ("Recreate", "RollingUpdate")))
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


def _config_keys(data: dict) -> list[FieldError]:
    """ValidateConfigMap / ValidateSecret: each key of data (and of a Secret's stringData, which decoding merges
    into data) a config key (IsConfigMapKey)."""
    keys = [k for field in ("data", "stringData") if isinstance(data.get(field), dict) for k in data[field]]
    return [FieldError(f"data[{k}]", INVALID, k, m) for k in sorted(set(map(str, keys))) for m in names.config_key(k)]


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
    if kind == "ClusterIP":
        for i, p in enumerate(ports):
            if p.get("nodePort"):
                out.append(FieldError(f"spec.ports[{i}].nodePort", FORBIDDEN,
                                      detail="may not be used when `type` is 'ClusterIP'"))
    return out
