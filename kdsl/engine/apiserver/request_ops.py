"""An API request and its result, the API server's delete, and its subresources: binding, eviction and scale."""

from __future__ import annotations

import attrs

from kdsl.engine.apiserver import admission, defaults, validation
from kdsl.engine.apiserver.admission import CREATE, DELETE, Attributes
from kdsl.engine.apiserver.authn import UserInfo
from kdsl.engine.apiserver.errors import (ApiError, FieldError, conflict, go_quote, invalid, not_found,
                                          unknown_resource)
from kdsl.engine.apiserver.resources import ResourceInfo
from kdsl.core.evolve import evolve
from kdsl.engine.objects import ApiObject, View
from kdsl.model.base import Selector

VERBS = ("get", "list", "watch", "create", "update", "patch", "delete")
FOREGROUND, ORPHAN = "foregroundDeletion", "orphan"
# Upstream: the scale storage of each kind (pkg/registry/apps/deployment/storage/storage.go ScaleREST,
# .../statefulset, .../replicaset, pkg/registry/core/replicationcontroller/storage), which reads and writes
# the owner's spec.replicas, and pkg/apis/autoscaling/validation ValidateScale.
SCALABLE = ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController")


@attrs.frozen(kw_only=True)
class Request:
    """A request as kubectl or a controller sends it. `kind` is a kind (`Pod`), plural or short name;
    `object` carries the object for create and update (its metadata names it); `user` (a name) or
    `token` says who asks — neither means `admin`. Subresources: `status` (update replaces only the
    status), `binding` (create: assign the pod to node `target`), `eviction` (create: a graceful delete),
    `scale` (get or update a workload's autoscaling/v1 Scale).
    `grace_ms` and `propagation` (Background | Foreground | Orphan) are a delete's options."""

    verb: str
    kind: str
    namespace: str | None = None
    name: str | None = None
    object: ApiObject | None = None
    user: str | None = None
    token: str | None = None
    subresource: str | None = None
    target: str | None = None
    grace_ms: int | None = None
    propagation: str | None = None
    now_ms: int = 0
    # metadata.generateName of a create whose name the client made from it (kdsl's controllers name their
    # pods before sending, from the simulation's RNG): admission's refusals name the object by it
    generate_name: str | None = None
    # a user's pod create: its template's value with every container's name left out, one object for the pods
    # whose templates differ only in those names (sim_requests._alike); prepared.py shares their answer
    family: object = attrs.field(default=None, eq=False, repr=False)
    trace: list | None = attrs.field(default=None, eq=False, repr=False)  # trace.py fills it


@attrs.frozen(kw_only=True)
class Result:
    """What the store should do. create/update: write `object`; delete: write `object` (now marked with
    a deletion time) or, when `remove`, delete it at once; get: `object`; list: `objects`. `quotas`: the
    ResourceQuotas whose status.used the ResourceQuota admission plugin raised for a create or update, written
    before `object` (quota.charges)."""

    verb: str
    user: UserInfo
    object: ApiObject | None = None
    objects: tuple[ApiObject, ...] = ()
    remove: bool = False
    quotas: tuple[ApiObject, ...] = ()


def attributes(req: Request, info: ResourceInfo, user: UserInfo, op: str, ns: str | None, name: str,
                obj: ApiObject | None, old: ApiObject | None = None) -> Attributes:
    return Attributes(operation=op, info=info, namespace=ns, name=name, user=user, object=obj, old=old,
                      subresource=req.subresource, now_ms=req.now_ms, generate_name=req.generate_name,
                      trace=req.trace)


def create_subresource(req: Request, info: ResourceInfo, user: UserInfo, ns: str | None, name: str,
                        view: View) -> Result | ApiError:
    stored = view.get(info.kind, ns, name)
    if stored is None:
        return not_found(info.plural, info.group, name)
    a = admission.mutate(attributes(req, info, user, CREATE, ns, name, stored), view)
    if isinstance(a, ApiError):
        return a
    if req.subresource != "binding" or info.kind != "Pod":
        return Result(verb="create", user=user, object=stored)
    if not req.target:
        return invalid("Binding", "", name, [validation.FieldError("target.name", validation.REQUIRED)])
    template = stored.spec.template
    if template.node_name:
        return conflict("pods/binding", "", name, f"pod {name} is already assigned to node "
                                                  f"{go_quote(template.node_name)}")
    spec = evolve(stored.spec, template=evolve(template, node_name=req.target))
    return Result(verb="create", user=user, object=evolve(stored, spec=spec))


