"""Pod tables: pods, containers, conditions, events, the scheduler's explanation and the timeline."""

from __future__ import annotations

import attrs
import pandas as pd

from kdsl.engine import podview
from kdsl.engine.apiserver.resources import format_quantity
from kdsl.engine.kubelet.phase import is_sidecar
from kdsl.engine.kubelet.status_text import human_duration
from kdsl.engine.objects import ApiObject, Running, Terminated, Waiting
from kdsl.views.common import NONE, ViewError, frame, moment, objects, owner, select, when
from kdsl.views.history import pod_changes

POD_COLUMNS = ("NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "PHASE", "QOS", "OWNER",
               "REPORTED")


def node_map(sim, t: int) -> dict[str, ApiObject]:
    return {n.name: n for n in objects(sim, "Node", t)}


def pod_objects(sim, t: int, namespace=None, selector=None) -> list[ApiObject]:
    return select(objects(sim, "Pod", t, namespace), None, selector)


def pods(sim, at=None, namespace=None, selector=None) -> pd.DataFrame:
    """kubectl get pods -o wide, plus PHASE (kdsl shows Unknown on a lost node), QOS, the controlling
    OWNER and REPORTED (the phase the kubelet last reported)."""
    t = moment(sim, at)
    nodes = node_map(sim, t)
    rows = []
    for p in pod_objects(sim, t, namespace, selector):
        r = podview.row(p, nodes, t)
        rows.append((r["NAMESPACE"], r["NAME"], r["READY"], r["STATUS"], r["RESTARTS"], r["AGE"], r["IP"],
                     r["NODE"], r["PHASE"], podview.qos_class(p.spec.template), owner(p), r["REPORTED"]))
    return frame(POD_COLUMNS, rows)


CONTAINER_COLUMNS = ("NAMESPACE", "POD", "CONTAINER", "TYPE", "IMAGE", "READY", "STARTED", "STATE", "REASON",
                     "EXIT CODE", "RESTARTS", "LAST STATE", "CPU REQUEST", "MEMORY REQUEST", "CPU LIMIT",
                     "MEMORY LIMIT")


def _state(state) -> tuple[str, str, object]:
    """(STATE, REASON, EXIT CODE) as kubectl describe words a container's state."""
    if isinstance(state, Running):
        return "Running", "", None
    if isinstance(state, Terminated):
        return "Terminated", state.reason, state.exit_code
    if isinstance(state, Waiting):
        return "Waiting", state.reason, None
    return NONE, "", None


def _quantity(resource: str, value) -> str:
    return format_quantity(resource, value) if value is not None else NONE


def containers(sim, at=None, namespace=None, selector=None) -> pd.DataFrame:
    """One row per container of each pod: init containers (and sidecars) first, in spec order."""
    t = moment(sim, at)
    rows = []
    for p in pod_objects(sim, t, namespace, selector):
        tpl = p.spec.template
        statuses = {s.name: s for s in p.status.init_container_statuses + p.status.container_statuses}
        for kind, spec in [("sidecar" if is_sidecar(c) else "init", c) for c in tpl.init_containers] + \
                [("app", c) for c in tpl.containers]:
            s = statuses.get(spec.name)
            state, reason, code = _state(s.state if s is not None else None)
            last = _state(s.last_state)[1] if s is not None and s.last_state is not None else NONE
            rows.append((p.namespace, p.name, spec.name, kind, spec.image, bool(s and s.ready),
                         bool(s and s.started), state, reason, code, s.restart_count if s else 0, last,
                         _quantity("cpu", spec.requests.cpu), _quantity("memory", spec.requests.memory),
                         _quantity("cpu", spec.limits.cpu), _quantity("memory", spec.limits.memory)))
    return frame(CONTAINER_COLUMNS, rows)


CONDITION_COLUMNS = ("NAMESPACE", "POD", "TYPE", "STATUS", "REASON", "MESSAGE", "LAST TRANSITION")


