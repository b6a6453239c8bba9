"""ValidateObjectMeta and the name rules of ValidatePodSpec on a manifest as read, in the API server's words.

The model keeps what it has no word for in `yaml` blocks — a workload's own metadata, a port name it cannot say —
where the API server's checks of the simulation never see it, and its own checks word a refusal in kdsl's terms.
So a manifest's metadata, and the names in its pod spec, are checked here as the API server checks them on create
(apimachinery/pkg/api/validation/objectmeta.go; pkg/apis/core/validation/validation.go, validateContainers and
validateSchedulingGates): `Deployment.apps "web" is invalid: metadata.labels: Invalid value: "-app": ...`.
Found by the differential suite of tests/oracle (issue 16)."""

from __future__ import annotations

from kdsl.core.values import digits
from kdsl.core.errors import Diagnostic
from kdsl.engine.apiserver.errors import DEFAULT_MINOR, FieldError, invalid
from kdsl.engine.apiserver.validation import DUPLICATE, INVALID, REQUIRED, metadata
from kdsl.engine.apiserver.validation_fields import cronjob_name, job_template_labels
from kdsl.engine.objects import ApiObject, Meta
from kdsl.interop.validate_spec import pod_spec_rules, spec_rules
from kdsl.model import names

NOT_FOUND = "Not found"
# Where each kind keeps its pod spec (the path the API server names errors by).
POD_SPEC = {"Pod": ("spec",), "CronJob": ("spec", "jobTemplate", "spec", "template", "spec")}
TEMPLATED = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController")


def _pairs(value) -> tuple:
    if not isinstance(value, dict):
        return ()
    return tuple(sorted((str(k), "" if v is None else str(v)) for k, v in value.items()))


def _pod_spec(data: dict) -> tuple[str, dict] | None:
    kind = data.get("kind")
    path = POD_SPEC.get(kind) or (("spec", "template", "spec") if kind in TEMPLATED else None)
    at = data
    for p in path or ():
        at = at.get(p) if isinstance(at, dict) else None
    return (".".join(path), at) if path and isinstance(at, dict) else None


def _integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _list(value) -> list[dict]:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def pod_spec_names(spec: dict, prefix: str, minor: int = DEFAULT_MINOR, claims=()) -> list[FieldError]:
    """Containers (at least one), their names (required, unique across init and app containers, DNS-1123 labels),
    ports (IANA service names, numbers 1-65535), env names, the volumes they mount (declared), scheduling gates (qualified names,
    unique), in the API server's order. `claims`: a StatefulSet's volumeClaimTemplates, volumes of its pods
    (volumesToAddForTemplates, pkg/apis/apps/validation/validation.go)."""
    out: list[FieldError] = []
    if not _list(spec.get("containers")):
        out.append(FieldError(f"{prefix}.containers", REQUIRED))  # which kdsl would keep as an unsupported manifest
    seen: set[str] = set()
    volumes = {v.get("name") for v in _list(spec.get("volumes"))} | set(claims)
    for field in ("containers", "initContainers"):
        for i, c in enumerate(_list(spec.get(field))):
            at, name = f"{prefix}.{field}[{i}]", c.get("name")
            if not isinstance(name, str) or not name:
                out.append(FieldError(f"{at}.name", REQUIRED))
            elif name in seen:
                out.append(FieldError(f"{at}.name", DUPLICATE, name))
            else:
                out += [FieldError(f"{at}.name", INVALID, name, m) for m in names.dns1123_label(name)]
                seen.add(name)
            for j, port in enumerate(_list(c.get("ports"))):  # validateContainerPorts
                pname = port.get("name")
                if isinstance(pname, str) and pname:
                    out += [FieldError(f"{at}.ports[{j}].name", INVALID, pname, m) for m in names.port_name(pname)]
                for key in ("containerPort", "hostPort"):
                    n = port.get(key)
                    if _integer(n) and (n != 0 or key == "containerPort"):
                        out += ([FieldError(f"{at}.ports[{j}].{key}", REQUIRED)] if n == 0 else
                                [FieldError(f"{at}.ports[{j}].{key}", INVALID, n, m) for m in names.port_number(n)])
            for j, env in enumerate(_list(c.get("env"))):  # ValidateEnv
                ename = env.get("name")
                if isinstance(ename, str):
                    out += [FieldError(f"{at}.env[{j}].name", REQUIRED)] if not ename else []
                    out += [FieldError(f"{at}.env[{j}].name", INVALID, ename, m) for m in names.env_name(ename, minor)]
            for k, mount in enumerate(_list(c.get("volumeMounts"))):  # ValidateVolumeMounts: a declared volume
                if isinstance(mount.get("name"), str) and mount["name"] not in volumes:
                    out.append(FieldError(f"{at}.volumeMounts[{k}].name", NOT_FOUND, mount["name"]))
    gates = [g.get("name") for g in _list(spec.get("schedulingGates"))]
    for i, g in enumerate(gates):
        if isinstance(g, str):
            out += [FieldError(f"{prefix}.schedulingGates[{i}]", INVALID, g, m) for m in names.label_key(g, minor)]
            if g in gates[:i]:
                out.append(FieldError(f"{prefix}.schedulingGates[{i}]", DUPLICATE, g))
    return out


