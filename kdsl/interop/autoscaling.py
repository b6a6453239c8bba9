"""HorizontalPodAutoscalers in and out: autoscaling/v2 manifests (v1 read as v2) and the `hpa` statement."""

from __future__ import annotations

from kdsl.core import values as v
from kdsl.model.autoscaling import (TARGET_API, HorizontalPodAutoscaler, HPABehavior, ResourceMetric, ScalingPolicy,
                                    ScalingRules)
from kdsl.interop.emit_base import Writer, meta, ref_name
from kdsl.interop.pods import quantity

_KINDS = set(TARGET_API)


def v1_as_v2(d: dict) -> dict:
    """autoscaling/v1 as the API server converts it to v2: targetCPUUtilizationPercentage is a cpu Utilization
    metric (pkg/apis/autoscaling/v1/conversion.go)."""
    spec = dict(d.get("spec") or {})
    pct = spec.pop("targetCPUUtilizationPercentage", None)
    if pct is not None:
        spec["metrics"] = [{"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": pct}}}]
    return {**d, "apiVersion": "autoscaling/v2", "spec": spec}


def _int(x) -> int | None:
    return x if isinstance(x, int) and not isinstance(x, bool) else None


def _metric(m) -> ResourceMetric | None:
    if not isinstance(m, dict) or m.get("type") != "Resource" or not isinstance(m.get("resource"), dict):
        return None
    r = m["resource"]
    name, target = r.get("name"), r.get("target") if isinstance(r.get("target"), dict) else {}
    if name not in ("cpu", "memory"):
        return None
    if target.get("type") == "Utilization" and _int(target.get("averageUtilization")) is not None:
        return ResourceMetric(resource=name, target_type="Utilization",
                              average_utilization=target["averageUtilization"])
    if target.get("type") == "AverageValue" and isinstance(target.get("averageValue"), (str, int)):
        try:
            value = (v.millicores if name == "cpu" else v.byte_count)(str(target["averageValue"]))
        except v.BadValue:
            return None
        return ResourceMetric(resource=name, target_type="AverageValue", average_value=value)
    return None


def _rules(r, make) -> ScalingRules | None:
    """One direction's rules; None when a field kdsl cannot say is there (it then stays in `yaml`)."""
    if r is None:
        return make()
    if not isinstance(r, dict) or r.get("selectPolicy") not in (None, "Max", "Min", "Disabled"):
        return None
    policies = []
    for p in r.get("policies") or ():
        if not isinstance(p, dict) or p.get("type") not in ("Pods", "Percent") or _int(p.get("value")) is None \
                or _int(p.get("periodSeconds")) is None:
            return None
        policies.append(ScalingPolicy(type=p["type"], value=p["value"], period_seconds=p["periodSeconds"]))
    return make(_int(r.get("stabilizationWindowSeconds")), r.get("selectPolicy"), tuple(policies) or None)


def read_hpa(d: dict, m) -> HorizontalPodAutoscaler | None:
    spec = d["spec"] if isinstance(d.get("spec"), dict) else {}
    ref = spec.get("scaleTargetRef") if isinstance(spec.get("scaleTargetRef"), dict) else {}
    if ref.get("kind") not in _KINDS or not isinstance(ref.get("name"), str) or _int(spec.get("maxReplicas")) is None:
        return None
    metrics = [_metric(x) for x in spec.get("metrics") or ()]
    if None in metrics:
        return None
    behavior = None
    if isinstance(spec.get("behavior"), dict):
        up = _rules(spec["behavior"].get("scaleUp"), ScalingRules.scale_up)
        down = _rules(spec["behavior"].get("scaleDown"), ScalingRules.scale_down)
        if up is None or down is None:
            return None
        behavior = HPABehavior(scale_up=up, scale_down=down)
    return HorizontalPodAutoscaler.build(**m.common(), target_kind=ref["kind"], target_name=ref["name"],
                                         min_replicas=_int(spec.get("minReplicas")), max_replicas=spec["maxReplicas"],
                                         metrics=tuple(metrics), behavior=behavior)


def _target(x: ResourceMetric) -> dict:
    if x.target_type == "Utilization":
        return {"type": "Utilization", "averageUtilization": x.average_utilization}
    return {"type": "AverageValue", "averageValue": quantity(x.resource, x.average_value)}


def _rules_spec(r: ScalingRules) -> dict:
    return {"stabilizationWindowSeconds": r.stabilization_window_seconds, "selectPolicy": r.select_policy,
            "policies": [{"type": p.type, "value": p.value, "periodSeconds": p.period_seconds} for p in r.policies]}


def hpa_spec(obj: HorizontalPodAutoscaler, out) -> dict:
    """The v2 spec as the API server stores it after defaulting; `behavior` only when the text gave it."""
    spec: dict = {"scaleTargetRef": {"apiVersion": obj.target_api_version, "kind": obj.target_kind,
                                     "name": obj.target_name},
                  "minReplicas": obj.min_replicas, "maxReplicas": obj.max_replicas,
                  "metrics": [{"type": "Resource", "resource": {"name": x.resource, "target": _target(x)}}
                              for x in obj.metrics]}
    if obj.behavior_given:
        spec["behavior"] = {"scaleUp": _rules_spec(obj.behavior.scale_up),
                            "scaleDown": _rules_spec(obj.behavior.scale_down)}
    return spec


def _rule_line(direction: str, r: ScalingRules) -> str:
    parts = [direction, f"window={r.stabilization_window_seconds}s", f"select={r.select_policy}"]
    for p in r.policies:
        parts += ["policy", f"{p.type.lower()}={p.value}", "per", f"{p.period_seconds}s"]
    return " ".join(parts)


def emit_hpa(w: Writer, obj: HorizontalPodAutoscaler, depth: int, ns: str | None) -> None:
    head = ["hpa", ref_name(obj, ns), f"target={obj.target_kind.lower()}/{obj.target_name}",
            f"min={obj.min_replicas}", f"max={obj.max_replicas}"]
    for x in obj.metrics:
        if x.target_type == "Utilization":
            head.append(f"{x.resource}={x.average_utilization}%")
        else:
            head.append(f"{x.resource}={quantity(x.resource, x.average_value)}")
    body = [(0, _rule_line("scale-up", obj.behavior.scale_up)),
            (0, _rule_line("scale-down", obj.behavior.scale_down))] if obj.behavior_given else []
    w.block(depth, " ".join(head), body + meta(obj, depth))
