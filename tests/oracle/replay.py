"""A case played through kdsl — its manifests imported as `kdsl run` imports them, each step sent to kdsl's API
server (kdsl.engine.apiserver) on a Simulation's store, each settle run on the simulated clock — giving kdsl's
answer in the shape of a recording (tests/oracle/recorded/<area>.json)."""

from __future__ import annotations

import copy
import functools
import json
import re

import attrs

import kdsl
from kdsl.core.errors import KdslError
from kdsl.engine.apiserver.authn import UserInfo
from kdsl.engine.apiserver.errors import ApiError
from kdsl.engine.apiserver.rbac import Attributes, authorize
from kdsl.engine.apiserver.request import Request, handle
from kdsl.engine.apiserver.defaults import new_uid
from kdsl.engine.objects import applied, requested
from kdsl.engine.simulation import Simulation
from kdsl.interop import dump_manifests
from kdsl.interop.state import object_manifest
from tests.oracle.settle import Settler

# field.ErrorType texts: a kdsl check that words its refusal as the API server's field errors is a 422.
# The Kubernetes version of the recordings (tests/oracle/recorded/*.json `kubernetes`): kdsl simulates a cluster of it.
KUBE_VERSION = "1.34"
FIELD_ERRORS = ("Invalid value", "Required value", "Duplicate value", "Unsupported value", "Forbidden", "Too long")
CODES = {"create": 201, "update": 200, "patch": 200, "delete": 200}
_LOCATED = re.compile(r"^[^\n]*?:\d+:\d+: error: ", re.M)


class Refused(Exception):
    """kdsl refused a manifest before its API server saw it: the schema check or the model's checks."""

    def __init__(self, code: int, reason: str, message: str):
        super().__init__(message)
        self.code, self.reason, self.message = code, reason, message


def _first_error(exc: Exception) -> str:
    """The first located error's message, without kdsl's `file:line:col: error:` and its quoted line."""
    text = str(exc)
    m = _LOCATED.search(text)
    if m is None:
        return text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return text[m.end():].splitlines()[0]


def refusal(exc: Exception) -> Refused:
    """What status a kdsl refusal stands for: the decoder's 400, validation's 422, a missing object's 404."""
    message = _first_error(exc)
    if "cannot be handled as" in message or "strict decoding error" in message:
        return Refused(400, "BadRequest", message)
    if " is invalid: " in message or any(f": {t}" in message for t in FIELD_ERRORS):
        return Refused(422, "Invalid", message)
    if " not found" in message:
        return Refused(404, "NotFound", message)
    return Refused(0, "KdslRefused", message)  # kdsl refuses where the API server has no such rule


@functools.lru_cache(maxsize=4096)
def _imported(text: str, cluster: str):
    # The harness's requests name no fieldValidation, so the API server's default, Warn, applies: an unknown
    # field is dropped with a warning (kubectl and `kdsl run` ask for Strict and refuse it; docs/fidelity.md).
    return kdsl.from_manifests(text=text, cluster=cluster, kube_version=KUBE_VERSION, field_validation="Warn")


def import_objects(manifests: list[dict], nodes: list[dict] = ()):
    """The scenario `kdsl run` makes of these manifests (no default cluster: only the case's nodes)."""
    try:
        return _imported(dump_manifests(list(nodes) + list(manifests)), "")
    except KdslError as exc:
        raise refusal(exc) from None


def model_object(manifest: dict, nodes: list[dict] = ()):
    """The model object kdsl reads from one manifest, on the case's nodes (its namespace declared, as
    `kubectl create ns` would)."""
    scenario = import_objects([manifest], nodes)
    kind, name = manifest.get("kind"), (manifest.get("metadata") or {}).get("name")
    # The model keeps HorizontalPodAutoscalers apart from `objects`; the engine stores them as API objects all the same.
    for obj in scenario.objects + tuple(scenario.autoscalers):
        if (getattr(obj, "manifest_kind", None) or obj.kind) == kind and obj.name == name:
            return obj
    raise Refused(0, "KdslRefused", f"kdsl read no {kind} {name!r} from the manifest")


