"""A result's steps brought to one form: a refusal's status, a review's answer, a stored object (tests/oracle/
normalise.py), and a settle reduced to what Kubernetes guarantees."""

from __future__ import annotations

import json
import re

from tests.oracle.normalise import Names, drop_not_compared, learn_names, normal_object

GROUPED = re.compile(r"-\*$")
_LIMITS = re.compile(r"^(?P<head>.*?: )\[(?P<body>.*(?:minimum|maximum|max limit to request ratio) .*)\]$")


def limit_order(message: str) -> str:
    """LimitRanger's refusals in one order: it walks the LimitRange's resource maps, whose order Go randomises
    (plugin/pkg/admission/limitranger), so `[minimum memory ..., minimum cpu ...]` may come either way."""
    m = _LIMITS.match(message)
    if m is None:
        return message
    parts = re.split(r", (?=(?:minimum|maximum) |\S+ max limit to request ratio )", m.group("body"))
    return f"{m.group('head')}[{', '.join(sorted(parts))}]"


def normal_step(step: dict, result: dict, names: Names, ordered: bool, stepped: frozenset = frozenset(),
                tied: dict | None = None) -> dict:
    """One step's result as compared."""
    if step["op"] == "settle":
        return normal_settle(result, names, ordered, stepped, tied)
    if step["op"] == "sar":
        out = {"allowed": bool(result.get("allowed")), "denied": bool(result.get("denied"))}
        if not out["allowed"]:  # an allowed review's reason (which binding allowed it) is NOT_COMPARED
            out["evaluationError"] = result.get("evaluationError") or ""
            out["reason"] = result.get("reason") or ""
        return out
    out = {"code": result.get("code"), "status": result.get("status")}
    if result.get("status") == "Failure":
        out["reason"] = result.get("reason", "")
        out["message"] = limit_order(names.text(result.get("message", "")))
    elif isinstance(result.get("object"), dict):
        out["object"] = drop_not_compared(normal_object(result["object"], names), "object")
        if result["object"].get("kind") == "Pod" and out["object"].get("metadata", {}).get("name") in names.untied:
            out["object"].get("spec", {}).pop("nodeName", None)  # TIES, in the answer to a step (a deleted pod)
        _allocated_node_ports(out["object"], step.get("object"))
    return out


def _allocated_node_ports(obj: dict, sent) -> None:
    """A nodePort the request did not ask for is the allocator's random pick from 30000-32767 (each side its own
    random source): its presence is compared, not its value. A port the request named is compared as it is."""
    if obj.get("kind") != "Service":
        return
    ports = ((sent or {}).get("spec") or {}).get("ports") if isinstance(sent, dict) else None
    asked = {p.get("nodePort") for p in ports or () if isinstance(p, dict)}
    for p in (obj.get("spec") or {}).get("ports") or ():
        if isinstance(p, dict) and p.get("nodePort") is not None and p["nodePort"] not in asked:
            p["nodePort"] = "<allocated>"


def _key(w: dict, names: Names) -> str:
    ns = w.get("namespace") or ""
    return f"{w['kind']} {ns + '/' if ns else ''}{names.name(w['name'])}"


# Where the pods of a Deployment, ReplicaSet, StatefulSet or Job land is not compared: between equal nodes
# Kubernetes breaks the tie at random (schedule_one.go, selectHost's reservoir sampling), kdsl with its seeded RNG.
# A DaemonSet's pods, and pods no controller owns (the scheduling cases), are compared with their node.
TIES = "the node of a controller's pod (not a DaemonSet's): equal nodes tie and Kubernetes picks one at random"
_ASSIGNED = re.compile(r"^(Successfully assigned \S+) to (\S+)$")

# Cases whose recorded pod had several feasible nodes with the best total score: kube-scheduler picked
# one at random (selectHost's reservoir sampling, pkg/scheduler/schedule_one.go), so the node is compared as
# "one of" these, and the feasible set in full. A node outside the set still differs. Three ties are the
# harness's, not Kubernetes': its extender (nodeCacheCapable: false) hands back Node objects, which kube-scheduler
# wraps in new NodeInfos without pods (HTTPExtender.Filter, pkg/scheduler/extender.go), so NodeResourcesFit's and
# BalancedAllocation's scores left the nodes' existing pods out; upstream's arithmetic, as kdsl's, prefers the
# emptier node there. oracle/ now asks for node names (nodeCacheCapable: true); re-recorded, those three have a
# single best node again and leave this table.
TIED_NODES = {
    "scheduling/nodeaffinity/in": {"sched/new": ("n1", "n2")},  # two empty nodes
    "scheduling/nodeaffinity/notin": {"sched/new": ("n2", "n3")},
    "scheduling/nodeaffinity/terms-ored": {"sched/new": ("n2", "n3")},
    "scheduling/taints/tolerate-everything": {"sched/new": ("n1", "n2")},  # no PreferNoSchedule taint either
    "scheduling/interpod/anti-affinity-host": {"sched/new": ("n1", "n3")},
    "scheduling/interpod/existing-anti-affinity": {"sched/new": ("n2", "n3")},
    "scheduling/interpod/self-affinity-first-pod": {"sched/new": ("n1", "n2", "n3")},
    "admission/quota/usage-after-create": {"team/p": ("n1", "n2")},  # two empty nodes
}


def one_of(node, tied: tuple[str, ...]):
    """A node among tied ones as their set; any other node (or none) as it is."""
    return "one of " + "|".join(tied) if node in tied else node


