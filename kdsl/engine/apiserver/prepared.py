"""A pod create from a template the API server admitted a moment ago: the same answer under the pod's own name."""

# The pods a controller makes from one template at one moment (a ReplicaSet's slowStartBatch, a Job's
# parallelism) differ only by their name, uid, creation time and owner reference, and nothing the API server
# does before storing an admitted pod reads them: authentication reads the user and the ServiceAccounts, RBAC
# the user, the namespace and the RBAC kinds (a create names no object), the mutating plugins the template and
# the Namespace, LimitRange, ServiceAccount and PriorityClass objects, validation the template (the name apart,
# checked here for each pod). So the first pod goes the whole way and the next one, asked by the same user in
# the same namespace from the same template (by identity) at the same moment, gets that pod's result with its
# own name, uid, creation time and owners — one copy of the object and its spec, and of its metadata only if
# admission changed the first pod's (else the pod's own request metadata is what is stored) — and the same
# request trace: the user, the RBAC rule and each admission step. So too the pods a user declares alike (`pod`
# statements of equal specs, which the run sends with one template object: sim_requests._alike): the
# same user, no owners, labels and annotations compared whole, and each keeps its own name and source span
# (where the kdsl text declares it, which the API server never reads). What is the pod's own is still done
# for it: the storage's AlreadyExists, ResourceQuota (it counts what is stored) and the name's rule; a pod
# any of them would refuse goes the whole way, so a refusal is worded and traced as ever. A write of any kind
# that is read clears what is kept (as rbac._rules does), and so does the next moment: pod strategy's
# PrepareForCreate stamps scheduling-gated pods with the time.

from __future__ import annotations

import operator
import weakref

import attrs

from kdsl.engine.apiserver import quota
from kdsl.engine.apiserver.rbac import RBAC_KINDS
from kdsl.engine.apiserver.request_ops import Request, Result
from kdsl.engine.apiserver.resources import resource_info
from kdsl.engine.apiserver.trace import REPLAYED
from kdsl.core.evolve import copier
from kdsl.engine.objects import ApiObject, Meta, View
from kdsl.model import names
from kdsl.model.pods import PodTemplate

# What authentication, RBAC, admission and validation read of the store for a pod create; the stored Pods and
# ResourceQuotas (the storage's and the quota's checks, and the quota's charge) are read for each pod.
# tests/engine/apiserver/test_prepared.py fails when a pod create reads a kind not named here.
READS = ("Namespace", "ServiceAccount", "LimitRange", "PriorityClass", *RBAC_KINDS)
POD = resource_info("Pod")
OWN = ("name", "uid", "creation_ms", "owners")  # a pod's own metadata
OWN_SPEC = ("name", "span")  # and of its spec (a model object's span is where the kdsl text declares it)
# entries a moment (each a template), the oldest dropped past it: enough for the pods of a thousand templates
# declared in turn (p0 of a, p1 of b, ..., p1000 of a again)
_KEPT = 1 << 12
_meta_rest = operator.attrgetter(*(a.name for a in attrs.fields(Meta) if a.name not in OWN))
_spec_rest: dict[type, operator.attrgetter] = {}
_own_spec: dict[type, tuple] = {}  # a spec type → (its copier of OWN_SPEC, the names it has, and with "template")
_own_meta, _own_object = copier(Meta, *OWN), copier(ApiObject, "meta", "spec")  # evolve's, less its keyword checks


def _rest_of_spec(spec) -> tuple:
    """The pod spec's fields but its own and its template (checked apart: by identity, or by family)."""
    get = _spec_rest.get(type(spec))
    if get is None:
        get = _spec_rest[type(spec)] = operator.attrgetter(*(a.name for a in attrs.fields(type(spec))
                                                             if a.name not in OWN_SPEC and a.name != "template"))
    return get(spec)


@attrs.frozen(slots=True, weakref_slot=False)
class _Answer:
    """The first pod's request and what the API server made of it: `admitted` as ResourceQuota saw it, `stored`
    as the result wrote it, `trace` its request trace (None when the run keeps none)."""

    template: object
    family: object  # the template's family (Request.family), None when sent without one
    # another member of the family may take this answer (_sharable), its template at trace step `replayed`
    sharable: bool
    replayed: int | None
    users: object
    spec_type: type
    meta: tuple
    spec: tuple
    status: object
    user: object
    trace: tuple | None
    admitted: ApiObject
    stored: ApiObject
    same_meta: bool  # `stored` kept its request's metadata (no admission step changed it)


