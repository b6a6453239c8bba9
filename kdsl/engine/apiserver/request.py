"""One API request, start to end: authentication, RBAC, admission, validation — a pure function."""

from __future__ import annotations

from collections.abc import Sequence

from kdsl.engine.apiserver import admission, defaults, prepared, quota, request_ops, strategy, trace, validation
from kdsl.engine.apiserver.admission import CREATE, UPDATE, Attributes
from kdsl.engine.apiserver.authn import UserInfo, authenticate
from kdsl.engine.apiserver.errors import (DEFAULT_MINOR, MODIFIED, ApiError,
                                          already_exists, bad_request, conflict, forbidden,
                                          go_quote, not_found, unknown_resource)
from kdsl.engine.apiserver.rbac import Attributes as Authz, authorize
from kdsl.engine.apiserver.resources import ResourceInfo, resource_info
from kdsl.engine.apiserver.request_ops import VERBS, Request, Result, attributes
from kdsl.core.evolve import evolve
from kdsl.engine.objects import ApiObject, View
from kdsl.model.access import User


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
    if req.verb == "create" and info.kind == "Pod" and name and not req.subresource and req.object is not None:
        # a pod of a template admitted a moment ago (a ReplicaSet's next pod): prepared.py
        done = prepared.answer(req, view, users, ns, name, minor)
        if done is not None:
            return done
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
    if req.subresource == "scale" and (missing := request_ops.scale_served(info.kind)) is not None:
        return missing
    if req.verb == "get":
        found = view.get(info.kind, ns, name)
        found = request_ops.scale_of(found) if found is not None and req.subresource == "scale" else found
        return Result(verb="get", user=user, object=found) if found else not_found(info.plural, info.group, name)
    if req.verb == "delete" or (req.verb == "create" and req.subresource == "eviction"):
        return request_ops.delete(req, info, user, ns, name, view)
    if req.verb == "create" and req.subresource:
        return request_ops.create_subresource(req, info, user, ns, name, view)
    if req.object is None:
        return bad_request("the request carries no object")
    obj = req.object
    if obj.kind != info.kind or obj.meta.namespace != ns or obj.meta.name != name:
        obj = evolve(obj, kind=info.kind, meta=evolve(obj.meta, namespace=ns, name=name))
    obj = validation.decoded(obj)
    if req.verb == "create":
        return _create(req, info, user, obj, view, services, minor, users)
    return _update(req, info, user, obj, view, services, minor)


def _registered(a: Attributes, info: ResourceInfo, services, old, minor: int) -> Attributes | ApiError:
    obj = validation.registry(a.object, info, services, old, minor)
    return obj if isinstance(obj, ApiError) else a if obj is a.object else evolve(a, object=obj)


def _create(req: Request, info: ResourceInfo, user: UserInfo, obj: ApiObject, view: View,
            services, minor: int, users: Sequence[User]) -> Result | ApiError:
    a = admission.mutate(attributes(req, info, user, CREATE, obj.namespace, obj.name, obj), view)
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
    result = Result(verb="create", user=user, object=validation.prepare_for_create(created, req.now_ms),
                    quotas=_charged(a, info, view))
    if info.kind == "Pod" and obj is req.object:
        prepared.remember(req, view, users, obj.namespace, minor, a.object, result)
    return result


def _update(req: Request, info: ResourceInfo, user: UserInfo, obj: ApiObject, view: View,
            services, minor: int) -> Result | ApiError:
    old = view.get(info.kind, obj.namespace, obj.name)
    if old is None:
        return not_found(info.plural, info.group, obj.name)
    if obj.resource_version and obj.resource_version != old.resource_version:
        return conflict(info.plural, info.group, obj.name, MODIFIED)
    if req.subresource == "status":
        # The status strategy keeps everything but the status.
        return Result(verb="update", user=user,
                      object=strategy.volume_status_updated(evolve(old, status=obj.status), old, req.now_ms))
    if req.subresource == "finalize" and info.kind == "Namespace":
        # The namespace controller's finalize empties spec.finalizers: a namespace being deleted goes.
        return Result(verb="update", user=user, object=old, remove=old.meta.deletion_ms is not None)
    if req.subresource == "scale":
        new = request_ops.scale_update(old, obj.spec)
        return new if isinstance(new, ApiError) else Result(verb="update", user=user, object=new)
    if req.subresource:
        return Result(verb="update", user=user, object=old)
    obj = strategy.updated(_keep_server_set(obj, old), old)
    a = admission.mutate(attributes(req, info, user, UPDATE, obj.namespace, obj.name, obj, old), view)
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
                  **defaults.on_update(new, old))
    new = evolve(new, meta=meta, status=old.status, resource_version=old.resource_version)
    # shouldDeleteDuringUpdate: the last finalizer gone from an object already deleted without grace.
    remove = (old.meta.deletion_ms is not None and not meta.finalizers and not old.meta.deletion_grace_ms)
    return Result(verb="update", user=user, object=new, remove=remove, quotas=_charged(a, info, view))


def _charged(a: Attributes, info: ResourceInfo, view: View) -> tuple[ApiObject, ...]:
    """The quota status writes of the ResourceQuota admission plugin, for a request every check admitted."""
    if not info.namespaced or a.object is None:
        return ()
    return quota.charges(a.object, a.old, info, view, a.now_ms)


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
