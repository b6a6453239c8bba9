"""The registry strategies' Validate (what each kind checks on create and update, immutable fields) and
PrepareForCreate; the field checks they share are in validation_fields.py."""

from __future__ import annotations

import attrs

from kdsl.engine.apiserver.errors import DEFAULT_MINOR, ApiError, FieldError, Printed, go_json, go_quote, invalid
from kdsl.engine.apiserver.resources import ResourceInfo
from kdsl.engine.apiserver.strategy import manual_selector
from kdsl.engine.apiserver.validation_fields import (
    DUPLICATE, FORBIDDEN, INVALID, REQUIRED, _only_deleted_gates, _pod_template, config_data, config_data_update,
    cronjob_name, ingress_hosts, job_template_labels, metadata, pod_images, pod_template)
from kdsl.engine.cron import CronError, Schedule
from kdsl.engine.objects import ApiObject, Condition, PodStatus
from kdsl.model.pods import PodTemplate


def validate_create(obj: ApiObject, minor: int = DEFAULT_MINOR) -> list[FieldError]:
    out = metadata(obj, minor)
    if obj.kind in ("ConfigMap", "Secret"):
        out += config_data(obj)
    if obj.kind == "Pod":
        out += _pod_template(obj.spec.template, "spec", minor)
        if obj.spec.template.node_name and obj.spec.template.scheduling_gates:
            # ValidatePodCreate: a pod cannot be bound while something still holds it back.
            out.append(FieldError("spec.nodeName", FORBIDDEN,
                                  detail="cannot be set until all schedulingGates have been cleared"))
        out += pod_images(obj.spec.template)
    elif obj.kind == "CronJob":
        out += schedule_format(obj.spec.schedule)
        out += pod_template(obj.spec.template, "spec.jobTemplate.spec.template.spec", minor)
        out += cronjob_name(obj.name)
    elif obj.kind == "Ingress":
        out += ingress_hosts(obj.spec)
    elif isinstance(getattr(obj.spec, "template", None), PodTemplate):
        if obj.kind == "Job":
            out += job_template_labels(obj.name, obj.spec.template.labels, manual_selector(obj.spec), minor)
        out += pod_template(obj.spec.template, "spec.template.spec", minor)
    return out


