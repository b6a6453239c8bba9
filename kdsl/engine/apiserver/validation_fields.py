"""The field checks of the registry strategies' Validate: object metadata, a pod template's containers and
gates, ConfigMap and Secret data, Ingress hosts (pkg/apis/core/validation, apimachinery's ObjectMeta checks)."""

from __future__ import annotations

from kdsl.engine.apiserver.errors import DEFAULT_MINOR, FieldError
from kdsl.engine.apiserver.resources import as_dict, format_quantity
from kdsl.engine.apiserver.strategy import JOB_NAME_LABEL, LEGACY_JOB_NAME_LABEL
from kdsl.core.evolve import ByIdentity
from kdsl.engine.objects import ApiObject
from kdsl.model import names
from kdsl.model.pods import PodTemplate

INVALID, REQUIRED, DUPLICATE, TOO_LONG, FORBIDDEN = (
    "Invalid value", "Required value", "Duplicate value", "Too long", "Forbidden")
MAX_ANNOTATIONS = 256 * 1024  # TotalAnnotationSizeLimitB
MAX_SECRET_SIZE = 1024 * 1024  # core.MaxSecretSize, for ConfigMaps too
IMMUTABLE_SET = "field is immutable when `immutable` is set"


def metadata(obj: ApiObject, minor: int = DEFAULT_MINOR) -> list[FieldError]:
    """ValidateObjectMeta: the name by the kind's rule, label keys and values, annotation keys and size, worded
    as Kubernetes 1.`minor` words them."""
    out: list[FieldError] = []
    if not obj.meta.name:
        out.append(FieldError("metadata.name", REQUIRED, detail="name or generateName is required"))
    else:
        out += [FieldError("metadata.name", INVALID, obj.meta.name, m) for m in names.object_name(obj.kind, obj.meta.name, minor)]
    out += _labels(obj.meta.labels, minor)
    out += _annotations(obj.meta.annotations, minor)
    return out


def _label_errors(labels, minor: int) -> list[FieldError]:
    out: list[FieldError] = []
    for key, value in sorted(labels):
        out += [FieldError("metadata.labels", INVALID, key, m) for m in names.label_key(key, minor)]
        out += [FieldError("metadata.labels", INVALID, value, m) for m in names.label_value(value, minor)]
    return out


def _annotation_errors(annotations, minor: int) -> list[FieldError]:
    out: list[FieldError] = []
    size = 0
    for key, value in sorted(annotations):
        out += [FieldError("metadata.annotations", INVALID, key, m) for m in names.label_key(key.lower(), minor)]
        size += len(key.encode()) + len(value.encode())
    if size > MAX_ANNOTATIONS:
        out.append(FieldError("metadata.annotations", TOO_LONG, detail=f"must have at most {MAX_ANNOTATIONS} bytes"))
    return out


# The pods of a ReplicaSet share their labels, annotations and template: each is checked once.
_labels = ByIdentity(lambda labels, minor: tuple(_label_errors(labels, minor)), kept=1 << 12)
_annotations = ByIdentity(lambda annotations, minor: tuple(_annotation_errors(annotations, minor)))


def job_template_labels(name: str, labels, manual: bool, minor: int = DEFAULT_MINOR) -> list[FieldError]:
    """ValidatePodTemplateSpec's ValidateLabels on a Job's template once the Job strategy's PrepareForCreate gave it
    the job-name labels (pkg/registry/batch/job/strategy.go, generateSelector; both spellings hold the Job's name,
    a label the manifest set is kept): a Job name that is no label value (over 63 characters, a leading `-`) is
    refused there too (pkg/apis/batch/validation/validation.go, ValidateJob). Not with a manual selector."""
    if manual:
        return []
    have = dict(labels)
    values = sorted({have.get(key, name) for key in (JOB_NAME_LABEL, LEGACY_JOB_NAME_LABEL)})
    return [FieldError("spec.template.labels", INVALID, x, m) for x in values for m in names.label_value(x, minor)]


# ValidateCronJobCreate (pkg/apis/batch/validation/validation.go): the controller names each Job `<name>-<minute>`,
# 11 characters more, and a Job's name must be a label (63): so a CronJob's name is at most 52.
CRONJOB_NAME_MAX = 63 - 11


def cronjob_name(name: str) -> list[FieldError]:
    if len(name) <= CRONJOB_NAME_MAX:
        return []
    return [FieldError("metadata.name", INVALID, name, f"must be no more than {CRONJOB_NAME_MAX} characters")]


def _containers(containers, where: str, seen: set[str], minor: int) -> list[FieldError]:
    out: list[FieldError] = []
    for i, c in enumerate(containers):
        at = f"{where}[{i}]"
        if not c.name:
            out.append(FieldError(f"{at}.name", REQUIRED))
        elif c.name in seen:
            out.append(FieldError(f"{at}.name", DUPLICATE, c.name))
        else:
            out += [FieldError(f"{at}.name", INVALID, c.name, m) for m in names.dns1123_label(c.name)]
        seen.add(c.name)
        if not c.image:
            out.append(FieldError(f"{at}.image", REQUIRED))
        out += [FieldError(f"{at}.image", INVALID, c.image, m) for m in names.image_reference(c.image)]
        for j, port in enumerate(c.ports):
            if port.name:
                out += [FieldError(f"{at}.ports[{j}].name", INVALID, port.name, m) for m in names.port_name(port.name)]
        for j, env in enumerate(c.env):  # ValidateEnv (an empty name is one kdsl text cannot write)
            out += [FieldError(f"{at}.env[{j}].name", INVALID, env.name, m) for m in names.env_name(env.name, minor)]
        limits = as_dict(c.limits)
        for k, v in c.requests.items() if limits else ():  # most containers set no limit: nothing to compare
            if k in limits and v > limits[k]:
                out.append(FieldError(f"{at}.resources.requests", INVALID, format_quantity(k, v),
                                      f"must be less than or equal to {k} limit of {format_quantity(k, limits[k])}"))
    return out


