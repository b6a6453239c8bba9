"""Topology diagrams (graphviz) of a simulation at a moment, and what changed between two moments."""

# Topology diagrams (graphviz): what routes to, owns, runs on and mounts what, at a moment, and what changed
# between two moments. A controller's pods beyond a few, and every pod of a large cluster, are drawn as one
# group per controller with counts by phase.

from __future__ import annotations

from kdsl.engine.controllers.root_ca_publisher import NAME as ROOT_CA
from kdsl.engine.nodes import status_text
from kdsl.engine.services import SERVICE_NAME_LABEL
from kdsl.views.common import ViewError, moment, objects, when
from kdsl.views.drawing import FILLS, Model, Topology, Vertex, group_label, phase_fill, phases, pod_box, render
from kdsl.views.drawing import PHASE_COLOURS, save  # noqa: F401 - save is kdsl.views.topology.save

CONTROLLERS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController")
SHAPES = {"Ingress": "trapezium", "Service": "ellipse", "ConfigMap": "note", "Secret": "note",
          "PersistentVolumeClaim": "cylinder", "PersistentVolume": "cylinder", "Node": "box3d", "Pod": "box"}
MAX_PODS = 200  # beyond this many pods in the diagram, every controller's pods are drawn as one group
GROUP = 5  # beyond this many pods of one controller, they are drawn as one group with counts by phase
MAX_NODES = 100  # beyond this many nodes (node view), nodes are drawn as one box per status


def vid(kind: str, namespace: str | None, name: str) -> str:
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"


class _Builder:
    def __init__(self) -> None:
        self.vertices: dict[str, Vertex] = {}
        self.edges: dict[tuple[str, str], dict[str, str]] = {}

    def vertex(self, id_: str, cluster: str | None, label: str, **attrs_: str) -> None:
        self.vertices[id_] = Vertex(cluster, label, tuple(sorted(attrs_.items())))

    def edge(self, a: str, b: str, **attrs_: str) -> None:
        if a in self.vertices and b in self.vertices:
            self.edges.setdefault((a, b), {}).update(attrs_)

    def model(self, collapsed: bool) -> Model:
        return Model(self.vertices, {k: tuple(sorted(v.items())) for k, v in self.edges.items()}, collapsed)


def _pod_refs(template) -> list[tuple[str, str]]:
    """(kind, name) of every ConfigMap, Secret and claim a pod template uses, by volume or env."""
    kinds = {"configmap": "ConfigMap", "secret": "Secret", "pvc": "PersistentVolumeClaim"}
    out = [(kinds[v.source], v.ref) for v in template.volumes if v.source in kinds and v.ref]
    for c in template.init_containers + template.containers:
        out += [(kinds[e.source_kind], e.source_name) for e in c.env if e.source_kind in kinds and e.source_name]
        out += [(kinds[e.source_kind], e.source_name) for e in c.env_from if e.source_kind in kinds]
    return sorted(set(out))


def _controller(obj) -> tuple[str, str] | None:
    ref = next((o for o in obj.meta.owners if o.controller), None)
    return (ref.kind, ref.name) if ref is not None else None


def build(sim, t: int, view: str = "namespace", namespace: str | None = None, max_pods: int = MAX_PODS,
          max_nodes: int = MAX_NODES, group: int | None = GROUP, policies: bool = False) -> Model:
    """The diagram's vertices and edges at `t` (see `topology`)."""
    if view not in ("namespace", "node"):
        raise ViewError(f"view={view!r}: use \"namespace\" or \"node\"")
    if group is not None and (isinstance(group, bool) or not isinstance(group, int) or group < 0):
        raise ViewError(f"group={group!r}: give how many pods of one controller to draw one by one (0 or more), "
                        "or None never to group them")
    b = _Builder()
    nodes = {n.name: n for n in objects(sim, "Node", t)}
    pods = objects(sim, "Pod", t, namespace)
    collapsed = len(pods) > max_pods
    by_owner: dict[tuple[str, tuple[str, str] | None], list] = {}
    for p in pods:
        by_owner.setdefault((p.namespace, _controller(p)), []).append(p)
    # Pods first decide where every pod is drawn: itself, or its controller's group.
    where: dict[tuple[str, str], str] = {}
    for (ns, ctl), members in by_owner.items():
        if collapsed or (ctl is not None and group is not None and len(members) > group):
            gid = vid("Pods", ns, f"{ctl[0]}/{ctl[1]}" if ctl else "-")
            counts = phases(members, nodes)
            b.vertex(gid, ns, group_label(ctl, members, counts), shape="box", peripheries="2", **phase_fill(counts))
            where.update({(p.namespace, p.name): gid for p in members})
            continue
        for p in members:
            id_ = vid("Pod", p.namespace, p.name)
            label, fill = pod_box(p, nodes)
            b.vertex(id_, p.namespace, label, shape="box", style="filled,dashed" if p.terminating else "filled",
                     fillcolor=fill)
            where[(p.namespace, p.name)] = id_
    if view == "node":
        autoscaler = getattr(sim, "autoscaler", None)  # a node of an autoscaled pool is labelled with its group
        _node_view(b, pods, nodes, where, max_nodes, autoscaler.group_of if autoscaler is not None else None)
    else:
        _namespace_view(b, sim, t, namespace, pods, where)
    if policies:
        from kdsl.views.topology_policies import add_policies

        add_policies(b, sim, t, namespace, pods, where)
    return b.model(collapsed)


