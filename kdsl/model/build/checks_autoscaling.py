"""Checks of load and autoscaling: HPAs as the API server validates them, what loads and HPAs name, pool bounds."""

from __future__ import annotations

from kdsl.core.values import format_bytes, format_millicores
from kdsl.model.autoscaling import HorizontalPodAutoscaler, Load, ScalingRules
from kdsl.model.build.context import Ctx
from kdsl.model.build.declared import Declared, nearest, ref, resource, word
from kdsl.model.timeline import SetLoad

# pkg/apis/autoscaling/validation/validation.go: MaxPeriodSeconds, MaxStabilizationWindowSeconds.
MAX_PERIOD_SECONDS = 1800
MAX_STABILIZATION_WINDOW_SECONDS = 3600


def load_not_found(ctx: Ctx, load: Load, where, live_names, why: str = "") -> None:
    """A load on a workload that does not stand then: the NotFound the API server gives for its /scale."""
    near = nearest(load.name, live_names)
    hint = f"`load {word(load.kind)} {ref(load.kind, load.namespace, near)}`" if near else None
    ctx.error(where, f'{resource(load.kind)} "{load.name}" not found in namespace {load.namespace}{why}',
              suggestion=hint)


def check_autoscaling(ctx: Ctx, scenario, d: Declared) -> None:
    # what stands at 0s, for the loads (of which most scenarios have none)
    at_start = {(o.kind, getattr(o, "namespace", None), o.name) for o in scenario.objects} if scenario.loads else set()
    for load in scenario.loads:
        if load.namespace not in d.namespaces:
            ctx.error(load.span, f'namespaces "{load.namespace}" not found; declare `namespace {load.namespace}`')
        elif (load.kind, load.namespace, load.name) not in at_start:
            names = [k[2] for k in at_start if k[0] == load.kind and k[1] == load.namespace]
            load_not_found(ctx, load, load.span, names)
    seen: dict[str, HorizontalPodAutoscaler] = {}
    for hpa in scenario.autoscalers:
        what = f"hpa {hpa.key}"
        if hpa.key in seen:
            ctx.error(ctx.name_span(hpa.span), f"{what} is declared twice (first declared at {seen[hpa.key].span})")
        seen.setdefault(hpa.key, hpa)
        if hpa.namespace not in d.namespaces:
            ctx.error(ctx.name_span(hpa.span), f'{what}: namespaces "{hpa.namespace}" not found; '
                                               f"declare `namespace {hpa.namespace}`")
        _validate(ctx, hpa, what)
        _target(ctx, hpa, d, what)


def _invalid(ctx: Ctx, hpa: HorizontalPodAutoscaler, what: str, field: str, value, msg: str, where=None) -> None:
    """As the API server words a field.Invalid: `spec.maxReplicas: Invalid value: 1: must be ...`."""
    ctx.error(where or hpa.span, f"{what}: {field}: Invalid value: {value}: {msg}")


def _validate(ctx: Ctx, hpa: HorizontalPodAutoscaler, what: str) -> None:
    """pkg/apis/autoscaling/validation/validation.go validateHorizontalPodAutoscalerSpec, for what kdsl writes."""
    if hpa.min_replicas < 1:  # 0 only with the HPAScaleToZero alpha gate and an Object or External metric
        _invalid(ctx, hpa, what, "spec.minReplicas", hpa.min_replicas, "must be greater than or equal to 1")
    if hpa.max_replicas < 1:
        _invalid(ctx, hpa, what, "spec.maxReplicas", hpa.max_replicas, "must be greater than 0")
    if hpa.max_replicas < hpa.min_replicas:
        _invalid(ctx, hpa, what, "spec.maxReplicas", hpa.max_replicas, "must be greater than or equal to `minReplicas`")
    for i, m in enumerate(hpa.metrics):
        field = f"spec.metrics[{i}].resource.target"
        if m.average_utilization is not None and m.average_utilization < 1:
            _invalid(ctx, hpa, what, f"{field}.averageUtilization", m.average_utilization, "must be greater than 0",
                     m.span)
        if m.average_value is not None and m.average_value <= 0:
            shown = format_millicores(m.average_value) if m.resource == "cpu" else format_bytes(m.average_value)
            _invalid(ctx, hpa, what, f"{field}.averageValue", f'"{shown}"', "must be positive", m.span)
    if hpa.behavior_given:
        _rules(ctx, hpa, what, "spec.behavior.scaleUp", hpa.behavior.scale_up)
        _rules(ctx, hpa, what, "spec.behavior.scaleDown", hpa.behavior.scale_down)


def _rules(ctx: Ctx, hpa: HorizontalPodAutoscaler, what: str, field: str, rules: ScalingRules) -> None:
    window = rules.stabilization_window_seconds
    if window > MAX_STABILIZATION_WINDOW_SECONDS:
        _invalid(ctx, hpa, what, f"{field}.stabilizationWindowSeconds", window,
                 f"must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}", rules.span)
    for i, p in enumerate(rules.policies):
        at = f"{field}.policies[{i}]"
        if p.value <= 0:
            _invalid(ctx, hpa, what, f"{at}.value", p.value, "must be greater than zero", p.span)
        if p.period_seconds <= 0:
            _invalid(ctx, hpa, what, f"{at}.periodSeconds", p.period_seconds, "must be greater than zero", p.span)
        if p.period_seconds > MAX_PERIOD_SECONDS:
            _invalid(ctx, hpa, what, f"{at}.periodSeconds", p.period_seconds,
                     f"must be less than or equal to {MAX_PERIOD_SECONDS}", p.span)


def _target(ctx: Ctx, hpa: HorizontalPodAutoscaler, d: Declared, what: str) -> None:
    """The API server takes an HPA whose target is missing (the controller then reports FailedGetScale): a
    warning, as for an Ingress's missing Service; a Utilization target needs a request in every container
    (replica_calculator.go: "missing request for cpu in container ...")."""
    target = next((o for o in d.of(hpa.target_kind, hpa.namespace) if o.name == hpa.target_name), None)
    tref = f"{word(hpa.target_kind)} {hpa.target_name}"
    if target is None:
        near = nearest(hpa.target_name, [o.name for o in d.of(hpa.target_kind, hpa.namespace)])
        ctx.warn(hpa.span, f"{what} scales {tref}, which is not declared in namespace {hpa.namespace}",
                 suggestion=f"`target={word(hpa.target_kind)}/{near}`" if near else None)
        return
    for m in hpa.metrics:
        if m.target_type != "Utilization":
            continue
        missing = [c.name for c in target.template.containers if getattr(c.requests, m.resource) is None]
        if missing:
            ctx.warn(m.span or hpa.span, f"{what} targets {m.resource} utilization, but container "
                                         f"{', '.join(missing)} of {tref} has no {m.resource} request; the HPA "
                                         f"controller reports \"missing request for {m.resource}\" and does not scale")


def check_set_load(ctx: Ctx, a: SetLoad, live: dict, why_missing) -> None:
    """`at T: load ...`: the workload must stand at that moment (check_timeline plays the timeline)."""
    ld = a.load
    k = (ld.kind, ld.namespace, ld.name)
    if k in live:
        return  # it stands then: the load is set on it
    names = [x[2] for x in live if x[0] == ld.kind and x[1] == ld.namespace]
    load_not_found(ctx, ld, a.span, names, why_missing(k))