def _behave(obj, kubelet: dict):
    """The case's kubelet line for the pods this workload makes: succeed, fail, pending or ready."""
    tpl = getattr(obj, "template", None)
    if tpl is None or not hasattr(tpl, "containers"):
        return obj
    ns = getattr(obj, "namespace", None)
    what = kubelet.get("default", "ready")
    for prefix, w in sorted((kubelet.get("pods") or {}).items()):
        if f"{ns}/{obj.name}".startswith(prefix) or prefix.startswith(f"{ns}/{obj.name}"):
            what = w
    fields = {"succeed": {"exit_code": 0, "exit_after_ms": 1000}, "fail": {"exit_code": 1, "exit_after_ms": 1000},
              "pending": {"pull_ms": 10 ** 9}}.get(what)
    if fields is None:
        return obj
    cs = tuple(attrs.evolve(c, behaviour=attrs.evolve(c.behaviour, **fields)) for c in tpl.containers)
    return attrs.evolve(obj, template=attrs.evolve(tpl, containers=cs))


class Replay:
    """One case on one Simulation: setup created as the admin, then each step, each giving one result."""

    def __init__(self, case: dict):
        self.case = case
        self.kubelet = case.get("kubelet") or {}
        self.setup_errors: list[str] = []
        self.sent: dict[tuple, dict] = {}  # (kind, ns, name) -> the last manifest created or updated
        spaces = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}} for n in case["namespaces"]]
        try:
            scenario = import_objects(spaces + case["setup"], case["nodes"])
        except Refused as exc:
            self.setup_errors.append(exc.message)
            scenario = import_objects(spaces, case["nodes"])
        objects = tuple(_behave(o, self.kubelet) for o in scenario.objects)
        cluster = attrs.evolve(scenario.cluster, kube_version=KUBE_VERSION)
        self.sim = Simulation(attrs.evolve(scenario, cluster=cluster, objects=objects, timeline=(), expectations=()))
        self.setup_errors += [r.message for r in self.sim.rejections]
        self.settler = Settler(self.sim)
        if case["nodes"]:  # the setup's pods bound and running before the steps, as the harness leaves them
            self.settler.settle(60_000)
        else:  # the harness waits for each namespace's default ServiceAccount and kube-root-ca.crt (run.go namespace)
            self.settler.settle(0)

    def run(self) -> dict:
        return {"setup_errors": self.setup_errors, "steps": [self.step(s) for s in self.case["steps"]]}

    def step(self, step: dict) -> dict:
        op = step["op"]
        if op == "sar":
            return self.sar(step)
        if op == "settle":
            return self.settler.settle(step.get("timeout_s", 60) * 1000)
        try:
            if op == "create":
                return self.write("create", step["object"])
            if op == "update":
                return self.write("update", step["object"])
            if op == "patch":
                return self.write("update", self.patched(step))
            if op == "delete":
                return self.delete(step)
        except Refused as exc:
            return {"code": exc.code, "status": "Failure", "reason": exc.reason, "message": exc.message}
        raise ValueError(f"unknown step {op!r}")

    def _answer(self, verb: str, result) -> dict:
        if isinstance(result, ApiError):
            return {"code": result.code, "status": "Failure", "reason": result.reason, "message": result.message}
        stored = self.sim._written(result, source="oracle")
        if stored is None:
            return {"code": CODES[verb], "status": "Success"}
        return {"code": CODES[verb], "status": "Success", "object": object_manifest(stored, self.sim, self.sim.now)}

    def write(self, verb: str, manifest: dict) -> dict:
        obj = _behave(model_object(manifest, self.case["nodes"]), self.kubelet)
        meta = manifest.get("metadata") or {}
        key = (manifest.get("kind"), meta.get("namespace"), meta.get("name"))
        sim = self.sim
        if verb == "create":
            request = Request(verb="create", kind=obj.kind, object=requested(obj, new_uid(sim.rng), sim.now),
                              now_ms=sim.now)
        else:
            current = sim.store.get(obj.kind, getattr(obj, "namespace", None), obj.name)
            if current is None:
                request = Request(verb="update", kind=obj.kind, namespace=getattr(obj, "namespace", None),
                                  name=obj.name, object=requested(obj, "", sim.now), now_ms=sim.now)
            else:
                request = Request(verb="update", kind=obj.kind, object=applied(current, obj), now_ms=sim.now)
        result = handle(request, sim.store, sim.scenario.users, services=sim.service_alloc, minor=sim.kube_minor)
        if not isinstance(result, ApiError):
            self.sent[key] = copy.deepcopy(manifest)
        return self._answer(verb, result)

    def patched(self, step: dict) -> dict:
        """A merge patch (RFC 7386) applied to the manifest last sent for the object."""
        key = (step["kind"], step.get("namespace"), step["name"])
        if key not in self.sent:
            raise Refused(404, "NotFound", f'{step["kind"].lower()}s "{step["name"]}" not found')
        base = copy.deepcopy(self.sent[key])
        # The API server patches the stored object: annotations its controllers wrote (a Deployment's revision)
        # stay unless the patch names them.
        stored = self.sim.store.get(step["kind"], step.get("namespace"), step["name"])
        if stored is not None and stored.meta.annotations:
            base.setdefault("metadata", {})["annotations"] = dict(stored.meta.annotations)
        return merge_patch(base, step["patch"])

    def delete(self, step: dict) -> dict:
        kind, ns, name = step["kind"], step.get("namespace"), step.get("name") or ""
        if not name and step.get("labelSelector"):
            want = dict(part.split("=", 1) for part in step["labelSelector"].split(","))
            matching = [o for o in self.sim.store.list(kind, ns, by_name=True)
                        if all(dict(o.meta.labels).get(k) == v for k, v in want.items())]
            if not matching:
                raise Refused(404, "NotFound", f"no {kind} matches {step['labelSelector']}")
            name = matching[0].name
        request = Request(verb="delete", kind=kind, namespace=ns, name=name, propagation=step.get("propagation"),
                          now_ms=self.sim.now)
        result = handle(request, self.sim.store, self.sim.scenario.users, services=self.sim.service_alloc,
                        minor=self.sim.kube_minor)
        if isinstance(result, ApiError):
            return self._answer("delete", result)
        if result.remove or result.object is None:
            # An object removed at once is answered with a Status, but a pod, whose registry returns the deleted
            # object (apiserver registry/generic/registry/store.go Delete, ReturnDeletedObject; pod storage.go).
            before = self.sim.store.get(kind, ns, name)
            self.sim.remove((kind, ns, name), source="oracle")
            out = {"code": 200, "status": "Success"}
            if before is not None and before.kind == "Pod":
                out["object"] = object_manifest(before, self.sim, self.sim.now)
            return out
        return self._answer("delete", result)

    def sar(self, step: dict) -> dict:
        """A SubjectAccessReview: the user and groups exactly as given (no system:authenticated added)."""
        a = Attributes(UserInfo(step["user"], tuple(step.get("groups") or ())), step["verb"], step["resource"],
                       step.get("group") or "", step.get("namespace") or None, step.get("name") or None,
                       step.get("subresource") or None)
        d = authorize(a, self.sim.store)
        return {"allowed": d.allowed, "denied": False, "reason": "" if d.allowed else d.reason,
                "evaluationError": ""}


def merge_patch(target, patch):
    """RFC 7386: maps merge, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def replay(case: dict) -> dict:
    return Replay(case).run()


def replay_json(case: dict) -> str:
    return json.dumps(replay(case), sort_keys=True)