def _namespace_view(b: _Builder, sim, t: int, namespace, pods, where) -> None:
    for kind in CONTROLLERS:
        for o in objects(sim, kind, t, namespace):
            b.vertex(vid(kind, o.namespace, o.name), o.namespace, f"{kind}\n{o.name}", shape="component",
                     fillcolor=FILLS["controller"])
    # kube-root-ca.crt is in every namespace (the root CA publisher's): drawn only when a pod uses it, as the
    # diagram draws relations (docs/jobs.md)
    used = {(p.namespace, name) for p in pods for kind, name in _pod_refs(p.spec.template) if kind == "ConfigMap"}
    for kind in ("ConfigMap", "Secret", "PersistentVolumeClaim"):
        for o in objects(sim, kind, t, namespace):
            if kind == "ConfigMap" and o.name == ROOT_CA and (o.namespace, o.name) not in used:
                continue
            b.vertex(vid(kind, o.namespace, o.name), o.namespace, f"{kind}\n{o.name}", shape=SHAPES[kind],
                     fillcolor=FILLS["storage" if kind == "PersistentVolumeClaim" else "config"])
    claims = objects(sim, "PersistentVolumeClaim", t, namespace)
    bound = {c.spec.volume_name for c in claims if c.spec.volume_name}
    for pv in objects(sim, "PersistentVolume", t):
        if namespace is None or pv.name in bound:
            b.vertex(vid("PersistentVolume", None, pv.name), "", f"PersistentVolume\n{pv.name}", shape="cylinder",
                     fillcolor=FILLS["storage"])
    for c in claims:
        if c.spec.volume_name:
            b.edge(vid("PersistentVolumeClaim", c.namespace, c.name), vid("PersistentVolume", None, c.spec.volume_name))
    for kind in CONTROLLERS:  # Deployment -> ReplicaSet, CronJob -> Job
        for o in objects(sim, kind, t, namespace):
            ctl = _controller(o)
            if ctl is not None:
                b.edge(vid(ctl[0], o.namespace, ctl[1]), vid(kind, o.namespace, o.name))
    for p in pods:
        me = where[(p.namespace, p.name)]
        ctl = _controller(p)
        if ctl is not None:
            b.edge(vid(ctl[0], p.namespace, ctl[1]), me)
        for kind, name in _pod_refs(p.spec.template):
            b.edge(me, vid(kind, p.namespace, name), style="dotted", arrowhead="vee")
    svcs = objects(sim, "Service", t, namespace)
    for s in svcs:
        b.vertex(vid("Service", s.namespace, s.name), s.namespace, f"Service\n{s.name}", shape="ellipse",
                 fillcolor=FILLS["Service"])
    ready: dict[tuple[str, str], list[int]] = {}
    for sl in objects(sim, "EndpointSlice", t, namespace):
        svc = dict(sl.meta.labels).get(SERVICE_NAME_LABEL)
        for ep in sl.spec.endpoints:
            target = where.get((sl.namespace, ep.pod))
            if svc is None or target is None:
                continue
            counts = ready.setdefault((vid("Service", sl.namespace, svc), target), [0, 0])
            counts[0 if ep.ready else 1] += 1
    for (svc, target), (ok, not_ok) in sorted(ready.items()):
        # Ready endpoints take traffic (solid); a service whose endpoints here are all not ready is dashed.
        label = {}
        if target.startswith("Pods/"):
            label = {"label": f"{ok} ready" + (f", {not_ok} not ready" if not_ok else "")}
        b.edge(svc, target, **({} if ok else {"style": "dashed"}), **label)
    for ing in objects(sim, "Ingress", t, namespace):
        me = vid("Ingress", ing.namespace, ing.name)
        b.vertex(me, ing.namespace, f"Ingress\n{ing.name}", shape="trapezium", fillcolor=FILLS["Ingress"])
        backends = [(r.service, r.host or "*", r.path) for r in ing.spec.rules]
        if ing.spec.default_backend is not None:
            backends.append((ing.spec.default_backend[0], "*", "default"))
        labels: dict[str, list[str]] = {}
        for svc, host, path in backends:
            labels.setdefault(svc, []).append(f"{host}{path}" if path != "default" else "default")
        for svc, paths in sorted(labels.items()):
            b.edge(me, vid("Service", ing.namespace, svc), label="\n".join(paths))


