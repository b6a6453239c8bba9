"""The simulation's side of the API: requests through the API server, the store's writes, refusals and events."""

from __future__ import annotations

import attrs

from kdsl.engine.apiserver.errors import ApiError
from kdsl.engine.apiserver.request import Request, handle
from kdsl.core.evolve import copier, evolve
from kdsl.engine.events import new_event
from kdsl.engine.apiserver.defaults import new_uid
from kdsl.engine.objects import ApiObject, Meta, PodStatus, applied, requested
from kdsl.engine.errors import Rejection
from kdsl.engine.store import KEEP
from kdsl.model.pods import Container, PodTemplate

# a controller's create is stamped with the copiers evolve would compile (less its keyword checks): one a pod
_stamped_meta, _stamped = copier(Meta, "uid", "creation_ms"), copier(ApiObject, "meta")
# The empty status of every Pod created without one (a ReplicaSet's, a Job's ...), shared as the record is frozen:
# PodStatus() fills its ten slots through attrs' __init__ at each pod. Equal to a new one, compared by value.
NO_STATUS = PodStatus()
# Templates a run's user-created pods brought, each the first of its value: a pod declared with a template
# equal to an earlier pod's is sent with that one, as a ReplicaSet's pods share their ReplicaSet's, so the
# shortcuts that know a template by its identity (apiserver/prepared.py, admission's defaulting, the
# kubelet's alike steps, the scheduler's pod facts) serve it too. Equality leaves the source spans out (the
# API server never reads them; the model's checks, which quote them, have run). They are kept by family: the
# template's value with its containers' names left out (the one-container shorthand names the container after
# its pod, as kubectl run does, so bare pods alike but for their names differ only there), then by those names;
# the family is sent with the pod's create (Request.family) and the oldest goes past this many.
TEMPLATES_KEPT = 1 << 14
_nameless = copier(Container, "name")
_nameless_template = copier(PodTemplate, "containers", "init_containers")


# A family found again by what its template is made of: bare pods declared alike share every part of their
# templates but their containers' names (the model builds one object for each equal part: model/build/alike.py).
# Two identities (the labels and the first container's image) find the parts last kept under them, whose
# family is this template's when its own parts (_parts: every field its family's value compares but the containers'
# names) equal them: a tuple's == compares a shared part by identity, a pointer compare, where hashing the
# template walks all of it. A template of other parts is hashed as ever, and its parts are kept under its key next.
PARTS_KEPT = 1 << 14  # parts kept by key: cleared past this many


def _compiled_parts():
    """_parts, compiled from the fields (attrs' == compares the eq ones): read slot by slot in bytecode, as
    operator.attrgetter's lookup of each name costs twice as much."""
    def fields(cls, at, skip):
        return "".join(f"{at}.{a.name}, " for a in attrs.fields(cls) if a.eq and a.name not in skip)

    own, each = fields(PodTemplate, "t", ("containers", "init_containers")), fields(Container, "c", ("name",))
    code = "\n".join([
        "def parts(t):",
        "    containers, inits = t.containers, t.init_containers",
        "    if len(containers) == 1 and not inits:",
        "        c = containers[0]",
        f"        return ({own}{each})",
        f"    return ({own}tuple([({each}) for c in containers]), tuple([({each}) for c in inits]))"])
    env: dict = {}
    exec(compile(code, "<kdsl template parts>", "exec"), env)  # noqa: S102 - identifiers from attrs.fields
    return env["parts"]


# What PodTemplate `t`'s family compares: its fields but the containers and each container's but its name, one
# container's in one tuple with them (longer than any other's). A container's class is not: _family makes each a
# Container.
_parts = _compiled_parts()


def _names(template):
    """The key of `template`'s containers' names: the one container's name, else the tuple of every name (a
    string and a tuple are never equal)."""
    containers, inits = template.containers, template.init_containers
    if len(containers) == 1 and not inits:
        return containers[0].name
    return tuple([c.name for c in containers + inits])


def _family(template) -> PodTemplate:
    """`template` with every container's name left out (""); equal for templates that differ only in those."""
    return _nameless_template(template, {
        "containers": tuple([_nameless(c, {"name": ""}) for c in template.containers]),
        "init_containers": tuple([_nameless(c, {"name": ""}) for c in template.init_containers])})


