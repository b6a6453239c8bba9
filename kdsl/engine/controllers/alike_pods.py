"""A ReplicaSet's pods of one sync, alike but for name and uid: each created as one request, at the cost of its own."""

# slowStartBatch (pkg/controller/replicaset/replica_set.go) creates the pods a sync is short of in batches of 1,
# 2, 4, ..., each by CreatePods from GetPodFromTemplate (pkg/controller/controller_utils.go): the template's
# labels and annotations, generateName `<rs>-`, the controller reference. So they differ only in their name and
# uid, and the API server answers the second and later of them at that moment with the first one's answer under
# their own name (apiserver/prepared.py). ReplicaSetController.create_pod sends each the plain way (Client.create:
# Requests.submit, request.handle, prepared.answer, the trace, the store's write) and records its event. Here
# what every pod of the sync would find the same on that way is found once: that the kept answer fits a pod of
# this template, user and namespace (prepared.answer's checks of all but the pod's own fields), and the parts
# of the request its trace row keeps (trace.parts, as one Shape: trace_store.py), and the name rule's verdict on
# the base's generated names (_BY_CLASS). A pod then costs its name and uid (the RNG drawn as the plain way draws
# it), its stored copy, its trace row, its write and its SuccessfulCreate; a batch's pods are made in one loop.
# A pod the kept answer does not fit (gone: a write of a kind admission reads cleared it; a namespace with a
# ResourceQuota, whose admission counts what is stored; a name validation refuses) goes the plain way with
# the name and uid it drew. tests/engine/controllers/test_alike_pods.py runs scenarios both ways and compares
# every event, refusal, store write and trace row.

from __future__ import annotations

import attrs

from kdsl.engine.apiserver import prepared
from kdsl.engine.apiserver.trace import decided
from kdsl.core.evolve import copier, plain, straight
from kdsl.engine.events import new_event
from kdsl.engine.apiserver.defaults import generate_free_name, generate_name, new_uid
from kdsl.engine.objects import ApiObject, Meta
from kdsl.model import names
from kdsl.model.workloads import Pod

_named = copier(Meta, "name", "uid")
# The name rules whose verdict on a generated name (the base, cut to 58 characters, then five [a-z0-9]: names/
# generate.go) is the same for every suffix: each suffix character falls in one class of the rule's expression
# with the others, and never first (the base, `<rs>-`, is not empty); their length is the same.
_BY_CLASS = (names.dns1123_subdomain, names.dns1123_label, names.dns1035_label)


def _compile_renamed():
    """`renamed(name, uid, meta, spec, obj)`: prepared._own_object's copy of `obj` with `meta`'s Meta under `name`
    and `uid` and `spec`'s Pod spec under `name`, each record made by a straight maker (what _named and the spec's
    copier make, less their dicts of changes); None when a class is not a plain slotted record (its copier then goes
    through __init__: the plain way is kept)."""
    if not (plain(Meta) and plain(Pod)):
        return None
    own = {"name": "name", "uid": "uid"}
    meta = straight(Meta, "_meta", "name, uid, p", {a.name: own.get(a.name, f"p.{a.name}") for a in attrs.fields(Meta)})
    spec = straight(Pod, "_spec", "name, p", {a.name: own.get(a.name, f"p.{a.name}") for a in attrs.fields(Pod)})

    def renamed(name, uid, m, s, obj):
        # the object by its copier, read from prepared when called (tests/engine/test_copies.py counts its copies)
        return prepared._own_object(obj, {"meta": meta(name, uid, m), "spec": spec(name, s)})
    return renamed


_renamed = _compile_renamed()


