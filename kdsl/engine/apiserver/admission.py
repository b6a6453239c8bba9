"""The admission chain in kube-apiserver's order: every mutating plugin, then every validating one."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from kdsl.engine.apiserver import limitranger, priority_classes, quota, trace
from kdsl.engine.apiserver.authn import UserInfo, namespace_exists, service_account_exists
from kdsl.engine.apiserver.errors import ApiError, go_quote, not_found, wrap_forbidden
from kdsl.engine.apiserver.resources import ResourceInfo
from kdsl.core.evolve import ByIdentity, evolve
from kdsl.engine.objects import ApiObject, View
from kdsl.model.nodes import IMMORTAL_NAMESPACES
from kdsl.model.pods import Toleration

CREATE, UPDATE, DELETE = "CREATE", "UPDATE", "DELETE"
NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
DEFAULT_TOLERATION_MS = 300_000  # --default-{not-ready,unreachable}-toleration-seconds=300
DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"
PVC_PROTECTION = "kubernetes.io/pvc-protection"
PV_PROTECTION = "kubernetes.io/pv-protection"


@attrs.frozen(kw_only=True, weakref_slot=False)
class Attributes:
    """admission.Attributes: the operation, what it is on, and the object as it stands so far
    (`object` is None for a delete; `old` is the stored object for an update or delete)."""

    operation: str
    info: ResourceInfo
    namespace: str | None
    name: str
    user: UserInfo
    object: ApiObject | None = None
    old: ApiObject | None = None
    subresource: str | None = None
    now_ms: int = 0
    # The pod's template as the pod plugins have defaulted it so far; mutate folds it into `object`
    # once (a pod, its spec and these attributes copied once, not once a plugin).
    template: object = None
    generate_name: str | None = None  # the create's metadata.generateName (Request.generate_name)
    trace: list | None = attrs.field(default=None, eq=False, repr=False)  # the request trace's steps (trace.py)

    @property
    def pod(self) -> bool:
        """The plugins that change pods ignore subresources (status, binding, eviction ...)."""
        return self.info.kind == "Pod" and not self.subresource and self.object is not None


def forbidden(a: Attributes, detail: str, named: bool = False) -> ApiError:
    """admission.NewForbidden: named after the object (`Unknown` when the request carries none). A create
    with generateName is named by it in the mutating plugins, which run before the registry generates the
    name (extractResourceName, apiserver/pkg/admission/errors.go); the validating ones run inside the
    registry's Create after rest.BeforeCreate named it (`named`: handlers/create.go passes them as
    createValidation)."""
    if a.generate_name and not named:
        return wrap_forbidden(a.info.plural, a.info.group, a.generate_name, detail)
    name = a.object.name if a.object is not None and a.object.name else "Unknown"
    return wrap_forbidden(a.info.plural, a.info.group, name, detail)


# The pods of one ReplicaSet share their template: what a plugin defaults in it (a pure function of
# the template) is made once and shared too, as the pods' templates are equal (a pod's own copy would
# cost a copy and its memory per pod).
_defaulted = ByIdentity(lambda template, default: default(template))


def _template(a: Attributes):
    return a.object.spec.template if a.template is None else a.template


def _with_template(a: Attributes, default: Callable) -> Attributes:
    """The pod with `default(template)` for its template (unchanged if that is the template itself)."""
    template = _defaulted(_template(a), default)
    if template is _template(a):
        return a
    if a.template is None:  # a plugin called alone: its result is the pod itself
        return evolve(a, object=evolve(a.object, spec=evolve(a.object.spec, template=template)))
    return evolve(a, template=template)


def _folded(a: Attributes) -> Attributes:
    pod = a.object
    if a.template is pod.spec.template:
        return evolve(a, template=None)  # the plugins had nothing to default
    return evolve(a, object=evolve(pod, spec=evolve(pod.spec, template=a.template)), template=None)


# ---- mutating plugins -----------------------------------------------------------------------------

def namespace_lifecycle(a: Attributes, view: View) -> Attributes | ApiError:
    """NamespaceLifecycle: `default`, `kube-system` and `kube-public` cannot be deleted; nothing is
    written into a namespace that does not exist; nothing is created in one being terminated."""
    if a.operation == DELETE and a.info.kind == "Namespace" and a.name in IMMORTAL_NAMESPACES:
        return wrap_forbidden("namespaces", "", a.name, "this namespace may not be deleted")
    if not a.info.namespaced or a.operation == DELETE or not a.namespace:
        return a
    if not namespace_exists(view, a.namespace):
        return not_found("namespaces", "", a.namespace)
    ns = view.get("Namespace", None, a.namespace)
    terminating = ns is not None and (ns.terminating or getattr(ns.status, "phase", None) == "Terminating")
    if a.operation == CREATE and terminating:
        return forbidden(a, f"unable to create new content in namespace {a.namespace} because it is being "
                            "terminated")
    return a


def limit_ranger_admit(a: Attributes, view: View) -> Attributes | ApiError:
    """LimitRanger (mutating half): defaults from the namespace's LimitRanges, on pod create only
    (containers cannot change later, so an update is not looked at)."""
    if not a.pod or a.operation != CREATE:
        return a
    ranges = [o.spec for o in view.list("LimitRange", a.namespace)]
    return evolve(a, object=limitranger.mutate(a.object, ranges)) if ranges else a


def service_account_admit(a: Attributes, view: View) -> Attributes | ApiError:
    """ServiceAccount: a pod without one runs as `default`; the one it names must exist."""
    if not a.pod or a.operation != CREATE:
        return a
    name = _template(a).service_account or "default"
    if not service_account_exists(view, a.namespace, name):
        return forbidden(a, f"error looking up service account {a.namespace}/{name}: serviceaccount "
                            f"{go_quote(name)} not found")
    return _with_template(a, _default_service_account)


def _default_service_account(template):
    name = template.service_account or "default"
    return template if template.service_account == name else evolve(template, service_account=name)


def priority_admit(a: Attributes, view: View) -> Attributes | ApiError:
    """Priority (plugin/pkg/admission/priority/admission.go, admitPod), on create: a pod's priorityClassName
    gives its priority, from a stored PriorityClass or a built-in system class (`no PriorityClass with name X
    was found` otherwise); a pod naming none gets the global default class, if any, else 0; a priority the
    pod gives that differs from the class's is refused. kdsl's own `priority N` without a class stands for
    the value a PriorityClass would give (kdsl text declares no PriorityClass), so it is kept as is."""
    if not a.pod or a.operation != CREATE:
        return a
    got = priority_classes.admitted(_template(a), view)
    if got is None:
        return a
    return forbidden(a, got) if isinstance(got, str) else _with_template(a, got)


def _tolerates(tolerations: tuple[Toleration, ...], key: str) -> bool:
    # An empty key or an empty effect tolerates every key or effect, as the plugin checks it.
    return any(t.key in (key, None, "") and t.effect in ("NoExecute", None, "") for t in tolerations)


def default_toleration_seconds(a: Attributes, view: View) -> Attributes | ApiError:
    """DefaultTolerationSeconds: a pod not already tolerating `not-ready` / `unreachable` NoExecute
    gets `Exists` tolerations for them with tolerationSeconds 300 (kdsl's Toleration.seconds holds
    milliseconds, as the model builder writes it)."""
    if not a.pod or a.operation not in (CREATE, UPDATE):
        return a
    return _with_template(a, _default_tolerations)


# The two tolerations the plugin adds, made once: every pod that has none of its own gets this very tuple.
_DEFAULT_TOLERATIONS = tuple(Toleration(key=k, operator="Exists", effect="NoExecute",
                                        toleration_ms=DEFAULT_TOLERATION_MS) for k in (NOT_READY, UNREACHABLE))


def _default_tolerations(template):
    tolerations = template.tolerations
    if not tolerations:
        return evolve(template, tolerations=_DEFAULT_TOLERATIONS)
    added = tuple(t for t in _DEFAULT_TOLERATIONS if not _tolerates(tolerations, t.key))
    return evolve(template, tolerations=tolerations + added) if added else template


def default_storage_class(a: Attributes, view: View) -> Attributes | ApiError:
    """DefaultStorageClass: a claim created without a class (None; "" asks for none) gets the default
    StorageClass — the newest if several are marked default, ties by name — or stays without."""
    if a.info.kind != "PersistentVolumeClaim" or a.operation != CREATE or a.subresource or a.object is None:
        return a
    if a.object.spec.storage_class is not None:
        return a
    defaults = [o for o in view.list("StorageClass") if getattr(o.spec, "default", False)
                or dict(o.meta.annotations).get(DEFAULT_CLASS) == "true"]
    if not defaults:
        return a
    chosen = sorted(defaults, key=lambda o: (-o.meta.creation_ms, o.name))[0]
    return evolve(a, object=evolve(a.object, spec=evolve(a.object.spec, storage_class=chosen.name)))


def storage_object_in_use_protection(a: Attributes, view: View) -> Attributes | ApiError:
    """StorageObjectInUseProtection (plugin/pkg/admission/storage/storageobjectinuseprotection/admission.go):
    every new claim carries the pvc-protection finalizer and every new volume the pv-protection one, so that
    deleting one in use leaves it Terminating (the PVC and PV protection controllers let it go)."""
    finalizer = {"PersistentVolumeClaim": PVC_PROTECTION, "PersistentVolume": PV_PROTECTION}.get(a.info.kind)
    if finalizer is None or a.operation != CREATE or a.subresource or a.object is None:
        return a
    meta = a.object.meta
    if finalizer in meta.finalizers:
        return a
    return attrs.evolve(a, object=attrs.evolve(a.object, meta=attrs.evolve(meta, finalizers=meta.finalizers
                                                                            + (finalizer,))))


# ---- validating plugins ---------------------------------------------------------------------------

def limit_ranger_validate(a: Attributes, view: View) -> ApiError | None:
    """LimitRanger (validating half): min and max per container; the first LimitRange refusing wins."""
    if not a.pod or a.operation != CREATE:
        return None
    for lr in view.list("LimitRange", a.namespace):
        message = limitranger.violations(a.object, lr.spec)
        if message:
            return forbidden(a, message, named=True)
    return None


def resource_quota(a: Attributes, view: View) -> ApiError | None:
    """ResourceQuota, always the last validator."""
    if a.operation not in (CREATE, UPDATE) or a.subresource or a.object is None or not a.info.namespaced:
        return None
    message = quota.check(a.object, a.old, a.info, view, a.now_ms)
    return forbidden(a, message, named=True) if message else None


Mutating = Callable[[Attributes, View], "Attributes | ApiError"]
Validating = Callable[[Attributes, View], "ApiError | None"]

# AllOrderedPlugins (pkg/kubeapiserver/options/plugins.go), the plugins kdsl has, in that order.
MUTATING: tuple[tuple[str, Mutating], ...] = (
    ("NamespaceLifecycle", namespace_lifecycle),
    ("LimitRanger", limit_ranger_admit),
    ("ServiceAccount", service_account_admit),
    ("Priority", priority_admit),
    ("DefaultTolerationSeconds", default_toleration_seconds),
    ("DefaultStorageClass", default_storage_class),
    ("StorageObjectInUseProtection", storage_object_in_use_protection),
)
_ON_TEMPLATE = (service_account_admit, priority_admit, default_toleration_seconds)  # read and write `template`
VALIDATING: tuple[tuple[str, Validating], ...] = (
    ("LimitRanger", limit_ranger_validate),
    ("ResourceQuota", resource_quota),
)


def mutate(a: Attributes, view: View) -> Attributes | ApiError:
    """Run every mutating plugin in order; the first refusal stops the request."""
    for name, plugin in MUTATING:
        if a.template is not None and plugin not in _ON_TEMPLATE:
            a = _folded(a)
        elif a.template is None and plugin in _ON_TEMPLATE and a.pod:
            a = evolve(a, template=a.object.spec.template)
        result = plugin(a, view)
        if a.trace is not None and result is not a:  # a plugin that returns its Attributes did nothing to trace
            trace.admitted(a.trace, name, a, result)
        if isinstance(result, ApiError):
            return result
        a = result
    return a if a.template is None else _folded(a)


def validate(a: Attributes, view: View) -> ApiError | None:
    """Run every validating plugin in order, after schema validation; the first refusal wins."""
    for name, plugin in VALIDATING:
        error = plugin(a, view)
        if a.trace is not None:
            trace.refused(a.trace, name, error)
        if error is not None:
            return error
    return None