def delete(req: Request, info: ResourceInfo, user: UserInfo, ns: str | None, name: str,
            view: View) -> Result | ApiError:
    a = admission.mutate(attributes(req, info, user, DELETE, ns, name, None), view)
    if isinstance(a, ApiError):
        return a
    old = view.get(info.kind, ns, name)
    if old is None:
        return not_found(info.plural, info.group, name)
    grace = _grace(req, old)
    meta = old.meta
    finalizers = meta.finalizers
    if req.propagation == "Foreground" and FOREGROUND not in finalizers:
        finalizers += (FOREGROUND,)
    elif req.propagation == "Orphan" and ORPHAN not in finalizers:
        finalizers += (ORPHAN,)
    if meta.deletion_ms is not None:
        # Deleting again may only shorten a pod's grace period; zero removes it.
        if grace is not None and (meta.deletion_grace_ms is None or grace < meta.deletion_grace_ms):
            if grace == 0 and not finalizers:
                return Result(verb="delete", user=user, object=old, remove=True)
            meta = evolve(meta, deletion_ms=req.now_ms + grace, deletion_grace_ms=grace)
        return Result(verb="delete", user=user, object=evolve(old, meta=evolve(meta,
                                                                                            finalizers=finalizers)))
    if not grace and not finalizers and info.kind != "Namespace":
        return Result(verb="delete", user=user, object=old, remove=True)
    # A namespace stays, terminating, until the namespace controller has emptied it.
    meta = evolve(meta, deletion_ms=req.now_ms + (grace or 0), deletion_grace_ms=grace,
                        finalizers=finalizers, generation=defaults.on_delete(meta.generation))
    return Result(verb="delete", user=user, object=evolve(old, meta=meta))


def _grace(req: Request, old: ApiObject) -> int | None:
    """A pod's grace period (CheckGracefulDelete): the request's, else the pod's own; zero when the
    pod was never scheduled or has finished. Other kinds are deleted without grace (None)."""
    if old.kind != "Pod":
        return None
    template = old.spec.template
    grace = req.grace_ms if req.grace_ms is not None else template.grace_ms
    if not template.node_name or getattr(old.status, "phase", None) in ("Succeeded", "Failed"):
        return 0
    return grace


# ---- the /scale subresource (autoscaling/v1 Scale) ----------------------------------------------


@attrs.frozen(kw_only=True)
class Scale:
    """autoscaling/v1 Scale: spec.replicas, status.replicas and status.selector (kept as a selector;
    `selector_text` is the string the API serves)."""

    replicas: int
    status_replicas: int = 0
    selector: Selector = Selector()

    @property
    def selector_text(self) -> str:
        return str(self.selector)


def scale_of(obj: ApiObject) -> ApiObject:
    """GET .../scale: the target's metadata (its resourceVersion, so an update can conflict) and its Scale."""
    status = getattr(obj.status, "replicas", 0) if obj.status is not None else 0
    return ApiObject(kind=obj.kind, meta=obj.meta, spec=Scale(replicas=obj.spec.replicas, status_replicas=status,
                                                              selector=obj.spec.selector),
                     resource_version=obj.resource_version)


def scale_update(old: ApiObject, scale: Scale):
    """PUT .../scale: the owner with spec.replicas set (its generation moves when the count does)."""
    if scale.replicas < 0:
        return invalid("Scale", "autoscaling", old.name,
                       [FieldError("spec.replicas", "Invalid value", scale.replicas,
                                   "must be greater than or equal to 0")])
    if scale.replicas == old.spec.replicas:
        return old
    meta = evolve(old.meta, generation=old.meta.generation + 1)
    return evolve(old, meta=meta, spec=evolve(old.spec, replicas=scale.replicas))


def scale_served(kind: str):
    """None when `kind` has a /scale subresource, else the 404 the API server gives for a path it lacks."""
    return None if kind in SCALABLE else unknown_resource()