def from_template(rs: ApiObject, owners: tuple, name: str, uid: str, now: int) -> ApiObject:
    """GetPodFromTemplate: pod `name` of `rs`'s template (its labels and annotations) controlled by `owners` (the
    ReplicaSet's reference), with the uid and creation time the API server gives it (Requests.submit's stamp,
    the uid drawn at the same point of the run's random stream): submit then sends it as it is."""
    template, ns = rs.spec.template, rs.namespace
    meta = Meta(name=name, namespace=ns, uid=uid, labels=template.labels, annotations=template.annotations,
                owners=owners, creation_ms=now)
    spec = Pod(name=name, namespace=ns, labels=template.labels, annotations=template.annotations, template=template)
    return ApiObject(kind="Pod", meta=meta, spec=spec)


def taken_in(store, ns: str):
    """Whether a pod of namespace `ns` holds a name: generateName's retry asks it of each name drawn."""
    return lambda n: store.get("Pod", ns, n) is not None


def free_name(store, rng, ns: str, base: str) -> tuple[str, str]:
    """The name (generateName `base`, drawn again while a pod holds it) and the uid of a ReplicaSet's next pod."""
    return generate_free_name(base, rng, taken_in(store, ns)), new_uid(rng)


def fits_shared(got, sim, obj: ApiObject) -> bool:
    """Whether kept answer `got` answers pod `obj` but for the pod's own fields (prepared.answer's checks of what
    a controller's pods of one template share): the same users, a Pod spec, no status, the same request
    metadata and spec but for OWN and OWN_SPEC, traced as the run is."""
    return (got.users is sim.scenario.users and got.spec_type is Pod and got.status is None
            and got.meta == prepared._meta_rest(obj.meta) and got.spec == prepared._rest_of_spec(obj.spec)
            and (got.trace is None) == (sim.traces is None))