class _Kept:
    __slots__ = ("answers", "now")

    def __init__(self) -> None:
        self.now = -1
        self.answers: dict[tuple, _Answer] = {}


_kept: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # a store → its _Kept


def _of(view: View, now: int) -> _Kept | None:
    """The answers kept for `view` at moment `now`; None for a view that does not announce its writes."""
    kept = _kept.get(view)
    if kept is None:
        watch = getattr(view, "watch", None)
        if watch is None:
            return None
        kept = _kept[view] = _Kept()
        for kind in READS:
            watch(kind, lambda op, old, new: kept.answers.clear())
    if kept.now != now:
        kept.now = now
        kept.answers.clear()
    return kept


def _key(req: Request, ns: str | None, minor: int) -> tuple:
    family = req.family
    return key_of(req.user, req.token, ns, req.object.spec.template if family is None else family, minor)


def key_of(user: str | None, token: str | None, ns: str | None, template, minor: int) -> tuple:
    """The key of the answer kept for the pods of `template` (or family) that `user` creates in `ns`."""
    return (user, token, ns, id(template), minor)


def _renamed(obj: ApiObject, meta: Meta, spec, same_meta: bool = False, template=None) -> ApiObject:
    """`obj` with the name, uid, creation time and owners of `meta` and the name and span of `spec`;
    `same_meta`: `obj`'s metadata was its request's, so `meta` itself is what the copy would make; `template`:
    a family member's, whose containers `obj`'s template takes."""
    own = meta if same_meta else _own_meta(obj.meta, {"name": meta.name, "uid": meta.uid,
                                                      "creation_ms": meta.creation_ms, "owners": meta.owners})
    copy, names, with_template = spec_copiers(type(obj.spec))
    changes = {n: getattr(spec, n) for n in names}
    if template is None:
        return _own_object(obj, {"meta": own, "spec": copy(obj.spec, changes)})
    changes["template"] = _own_template(obj.spec.template, {"containers": template.containers,
                                                            "init_containers": template.init_containers})
    return _own_object(obj, {"meta": own, "spec": with_template(obj.spec, changes)})


def spec_copiers(spec_type: type) -> tuple:
    """A pod spec type's copier of its own fields (OWN_SPEC), the names of those it has, and its copier of them
    and the template."""
    own_spec = _own_spec.get(spec_type)
    if own_spec is None:
        names = tuple(a.name for a in attrs.fields(spec_type) if a.name in OWN_SPEC)
        own_spec = _own_spec[spec_type] = (copier(spec_type, *names), names, copier(spec_type, *names, "template"))
    return own_spec


def kept_answer(kept, key):
    """The answer kept for `key` (None if none), worked out from what `remember` kept when first asked."""
    got = kept.answers.get(key)
    if type(got) is tuple:
        got = kept.answers[key] = _answer(*got)
    return got


def answer(req: Request, view: View, users, ns: str | None, name: str, minor: int) -> Result | None:
    """The result of pod create `req` if a pod of its template was admitted at this moment and this one would
    be stored as it was (its request trace filled the same way); None: handle it the whole way."""
    kept = _of(view, req.now_ms)
    obj = req.object
    if kept is None or not kept.answers or req.trace or obj.kind != "Pod":
        return None
    spec = obj.spec
    key = _key(req, ns, minor)
    got = kept_answer(kept, key)
    if got is None or got.users is not users or type(spec) is not got.spec_type:
        return None
    template = spec.template
    renamed = got.template is not template
    if renamed and (not got.sharable or got.family is not req.family or not _fit(template)):
        return None
    meta = obj.meta
    if (meta.namespace != ns or meta.name != name or obj.status != got.status
            or _meta_rest(meta) != got.meta or _rest_of_spec(spec) != got.spec
            or (req.trace is None) != (got.trace is None)):
        return None
    if names.object_name("Pod", name, minor) or view.get("Pod", ns, name) is not None:
        return None
    charged = ()
    if view.list("ResourceQuota", ns):
        admitted = _renamed(got.admitted, meta, spec)
        if quota.check(admitted, None, POD, view, req.now_ms):
            return None
        # each admitted pod raises the quotas' status.used (checkQuotas' UpdateQuotaStatus), as the whole way does
        charged = quota.charges(admitted, None, POD, view, req.now_ms)
    stored = _renamed(got.stored, meta, spec, got.same_meta, template if renamed else None)
    if req.trace is not None:
        if renamed and got.replayed is not None:  # the step of the replayed plugins' template: this pod's
            at = got.replayed
            req.trace.extend(got.trace[:at] + ((REPLAYED, template),) + got.trace[at + 1:])
        else:
            req.trace.extend(got.trace)
    return Result(verb="create", user=got.user, object=stored, quotas=charged)


