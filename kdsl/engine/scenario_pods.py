"""The scenario's bare pods created at Simulation() time: what a family's pods share checked once, not a pod."""

# Simulation() sends each pod the scenario declares the plain way: Requests.create (the family and first template
# of its value: sim_requests._alike; its uid; the request), request.handle, prepared.answer (a pod alike but for
# its names takes the kept answer of its family's first pod with its own names), the trace row (trace.parts,
# Traces.add) and the store's write. Most of a pod's checks on that way look at what its family shares: that the
# kept answer is one a pod of this family may take (the users, the status, the trace kept or not) and the parts
# of its trace row (the user, the grant and rule that allowed it, the admission steps but the one naming the
# template). Here those are found once a kept answer (AlikePods does as much for a ReplicaSet's sync:
# controllers/alike_pods.py), and a pod costs its family's look-up, its uid (drawn where the plain way draws it),
# its own checks as prepared.answer makes them (its template's containers' names, its metadata and spec but for
# its own fields, its name's rule, AlreadyExists, a ResourceQuota in its namespace), its stored copy, its trace
# row and its write. A pod a check does not pass goes the plain way with the uid it drew, so a refusal is
# worded and traced as ever. tests/engine/test_scenario_pods.py compares every event, refusal, store write,
# trace row and the RNG's state with a Simulation() that sends every pod the plain way.

from __future__ import annotations

from kdsl.engine.apiserver import prepared
from kdsl.engine.apiserver.defaults import new_uid
from kdsl.engine.apiserver.trace import decided
from kdsl.engine.objects import PodStatus, request_meta, requested
from kdsl.model import names
from kdsl.model.workloads import Pod

SOURCE = "scenario"


class ScenarioPods:
    """The pods of `sim`'s scenario: `create(pod)` sends the next as Requests.create(pod, "scenario") does."""

    __slots__ = ("families", "kept", "sim", "traced")

    def __init__(self, sim) -> None:
        self.sim = sim
        self.kept = None  # prepared's answers for the store, this moment
        self.families: dict = {}  # a kept answer's key → (the answer, whether it fits, grant, rule, steps, at)
        self.traced = sim.traces is not None

    def create(self, pod) -> None:
        sim = self.sim
        if type(pod) is not Pod:
            sim.create(pod, source=SOURCE)
            return
        obj, family = sim._alike(pod)
        now = sim.now
        meta = request_meta(obj, new_uid(sim.rng), now)  # requested()'s: its object is made if the pod is sent
        if family is None or not self._sent(obj, meta, family, now):
            sim.send_create(requested(obj, meta=meta), family, SOURCE)

    def _sent(self, spec: Pod, meta, family, now: int) -> bool:
        """Whether the create of pod `spec` (its request's metadata `meta`) took its family's kept answer (stored
        and traced); False: send it."""
        ns, name = meta.namespace, meta.name
        if not ns or not name:
            return False  # handle() defaults the namespace (answer then finds the metadata's differs) or refuses
        sim = self.sim
        kept = self.kept
        if kept is None or kept.now != now:
            kept = self.kept = prepared._of(sim.store, now)
            if kept is None:
                return False
        key = prepared.key_of(None, None, ns, family, sim.kube_minor)
        got = prepared.kept_answer(kept, key)
        if got is None:
            return False
        found = self.families.get(key)
        if found is None or found[0] is not got:
            found = self.families[key] = self._family(got, ns)
        got, fits, grant, rule, steps, at, shape = found
        template = spec.template
        renamed = got.template is not template
        store = sim.store
        # prepared.answer's checks of what is the pod's own
        if (not fits or (renamed and (not got.sharable or got.family is not family or not prepared._fit(template)))
                or prepared._meta_rest(meta) != got.meta or prepared._rest_of_spec(spec) != got.spec
                or names.object_name("Pod", name, sim.kube_minor) or store.get("Pod", ns, name) is not None
                or store.count("ResourceQuota", ns)):
            return False
        stored = prepared._renamed(got.stored, meta, spec, got.same_meta, template if renamed else None)
        if self.traced:  # Requests._call's row, before the write (the store's version before it)
            if renamed and at is not None:  # the steps of the family's answer with this pod's template
                sim.traces.add_own(shape, name, at, template, now, store.resource_version)
            else:
                sim.traces.add(SOURCE, "create", "Pod", ns, name, None, got.user, grant, rule, steps, None, now,
                               store.resource_version)
        sim.write_created(stored, SOURCE)
        return True

    def _family(self, got, ns: str) -> tuple:
        """(got, whether it fits the pods of its key whatever their own fields, and their trace row's grant, rule,
        steps, the index in those of the replayed plugins' template step, and the Shape of those steps)."""
        sim = self.sim
        # a scenario pod's request: the scenario's users, a model Pod, an empty status, a trace list if traced
        fits = (got.users is sim.scenario.users and got.spec_type is Pod and got.status == PodStatus()
                and (got.trace is None) != self.traced)
        grant = rule = at = shape = None
        steps = ()
        if fits and got.trace is not None:
            _, grant, rule, steps = decided(got.trace)  # the authorizer's decision first, then admission's steps
            if got.replayed is not None:
                at = got.replayed - (len(got.trace) - len(steps))
                shape = sim.traces.shape(SOURCE, "create", "Pod", ns, None, got.user, grant, rule, steps)
        return got, fits, grant, rule, steps, at, shape