class AlikePods:
    """The pods one sync of ReplicaSet `rs` creates, owned by `owners`: `create()` makes the next, as
    `controller.create_pod` does."""

    __slots__ = ("controller", "rs", "owners", "sim", "now", "base", "ns", "key", "pod", "kept", "got", "fits",
                 "shape", "spec_copy", "spec_fixed", "rule", "name_ok", "protos")

    def __init__(self, controller, rs: ApiObject, owners: tuple) -> None:
        self.controller, self.rs, self.owners = controller, rs, owners
        sim = self.sim = controller.sim
        self.now = sim.now
        self.base, self.ns = f"{rs.name}-", rs.namespace
        self.pod = from_template(rs, owners, self.base, "", self.now)  # the sync's pods but for name and uid
        self.key = prepared.key_of(controller.client.user, None, rs.namespace, rs.spec.template, sim.kube_minor)
        self.kept = self.got = None
        self.fits = False
        self.shape = None  # the trace row's Shape, found with the answer (the same for every pod it fits)
        self.spec_copy, names_, _ = prepared.spec_copiers(Pod)
        self.spec_fixed = {n: getattr(self.pod.spec, n) for n in names_ if n != "name"}
        self.rule = names.name_rule("Pod", sim.kube_minor)  # ValidatePodName: a name checked at each pod
        self.name_ok = None  # the rule's verdict on the sync's names, once known (_name_ok)
        self.protos: tuple = ()  # the kept answer's pod but for name and uid: its Meta, its spec, the object

    def create(self) -> str | None:
        """The next pod: None when it is created, else the refusal's message (create_pod's answer)."""
        errors = self.batch(1)
        return errors[0] if errors else None

    def batch(self, size: int) -> list[str]:
        """The next `size` pods, each as `create()` makes it (one slow-start batch, which is sent whole: Go's
        goroutines all run), in one loop over what a sync's pods share; the refusals' messages, in order."""
        sim, rs, ns, store, base, now = self.sim, self.rs, self.ns, self.sim.store, self.base, self.now
        rng, get, traces, record, write_created = sim.rng, store.get, sim.traces, sim.log.record, sim.write_created
        renamed = _renamed
        source, kind, rs_name, spec_fixed, spec_copy = self.controller.name, rs.kind, rs.name, self.spec_fixed, \
            self.spec_copy
        errors = []
        for _ in range(size):
            # generate_free_name(base, rng, taken_in(store, ns)) without its two calls a pod:
            # drawn again while a pod holds it
            name = generate_name(base, rng)
            while get("Pod", ns, name) is not None:
                name = generate_name(base, rng)
            uid = new_uid(rng)
            got, kept = self.got, self.kept
            if got is None or kept.now != now or kept.answers.get(self.key) is not got \
                    or store.count("ResourceQuota", ns):
                got = self._answer()  # found again, or gone
            elif not self.fits:
                got = None
            ok = self.name_ok
            if ok is None:
                ok = self._name_ok(name)
            if got is None or not ok:
                error = self.controller.send_pod(rs, self.owners, name, uid)
                if error is not None:
                    errors.append(error)
                continue
            # prepared.answer's result: the kept pod as it was stored, with this pod's name, uid and (as the
            # request sent them) creation time and owners
            if renamed is not None:  # the sync's pod made once (_answer's protos) but for these two, in one call
                meta, spec, stored = self.protos
                obj = renamed(name, uid, meta, spec, stored)
            else:
                meta = _named(self.pod.meta, {"name": name, "uid": uid})
                stored = got.stored
                own = meta if got.same_meta else prepared._own_meta(stored.meta, {
                    "name": name, "uid": uid, "creation_ms": now, "owners": self.owners})
                changes = spec_fixed.copy()
                changes["name"] = name
                obj = prepared._own_object(stored, {"meta": own, "spec": spec_copy(stored.spec, changes)})
            if traces is not None:  # Requests._call's row, before the write (the store's version before it)
                traces.add_shaped(self.shape, name, now, store.resource_version)
            write_created(obj, source)
            record(new_event(now, "Normal", "SuccessfulCreate", kind, ns, rs_name, f"Created pod: {name}", source))
        return errors

    def _name_ok(self, name: str) -> bool:
        """Whether the Pod name rule passes `name` (asked while the sync's verdict is unknown); the verdict is kept
        when the rule is one that answers every name of the base alike (_BY_CLASS)."""
        ok = not self.rule(name)
        if self.rule in _BY_CLASS:
            self.name_ok = ok
        return ok

    def _answer(self):
        """The answer the API server keeps for this sync's pods, if a pod of it would be answered with it whole
        (prepared.answer's checks of what the pods share; each pod's name is checked apart); else None. Found
        again for a pod when the one found for the last is no longer kept."""
        sim = self.sim
        if sim.now != self.now or sim.store.count("ResourceQuota", self.ns):
            return None  # the quota admission counts what is stored: prepared.answer checks and charges each pod
        kept = self.kept = prepared._of(sim.store, self.now)
        got = None if kept is None else prepared.kept_answer(kept, self.key)
        self.got = got
        if got is None:
            return None
        pod = self.pod
        # handle() takes the request to prepared.answer: a Pod create of a namespaced, named object (the spec's
        # manifest fields are in `got.spec`, as the pod it kept came through); the answer fits what is not the
        # pod's own (its request's metadata and spec but for OWN and OWN_SPEC, its status, whether it is traced)
        self.fits = bool(pod.meta.namespace and got.template is pod.spec.template and fits_shared(got, sim, pod))
        if self.fits:
            # what batch's copies make but for the name and uid (the same for every pod `got` answers): the Meta
            # (the request's, or the stored one's with this sync's creation time and owners) and the spec
            stored, base = got.stored, self.base
            meta = pod.meta if got.same_meta else prepared._own_meta(stored.meta, {
                "name": base, "uid": "", "creation_ms": self.now, "owners": self.owners})
            self.protos = (meta, self.spec_copy(stored.spec, {**self.spec_fixed, "name": base}), stored)
        if self.fits and got.trace is not None:
            grant, rule, steps = decided(got.trace)[1:]
            self.shape = sim.traces.shape(self.controller.name, "create", "Pod", self.ns, None, got.user, grant,
                                          rule, steps)
        return got if self.fits else None