def _claim_names(data: dict) -> list:
    spec = data.get("spec") if isinstance(data.get("spec"), dict) else {}
    templates = _list(spec.get("volumeClaimTemplates"))
    return [t["metadata"].get("name") for t in templates if isinstance(t.get("metadata"), dict)]


def metadata_refusals(data: dict, where, minor: int = DEFAULT_MINOR, schema=()) -> list[Diagnostic]:
    """The API server's refusal of this document's metadata and pod spec names, in Kubernetes 1.`minor`'s words,
    with the (path, message) the schema check found invalid (`schema`), as one aggregate located at the first field
    it names (none: valid). A document whose metadata is not a map is the schema check's to refuse."""
    meta = data.get("metadata")
    kind, api_version = data.get("kind"), data.get("apiVersion")
    if not isinstance(meta, dict) or not isinstance(kind, str) or not isinstance(api_version, str):
        return []
    name = meta.get("name") if isinstance(meta.get("name"), str) else ""
    if not name and meta.get("generateName"):
        return []  # the name comes later, from the API server's generator
    obj = ApiObject(kind=kind, meta=Meta(name=name, labels=_pairs(meta.get("labels")),
                                         annotations=_pairs(meta.get("annotations"))), spec=None)
    errors = [(_path(e.field), e) for e in metadata(obj, minor)] + [(list(p), m) for p, m in schema]
    more = spec_rules(data) + _job_labels(data, name, minor)
    spec = _pod_spec(data)
    if spec is not None:
        claims = _claim_names(data) if kind == "StatefulSet" else []
        more += pod_spec_names(spec[1], spec[0], minor, claims) + pod_spec_rules(spec[1], spec[0], kind)
    if kind == "CronJob":
        more += cronjob_name(name)
    errors += [(_path(e.field), e) for e in more]
    if not errors:
        return []
    group = api_version.rpartition("/")[0]
    message = invalid(kind, group, name, [e for _, e in errors], minor).message
    return [where.diagnostic(message, errors[0][0], key=True)]


def _path(field: str) -> list:
    return [int(p) if digits(p) else p for p in field.replace("[", ".").replace("]", "").split(".")]


def _job_labels(data: dict, name: str, minor: int) -> list[FieldError]:
    """A Job's template labels as the strategy's PrepareForCreate leaves them (its job-name labels), unless the
    manifest selects its pods itself (manualSelector)."""
    if data.get("kind") != "Job":
        return []
    spec = data.get("spec") if isinstance(data.get("spec"), dict) else {}
    tpl = spec.get("template") if isinstance(spec.get("template"), dict) else {}
    meta = tpl.get("metadata") if isinstance(tpl.get("metadata"), dict) else {}
    return job_template_labels(name, _pairs(meta.get("labels")), spec.get("manualSelector") is True, minor)
