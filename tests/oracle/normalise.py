"""Stored objects of both sides brought to one form: identity, times and generated name suffixes replaced, the
fields kdsl does not model taken out (NOT_COMPARED, each with its reason). Steps and settles: normalise_steps.py."""

from __future__ import annotations

import json
import re

from kdsl.model.names import GENERATED_ALPHABET

# Metadata the API server makes up (identity, bookkeeping): never compared.
IDENTITY = ("uid", "resourceVersion", "managedFields", "selfLink", "creationTimestamp", "generateName")
# Keys whose values are moments: compared as present or absent, never by value.
TIMES = {"creationTimestamp", "deletionTimestamp", "lastTransitionTime", "lastUpdateTime", "lastHeartbeatTime",
         "lastProbeTime", "startTime", "startedAt", "finishedAt", "completionTime", "lastScheduleTime",
         "lastSuccessfulTime", "lastPhaseTransitionTime", "firstTimestamp", "lastTimestamp", "eventTime", "renewTime",
         "acquireTime"}
# A ControllerRevision's hash of its data (pkg/controller/history ControllerRevisionHashLabel): each side hashes its
# own encoding of the template, so it is compared as present, as controller-revision-hash is.
HASH_LABEL = "controller.kubernetes.io/hash"
# Labels whose value is an object's uid (the Job strategy's generated selector): identity, as `uid` is.
UID_LABELS = ("controller-uid", "batch.kubernetes.io/controller-uid")
DROPPED_ANNOTATIONS = ("kubectl.kubernetes.io/last-applied-configuration",)

# Fields kdsl does not model, by path glob (`*` one segment; paths as in `spec.containers[].image`, lists as
# `[]`), with the reason. Both sides lose them; docs/fidelity.md lists them (tests/oracle/agreement.py).
NOT_COMPARED = {
    "details": "kdsl's ApiError carries no StatusDetails (causes); the code, reason and message are compared",
    "sar.reason of an allowed review": "kdsl's authorizer does not say which binding allowed a request (`RBAC: allowed "
                                       "by RoleBinding ...`); a denial's reason is compared",
    "object.metadata.generateName": "the harness and kdsl name objects differently before the API server does",
    "*.spec.preemptionPolicy": "defaulted from the PriorityClass; kdsl writes the priority only",
    "*.spec.serviceAccount": "the deprecated alias of serviceAccountName, which is compared",
    "*.spec.volumes[kube-api-access-*]": "the token volume the ServiceAccount admission plugin adds (and its "
                                          "mounts): kdsl mounts no service account token",
    "*.spec.template.metadata.creationTimestamp": "a null the API server writes in every template",
    "*.status.containerStatuses[].imageID": "kdsl pulls no real image",
    "*.status.containerStatuses[].containerID": "kdsl runs no container runtime",
    "*.status.containerStatuses[].volumeMounts": "kdsl reports no mounts in statuses",
    "*.status.containerStatuses[].allocatedResources": "in-place resize is not simulated",
    "*.status.containerStatuses[].resources": "in-place resize is not simulated",
    "*.status.containerStatuses[].user": "kdsl runs no container runtime",
    "*.status.podIP": "addresses come from each side's own IPAM",
    "*.status.podIPs": "addresses come from each side's own IPAM",
    "*.status.hostIP": "addresses come from each side's own node registration",
    "*.status.hostIPs": "addresses come from each side's own node registration",
    "*.spec.clusterIP": "allocated at random from each side's service range",
    "*.spec.clusterIPs": "allocated at random from each side's service range",
    "*.status.conditions[].observedGeneration": "PodObservedGenerationTracking (beta in 1.34): kdsl does not model "
                                                "which generation a condition saw",
    "*.status.observedGeneration": "written by the kubelet and controllers of v1.34 on more kinds than kdsl",
    "*.metadata.annotations.deployment.kubernetes.io/desired-replicas": "kdsl writes only the revision annotation",
    "*.metadata.annotations.deployment.kubernetes.io/max-replicas": "kdsl writes only the revision annotation",
}


