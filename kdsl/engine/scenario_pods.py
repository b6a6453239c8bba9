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

import attrs

from kdsl.core.evolve import plain, straight
from kdsl.engine.apiserver import prepared
from kdsl.engine.apiserver.defaults import new_uid
from kdsl.engine.apiserver.trace import decided
from kdsl.engine.objects import ApiObject, Meta, PodStatus, requested
from kdsl.model import names
from kdsl.model.pods import PodTemplate
from kdsl.model.workloads import Pod

SOURCE = "scenario"


class ScenarioPods:
    """The pods of `sim`'s scenario: `create(pod)` sends the next as Requests.create(pod, "scenario") does."""

    __slots__ = ("families", "kept", "label_is_name", "pod_rule", "sim", "traced")

    def __init__(self, sim) -> None:
        self.sim = sim
        self.kept = None  # prepared's answers for the store, this moment
        self.families: dict = {}  # a kept answer's key → (the answer, whether it fits, grant, rule, steps, at)
        self.traced = sim.traces is not None
        self.pod_rule = names.name_rule("Pod", sim.kube_minor)  # names.object_name's rule for a Pod
        # a DNS-1123 label (a container's name) is a DNS-1123 subdomain (a label, then none or more dot-labels),
        # so a container named after its pod passes the pod's name rule when it passes its own
        self.label_is_name = self.pod_rule is names.dns1123_subdomain

    def create(self, pod) -> None:
        sim = self.sim
        if type(pod) is not Pod:
            sim.create(pod, source=SOURCE)
            return
        obj, family = sim._alike(pod)
        now = sim.now
        # request_meta's (requested()'s: its object is made if the pod is sent), positional and straight-line
        meta = _request_meta(obj.name, obj.namespace, new_uid(sim.rng), obj.labels, obj.annotations, now)
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
        if (not fits or prepared._meta_rest(meta) != got.meta or prepared._rest_of_spec(spec) != got.spec
                or store.get("Pod", ns, name) is not None or store.count("ResourceQuota", ns)):
            return False
        if not renamed:
            if self.pod_rule(name):
                return False
        elif not got.sharable or got.family is not family or not self._named(template, name):
            return False
        if renamed and got.same_meta and (made := _makers[type(got.stored.spec)]) is not None:
            stored = made(got.stored, meta, spec, template)  # _renamed's copies in one call
        else:
            stored = prepared._renamed(got.stored, meta, spec, got.same_meta, template if renamed else None)
        if self.traced:  # Requests._call's row, before the write (the store's version before it)
            if renamed and at is not None:  # the steps of the family's answer with this pod's template
                sim.traces.add_own(shape, name, at, template, now, store.resource_version)
            else:
                sim.traces.add(SOURCE, "create", "Pod", ns, name, None, got.user, grant, rule, steps, None, now,
                               store.resource_version)
        sim.write_created(stored, SOURCE)
        return True

    def _named(self, template, name: str) -> bool:
        """Whether validation passes pod `name` and its `template`'s containers' names (prepared._fit's check)."""
        containers = template.containers
        if self.label_is_name and len(containers) == 1 and containers[0].name == name and not template.init_containers:
            return not names.dns1123_label(name)  # the shorthand's container, named after its pod: one check
        return prepared._fit(template) and not self.pod_rule(name)

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


# ---- the stored pod made straight-line --------------------------------------------------------------------------
# A family pod's request metadata, and its stored object (prepared._renamed of a family's answer whose metadata is
# its request's, under another member's template): a Meta, a PodTemplate, a pod spec and an ApiObject, each filled
# slot by slot from positional values in one compiled function, as evolve's copiers fill them from a dict of
# changes (a dict, a call and a lookup a field less). tests/engine/test_scenario_pods.py compares them with
# request_meta's and _renamed's.
assert plain(Meta) and plain(ApiObject) and plain(PodTemplate), "the stored pod's classes are filled slot by slot"
_DEFAULT_META = Meta(name="")
_MEANT = ("name", "namespace", "uid", "labels", "annotations", "creation_ms")
_request_meta = straight(Meta, "_request_meta", ", ".join(_MEANT), {
    a.name: a.name if a.name in _MEANT else f"d.{a.name}" for a in attrs.fields(Meta)}, env={"d": _DEFAULT_META})


class _Makers(dict):
    """A pod spec type -> its compiled maker of the stored pod (None: _renamed makes it), compiled when first asked."""

    def __missing__(self, spec_type: type):
        made = self[spec_type] = _maker(spec_type)
        return made


_makers = _Makers()


def _maker(spec_type: type):
    """`made(stored, meta, spec, template)`: prepared._renamed(stored, meta, spec, True, template) for pod specs of
    `spec_type`; None when it is not a plain slotted record (evolve.plain)."""
    if not plain(spec_type):
        return None
    own = prepared.spec_copiers(spec_type)[1]
    env: dict = {"new": object.__new__, "O": ApiObject, "S": spec_type, "T": PodTemplate}
    lines = ["def made(o, meta, spec, template):", "    s = o.spec", "    t = s.template", "    nt = new(T)"]

    def fill(cls, var: str, values: dict, rest: str) -> None:
        for a in attrs.fields(cls):
            env[setter := f"set_{var}_{a.name}"] = getattr(cls, a.name).__set__
            lines.append(f"    {setter}({var}, {values.get(a.name, f'{rest}.{a.name}')})")

    fill(PodTemplate, "nt", {"containers": "template.containers", "init_containers": "template.init_containers"}, "t")
    lines.append("    ns = new(S)")
    fill(spec_type, "ns", {"template": "nt", **{n: f"spec.{n}" for n in own}}, "s")
    lines.append("    n = new(O)")
    fill(ApiObject, "n", {"meta": "meta", "spec": "ns"}, "o")
    lines.append("    return n")
    exec(compile("\n".join(lines), f"<kdsl stored pod {spec_type.__name__}>", "exec"), env)  # noqa: S102
    return env["made"]