def pod_template(t: PodTemplate, prefix: str, minor: int = DEFAULT_MINOR) -> list[FieldError]:
    """The parts of ValidatePodSpec kdsl's model can get wrong: containers, their names, images,
    port names, env names and requests above limits."""
    out: list[FieldError] = []
    if not t.containers:
        out.append(FieldError(f"{prefix}.containers", REQUIRED))
    seen: set[str] = set()
    out += _containers(t.containers, f"{prefix}.containers", seen, minor)
    out += _containers(t.init_containers, f"{prefix}.initContainers", seen, minor)
    return out + _scheduling_gates(t.scheduling_gates, f"{prefix}.schedulingGates", minor)


def pod_images(t: PodTemplate) -> list[FieldError]:
    """validateContainersOnlyForPod, on a pod and never a template: no image with leading or trailing whitespace
    (pkg/apis/core/validation/validation.go; a Deployment with one is stored, its pods refused)."""
    return [FieldError(f"spec.{field}[{i}].image", INVALID, c.image, m)
            for field, cs in (("containers", t.containers), ("initContainers", t.init_containers))
            for i, c in enumerate(cs) if c.image != c.image.strip() for m in names.image(c.image)]


_pod_template = ByIdentity(lambda t, prefix, minor: tuple(pod_template(t, prefix, minor)))


def _scheduling_gates(gates: tuple[str, ...], where: str, minor: int) -> list[FieldError]:
    """validateSchedulingGates: each name a qualified name, none twice."""
    out: list[FieldError] = []
    for i, g in enumerate(gates):
        out += [FieldError(f"{where}[{i}]", INVALID, g, m) for m in names.label_key(g, minor)]
        if g in gates[:i]:
            out.append(FieldError(f"{where}[{i}]", DUPLICATE, g))
    return out


def _only_deleted_gates(new: tuple[str, ...], old: tuple[str, ...]) -> list[FieldError]:
    """validateOnlyDeletedSchedulingGates: a gate can be removed from a pod, never added (Kubernetes
    reports them in map order, which is random; here in list order)."""
    return [FieldError(f"spec.schedulingGates[{i}].name", FORBIDDEN,
                       detail=f"only deletion is allowed, but found new scheduling gate '{g}'")
            for i, g in enumerate(new) if g not in old]


def config_data(obj: ApiObject) -> list[FieldError]:
    """ValidateConfigMap / ValidateSecret: keys, and at most 1 MiB of values (a ConfigMap's error is on the
    whole object, printed `[]`). Values are never quoted back: only keys and sizes."""
    out = [FieldError(f"data[{k}]", INVALID, k, m) for k, _ in obj.spec.data for m in names.config_key(k)]
    if sum(len(v.encode()) for _, v in obj.spec.data) > MAX_SECRET_SIZE:
        where = "data" if obj.kind == "Secret" else "[]"
        out.append(FieldError(where, TOO_LONG, detail=f"may not be more than {MAX_SECRET_SIZE} bytes"))
    return out


def config_data_update(obj: ApiObject, old: ApiObject) -> list[FieldError]:
    """ValidateSecretUpdate / ValidateConfigMapUpdate: a Secret's type never changes; once `immutable`, the
    flag and the data stay."""
    out = []
    if obj.kind == "Secret" and obj.spec.type != old.spec.type:
        out.append(FieldError("type", INVALID, obj.spec.type, "field is immutable"))
    if old.spec.immutable:
        if not obj.spec.immutable:
            out.append(FieldError("immutable", FORBIDDEN, detail=IMMUTABLE_SET))
        if dict(obj.spec.data) != dict(old.spec.data):
            out.append(FieldError("data", FORBIDDEN, detail=IMMUTABLE_SET))
    return out + config_data(obj)


WILDCARD_SUBDOMAIN = ("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which "
                      "must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric "
                      "character (e.g. '*.example.com', regex used for validation is "
                      "'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")


def _host(host: str, where: str) -> list[FieldError]:
    if host.startswith("*."):
        return [] if not names.dns1123_subdomain(host[2:]) else [FieldError(where, INVALID, host, WILDCARD_SUBDOMAIN)]
    return [FieldError(where, INVALID, host, m) for m in names.dns1123_subdomain(host)]


def ingress_hosts(ing) -> list[FieldError]:
    """validateIngressRules and validateIngressTLS (pkg/apis/networking/validation/validation.go): each rule's host
    and each TLS host a DNS-1123 subdomain, or `*.` and one; a rule's host no IP address. kdsl's rules are paths:
    a run of one host is one rule, as the export writes them."""
    out, i, last = [], -1, None
    for r in ing.rules:
        if i < 0 or r.host != last:
            i, last = i + 1, r.host
            if r.host:
                where = f"spec.rules[{i}].host"
                if _is_ip(r.host):
                    out.append(FieldError(where, INVALID, r.host, "must be a DNS name, not an IP address"))
                out += _host(r.host, where)
    for i, t in enumerate(ing.tls):
        for j, host in enumerate(t.hosts):
            out += _host(host, f"spec.tls[{i}].hosts[{j}]")
    return out


def _is_ip(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