def _matches(path: str, pattern: str) -> bool:
    if pattern.startswith("*."):
        return path == pattern[2:] or path.endswith("." + pattern[2:])
    return path == pattern


def drop_not_compared(value, path: str = ""):
    """The value without the NOT_COMPARED fields; list items are addressed `[]`. An empty map or list, and a null,
    are taken as absent (Go writes an empty struct as `{}` and a nil time as `null`, where kdsl leaves them out)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            p = f"{path}.{k}" if path else k
            if any(_matches(p, pat) for pat in NOT_COMPARED):
                continue
            v = drop_not_compared(v, p)
            if v != {} and v != [] and v is not None:
                out[k] = v
        return out
    if isinstance(value, list):
        return [drop_not_compared(v, f"{path}[]") for v in value]
    return value


class Names:
    """Generated names of one case: a Deployment's ReplicaSets `web-<hash>` become `web-rs1`, `web-rs2` in the
    order they were first written, their pod-template-hash the same; pods a controller names `<owner>-<random>`
    become `<owner>-*` (compared as a group); StatefulSet ordinals are kept (they are not generated)."""

    GENERATED = re.compile(r"^(?P<owner>.+)-(?P<suffix>[a-z0-9]{5})$")

    def __init__(self):
        self.map: dict[str, str] = {}
        self.hashes: dict[str, str] = {}
        self.per_owner: dict[str, int] = {}
        self.untied: set[str] = set()  # a controller's pods (not a DaemonSet's): where they land may be a tie
        self.uids: dict[str, tuple[str, str]] = {}  # an owner's uid -> its kind and name, from ownerReferences

    def learn(self, obj: dict) -> None:
        meta = obj.get("metadata") or {}
        name = meta.get("name") or ""
        for o in meta.get("ownerReferences") or []:
            if o.get("uid"):
                self.uids.setdefault(o["uid"], (o.get("kind"), o.get("name") or ""))
        owner = next((o for o in meta.get("ownerReferences") or [] if o.get("controller")), None)
        if owner is None or name in self.map:
            return
        kind = obj.get("kind")
        if kind in ("ReplicaSet", "ControllerRevision") and name.startswith(owner["name"] + "-"):
            n = self.per_owner[owner["name"] + kind] = self.per_owner.get(owner["name"] + kind, 0) + 1
            short = "rs" if kind == "ReplicaSet" else "rev"
            self.map[name] = f"{owner['name']}-{short}{n}"
            self.hashes[name[len(owner['name']) + 1:]] = f"{short}{n}"
        elif kind == "Pod":
            base = self.map.get(owner["name"], owner["name"])
            generated = owner.get("kind") != "StatefulSet" and name.startswith(owner["name"] + "-")
            if generated:
                self.map[name] = f"{base}-*"
            if owner.get("kind") != "DaemonSet":
                # where it landed may be a tie; a StatefulSet's pod, or one adopted, keeps its own name
                self.untied.add(f"{base}-*" if generated else name)

    def name(self, name: str) -> str:
        return self.map.get(name, name)

    def text(self, text: str) -> str:
        for raw in sorted(self.map, key=len, reverse=True):
            text = text.replace(raw, self.map[raw])
        # a pod refused at create was never stored, so its generated name is not learnt: in a message, a
        # known owner's name and a generateName suffix is the owner's pod all the same
        return self._unstored(text) if "-" in text else text

    def _unstored(self, text: str) -> str:
        bases = {v[:-2] if v.endswith("-*") else v for v in self.map.values()}
        for base in sorted(bases, key=len, reverse=True):
            text = re.sub(rf"(?<![\w-]){re.escape(base)}-[{GENERATED_ALPHABET}]{{5}}(?![\w-])", f"{base}-*", text)
        return text

    def hash(self, value: str) -> str:
        return self.hashes.get(value, "<hash>")

    def uid(self, value: str) -> str:
        """A uid in a label's value (a Job's generated controller-uid): the API server makes it up, so it is
        compared as whose uid it is, where an ownerReference says so."""
        if value not in self.uids:
            return "<uid>"
        kind, name = self.uids[value]
        return f"<uid of {kind} {self.name(name)}>"


def normal_object(obj: dict, names: Names) -> dict:
    """A stored object as compared: identity out, times as `<time>`, generated names replaced."""
    obj = json.loads(json.dumps(obj))
    meta = obj.get("metadata") or {}
    for k in IDENTITY:
        meta.pop(k, None)
    if "name" in meta:
        meta["name"] = names.name(meta["name"])
    ann = {k: v for k, v in (meta.get("annotations") or {}).items() if k not in DROPPED_ANNOTATIONS}
    if ann:
        meta["annotations"] = ann
    else:
        meta.pop("annotations", None)
    for o in meta.get("ownerReferences") or []:
        o.pop("uid", None)
        o["name"] = names.name(o["name"])
    if obj.get("kind") == "Pod" and isinstance(obj.get("status"), dict):
        _drop_kubelet_status(obj["status"])
    _drop_token_volume(obj.get("spec") or {})
    _drop_token_volume(((obj.get("spec") or {}).get("template") or {}).get("spec") or {})
    return _rewrite(obj, names)


# What a pod's kubelet writes is the harness's fake kubelet on one side and kdsl's kubelet on the other: neither is
# the reference, so only what the control plane writes into a pod's status is compared.
KUBELET_WRITTEN = {
    "Pod status.containerStatuses, status.initContainerStatuses": "written by the kubelet; the harness runs a fake",
    "Pod status.startTime": "written by the kubelet when it first syncs the pod; the harness's fake writes it only "
                            "when it starts the pod",
    "Pod status.conditions other than PodScheduled and DisruptionTarget": "written by the kubelet (Ready, "
                                                                          "ContainersReady, Initialized ...)",
    "events whose source is the kubelet": "the harness's kubelet is a fake (Pulling, Pulled, Created, Started ...)",
    "events about Nodes": "the harness registers and renews its nodes on its own clock (RegisteredNode ...)",
}
CONTROL_PLANE_CONDITIONS = ("PodScheduled", "DisruptionTarget")


def _drop_kubelet_status(status: dict) -> None:
    status.pop("containerStatuses", None)
    status.pop("initContainerStatuses", None)
    status.pop("startTime", None)
    if "conditions" in status:
        status["conditions"] = [c for c in status["conditions"] if c.get("type") in CONTROL_PLANE_CONDITIONS]


def _drop_token_volume(spec: dict) -> None:
    """The `kube-api-access-<random>` projected volume and its mounts (NOT_COMPARED)."""
    token = lambda v: str(v.get("name", "")).startswith("kube-api-access-")  # noqa: E731
    if "volumes" in spec:
        spec["volumes"] = [v for v in spec["volumes"] if not token(v)]
        if not spec["volumes"]:
            del spec["volumes"]
    for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        if "volumeMounts" in c:
            c["volumeMounts"] = [m for m in c["volumeMounts"] if not token(m)]
            if not c["volumeMounts"]:
                del c["volumeMounts"]


def _rewrite(value, names: Names, key: str = ""):
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in TIMES:
                out[k] = "<time>" if v is not None else None
            elif k in ("pod-template-hash", "controller-revision-hash", HASH_LABEL) and isinstance(v, str):
                out[k] = names.hash(v) if k == "pod-template-hash" else "<hash>"
            elif k == "uid":
                continue
            elif k in UID_LABELS and isinstance(v, str):
                out[k] = names.uid(v)
            else:
                out[k] = _rewrite(v, names, k)
        return out
    if isinstance(value, list):
        return [_rewrite(v, names, key) for v in value]
    if isinstance(value, str) and key in ("name", "message", "nodeName", "claimName", "currentRevision",
                                          "updateRevision"):
        return names.text(value)
    return value


def learn_names(result: dict) -> Names:
    """Every object a result holds, in the order written (so ordinals follow creation)."""
    names = Names()
    for step in result.get("steps", []):
        if "object" in step and isinstance(step["object"], dict):
            names.learn(step["object"])
        for w in sorted(step.get("writes", []), key=lambda w: w.get("rv", 0)):
            if w.get("type") != "DELETED" and w.get("object"):  # a pod adopted later gets its owner in an update
                names.learn(w["object"])
    return names
