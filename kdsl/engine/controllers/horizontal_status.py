"""What the HPA controller reads and writes: its status, the pods' states and requests, its spec as decide takes it."""

from __future__ import annotations

import attrs

from kdsl.engine import expect
from kdsl.engine.autoscaling import behavior as bh
from kdsl.engine.autoscaling.horizontal import MetricSpec, MetricStatus
from kdsl.engine.autoscaling.replica_calculator import MetricError, PodState, Sample, calculate_request
from kdsl.engine.metrics import pod_metrics
from kdsl.engine.objects import ApiObject, Condition


@attrs.frozen(kw_only=True)
class HPAStatus:
    """autoscaling/v2 HorizontalPodAutoscalerStatus: currentMetrics has one entry per spec metric (None where
    the metric could not be read, printed <unknown>); lastScaleTime is None until the first rescale."""

    current_replicas: int = 0
    desired_replicas: int = 0
    last_scale_ms: int | None = None
    current_metrics: tuple[MetricStatus | None, ...] = ()
    conditions: tuple[Condition, ...] = ()

    def condition(self, type_: str) -> Condition | None:
        return next((c for c in self.conditions if c.type == type_), None)


def metric_specs(hpa) -> tuple[MetricSpec, ...]:
    """The model's ResourceMetrics as decide takes them (a Utilization target or an AverageValue one)."""
    return tuple(MetricSpec(m.resource, m.average_utilization if m.target_type == "Utilization" else None,
                            m.average_value if m.target_type == "AverageValue" else None) for m in hpa.metrics)


def _rules(rules) -> bh.Rules:
    return bh.Rules(rules.stabilization_window_seconds, rules.select_policy,
                    tuple(bh.Policy(p.type, p.value, p.period_seconds) for p in rules.policies))


def behavior(hpa) -> tuple[bh.Rules, bh.Rules] | None:
    """spec.behavior as (scaleUp, scaleDown) rules; None when the HPA gave none, as the API server then stores
    none and horizontal.go takes normalizeDesiredReplicas's path (the 2x-or-4 limit and the downscale flag)."""
    if not hpa.behavior_given:
        return None
    return _rules(hpa.behavior.scale_up), _rules(hpa.behavior.scale_down)


def pod_state(pod: ApiObject) -> PodState:
    """What groupPods reads of a pod: its phase, Ready condition (None when it has none), start time, deletion."""
    status = pod.status
    ready = status.condition("Ready")
    return PodState(phase=status.phase, ready=None if ready is None else ready.status == "True",
                    ready_transition_ms=ready.last_transition_ms if ready is not None else 0,
                    start_ms=status.start_ms, deleting=pod.meta.deletion_ms is not None)


def pod_requests(pod: ApiObject, resources) -> tuple[dict[str, int], dict[str, str]]:
    """calculatePodRequests: each resource the app containers and sidecars all request, summed, and for a
    resource some container does not request, upstream's error naming that container."""
    tpl = pod.spec.template
    containers = [(c.name, dict(c.requests.items())) for c in tpl.containers]
    containers += [(c.name, dict(c.requests.items())) for c in tpl.init_containers if c.restart_policy == "Always"]
    out, errors = {}, {}
    for resource in resources:
        try:
            out[resource] = calculate_request(pod.name, containers, resource)
        except MetricError as err:
            errors[resource] = str(err)
    return out, errors


def samples(usage, pods: list[ApiObject], resources, now_ms: int) -> dict[str, dict[str, Sample]]:
    """The resource metrics API's answer for the pods (metrics-server's last scrape), per resource."""
    out: dict[str, dict[str, Sample]] = {r: {} for r in resources}
    for pod in pods:
        m = pod_metrics(usage, pod.key, now_ms)
        if m is None:
            continue
        for r in resources:
            out[r][pod.name] = Sample(m.cpu if r == "cpu" else m.memory, m.timestamp_ms, m.window_ms)
    return out


def hpa_values(obj: ApiObject, checker, t: int) -> dict:
    """`expect hpa NS/NAME ...`: replicas (status.currentReplicas), desired, min, max, limited (ScalingLimited)."""
    status = obj.status or HPAStatus()
    limited = status.condition("ScalingLimited")
    return {"replicas": status.current_replicas, "desired": status.desired_replicas,
            "min": obj.spec.min_replicas, "max": obj.spec.max_replicas,
            "limited": limited is not None and limited.status == "True"}


expect.register("hpa", "HorizontalPodAutoscaler", hpa_values)