def schedule_format(schedule: str, allow_tz: bool = False) -> list[FieldError]:
    """validateScheduleFormat (pkg/apis/batch/validation/validation.go): robfig/cron's ParseStandard must read it,
    and a time zone goes in spec.timeZone, not in the schedule (allowTZInSchedule: only an update of a CronJob
    whose schedule had one)."""
    if not schedule:
        return [FieldError("spec.schedule", REQUIRED)]
    out = []
    try:
        Schedule.parse(schedule)
    except CronError as exc:
        out.append(FieldError("spec.schedule", INVALID, schedule, str(exc)))
    if "TZ" in schedule and not allow_tz:
        out.append(FieldError("spec.schedule", INVALID, schedule,
                              "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
    return out


# ---- updates ------------------------------------------------------------------------------------

POD_UPDATE = ("pod updates may not change fields other than `spec.containers[*].image`,"
              "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions "
              "to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
              "previously negative)")
CONTAINERS_ADDED = "pod updates may not add or remove containers"
STS_UPDATE = ("updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
              "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")
# revisionHistoryLimit became mutable (and named in the message) after v1.31 (kubernetes issue #130263); v1.34.4's
# ValidateStatefulSetUpdate has it, the earliest release whose source kdsl could read.
STS_HISTORY_MUTABLE = 34


def sts_update(minor: int) -> str:
    if minor < STS_HISTORY_MUTABLE:
        return STS_UPDATE
    return STS_UPDATE.replace("'updateStrategy', ", "'updateStrategy', 'revisionHistoryLimit', ")


def _mutable_pod_parts_cleared(t: PodTemplate) -> PodTemplate:
    def clear(cs):
        return tuple(attrs.evolve(c, image="") for c in cs)
    return attrs.evolve(t, labels=(), annotations=(), containers=clear(t.containers),
                        init_containers=clear(t.init_containers), tolerations=(), grace_ms=0, scheduling_gates=())


def _role_ref(kind: str, name: str) -> Printed:
    # The internal rbac.RoleRef has no json tags: its JSON names the Go fields.
    return Printed(go=f'rbac.RoleRef{{APIGroup:"rbac.authorization.k8s.io", Kind:{go_quote(kind)}, '
                      f'Name:{go_quote(name)}}}',
                   json=go_json({"APIGroup": "rbac.authorization.k8s.io", "Kind": kind, "Name": name}))


def validate_update(obj: ApiObject, old: ApiObject, minor: int = DEFAULT_MINOR) -> list[FieldError]:
    """ValidateObjectMetaUpdate plus the immutable parts of a few kinds: a pod's spec (images, new
    tolerations and removed scheduling gates aside), a StatefulSet's spec (replicas, template, strategy, retention, minReadySeconds
    aside) and a binding's roleRef. The Go diff Kubernetes appends to the pod message is left out."""
    out = metadata(obj, minor)
    if obj.kind in ("ConfigMap", "Secret"):
        out += config_data_update(obj, old)
    if obj.kind == "Pod":
        t_old, t_new = old.spec.template, obj.spec.template
        for field, new, was in (("containers", t_new.containers, t_old.containers),
                                ("initContainers", t_new.init_containers, t_old.init_containers)):
            if len(new) != len(was):  # ValidateContainerUpdates stops the pod's checks there
                return out + [FieldError(f"spec.{field}", FORBIDDEN, detail=CONTAINERS_ADDED)]
        added_only = all(t in t_new.tolerations for t in t_old.tolerations)
        if not added_only or _mutable_pod_parts_cleared(t_old) != _mutable_pod_parts_cleared(t_new):
            out.append(FieldError("spec", FORBIDDEN, detail=POD_UPDATE))
        out += _only_deleted_gates(t_new.scheduling_gates, t_old.scheduling_gates)
        out += pod_template(t_new, "spec", minor) + pod_images(t_new)
    elif obj.kind == "StatefulSet":
        keep = dict(replicas=0, template=old.spec.template, strategy=old.spec.strategy, min_ready_ms=0,
                    retain_on_delete=True, retain_on_scale=True, ordinals_start=0, labels=(), annotations=(),
                    yaml=None)
        if attrs.evolve(old.spec, **keep) != attrs.evolve(obj.spec, **keep):
            out.append(FieldError("spec", FORBIDDEN, detail=sts_update(minor)))
        out += pod_template(obj.spec.template, "spec.template.spec", minor)
    elif obj.kind == "CronJob":
        out += schedule_format(obj.spec.schedule, allow_tz="TZ" in old.spec.schedule)
    elif obj.kind in ("RoleBinding", "ClusterRoleBinding"):
        if (obj.spec.role_kind, obj.spec.role_name) != (old.spec.role_kind, old.spec.role_name):
            out.append(FieldError("roleRef", INVALID, _role_ref(obj.spec.role_kind, obj.spec.role_name),
                                  "cannot change roleRef"))
    elif isinstance(getattr(obj.spec, "template", None), PodTemplate) and obj.kind != "CronJob":
        if obj.kind in SELECTOR_FIXED and obj.spec.selector != old.spec.selector:
            out.append(FieldError("spec.selector", INVALID, printed_selector(obj.spec.selector), IMMUTABLE))
        out += pod_template(obj.spec.template, "spec.template.spec", minor)
    return out


# ValidateDeploymentUpdate, ValidateReplicaSetUpdate, ValidateDaemonSetUpdate (pkg/apis/apps/validation/
# validation.go): apps/v1 selectors never change (a StatefulSet's whole spec is covered above).
SELECTOR_FIXED = ("Deployment", "ReplicaSet", "DaemonSet")
IMMUTABLE = "field is immutable"


def printed_selector(sel) -> Printed:
    """A metav1.LabelSelector as field.Invalid prints it: Go's %#v (map keys sorted, nil for empty) or its JSON
    (matchExpressions and a requirement's values left out when empty)."""
    as_json: dict = {}
    if sel.match_labels:
        as_json["matchLabels"] = dict(sorted(sel.match_labels))
    if sel.expressions:
        as_json["matchExpressions"] = [{"key": r.key, "operator": r.operator, **({"values": list(r.values)}
                                                                                if r.values else {})}
                                       for r in sel.expressions]
    return Printed(go=_go_selector(sel), json=go_json(as_json))


def _go_selector(sel) -> str:
    labels = ("map[string]string{" + ", ".join(f"{go_quote(k)}:{go_quote(v)}" for k, v in sorted(sel.match_labels))
              + "}") if sel.match_labels else "map[string]string(nil)"

    def req(r) -> str:
        values = "[]string{" + ", ".join(go_quote(x) for x in r.values) + "}" if r.values else "[]string(nil)"
        return f"v1.LabelSelectorRequirement{{Key:{go_quote(r.key)}, Operator:{go_quote(r.operator)}, Values:{values}}}"
    exprs = ("[]v1.LabelSelectorRequirement{" + ", ".join(req(r) for r in sel.expressions) + "}"
             if sel.expressions else "[]v1.LabelSelectorRequirement(nil)")
    return f"v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{exprs}}}"


# ---- the registry's step --------------------------------------------------------------------------
def registry(obj: ApiObject, info: ResourceInfo, services=None, old: ApiObject | None = None,
             minor: int = DEFAULT_MINOR) -> ApiObject | ApiError:
    """The registry's part of a create (`old` None) or an update, after mutating admission: the Service
    allocators give a ClusterIP and NodePorts, then the strategy validates, in Kubernetes 1.`minor`'s words.
    `kdsl check` runs this same step on every declared object (kdsl/engine/precheck.py), so both moments say
    the same thing."""
    if services is not None and obj.kind == "Service":
        obj = services.allocate(obj, old)
        if isinstance(obj, ApiError):
            return obj
    errors = validate_create(obj, minor) if old is None else validate_update(obj, old, minor)
    return invalid(info.kind, info.group, obj.name, errors, minor) if errors else obj


def decoded(obj: ApiObject) -> ApiObject:
    """Decoding a v1 Secret merges stringData into data (it wins on a clash); it is never stored."""
    return attrs.evolve(obj, spec=obj.spec.merged()) if obj.kind == "Secret" else obj


SCHEDULING_GATED = "Scheduling is blocked due to non-empty scheduling gates"


def prepare_for_create(obj: ApiObject, now_ms: int) -> ApiObject:
    """The pod strategy's PrepareForCreate: a pod created with scheduling gates says why it waits, since
    the scheduler will not look at it (so it writes no Unschedulable condition of its own)."""
    if obj.kind != "Pod" or not obj.spec.template.scheduling_gates:
        return obj
    status = obj.status or PodStatus()
    if any(c.type == "PodScheduled" for c in status.conditions):
        return obj
    cond = Condition(type="PodScheduled", status="False", reason="SchedulingGated", message=SCHEDULING_GATED,
                     last_transition_ms=now_ms)
    return attrs.evolve(obj, status=attrs.evolve(status, conditions=status.conditions + (cond,)))

