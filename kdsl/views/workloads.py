"""Workload, storage and HPA tables: controllers with their status columns; claims joined to volumes and pods."""

# Workload and storage tables: Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs with their
# status columns; PVCs joined to their PVs and the pods that use them; HorizontalPodAutoscalers as `kubectl get hpa`.

from __future__ import annotations

import pandas as pd

from kdsl.engine.apiserver.resources import format_quantity
from kdsl.engine.autoscaling.printers import format_hpa_metrics
from kdsl.engine.controllers.horizontal_status import HPAStatus, metric_specs
from kdsl.model.config import ACCESS_SHORT
from kdsl.views.common import age, frame, moment, objects, owner, select, shown, when

WORKLOAD_KINDS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob")
WORKLOAD_COLUMNS = ("KIND", "NAMESPACE", "NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE",
                    "COMPLETIONS", "STATUS", "COMPLETED INDEXES", "IMAGES", "SELECTOR", "OWNER", "AGE")
# kubectl get's status columns of each kind in one table; `wide=True` adds an Indexed Job's COMPLETED INDEXES (its
# status.completedIndexes, as kubectl describe shows it), IMAGES, SELECTOR (as -o wide) and OWNER.
WORKLOAD_DEFAULT = ("KIND", "NAMESPACE", "NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE",
                    "COMPLETIONS", "STATUS", "AGE")


def _n(status, name: str):
    """A count from a controller's status object; None before the controller wrote one."""
    return getattr(status, name, None) if status is not None else None


def _conditions(status) -> str | None:
    """The conditions that hold (`Available,Progressing`), or why one does not (`ReplicaFailure`)."""
    conds = getattr(status, "conditions", ()) or ()
    held = [c.type for c in conds if c.status == "True"]
    return ",".join(held) or None


def _job_status(status) -> str:
    """kubectl's Job STATUS: Complete, Failed, Suspended, Running, or Pending before any pod runs."""
    if status is None:
        return "Pending"
    for kind in ("Complete", "Failed", "FailureTarget", "SuccessCriteriaMet", "Suspended"):
        if status.condition(kind) is not None:
            return {"FailureTarget": "Failed", "SuccessCriteriaMet": "Complete"}.get(kind, kind)
    return "Running" if status.active or status.succeeded or status.failed else "Pending"


def _counts(o) -> tuple:
    """(DESIRED, CURRENT, READY, UP-TO-DATE, AVAILABLE, COMPLETIONS, STATUS) as kubectl get shows each kind."""
    s, spec = o.status, o.spec
    if o.kind in ("Deployment", "ReplicaSet", "StatefulSet"):
        current = _n(s, "replicas")
        return (spec.replicas, current, _n(s, "ready_replicas"), _n(s, "updated_replicas"),
                _n(s, "available_replicas"), None, _conditions(s))
    if o.kind == "DaemonSet":
        return (_n(s, "desired_number_scheduled"), _n(s, "current_number_scheduled"), _n(s, "number_ready"),
                _n(s, "updated_number_scheduled"), _n(s, "number_available"), None, _conditions(s))
    if o.kind == "Job":
        want = spec.completions
        done = _n(s, "succeeded") or 0
        return (want, _n(s, "active"), _n(s, "ready"), None, None, f"{done}/{want if want is not None else 1}",
                _job_status(s))
    active = len(getattr(s, "active", ()) or ())  # CronJob
    last = getattr(s, "last_schedule_ms", None)
    state = "Suspended" if spec.suspend else f"{spec.schedule}, last schedule {when(last)}"
    return (None, active, None, None, None, None, state)


def workloads(sim, at=None, namespace=None, selector=None, wide: bool = False) -> pd.DataFrame:
    """kubectl get deployments,replicasets,statefulsets,daemonsets,jobs,cronjobs,hpa -o wide as one table;
    a column a kind does not have is None."""
    t = moment(sim, at)
    rows = []
    for kind in WORKLOAD_KINDS:
        for o in select(objects(sim, kind, t, namespace), None, selector):
            tpl = o.spec.template
            images = ",".join(c.image for c in tpl.containers) or None
            sel = str(o.spec.selector) if kind != "CronJob" else None
            indexes = (o.status.completed_indexes or None) if kind == "Job" and o.status is not None else None
            rows.append((kind, o.namespace, o.name, *_counts(o), indexes, images, sel or None, owner(o),
                         age(t, o.meta.creation_ms)))
    rows += hpa_rows(sim, t, namespace, selector)  # the HPAs that scale them
    return shown(frame(WORKLOAD_COLUMNS, rows), WORKLOAD_DEFAULT, namespace, wide)