class Requests:
    """What the Simulation's components and its timeline call to act on the cluster: each goes through the
    API server (`handle`) as Kubernetes' clients do, or, for the kubelets' own status, straight to the store."""

    def write(self, obj: ApiObject, source: str, status=KEEP, spec=KEEP, writer: str | None = None) -> ApiObject:
        """Store `obj` now; `status=...` and `spec=...` replace its own in the same copy; `writer`: Store.put's."""
        return self.store.put(obj, self.queue.now, status, spec, writer)  # the clock's, not the `now` property's call

    def create(self, obj, source: str, user: str | None = None) -> ApiObject | None:
        """A model object created at this moment (from the scenario or the timeline) through the API
        server: authentication, RBAC, admission and validation may change it or refuse it."""
        family = None
        if obj.kind == "Pod":
            obj, family = self._alike(obj)
        return self.send_create(requested(obj, new_uid(self.rng), self.now), family, source, user)

    def send_create(self, obj: ApiObject, family, source: str, user: str | None = None) -> ApiObject | None:
        """The create request of `obj` (a model object as `requested` makes it) and its written result."""
        request = Request(verb="create", kind=obj.kind, object=obj, user=user, now_ms=self.now, family=family,
                          trace=self._trace())
        return self._written(self._call(request, source), source)

    def _alike(self, pod) -> tuple:
        """`pod` with the template of the first pod created in this run whose template equals its own, and the
        family of its template (None when a field's value is unhashable: the pod keeps its own)."""
        kept, by_parts = self.pod_templates, self.template_parts
        template = pod.template
        parts = _parts(template) if type(template) is PodTemplate else None  # a class of its own is hashed
        found = None
        if parts is not None:  # kept by the identities of its labels and first container's image
            containers = template.containers
            key = id(template.labels), id(containers[0].image) if containers else 0
            found = by_parts.get(key)
        if found is not None and found[0][2] and found[1] == parts:
            entry = found[0]  # the family's entry, still kept
        else:
            family = _family(template)
            try:  # an entry: [family, its first templates by containers' names, kept]
                entry = kept.setdefault(family, [family, {}, True])  # hashed once: a template's hash walks all of it
            except TypeError:  # a field of an unhashable value: the pod keeps its own
                return pod, None
            if entry[0] is family and len(kept) > TEMPLATES_KEPT:
                kept.pop(next(iter(kept)))[2] = False
            if parts is not None:
                if len(by_parts) >= PARTS_KEPT:
                    by_parts.clear()
                by_parts[key] = (entry, parts)  # the parts kept alive, so the key's ids are not reused
        first = entry[1].setdefault(_names(template), template)
        return (pod if first is template else evolve(pod, template=first)), entry[0]

    def submit(self, verb: str, obj: ApiObject, source: str, user: str | None = None,
               subresource: str | None = None, on_conflict=None, generate_name: str | None = None) -> ApiObject | None:
        """A controller's create or update of a whole API object (metadata, owners and all). A new
        object gets its uid and creation time here, as the API server gives them."""
        meta = obj.meta
        # a create made with its stamp (ReplicaSet's pods) is sent as it is: the copy would equal it
        if verb == "create" and not (meta.uid and meta.creation_ms == self.now):
            obj = _stamped(obj, {"meta": _stamped_meta(meta, {"uid": meta.uid or new_uid(self.rng),
                                                                "creation_ms": self.now})})
        request = Request(verb=verb, kind=obj.kind, object=obj, user=user, subresource=subresource,
                          now_ms=self.now, generate_name=generate_name, trace=self._trace())
        # a controller reports a refusal in an event of its own (FailedCreate on its ReplicaSet ...): the API
        # server writes none, so the refusal is only a row of `rejections`
        return self._written(self._call(request, source, on_conflict, event=False), source)

    def _written(self, result, source: str) -> ApiObject | None:
        if result is None:
            return None
        for q in result.quotas:  # the admission plugin's quota writes land before the object (checkQuotas)
            self.write(q, source="resourcequota")
        obj = result.object
        if result.remove:
            self.remove(obj.key, source=source)
            return None
        return self.write_created(obj, source)

    def write_created(self, obj: ApiObject, source: str) -> ApiObject:
        """Store an object the API server created: a Pod that came without a status is stored with an empty one."""
        # put's, as write's (a call less for each object created)
        return self.store.put(obj, self.queue.now, NO_STATUS if obj.kind == "Pod" and obj.status is None else KEEP)

    def apply(self, obj, source: str, user: str | None = None) -> ApiObject | None:
        """kubectl apply: create the object, or update the one that stands (its status is kept)."""
        current = self.store.get(obj.kind, getattr(obj, "namespace", None), obj.name)
        if current is None:
            return self.create(obj, source=source, user=user)
        request = Request(verb="update", kind=obj.kind, object=applied(current, obj), user=user, now_ms=self.now)
        return self._written(self._call(request, source), source)

    def delete(self, kind: str, namespace: str | None, name: str, source: str, grace_ms: int | None = None,
               user: str | None = None, propagation: str | None = None) -> None:
        """A delete through the API server: a bound pod is marked (deletionTimestamp) and its kubelet stops
        it within the grace period, then removes it; an object with finalizers (Foreground, Orphan) or a
        namespace stays, terminating, until its controller lets it go; other objects go at once."""
        obj = self.store.get(kind, namespace, name)
        if obj is not None and obj.terminating and grace_ms is None and propagation is None:
            return
        result = self._call(Request(verb="delete", kind=kind, namespace=namespace, name=name, user=user,
                                    grace_ms=grace_ms, propagation=propagation, now_ms=self.now), source)
        if result is None:
            return
        if result.remove or result.object is None:
            self.remove((kind, namespace, name), source=source)
        elif result.object != obj:
            self.write(result.object, source=source)

    def _call(self, request: Request, source: str, on_conflict=None, event: bool = True):
        """One API request; a refusal is recorded (event and `rejections`) and None returned. A
        controller passes `on_conflict`: a 409 Conflict is then its to retry, as client-go's work
        queue does, and is neither an event nor a rejection (kube-controller-manager only logs it)."""
        if self.traces is not None and request.trace is None:
            request = evolve(request, trace=[])
        result = handle(request, self.store, self.scenario.users, services=self.service_alloc, minor=self.kube_minor)
        if self.traces is not None:
            self.traces.answered(request, result, source, self.now, self.store.resource_version)
        if isinstance(result, ApiError) and on_conflict is not None and result.code == 409:
            on_conflict()
            return None
        if isinstance(result, ApiError):
            self.refused(request, result, source, logged=event)
            return None
        return result

    def _trace(self) -> list | None:
        """A request's trace list, made with it (not a copy) when the run is traced."""
        return None if self.traces is None else []

    def refused(self, request: Request, result: ApiError, source: str, event: str | None = None,
                logged: bool = True) -> None:
        """A refusal recorded: a row of `rejections` and, when `logged`, a Warning event (`event`, else
        Failed<Verb>) for kdsl's readers, where kubectl would print the error."""
        obj = request.object
        kind = obj.kind if obj is not None else request.kind
        name = obj.name if obj is not None else request.name
        ns = obj.namespace if obj is not None else request.namespace
        self.rejections.append(Rejection(time_ms=self.now, verb=request.verb, kind=kind, namespace=ns,
                                         name=name, user=request.user or "admin", code=result.code,
                                         reason=result.reason, message=result.message, source=source))
        if not logged:
            return
        self.log.record(new_event(self.now, "Warning", event or f"Failed{request.verb.capitalize()}", kind, ns,
                                  name or "", result.message, "apiserver"))

    def remove(self, key: tuple, source: str) -> None:
        self.store.delete(*key, now=self.now)

    def event(self, type_: str, reason: str, obj: ApiObject, message: str, source: str) -> None:
        # the clock's time and the object's Meta read without their properties (every pod's Scheduled comes here)
        meta = obj.meta
        self.log.record(new_event(self.queue.now, type_, reason, obj.kind, meta.namespace, meta.name, message, source))
