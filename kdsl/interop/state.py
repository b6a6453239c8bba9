"""A simulation's state at a moment as `kubectl get -o yaml` prints it: a v1 List of manifests with status."""

from __future__ import annotations

from kdsl.engine.apiserver.defaults_pods import default_template
from kdsl.engine.apiserver.defaults_v1 import defaulted
from kdsl.interop.export import manifest
from kdsl.interop.state_status import STATUS, _some, timestamp

__all__ = ["object_manifest", "state_manifests", "timestamp"]

API_VERSIONS = {"EndpointSlice": "discovery.k8s.io/v1", "ControllerRevision": "apps/v1"}
# Kinds listed the way `kubectl get all,...` would group them: cluster-scoped first, then by kind.
ORDER = ("Namespace", "Node", "StorageClass", "PersistentVolume", "ClusterRole", "ClusterRoleBinding")


def state_manifests(sim, at: int | None = None) -> dict:
    """Every object stored at `at` (default: now) as a `kind: List`, each with the metadata the API server
    gave it (uid, resourceVersion, creationTimestamp, ownerReferences) and its status."""
    t = sim.now if at is None else at
    objects = sorted(sim.store.state_at(t).values(),
                     key=lambda o: (ORDER.index(o.kind) if o.kind in ORDER else len(ORDER), o.kind,
                                    o.namespace or "", o.name))
    return {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""},
            "items": [object_manifest(o, sim, t) for o in objects]}


def object_manifest(obj, sim=None, t: int = 0) -> dict:
    spec = obj.spec
    if obj.kind == "EndpointSlice":
        out = {"apiVersion": API_VERSIONS[obj.kind], "kind": obj.kind, "metadata": {"name": obj.name}}
        out.update(_slice(spec))
    elif obj.kind == "ControllerRevision":
        from kdsl.interop.pods import template

        # getPatch (statefulset/stateful_set_utils.go, daemon/update.go): the template, as the API server defaulted
        # it, is a patch that replaces
        data = template(spec.data)
        default_template(data)
        out = {"apiVersion": API_VERSIONS[obj.kind], "kind": obj.kind, "metadata": {"name": obj.name},
               "data": {"spec": {"template": {**data, "$patch": "replace"}}}, "revision": spec.revision}
    else:
        out = defaulted(manifest(spec), _family(spec, sim))
        out.pop("status", None)
        if obj.kind == "Service":
            _node_ports(out, spec)
    out["metadata"] = _metadata(obj, out["metadata"])
    status = STATUS.get(obj.kind, lambda o, s, t: None)(obj, sim, t)
    if status is not None:
        out["status"] = status
    return out


def _node_ports(out: dict, spec) -> None:
    """The node ports the allocator gave (pkg/registry/core/service/storage/alloc.go, initNodePorts) on the ports
    as written: a Service's `yaml` block may say its ports whole (a targetPort or protocol written out), and the
    stored object holds them with their nodePort all the same."""
    given = {(p.port, p.protocol): p.node_port for p in spec.ports if p.node_port is not None}
    for port in (out.get("spec") or {}).get("ports") or []:
        if isinstance(port, dict) and "nodePort" not in port:
            node_port = given.get((port.get("port"), port.get("protocol", "TCP")))
            if node_port is not None:
                port["nodePort"] = node_port


def _family(spec, sim) -> str:
    """The IP family of a Service's address, else of the cluster's service range."""
    ip = getattr(spec, "cluster_ip", None) or ""
    alloc = getattr(sim, "service_alloc", None)
    if ip in ("", "None") and alloc is not None:
        return "IPv6" if alloc.net.version == 6 else "IPv4"
    return "IPv6" if ":" in ip else "IPv4"


def _metadata(obj, written: dict) -> dict:
    m = obj.meta
    owners = [{"apiVersion": _api_version(o.kind), "kind": o.kind, "name": o.name, "uid": o.uid,
               "controller": o.controller, "blockOwnerDeletion": o.block_owner_deletion} for o in m.owners]
    # A namespace's Delete is its storage's own: it writes no deletionGracePeriodSeconds (markAsDeleting's 0).
    deleting = m.deletion_ms is not None and (m.deletion_grace_ms is not None or obj.kind != "Namespace")
    return _some(name=m.name, namespace=m.namespace, labels=dict(m.labels),
                 annotations=dict(m.annotations) or written.get("annotations"), uid=m.uid,
                 resourceVersion=str(obj.resource_version), generation=m.generation or None,
                 creationTimestamp=timestamp(m.creation_ms), deletionTimestamp=timestamp(m.deletion_ms),
                 deletionGracePeriodSeconds=-(-(m.deletion_grace_ms or 0) // 1000) if deleting else None,
                 finalizers=list(m.finalizers), ownerReferences=owners)


def _api_version(kind: str) -> str:
    return {"Deployment": "apps/v1", "ReplicaSet": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1",
            "Job": "batch/v1", "CronJob": "batch/v1"}.get(kind, "v1")


def _slice(spec) -> dict:
    return {"addressType": spec.address_type,
            "endpoints": [{"addresses": [e.address], "conditions": {"ready": e.ready, "serving": e.serving,
                                                                    "terminating": e.terminating},
                           "targetRef": {"kind": "Pod", "name": e.pod},
                           **({"nodeName": e.node} if e.node else {}), **({"zone": e.zone} if e.zone else {}),
                           **({"hostname": e.hostname} if e.hostname else {})} for e in spec.endpoints],
            "ports": [{**({"name": p.name} if p.name is not None else {}), "port": p.port, "protocol": p.protocol}
                      for p in spec.ports]}
