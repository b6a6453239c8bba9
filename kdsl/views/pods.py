"""Pod tables: pods, containers, conditions, events, the scheduler's explanation and the timeline."""

from __future__ import annotations

import attrs
import pandas as pd

from kdsl.engine import podview
from kdsl.engine.apiserver.resources import format_quantity, pod_requests
from kdsl.engine.event_correlator import filed_namespace
from kdsl.engine.kubelet.phase import is_sidecar
from kdsl.engine.objects import ApiObject, Running, Terminated, Waiting
from kdsl.views.common import ViewError, age, duration, frame, moment, objects, owner, pod_changes, select, shown, when
from kdsl.views.top import cpu_text, memory_text, reported

USE_COLUMNS = ("CPU REQUEST", "CPU USE", "MEMORY REQUEST", "MEMORY USE")  # only when the scenario uses something
POD_COLUMNS = ("NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "PHASE", "QOS", "OWNER",
               "REPORTED", *USE_COLUMNS)
POD_DEFAULT = ("NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE")  # kubectl get pods (-A)


def node_map(sim, t: int) -> dict[str, ApiObject]:
    return {n.name: n for n in objects(sim, "Node", t)}


def pod_objects(sim, t: int, namespace=None, selector=None) -> list[ApiObject]:
    return select(objects(sim, "Pod", t, namespace), None, selector)


def pods(sim, at=None, namespace=None, selector=None, wide: bool = False) -> pd.DataFrame:
    """kubectl get pods; `wide=True` is `-o wide` (IP, NODE) plus PHASE (kdsl shows Unknown on a lost
    node), QOS, the controlling OWNER, REPORTED (the phase the kubelet last reported) and, when the scenario
    says `uses` or `load`, each resource's request beside its use as `kubectl top pods` shows it (`<none>` while
    metrics-server has no metrics of the pod)."""
    t = moment(sim, at)
    nodes = node_map(sim, t)
    used = {p.key: m for p, m in reported(sim, t, namespace, selector)}
    rows = []
    for p in pod_objects(sim, t, namespace, selector):
        r = podview.row(p, nodes, t)
        req, m = pod_requests(p.spec.template), used.get(p.key)
        rows.append((r["NAMESPACE"], r["NAME"], r["READY"], r["STATUS"], r["RESTARTS"], age(t, p.meta.creation_ms),
                     p.status.pod_ip or None, p.spec.template.node_name or None, r["PHASE"],
                     podview.qos_class(p.spec.template), owner(p), r["REPORTED"], _quantity("cpu", req.get("cpu")),
                     cpu_text(m.cpu) if m else None, _quantity("memory", req.get("memory")),
                     memory_text(m.memory) if m else None))
    df = frame(POD_COLUMNS, rows)
    if not sim.usage.active:  # nothing says `uses` or `load`: no use to show beside the requests
        df = df[list(POD_COLUMNS[:-len(USE_COLUMNS)])]
    return shown(df, POD_DEFAULT, namespace, wide)


CONTAINER_COLUMNS = ("NAMESPACE", "POD", "CONTAINER", "TYPE", "IMAGE", "READY", "STARTED", "STATE", "REASON",
                     "EXIT CODE", "RESTARTS", "LAST STATE", "CPU REQUEST", "MEMORY REQUEST", "CPU LIMIT",
                     "MEMORY LIMIT")
CONTAINER_DEFAULT = ("NAMESPACE", "POD", "CONTAINER", "TYPE", "IMAGE", "READY", "STATE", "REASON", "RESTARTS")


def _state(state) -> tuple[str | None, str | None, int | None]:
    """(STATE, REASON, EXIT CODE) as kubectl describe words a container's state; None where it has none."""
    if isinstance(state, Running):
        return "Running", None, None
    if isinstance(state, Terminated):
        return "Terminated", state.reason or None, state.exit_code
    if isinstance(state, Waiting):
        return "Waiting", state.reason or None, None
    return None, None, None


def _quantity(resource: str, value) -> str | None:
    return format_quantity(resource, value) if value is not None else None


def containers(sim, at=None, namespace=None, selector=None, wide: bool = False) -> pd.DataFrame:
    """One row per container of each pod: init containers (and sidecars) first, in spec order. `wide=True`
    adds STARTED, EXIT CODE, LAST STATE and the requests and limits."""
    t = moment(sim, at)
    rows = []
    for p in pod_objects(sim, t, namespace, selector):
        tpl = p.spec.template
        statuses = {s.name: s for s in p.status.init_container_statuses + p.status.container_statuses}
        for kind, spec in [("sidecar" if is_sidecar(c) else "init", c) for c in tpl.init_containers] + \
                [("app", c) for c in tpl.containers]:
            s = statuses.get(spec.name)
            state, reason, code = _state(s.state if s is not None else None)
            last = _state(s.last_state)[1] if s is not None and s.last_state is not None else None
            rows.append((p.namespace, p.name, spec.name, kind, spec.image, bool(s and s.ready),
                         bool(s and s.started), state, reason, code, s.restart_count if s else 0, last,
                         _quantity("cpu", spec.requests.cpu), _quantity("memory", spec.requests.memory),
                         _quantity("cpu", spec.limits.cpu), _quantity("memory", spec.limits.memory)))
    return shown(frame(CONTAINER_COLUMNS, rows), CONTAINER_DEFAULT, namespace, wide)


