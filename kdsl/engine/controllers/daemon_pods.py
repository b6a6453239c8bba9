"""A DaemonSet's pods of one sync, alike but for name, uid and node: each created at the cost of its own."""

# syncNodes (pkg/controller/daemon/daemon_controller.go) creates a pod for each node that needs one, in
# slowStartBatch batches, from one template (util.CreatePodTemplate, pkg/controller/daemon/util/daemonset_util.go:
# the set's template with its revision labels and the daemon tolerations) and an equal controllerRef, each pod's
# node affinity rewritten to name its node (util.ReplaceDaemonSetPodNodeNameNodeAffinity, same file). So they
# differ in their name, uid and that affinity. The API
# server keeps the answer to a pod create for the next pod of the same template (apiserver/prepared.py); a
# daemon pod's template is its own (its affinity), so every pod went the whole way: authentication, RBAC, the
# admission plugins, validation, the storage's checks. None of them reads a pod's affinity (no apiserver module
# names it: the pod plugins read its service account, priority and tolerations, validation its containers,
# volumes and names) and none changes it. So the next pod's answer is the last one's, found under that pod's
# template, with its own name and uid and its own affinity in the stored template, and its request trace the
# same but for the step naming the template the replayed plugins started from (trace.REPLAYED), which is its
# own. What is the pod's own is still done for it, as prepared.answer does: the name's rule, a ResourceQuota in
# the namespace (whose admission counts what is stored: such a pod goes the whole way); the name is free
# (generate_free_name). A pod the kept answer does not fit goes the plain way (Client.create) with the name and
# uid it drew, and its answer is then the one the next pod takes. tests/engine/controllers/test_daemon_pods.py
# runs scenarios both ways and compares every event, refusal, store write, trace row and the RNG's state.

from __future__ import annotations

import attrs

from kdsl.core.evolve import copier
from kdsl.engine.apiserver import prepared
from kdsl.engine.apiserver.defaults import generate_free_name, new_uid
from kdsl.engine.controllers.alike_pods import fits_shared
from kdsl.engine.apiserver.trace import REPLAYED, decided
from kdsl.engine.objects import ApiObject, Meta
from kdsl.model import names
from kdsl.model.base import FieldRequirement
from kdsl.model.pods import Affinity, PodTemplate
from kdsl.model.workloads import Pod

_pinned = copier(Affinity, "node_required")
_placed = copier(PodTemplate, "labels", "tolerations", "affinity")
_own_affinity = copier(PodTemplate, "affinity")
_SHARED = tuple(a.name for a in attrs.fields(PodTemplate) if a.name != "affinity")  # a sync's pods' template but


class DaemonPods:
    """The pods one sync of DaemonSet `ds` creates, from its template with `labels` and `tolerations`:
    `create(node)` makes node's as Client.create would: its name, None when refused."""

    __slots__ = ("controller", "ds", "sim", "now", "ns", "base", "owners", "labels", "tolerations", "last", "got",
                 "fits", "shape", "at", "spec_copy", "spec_names")

    def __init__(self, controller, ds: ApiObject, labels: tuple, tolerations: tuple) -> None:
        self.controller, self.ds, self.labels, self.tolerations = controller, ds, labels, tolerations
        sim = self.sim = controller.sim
        self.now, self.ns, self.base = sim.now, ds.namespace, f"{ds.name}-"
        self.owners = (controller.owner_ref(ds),)  # one tuple for the pods of this sync: their references are equal
        self.last = None  # the template of the last pod sent the plain way: its kept answer is the next pod's
        self.got = self.shape = self.at = None
        self.fits = False
        _, self.spec_names, self.spec_copy = prepared.spec_copiers(Pod)

    def create(self, node: str) -> str | None:
        sim, ns, base, template = self.sim, self.ns, self.base, self.ds.spec.template
        store = sim.store
        name = generate_free_name(base, sim.rng, lambda n: store.get("Pod", ns, n) is not None)
        # ReplaceDaemonSetPodNodeNameNodeAffinity: the required terms become this one node.
        affinity = _pinned(template.affinity, {"node_required": ((FieldRequirement("metadata.name", "In",
                                                                                   (node,)),),)})
        tpl = _placed(template, {"labels": self.labels, "tolerations": self.tolerations, "affinity": affinity})
        # stamped as Requests.submit would (the uid drawn at the same point of the run's random stream)
        meta = Meta(name=name, namespace=ns, uid=new_uid(sim.rng), labels=self.labels,
                    annotations=template.annotations, owners=self.owners, creation_ms=self.now)
        obj = ApiObject(kind="Pod", meta=meta, spec=Pod(name=name, namespace=ns, labels=self.labels,
                                                        annotations=template.annotations, template=tpl))
        if self.last is not None and self._took(obj):
            return name
        self.last = tpl
        return None if self.controller.client.create(obj, generate_name=base) is None else name

    def _took(self, obj: ApiObject) -> bool:
        """Whether `obj` took the answer kept for the last pod sent the plain way (stored and traced)."""
        sim, ns, name = self.sim, self.ns, obj.meta.name
        store = sim.store
        kept = prepared._of(store, self.now) if sim.now == self.now else None
        if kept is None:
            return False
        got = prepared.kept_answer(kept, prepared.key_of(self.controller.client.user, None, ns, self.last,
                                                         sim.kube_minor))
        if got is None:
            return False
        if got is not self.got:
            self._check(got, obj)
        if not self.fits or names.object_name("Pod", name, sim.kube_minor) or store.count("ResourceQuota", ns):
            return False
        tpl = obj.spec.template
        stored = got.stored
        changes = {n: getattr(obj.spec, n) for n in self.spec_names}
        changes["template"] = _own_affinity(stored.spec.template, {"affinity": tpl.affinity})
        # the metadata admission left as the request had it (`same_meta`): this pod's own request metadata
        pod = prepared._own_object(stored, {"meta": obj.meta, "spec": self.spec_copy(stored.spec, changes)})
        traces = sim.traces
        if traces is not None:  # Requests._call's row, before the write (the store's version before it)
            traces.add_own(self.shape, name, self.at, tpl, self.now, store.resource_version)
        sim.write_created(pod, self.controller.name)
        return True

    def _check(self, got, obj: ApiObject) -> None:
        """Whether kept answer `got` fits this sync's pods but for their own fields and affinity (prepared.answer's
        checks of what they share), and the Shape and template step of their trace row."""
        sim, last = self.sim, self.last
        self.got, self.shape, self.at = got, None, None
        fits = (got.template is last and got.same_meta and fits_shared(got, sim, obj)
                and got.admitted.spec.template.affinity is last.affinity
                and got.stored.spec.template.affinity is last.affinity
                and all(getattr(obj.spec.template, f) is getattr(last, f) for f in _SHARED))
        if fits and got.trace is not None:
            _, grant, rule, steps = decided(got.trace)
            # the steps but the replayed plugins' template are names (a plugin's change in words would be read
            # from the template): that one step is each pod's own
            at = [i for i, s in enumerate(steps) if type(s) is not str]
            fits = len(at) == 1 and steps[at[0]][0] == REPLAYED and steps[at[0]][1] is last
            if fits:
                self.at = at[0]
                self.shape = sim.traces.shape(self.controller.name, "create", "Pod", self.ns, None, got.user, grant,
                                              rule, steps)
        self.fits = fits

