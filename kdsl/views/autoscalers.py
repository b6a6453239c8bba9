"""HorizontalPodAutoscalers as `kubectl get hpa` prints them: reference, targets, bounds and replicas."""

from __future__ import annotations

import pandas as pd

from kdsl.engine.autoscaling.printers import format_hpa_metrics
from kdsl.engine.controllers.horizontal_status import HPAStatus, metric_specs
from kdsl.views.common import age, frame, moment, objects, select, shown, when

KIND = "HorizontalPodAutoscaler"
HPA_COLUMNS = ("NAMESPACE", "NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "DESIRED",
               "LAST SCALE", "CONDITIONS", "AGE")
# kubectl get hpa's columns (pkg/printers/internalversion/printers.go printHorizontalPodAutoscaler); `wide=True`
# adds the status's desired count, its last scale time and the conditions that hold.
HPA_DEFAULT = ("NAMESPACE", "NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE")


def reference(hpa) -> str:
    """spec.scaleTargetRef as kubectl prints it: `Deployment/web`."""
    return f"{hpa.spec.target_kind}/{hpa.spec.target_name}"


def targets(hpa) -> str:
    """The TARGETS column: each metric's current value (<unknown> before the controller read one) over its target."""
    status = hpa.status or HPAStatus()
    return format_hpa_metrics(metric_specs(hpa.spec), status.current_metrics)


def _conditions(status: HPAStatus) -> str | None:
    held = [f"{c.type}={c.status}({c.reason})" for c in status.conditions]
    return ",".join(held) or None


def hpas(sim, at=None, namespace=None, selector=None, wide: bool = False) -> pd.DataFrame:
    """kubectl get hpa -A: one row per HorizontalPodAutoscaler standing at `at` (default: the end)."""
    t = moment(sim, at)
    rows = []
    for o in select(objects(sim, KIND, t, namespace), None, selector):
        status = o.status or HPAStatus()
        rows.append((o.namespace, o.name, reference(o), targets(o), o.spec.min_replicas, o.spec.max_replicas,
                     status.current_replicas, status.desired_replicas,
                     when(status.last_scale_ms) if status.last_scale_ms is not None else None,
                     _conditions(status), age(t, o.meta.creation_ms)))
    return shown(frame(HPA_COLUMNS, rows), HPA_DEFAULT, namespace, wide)


def workload_rows(sim, t: int, namespace=None, selector=None) -> list[tuple]:
    """The HPAs as rows of the workloads table (its WORKLOAD_COLUMNS): DESIRED and CURRENT are the status's
    counts, STATUS says what it scales, its targets and its bounds."""
    rows = []
    for o in select(objects(sim, KIND, t, namespace), None, selector):
        status = o.status or HPAStatus()
        text = f"{reference(o)}, {targets(o)}, min {o.spec.min_replicas}, max {o.spec.max_replicas}"
        rows.append((KIND, o.namespace, o.name, status.desired_replicas, status.current_replicas, None, None, None,
                     None, text, None, None, None, None, age(t, o.meta.creation_ms)))
    return rows