CONDITION_COLUMNS = ("NAMESPACE", "POD", "TYPE", "STATUS", "REASON", "MESSAGE", "LAST TRANSITION")


def conditions(sim, at=None, namespace=None, selector=None, wide: bool = False) -> pd.DataFrame:
    """Pod × condition type, as `kubectl describe pod` lists them; LAST TRANSITION is the simulated time.
    Every column is a default one (`wide` changes nothing)."""
    t = moment(sim, at)
    rows = [(p.namespace, p.name, c.type, c.status, c.reason or None, c.message or None,
             duration(c.last_transition_ms))
            for p in pod_objects(sim, t, namespace, selector) for c in p.status.conditions]
    return shown(frame(CONDITION_COLUMNS, rows), CONDITION_COLUMNS, namespace, wide)


EVENT_COLUMNS = ("NAMESPACE", "LAST SEEN", "TIME", "TYPE", "REASON", "OBJECT", "MESSAGE", "SOURCE", "COUNT")
# kubectl get events (-A), and TIME: when in the run it happened, what a reader of a scenario looks for.
EVENT_DEFAULT = ("NAMESPACE", "LAST SEEN", "TIME", "TYPE", "REASON", "OBJECT", "MESSAGE")
# The stored Events (the correlator's): kubectl get events' LAST SEEN (lastTimestamp), TIME (that moment of the
# run), COUNT shown by default where kubectl needs -o wide, since repeats are what this view is about; wide adds
# SOURCE and FIRST SEEN (printers.go printEvent's wide columns).
STORED_COLUMNS = ("NAMESPACE", "LAST SEEN", "TIME", "TYPE", "REASON", "OBJECT", "COUNT", "MESSAGE", "SOURCE",
                  "FIRST SEEN")
STORED_DEFAULT = STORED_COLUMNS[:8]


def events(sim, at=None, namespace=None, selector=None, wide: bool = False, all: bool = False) -> pd.DataFrame:
    """kubectl get events: the Events stored up to the moment, a repeat counted in COUNT and similar events
    aggregated as client-go's event correlator does, by last occurrence, oldest first. LAST SEEN is the age at
    `at` of the last occurrence, TIME its moment; `wide=True` adds SOURCE and FIRST SEEN. `all=True` lists
    every occurrence as the event log has it (LAST SEEN, TIME: that occurrence; wide adds SOURCE and COUNT).
    `selector` keeps the events of the objects (at that moment) it matches."""
    t = moment(sim, at)
    keep = None
    if selector is not None:
        keep = {(o.kind, o.namespace, o.name) for k in sorted({e.kind for e in sim.log.events})
                for o in select(objects(sim, k, t), namespace, selector)}

    def kept(e) -> bool:
        return (namespace is None or filed_namespace(e) == namespace) and (keep is None or (e.kind, e.namespace, e.name)
                                                                     in keep)

    if all:
        rows = [(filed_namespace(e), age(t, e.time_ms), duration(e.time_ms), e.type, e.reason, e.object,
                 e.message, e.source, e.count)
                for e in sim.log.events if e.time_ms <= t and kept(e)]
        return shown(frame(EVENT_COLUMNS, rows), EVENT_DEFAULT, namespace, wide)
    # kubectl events sorts by lastTimestamp (SortableEvents); ties keep the order they were created in
    stored = sorted(sim.log.correlated(t), key=lambda e: e.last_ms)
    rows = [(filed_namespace(e), age(t, e.last_ms), duration(e.last_ms), e.type, e.reason, e.object, e.count,
             e.message, e.source, age(t, e.first_ms))
            for e in stored if kept(e)]
    return shown(frame(STORED_COLUMNS, rows), STORED_DEFAULT, namespace, wide)


# One row per node, as a reader asks "why not there?": the first filter that rejected the node (the one
# Kubernetes reports), its reason, the total score of a feasible node. `wide=True` adds every filter's verdict
# and every plugin's raw, normalized and weighted score.
EXPLAIN_DEFAULT = ("NODE", "FEASIBLE", "FAILED FILTER", "REASON", "SCORE")