def remember(req: Request, view: View, users, ns: str | None, minor: int, admitted: ApiObject,
             result: Result) -> None:
    """Keep what pod create `req` came to (`admitted`: after the validating plugins; `result`: what is stored)
    for the next pod of its template. Kept as it came, and worked out (`_answer`) only when a next pod asks:
    most templates a user declares make one pod."""
    if req.object is None:
        return
    kept = _of(view, req.now_ms)
    if kept is None:
        return
    if len(kept.answers) >= _KEPT:
        del kept.answers[next(iter(kept.answers))]  # the oldest
    trace = None if req.trace is None else tuple(req.trace)
    kept.answers[_key(req, ns, minor)] = (req.object, req.family, users, trace, admitted, result)


def _answer(obj: ApiObject, family, users, trace: tuple | None, admitted: ApiObject,
            result: Result) -> _Answer | None:
    """What a pod create kept for the next pod of its template; None (the next goes the whole way) unless
    its own fields came through as they went in."""
    stored = result.object
    if type(stored.spec) is not type(obj.spec) or type(admitted.spec) is not type(obj.spec):
        return None
    for made in (admitted, stored):
        if (made.meta.name, made.meta.uid, made.meta.creation_ms, made.meta.owners, made.spec.name,
                getattr(made.spec, "span", None)) != (obj.meta.name, obj.meta.uid, obj.meta.creation_ms,
                                                      obj.meta.owners, obj.spec.name, getattr(obj.spec, "span", None)):
            return None
    same_meta = stored.meta == obj.meta
    replayed = _sharable(obj, family, trace, admitted, stored) if same_meta else False
    return _Answer(template=obj.spec.template, family=family, sharable=replayed is not False,
                   replayed=None if replayed is False else replayed, users=users,
                   spec_type=type(obj.spec), meta=_meta_rest(obj.meta), spec=_rest_of_spec(obj.spec),
                   status=obj.status, user=result.user, trace=trace, admitted=admitted, stored=stored,
                   same_meta=same_meta)


# ---- a family's answer under another member's containers' names ----------------------------------------------
# Pods whose templates differ only in their containers' names (Request.family: bare pods of the one-container
# shorthand, each container named after its pod) share the first one's answer when nothing the API server did
# with it read or wrote those names but validation's own check of them, done here for each pod (_fit). Where the
# API server reads a container's name: validation_fields._containers (required, unique, a DNS-1123 label);
# LimitRanger's annotation and trace words (limitranger._merge: only when it sets a
# default, i.e. changes the containers); ResourceQuota's refusal message (quota.py's `must specify`, a refusal:
# that pod goes the whole way here). Admission's other pod plugins read the template's service account, priority
# and tolerations (admission.py), the registry's defaults and strategy its metadata. So when the first pod's
# containers came through admission and into the stored pod as the very tuples it sent (no plugin changed one)
# and its metadata as it sent it, the only place its containers' names are is those tuples, and the next pod's
# answer is the first's with its own tuples; its trace is the first's with its own template where the replayed
# template plugins start from it (trace.admitted), the other steps being the user, the rule and plugin names.


def _sharable(obj: ApiObject, family, trace: tuple | None, admitted: ApiObject, stored: ApiObject):
    """False when no other pod of `family` may take this answer with its own containers; else the trace step of
    the replayed plugins' template (None: none). `stored` kept its request's metadata."""
    template = obj.spec.template
    if family is None:
        return False
    for made in (admitted.spec.template, stored.spec.template):
        if made.containers is not template.containers or made.init_containers is not template.init_containers:
            return False
    at = None
    for i, step in enumerate(trace or ()):
        if type(step) is not tuple:
            continue  # a replayed plugin's name, or the user and rule (trace.Decided)
        if step[0] != REPLAYED or step[1] is not template or at is not None:
            return False
        at = i
    return at


def _fit(template) -> bool:
    """Whether validation finds nothing wrong with `template`'s containers' names (validation_fields._containers:
    each given, unique among containers and init containers, a DNS-1123 label)."""
    containers, inits = template.containers, template.init_containers
    if len(containers) == 1 and not inits:  # one name: unique
        return bool(containers[0].name) and not names.dns1123_label(containers[0].name)
    given = [c.name for c in containers + inits]
    return len(set(given)) == len(given) and all(n and not names.dns1123_label(n) for n in given)


_own_template = copier(PodTemplate, "containers", "init_containers")