def _untied(message: str, names: Names, tied: dict) -> str:
    m = _ASSIGNED.match(message)
    if m is None:
        return message
    pod = m.group(1).removeprefix("Successfully assigned ")
    if pod in tied:
        return f"{m.group(1)} to {one_of(m.group(2), tied[pod])}"
    if pod.rsplit("/", 1)[-1] not in names.untied:
        return message
    return m.group(1) + " to <node>"


def normal_settle(result: dict, names: Names, ordered: bool, stepped: frozenset = frozenset(),
                  tied: dict | None = None) -> dict:
    """A settle as Kubernetes guarantees it: the objects created and deleted (as multisets: controllers act
    concurrently), each written object's final form (pods of one owner as a sorted group), the distinct events,
    the scheduling decisions; with `ordered`, the order pods were created in (StatefulSet's OrderedReady);
    `tied`: pod key -> the nodes that tied for it (TIED_NODES)."""
    tied = tied or {}
    writes = sorted((w for w in result.get("writes", []) if w["kind"] not in SETTLE_KINDS_NOT_COMPARED),
                    key=lambda w: w.get("rv", 0))
    # The objects the steps create are their results; a settle is about what the control plane made of them.
    created = sorted(_key(w, names) for w in writes if w["type"] == "ADDED"
                     and (w["kind"], w.get("namespace") or "", w["name"]) not in stepped)
    deleted = sorted(_key(w, names) for w in writes if w["type"] == "DELETED")
    final: dict[str, object] = {}
    for w in writes:
        final[(w["kind"], w.get("namespace") or "", w["name"])] = w.get("object") if w["type"] != "DELETED" else None
    objects: dict[str, object] = {}
    for (kind, ns, name), obj in sorted(final.items()):
        key = _key({"kind": kind, "namespace": ns, "name": name}, names)
        value = "<deleted>" if obj is None else drop_not_compared(normal_object(obj, names), "object")
        if isinstance(value, dict) and kind == "Pod" and key.rsplit("/", 1)[-1] in names.untied:
            value.get("spec", {}).pop("nodeName", None)  # TIES: where a workload's pods land
        elif isinstance(value, dict) and kind == "Pod" and f"{ns}/{name}" in tied and "nodeName" in value.get("spec", {}):
            value["spec"]["nodeName"] = one_of(value["spec"]["nodeName"], tied[f"{ns}/{name}"])
        if GROUPED.search(key):
            objects.setdefault(key, []).append(value)
        else:
            objects[key] = value
    for key, value in objects.items():
        if isinstance(value, list):
            value.sort(key=lambda v: json.dumps(v, sort_keys=True))
    events = sorted({f"{e.get('type')} {e.get('reason')} {e.get('kind')}/{names.name(e.get('name', ''))}: "
                     f"{_untied(names.text(e.get('message', '')), names, tied)}" for e in result.get("events", [])
                     if not str(e.get("source", "")).startswith("kubelet") and e.get("kind") != "Node"})
    scheduling = {}
    for pod, d in sorted((result.get("scheduling") or {}).items()):
        ns, _, name = pod.partition("/")
        entry = {"feasible": sorted(d.get("feasible") or []), "node": d.get("node"),
                 "message": names.text(d.get("message") or ""), "nominated": d.get("nominated") or "",
                 "victims": sorted(d.get("victims") or [])}
        key = f"{ns}/{names.name(name)}"
        if names.name(name) in names.untied:
            entry.pop("node")  # TIES
        elif pod in tied:
            entry["node"] = one_of(entry["node"], tied[pod])
        if GROUPED.search(key):
            scheduling.setdefault(key, []).append(entry)
        else:
            scheduling[key] = entry
    for value in scheduling.values():
        if isinstance(value, list):
            value.sort(key=lambda v: json.dumps(v, sort_keys=True))
    out = {"created": created, "deleted": deleted, "objects": objects, "events": events, "scheduling": scheduling}
    if ordered:
        out["order"] = [_key(w, names) for w in writes if w["type"] == "ADDED" and w["kind"] == "Pod"]
    return out


# Kinds whose writes in a settle are not compared: the harness's own bookkeeping and objects kdsl does not keep.
SETTLE_KINDS_NOT_COMPARED = {
    "Lease": "node heartbeats: the harness renews them on its own clock",
    "Node": "node status: the harness posts it on its own clock",
    "Event": "events are compared as `events`, not as writes",
    "Endpoints": "the legacy Endpoints object; kdsl keeps EndpointSlices only",
}


def normal_result(case: dict, result: dict) -> dict:
    """A whole recording (or kdsl's replay) of one case, as compared."""
    names = learn_names(result)
    ordered = case["id"].startswith("controllers/statefulset/ordered")
    stepped = frozenset((s["object"].get("kind"), (s["object"].get("metadata") or {}).get("namespace") or "",
                         (s["object"].get("metadata") or {}).get("name")) for s in case["steps"]
                        if s["op"] == "create" and isinstance(s.get("object"), dict))
    tied = TIED_NODES.get(case["id"])
    steps = [normal_step(s, r, names, ordered, stepped, tied) for s, r in zip(case["steps"], result.get("steps", []))]
    # How many setup objects were refused: the harness and kdsl word their setup errors each their own way.
    out = {"setup_errors": len(result.get("setup_errors") or []), "steps": steps}
    if len(result.get("steps", [])) != len(case["steps"]):
        out["step_count"] = len(result.get("steps", []))
    return out