def _node_view(b: _Builder, pods, nodes, where, max_nodes: int, group_of=None) -> None:
    collapse = len(nodes) > max_nodes
    target: dict[str, str] = {}
    if collapse:
        by_status: dict[str, int] = {}
        for n in nodes.values():
            st = status_text(n)
            by_status[st] = by_status.get(st, 0) + 1
            target[n.name] = vid("Nodes", None, st)
        for st, count in sorted(by_status.items()):
            b.vertex(vid("Nodes", None, st), "", f"{count} nodes\n{st}", shape="box3d",
                     fillcolor=FILLS["Node" if st == "Ready" else "NotReady"])
    else:
        for name, n in sorted(nodes.items()):
            st = status_text(n)
            group = group_of(name) if group_of is not None else None
            b.vertex(vid("Node", None, name), "", f"Node\n{name}\n{st}" + (f"\ngroup {group}" if group else ""),
                     shape="box3d",
                     fillcolor=FILLS["Node" if st == "Ready" else "NotReady"])
            target[name] = vid("Node", None, name)
    counts: dict[tuple[str, str], int] = {}
    for p in pods:
        node = p.spec.template.node_name
        if node in target:
            key = (where[(p.namespace, p.name)], target[node])
            counts[key] = counts.get(key, 0) + 1
    for (a, c), n in sorted(counts.items()):
        b.edge(a, c, **({"label": str(n)} if n > 1 else {}))


def topology(sim, at=None, view: str = "namespace", namespace: str | None = None, max_pods: int = MAX_PODS,
             group: int | None = GROUP, legend: bool = False, policies: bool = False) -> Topology:
    """The cluster at a moment as a graphviz Digraph (see docs/notebooks.md for what is drawn): more than `group`
    pods of one controller are one group, and beyond `max_pods` pods every controller's are; `legend=True` adds a
    key at the side; `policies=True` draws the NetworkPolicies (kdsl.views.topology_policies)."""
    t = moment(sim, at)
    model = build(sim, t, view, namespace, max_pods, group=group, policies=policies)
    return render(model, _title(t, view, model, policies), legend=legend)


def _title(t: int, view: str, model: Model, policies: bool = False) -> str:
    tail = ", every controller's pods grouped" if model.collapsed else ""
    tail += ", network policies" if policies else ""
    return f"kdsl topology at {when(t)} ({view} view{tail})"


def topology_diff(sim, t1, t2, view: str = "namespace", namespace: str | None = None, max_pods: int = MAX_PODS,
                  group: int | None = GROUP, legend: bool = False, policies: bool = False) -> Topology:
    """Both moments in one diagram: what appeared by `t2` (green, +), what vanished (red, dashed, -) and
    what changed its label or colour, such as a pod's status or phase (orange, ~, drawn as at `t2`)."""
    a_t, b_t = moment(sim, t1), moment(sim, t2)
    a = build(sim, a_t, view, namespace, max_pods, group=group, policies=policies)
    b = build(sim, b_t, view, namespace, max_pods, group=group, policies=policies)
    vertices = dict(a.vertices)
    vertices.update(b.vertices)
    edges = dict(a.edges)
    edges.update(b.edges)
    marks = {**_marks(a.vertices, b.vertices), **_marks(a.edges, b.edges)}
    model = Model(vertices, edges, a.collapsed or b.collapsed)
    return render(model, f"kdsl topology from {when(a_t)} to {when(b_t)} ({view} view)", marks, legend)


def _marks(before: dict, after: dict) -> dict:
    """appeared / vanished / changed for each key of either side that is not the same on both."""
    out = {}
    for key in {**before, **after}:
        if key not in before:
            out[key] = "appeared"
        elif key not in after:
            out[key] = "vanished"
        elif before[key] != after[key]:
            out[key] = "changed"
    return out