STORAGE_COLUMNS = ("NAMESPACE", "CLAIM", "CLAIM STATUS", "VOLUME", "VOLUME STATUS", "CAPACITY", "REQUESTED",
                   "ACCESS MODES", "STORAGECLASS", "RECLAIM POLICY", "PODS", "AGE")
# kubectl get pvc's columns; `wide=True` adds the volume's status and reclaim policy, the request and the pods.
STORAGE_DEFAULT = ("NAMESPACE", "CLAIM", "CLAIM STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "AGE")


def _modes(modes) -> str | None:
    return ",".join(ACCESS_SHORT.get(m, m) for m in modes) or None


def _phase(status) -> str:
    return getattr(status, "phase", None) or "Pending"


def storage(sim, at=None, namespace=None, selector=None, wide: bool = False) -> pd.DataFrame:
    """kubectl get pvc,pv joined: one row per claim with the volume bound to it (capacity and access
    modes are the volume's once bound, as the claim's status reports them), the pods whose volumes
    name the claim, then one row per volume no claim holds (no CLAIM). `selector` selects claims."""
    t = moment(sim, at)
    pvs = {v.name: v for v in objects(sim, "PersistentVolume", t)}
    users: dict[tuple[str, str], list[str]] = {}
    for p in objects(sim, "Pod", t, namespace):
        for vol in p.spec.template.volumes:
            if vol.source == "pvc":
                users.setdefault((p.namespace, vol.ref), []).append(p.name)
    rows, used = [], set()
    for c in select(objects(sim, "PersistentVolumeClaim", t, namespace), None, selector):
        pv = pvs.get(c.spec.volume_name or "")
        if pv is not None:
            used.add(pv.name)
        cs = c.status
        cap = getattr(cs, "capacity", None)
        modes = getattr(cs, "access_modes", ()) or ()
        rows.append((c.namespace, c.name, _phase(cs), pv.name if pv is not None else (c.spec.volume_name or None),
                     _phase(pv.status) if pv is not None else None,
                     format_quantity("storage", cap) if cap else None, format_quantity("storage", c.spec.storage),
                     _modes(modes) if modes else None, c.spec.storage_class or None,
                     pv.spec.reclaim_policy if pv is not None else None,
                     ",".join(users.get((c.namespace, c.name), [])) or None, age(t, c.meta.creation_ms)))
    if namespace is None and selector is None:
        for pv in pvs.values():
            if pv.name in used:
                continue
            rows.append((None, None, None, pv.name, _phase(pv.status), format_quantity("storage", pv.spec.capacity),
                         None, _modes(pv.spec.access_modes), pv.spec.storage_class or None,
                         pv.spec.reclaim_policy, None, age(t, pv.meta.creation_ms)))
    return shown(frame(STORAGE_COLUMNS, rows), STORAGE_DEFAULT, namespace, wide)


HPA_KIND = "HorizontalPodAutoscaler"
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


def _hpa_conditions(status: HPAStatus) -> str | None:
    held = [f"{c.type}={c.status}({c.reason})" for c in status.conditions]
    return ",".join(held) or None


def hpas(sim, at=None, namespace=None, selector=None, wide: bool = False) -> pd.DataFrame:
    """kubectl get hpa -A: one row per HorizontalPodAutoscaler standing at `at` (default: the end)."""
    t = moment(sim, at)
    rows = []
    for o in select(objects(sim, HPA_KIND, t, namespace), None, selector):
        status = o.status or HPAStatus()
        rows.append((o.namespace, o.name, reference(o), targets(o), o.spec.min_replicas, o.spec.max_replicas,
                     status.current_replicas, status.desired_replicas,
                     when(status.last_scale_ms) if status.last_scale_ms is not None else None,
                     _hpa_conditions(status), age(t, o.meta.creation_ms)))
    return shown(frame(HPA_COLUMNS, rows), HPA_DEFAULT, namespace, wide)


def hpa_rows(sim, t: int, namespace=None, selector=None) -> list[tuple]:
    """The HPAs as rows of the workloads table (its WORKLOAD_COLUMNS): DESIRED and CURRENT are the status's
    counts, STATUS says what it scales, its targets and its bounds."""
    rows = []
    for o in select(objects(sim, HPA_KIND, t, namespace), None, selector):
        status = o.status or HPAStatus()
        text = f"{reference(o)}, {targets(o)}, min {o.spec.min_replicas}, max {o.spec.max_replicas}"
        rows.append((HPA_KIND, o.namespace, o.name, status.desired_replicas, status.current_replicas, None, None, None,
                     None, text, None, None, None, None, age(t, o.meta.creation_ms)))
    return rows