def conditions(sim, at=None, namespace=None, selector=None) -> pd.DataFrame:
    """Pod × condition type, as `kubectl describe pod` lists them; LAST TRANSITION is the simulated time."""
    t = moment(sim, at)
    rows = [(p.namespace, p.name, c.type, c.status, c.reason, c.message, when(c.last_transition_ms))
            for p in pod_objects(sim, t, namespace, selector) for c in p.status.conditions]
    return frame(CONDITION_COLUMNS, rows)


EVENT_COLUMNS = ("NAMESPACE", "LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE", "SOURCE", "COUNT", "TIME")


def events(sim, at=None, namespace=None, selector=None) -> pd.DataFrame:
    """kubectl get events: every event up to the moment, oldest first. LAST SEEN is the age at `at`,
    TIME the simulated time. `selector` keeps the events of the objects (at that moment) it matches."""
    t = moment(sim, at)
    keep = None
    if selector is not None:
        keep = {(o.kind, o.namespace, o.name) for k in sorted({e.kind for e in sim.log.events})
                for o in select(objects(sim, k, t), namespace, selector)}
    rows = [(e.namespace or NONE, human_duration(t - e.time_ms), e.type, e.reason, e.object, e.message, e.source,
             e.count, when(e.time_ms))
            for e in sim.log.events
            if e.time_ms <= t and (namespace is None or e.namespace == namespace)
            and (keep is None or (e.kind, e.namespace, e.name) in keep)]
    return frame(EVENT_COLUMNS, rows)


def explain(sim, pod: str, at=None) -> pd.DataFrame:
    """The scheduler's view of one pod (`ns/name` or `name` in default): node × plugin, every filter's
    verdict and every score (Simulation.explain's rows). A past `at` rebuilds the cluster's nodes and
    bound pods as they stood then; claims are read as they stand at the end."""
    t = moment(sim, at)
    if t >= sim.now:
        try:
            rows = sim.explanation(pod).rows()
        except KeyError as exc:
            raise ViewError(exc.args[0]) from None
    else:
        rows = _explain_at(sim, pod, t).rows()
    if not rows:
        return frame(("node",), [])
    return pd.DataFrame(rows, columns=list(rows[0]))


def _explain_at(sim, pod: str, t: int):
    from kdsl.engine.scheduler import Snapshot
    from kdsl.engine.scheduler.explain import explain as run

    ns, _, name = pod.rpartition("/")
    obj = sim.store.at(("Pod", ns or "default", name), t)
    if obj is None:
        raise ViewError(f"pod {ns or 'default'}/{name} does not exist at {when(t)}")
    obj = attrs.evolve(obj, spec=attrs.evolve(obj.spec, template=attrs.evolve(obj.spec.template, node_name=None)))
    bound = [(p.spec.template.node_name, p) for p in objects(sim, "Pod", t)
             if p.spec.template.node_name and p.key != obj.key]
    live = sim.scheduler.snapshot
    snap = Snapshot.build(objects(sim, "Node", t), bound, default_image_size=live.default_image_size)
    snap.image_sizes.update(live.image_sizes)
    return run(obj, snap, sim.scheduler.volumes.for_pod(obj))


TIMELINE_COLUMNS = ("TIME", "NAMESPACE", "POD", "PHASE", "READY", "STATUS", "NODE")


def timeline(sim, namespace=None, selector=None) -> pd.DataFrame:
    """Each pod's phase, readiness and status over time: one row whenever one of them changes (a node
    lost or found changes its pods' phase too), and a `Deleted` row when the pod goes. TIME is in ms,
    so `df.pivot_table(index="TIME", columns="POD", values="READY")` plots as is."""
    shown: dict[tuple, tuple] = {}
    rows = []
    for time_ms, key, pod, nodes in pod_changes(sim, namespace, selector):
        if pod is None:
            value = ("Deleted", False, "Deleted", shown[key][3])
        else:
            value = (podview.phase(pod, nodes), podview.ready(pod, nodes), podview.status(pod, nodes),
                     pod.spec.template.node_name or NONE)
        if shown.get(key) != value:
            shown[key] = value
            rows.append((time_ms, key[1], key[2]) + value)
    return frame(TIMELINE_COLUMNS, rows)
