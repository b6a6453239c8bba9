"""One API request, start to end: authentication, RBAC, admission, validation — a pure function."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from kdsl.engine.apiserver import admission, defaults, scale, strategy, trace, validation
from kdsl.engine.apiserver.admission import CREATE, DELETE, UPDATE, Attributes
from kdsl.engine.apiserver.authn import UserInfo, authenticate
from kdsl.engine.apiserver.errors import (DEFAULT_MINOR, MODIFIED, ApiError,
                                          already_exists, bad_request, conflict, forbidden,
                                          go_quote, invalid, not_found, unknown_resource)
from kdsl.engine.apiserver.rbac import Attributes as Authz, authorize
from kdsl.engine.apiserver.resources import ResourceInfo, resource_info
from kdsl.engine.apiserver.view import View
from kdsl.engine.evolve import evolve
from kdsl.engine.objects import ApiObject
from kdsl.model.access import User

VERBS = ("get", "list", "watch", "create", "update", "patch", "delete")
FOREGROUND, ORPHAN = "foregroundDeletion", "orphan"


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
    trace: list | None = attrs.field(default=None, eq=False, repr=False)  # trace.py fills it


@attrs.frozen(kw_only=True)
class Result:
    """What the store should do. create/update: write `object`; delete: write `object` (now marked with
    a deletion time) or, when `remove`, delete it at once; get: `object`; list: `objects`."""

    verb: str
    user: UserInfo
    object: ApiObject | None = None
    objects: tuple[ApiObject, ...] = ()
    remove: bool = False


def _target(req: Request, info: ResourceInfo) -> tuple[str | None, str | None] | ApiError:
    """The namespace and name the request addresses, checked against the object it carries."""
    obj = req.object
    ns = req.namespace
    if info.namespaced:
        if obj is not None and obj.meta.namespace and ns and obj.meta.namespace != ns:
            return bad_request("the namespace of the provided object does not match the namespace sent on the "
                               "request")
        ns = ns or (obj.meta.namespace if obj is not None else None)
        if req.verb not in ("list", "watch"):
            ns = ns or "default"
    else:
        ns = None
    name = req.name
    if obj is not None:
        if name and obj.meta.name and name != obj.meta.name:
            return bad_request(f"the name of the object ({obj.meta.name}) does not match the name on the URL "
                               f"({name})")
        name = name or obj.meta.name
    return ns, name


def _authorize(req: Request, info: ResourceInfo, user: UserInfo, ns: str | None, name: str | None,
               view: View) -> ApiError | None:
    # A collection request (create, list, watch) names no object; a namespace is addressed inside
    # itself (/api/v1/namespaces/dev), so a RoleBinding in `dev` may grant `get namespaces`.
    collection = req.verb in ("list", "watch") or (req.verb == "create" and not req.subresource)
    name = None if collection else name
    if info.kind == "Namespace" and name:
        ns = name
    decision = authorize(Authz(user, req.verb, info.plural, info.group, ns, name, req.subresource), view)
    trace.authorized(req.trace, user, decision)
    if decision.allowed:
        return None
    return forbidden(info.plural, info.group, name, req.verb, user.name, ns, req.subresource, decision.reason)


def handle(req: Request, view: View, users: Sequence[User] = (), services=None,
           minor: int = DEFAULT_MINOR) -> Result | ApiError:
    """authentication (401) → RBAC (403) → mutating admission → validation (422) → validating
    admission → the storage checks (404 / 409). Reads `view`, writes nothing: the Result says what to
    store. `users` are the scenario's declared users; `services` (a ServiceAllocator) gives a Service
    its ClusterIP and NodePorts after mutating admission, as the Service storage's BeginCreate does. A
    refusal is worded as Kubernetes 1.`minor` (the cluster's version) words it."""
    info = resource_info(req.kind)
    version = getattr(req.object.spec, "manifest_api_version", None) if req.object is not None else None
    if info is None or (version is not None and not getattr(req.object.spec, "simulated", False)):
        # A manifest is a kind (a CRD not installed) or a version (batch/v1beta1 CronJob) the cluster does
        # not serve: kubectl reports what discovery lacks.
        if version is not None:
            return ApiError(404, "NotFound", f"no matches for kind {go_quote(req.kind)} in version {go_quote(version)}")
        return unknown_resource()
    if req.verb not in VERBS:
        return ApiError(405, "MethodNotAllowed", f"the server does not allow this method on the requested "
                                                 f"resource ({req.verb})")
    where = _target(req, info)
    if isinstance(where, ApiError):
        return where
    ns, name = where
    user = authenticate(view, users, user=req.user, token=req.token)
    if isinstance(user, ApiError):
        return user
    error = _authorize(req, info, user, ns, name, view)
    if error is not None:
        return error
    if req.verb in ("list", "watch"):
        return Result(verb=req.verb, user=user, objects=tuple(view.list(info.kind, ns)))
    if not name:
        return bad_request("resource name may not be empty")
    if req.subresource == "scale" and (missing := scale.served(info.kind)) is not None:
        return missing
    if req.verb == "get":
        found = view.get(info.kind, ns, name)
        found = scale.scale_of(found) if found is not None and req.subresource == "scale" else found
        return Result(verb="get", user=user, object=found) if found else not_found(info.plural, info.group, name)
    if req.verb == "delete" or (req.verb == "create" and req.subresource == "eviction"):
        return _delete(req, info, user, ns, name, view)
    if req.verb == "create" and req.subresource:
        return _create_subresource(req, info, user, ns, name, view)
    if req.object is None:
        return bad_request("the request carries no object")
    obj = req.object
    if obj.kind != info.kind or obj.meta.namespace != ns or obj.meta.name != name:
        obj = evolve(obj, kind=info.kind, meta=evolve(obj.meta, namespace=ns, name=name))
    obj = validation.decoded(obj)
    if req.verb == "create":
        return _create(req, info, user, obj, view, services, minor)
    return _update(req, info, user, obj, view, services, minor)


def _attributes(req: Request, info: ResourceInfo, user: UserInfo, op: str, ns: str | None, name: str,
                obj: ApiObject | None, old: ApiObject | None = None) -> Attributes:
    return Attributes(operation=op, info=info, namespace=ns, name=name, user=user, object=obj, old=old,
                      subresource=req.subresource, now_ms=req.now_ms, trace=req.trace)


def _registered(a: Attributes, info: ResourceInfo, services, old, minor: int) -> Attributes | ApiError:
    obj = validation.registry(a.object, info, services, old, minor)
    return obj if isinstance(obj, ApiError) else a if obj is a.object else evolve(a, object=obj)


def _create(req: Request, info: ResourceInfo, user: UserInfo, obj: ApiObject, view: View,
            services, minor: int) -> Result | ApiError:
    a = admission.mutate(_attributes(req, info, user, CREATE, obj.namespace, obj.name, obj), view)
    if isinstance(a, ApiError):
        return a
    a = _registered(a, info, services, None, minor)
    if isinstance(a, ApiError):
        return a
    error = admission.validate(a, view)
    if error is not None:
        return error
    # The name is checked by the storage layer, after admission (so a quota refusal comes first).
    if view.get(info.kind, obj.namespace, obj.name) is not None:
        return already_exists(info.plural, info.group, obj.name)
    created = strategy.created(defaults.on_create(a.object), req.now_ms)
    return Result(verb="create", user=user, object=validation.prepare_for_create(created, req.now_ms))


def _update(req: Request, info: ResourceInfo, user: UserInfo, obj: ApiObject, view: View,
            services, minor: int) -> Result | ApiError:
    old = view.get(info.kind, obj.namespace, obj.name)
    if old is None:
        return not_found(info.plural, info.group, obj.name)
    if obj.meta.resource_version and obj.meta.resource_version != old.meta.resource_version:
        return conflict(info.plural, info.group, obj.name, MODIFIED)
    if req.subresource == "status":
        # The status strategy keeps everything but the status.
        return Result(verb="update", user=user,
                      object=strategy.volume_status_updated(evolve(old, status=obj.status), old, req.now_ms))
    if req.subresource == "finalize" and info.kind == "Namespace":
        # The namespace controller's finalize empties spec.finalizers: a namespace being deleted goes.
        return Result(verb="update", user=user, object=old, remove=old.meta.deletion_ms is not None)
    if req.subresource == "scale":
        new = scale.update(old, obj.spec)
        return new if isinstance(new, ApiError) else Result(verb="update", user=user, object=new)
    if req.subresource:
        return Result(verb="update", user=user, object=old)
    obj = strategy.updated(_keep_server_set(obj, old), old)
    a = admission.mutate(_attributes(req, info, user, UPDATE, obj.namespace, obj.name, obj, old), view)
    if isinstance(a, ApiError):
        return a
    a = _registered(a, info, services, old, minor)
    if isinstance(a, ApiError):
        return a
    error = admission.validate(a, view)
    if error is not None:
        return error
    new = a.object
    # UID, creation and deletion state belong to the server, the generation to the strategy; a
    # main-resource update leaves the status (a subresource) as stored.
    meta = evolve(new.meta, uid=old.meta.uid, creation_ms=old.meta.creation_ms,
                  deletion_ms=old.meta.deletion_ms, deletion_grace_ms=old.meta.deletion_grace_ms,
                  resource_version=old.meta.resource_version, **defaults.on_update(new, old))
    new = evolve(new, meta=meta, status=old.status)
    # shouldDeleteDuringUpdate: the last finalizer gone from an object already deleted without grace.
    remove = (old.meta.deletion_ms is not None and not meta.finalizers and not old.meta.deletion_grace_ms)
    return Result(verb="update", user=user, object=new, remove=remove)


# Pod fields the server (binding, admission) sets; an update that leaves them unset keeps them, as a
# patch that does not mention them would.
SERVER_SET = ("node_name", "service_account", "priority")


def _keep_server_set(obj: ApiObject, old: ApiObject) -> ApiObject:
    if obj.kind != "Pod":
        return obj
    new_t, old_t = obj.spec.template, old.spec.template
    keep = {f: getattr(old_t, f) for f in SERVER_SET if getattr(new_t, f) is None and getattr(old_t, f) is not None}
    if not keep:
        return obj
    return evolve(obj, spec=evolve(obj.spec, template=evolve(new_t, **keep)))


def _create_subresource(req: Request, info: ResourceInfo, user: UserInfo, ns: str | None, name: str,
                        view: View) -> Result | ApiError:
    stored = view.get(info.kind, ns, name)
    if stored is None:
        return not_found(info.plural, info.group, name)
    a = admission.mutate(_attributes(req, info, user, CREATE, ns, name, stored), view)
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


def _delete(req: Request, info: ResourceInfo, user: UserInfo, ns: str | None, name: str,
            view: View) -> Result | ApiError:
    a = admission.mutate(_attributes(req, info, user, DELETE, ns, name, None), view)
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