def explain(sim, pod: str, at=None, wide: bool = False) -> pd.DataFrame:
    """The scheduler's view of one pod (`ns/name` or `name` in default), one row per node (Simulation.explain's
    rows). A past `at` rebuilds the cluster's nodes and bound pods as they stood then; claims are read as they
    stand at the end."""
    from kdsl.engine.scheduler.filters import FILTER_NAMES
    from kdsl.engine.scheduler.scores import WEIGHTS

    rows = explanation(sim, pod, moment(sim, at)).rows()
    filters = [f"filter:{name}" for name in FILTER_NAMES]
    scores = [f"{name}.{part}" for name, _ in WEIGHTS for part in ("raw", "normalized", "weighted")]
    columns = (*EXPLAIN_DEFAULT, "BEST", "UNRESOLVABLE", *filters, *scores)
    table = [(r["node"], r["feasible"], r["failed_plugin"], r["reason"] or None, r["total"], r["best"],
              r["unresolvable"], *(r[k] for k in filters), *(r[k] for k in scores)) for r in rows]
    return shown(frame(columns, table), EXPLAIN_DEFAULT, wide=wide)


def _unbound(obj: ApiObject) -> ApiObject:
    return attrs.evolve(obj, spec=attrs.evolve(obj.spec, template=attrs.evolve(obj.spec.template, node_name=None)))


def scheduling_view(sim, obj: ApiObject, t: int):
    """(the pod without its node, the Snapshot its scheduling cycle would see at `t` ms, the volume hook): the live
    scheduler's at the end; before, the nodes and the other bound pods as they stood then (claims as at the end)."""
    if t >= sim.now:
        return _unbound(obj), sim.scheduler.snapshot_for(obj), sim.scheduler.volumes.for_pod(obj)
    from kdsl.engine.scheduler import Snapshot

    bound = [(p.spec.template.node_name, p) for p in objects(sim, "Pod", t)
             if p.spec.template.node_name and p.key != obj.key]
    live = sim.scheduler.snapshot
    snap = Snapshot.build(objects(sim, "Node", t), bound, default_image_size=live.default_image_size)
    snap.image_sizes.update(live.image_sizes)
    return _unbound(obj), snap, sim.scheduler.volumes.for_pod(obj)


def _explain_at(sim, pod: str, t: int):
    from kdsl.engine.scheduler.explain import explain as run

    ns, _, name = pod.rpartition("/")
    obj = sim.store.at(("Pod", ns or "default", name), t)
    if obj is None:
        raise ViewError(f"pod {ns or 'default'}/{name} does not exist at {when(t)}")
    return run(*scheduling_view(sim, obj, t))


def explanation(sim, pod: str, t: int):
    """The engine's Explanation of a pod at `t` ms: the live scheduler's at the end, rebuilt before."""
    if t < sim.now:
        return _explain_at(sim, pod, t)
    try:
        return sim.explanation(pod)
    except KeyError as exc:
        raise ViewError(exc.args[0]) from None


VERDICT_COLUMNS = ("NODE", "FEASIBLE", "FAILED PLUGIN", "REASON", "SCORE")


def verdicts(sim, pod: str, at=None) -> pd.DataFrame:
    """The scheduler's verdict on each node in one row: FEASIBLE (yes/no), the first filter plugin that
    failed and its reasons (what Kubernetes reports in FailedScheduling), and the total score of a
    feasible node. The compact form of `explain`, read from the engine's Explanation, not its table."""
    found = explanation(sim, pod, moment(sim, at))
    rows = [(n.node, "yes" if n.feasible else "no", n.failure.plugin if n.failure else None,
             ", ".join(n.failure.reasons) if n.failure else None, n.total) for n in found.nodes]
    return frame(VERDICT_COLUMNS, rows)


TIMELINE_COLUMNS = ("TIME", "NAMESPACE", "POD", "PHASE", "READY", "STATUS", "NODE")


def timeline(sim, namespace=None, selector=None, wide: bool = False) -> pd.DataFrame:
    """Each pod's phase, readiness and status over time: one row whenever one of them changes (a node
    lost or found changes its pods' phase too), and a `Deleted` row when the pod goes. TIME is a duration
    from the start, so `df.pivot_table(index="TIME", columns="POD", values="READY")` plots as is. Every
    column is a default one (`wide` changes nothing)."""
    last: dict[tuple, tuple] = {}
    rows = []
    for time_ms, key, pod, nodes in pod_changes(sim, namespace, selector):
        if pod is None:
            value = ("Deleted", False, "Deleted", last[key][3])
        else:
            value = (podview.phase(pod, nodes), podview.ready(pod, nodes), podview.status(pod, nodes),
                     pod.spec.template.node_name or None)
        if last.get(key) != value:
            last[key] = value
            rows.append((duration(time_ms), key[1], key[2]) + value)
    return shown(frame(TIMELINE_COLUMNS, rows), TIMELINE_COLUMNS, namespace, wide)
