"""`kdsl check`'s API server: each declared or timeline-created object through the registry's own checks."""

from __future__ import annotations

import random

from kdsl.engine.apiserver import validation
from kdsl.engine.apiserver.errors import ApiError
from kdsl.engine.apiserver.resources import resource_info
from kdsl.engine.apiserver.service_alloc import ServiceAllocator
from kdsl.engine.ipam import CIDRExhausted, pod_network
from kdsl.engine.objects import ApiObject, applied, requested, seeded
from kdsl.core.errors import Diagnostic
from kdsl.model import names
from kdsl.model.timeline import AddNode, Apply, Create, Delete


def located(scenario, message: str, span) -> Diagnostic:
    """An error at a statement of the scenario, quoting its line (the run's errors are located so too)."""
    source = scenario.sources.get(span.file) if span is not None else None
    line = source.line(span.line) if source is not None else None
    return Diagnostic.at("error", message, span, line)


class _Replay:
    """The scenario's writes in the order the run makes them (declared objects at 0s, then the timeline),
    each through `validation.registry` — the step the API server runs after mutating admission. What
    depends on the run is left to it: admission (quota usage, LimitRanger, namespace lifecycle), RBAC of
    `as USER`, and what controllers write. A Service takes only the ClusterIP and NodePorts it asks
    for: those the allocators pick at random depend on the seed, so they decide nothing here."""

    def __init__(self, scenario, alike: dict | None = None) -> None:
        self.scenario = scenario
        self.alike = alike or {}  # id(object) -> (object, alike.Entry), as the model's build made them (Ctx.alike_of)
        self.passed: set[int] = set()  # the entries one of whose objects was created without an error
        self.rules: dict[int, tuple | None] = {}  # id(alike_words entry) -> the rule of each of its words (_rules)
        self.said: dict[tuple, bool] = {}  # (rule, kind, word) -> whether the word passes it (_passes)
        self.named: bool | None = None  # whether all names of objects alike but for their name pass (_names_pass)
        self.objects: dict[tuple, object] = {}  # an ApiObject, or a model object it is made of when read (_stored)
        self.minor = scenario.cluster.minor  # the release whose words the refusals use
        self.services = ServiceAllocator(scenario.cluster.service_cidr, random.Random(0), minor=self.minor)
        self.network = pod_network(scenario)
        self.full = False  # the pod range ran out: the run stops there, so say it once
        self.diagnostics: list[Diagnostic] = []

    def error(self, message: str, span) -> None:
        self.diagnostics.append(located(self.scenario, message, span))

    # ---- writes ---------------------------------------------------------------------------------
    def node(self, node) -> None:
        if self.full:
            return
        try:
            self.network.register(node.name)
        except CIDRExhausted as exc:
            self.full = True
            self.error(str(exc), node.span)

    def write(self, obj, span, update: bool) -> None:
        """A create, or an apply (an update when the object stands, else a create)."""
        info = resource_info(obj.kind)
        if info is None or not seeded(obj) or (getattr(obj, "manifest_api_version", None) is not None
                                               and not getattr(obj, "simulated", False)):
            return  # a kind the cluster does not serve: refused before validation, at run time
        key = (info.kind, getattr(obj, "namespace", None), obj.name)
        old = self.objects.get(key)
        if old is not None and not update:
            return  # AlreadyExists comes after admission; the model reports an object declared twice
        entry = self._entry(obj) if old is None else None
        if entry is not None and id(entry) in self.passed and self._words_pass(obj, entry):
            self.objects[key] = obj  # what it would store, made when read (_stored)
            return
        old = self._stored(old) if old is not None else None
        new = validation.decoded(requested(obj) if old is None else applied(old, obj))
        result = validation.registry(new, info, self.services, old, self.minor)
        if isinstance(result, ApiError):
            self.error(result.message, span)
            return
        # What is stored is what was asked for (not what the allocators filled in): see the class docstring.
        self.objects[key] = new
        if entry is not None:
            self.passed.add(id(entry))
        if new.kind == "Service":
            self.services.on_service("update", old, new)

    # Objects alike but for their name (model/build/alike.py) differ in nothing a create's validation reads but the
    # name and the shorthand's container name, for the kinds whose validate_create is ValidateObjectMeta and the
    # pod template's checks (not a Job: its template's labels take its name; not a CronJob, which has no entry):
    # once one of an entry was created, another passes when its name passes the kind's name rule and fits as a
    # container's name (a DNS-1123 label, unique among the containers and init containers: validateContainers,
    # pkg/apis/core/validation/validation.go). tests/engine/test_precheck_alike.py checks both ways.
    _NAME_ONLY = frozenset({"Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"})

    def _entry(self, obj):
        made = self.alike.get(id(obj))
        if made is None or made[0] is not obj:
            return None
        kind = obj.kind
        return made[1] if kind in self._NAME_ONLY or (kind == "Service" and self._takes_nothing(obj)) else None

    # A Service's validate_create reads its metadata alone (the name by DNS-1035, its labels); before it the
    # registry's allocators give it a ClusterIP and NodePorts (registry, service_alloc.py), which fail only for an
    # address or port it asks for (taken, out of range: the state decides) or when the range is full. A Service of an
    # entry (alike_words.py: its name, selector and label values) that asks for neither and is no NodePort or
    # LoadBalancer one passes once another of its entry passed, its words pass, and the range has an address free (a
    # headless one takes none). What the allocators would pick at random is not stored (the class docstring): so it
    # says nothing here, and skipping the pick changes nothing said.
    def _takes_nothing(self, svc) -> bool:
        if svc.cluster_ip is not None and not svc.headless or svc.type in ("NodePort", "LoadBalancer") or \
                any(p.node_port is not None for p in svc.ports):
            return False
        ips = self.services.ips
        return svc.headless or len(ips.used) < ips.size

    def _words_pass(self, obj, entry) -> bool:
        leaves = getattr(entry, "leaves", None)
        if leaves is None and self.batch and (self.named if self.named is not None else self._names_pass()):
            return True
        if leaves is None:
            name = obj.name
            if entry.shorthand:  # its name is a DNS-1123 label, which each of these kinds' name rule takes
                return entry.name_fits(name)
            return bool(name) and not names.object_name(obj.kind, name, self.minor)
        rules = self.rules.get(id(entry), False)  # the entries stay alive in self.alike: their ids are theirs
        if rules is False:
            rules = self.rules[id(entry)] = self._rules(leaves)
        if rules is None:
            return False
        kind, said = obj.kind, self.said
        for path, rule in rules:
            value = obj
            for step in path:
                value = getattr(value, step) if type(step) is str else value[step]
            ok = said.get((rule, kind, value))
            if ok is None:
                ok = said[rule, kind, value] = self._passes(rule, kind, value)
            if not ok:
                return False
        return True

    # The names of the objects alike but for their name checked at once (names.all_pass, one scan over them joined)
    # instead of one by one: when every one is a DNS-1123 label (which each _NAME_ONLY kind's name rule takes) and no
    # entry's other containers bear one, each passes as Entry.name_fits and the kind's rule would pass it; else each
    # is checked on its own as before, so every message and its order stay. test_precheck_alike_batch.py: both ways.
    batch = True

    def _names_pass(self) -> bool:
        entries = {id(e): e for _, e in self.alike.values()}
        plain = {k for k, e in entries.items() if getattr(e, "leaves", None) is None}  # not alike_words': _rules
        named = [o.name for o, e in self.alike.values() if id(e) in plain]
        others = frozenset().union(*(entries[k].others for k in plain))
        self.named = all(type(n) is str for n in named) and names.all_pass(names.dns1123_label, named) and \
            others.isdisjoint(named)
        return self.named

    # Objects alike but for a few words (model/build/alike_words.py: the name, label values, images, the namespace)
    # are the entry's object with each word put in at its paths (Entry.leaves); what else the create's validation
    # reads is the same as in the one of them that passed. A word passes where it stands by the rule the validation
    # holds it to there: the name by the kind's (ValidateObjectMeta), a label value by ValidateLabels (a selector's
    # is held to it too, though only the pods' labels are validated on a create), an image by validateContainers
    # (required, a reference, and no surrounding whitespace: validateContainersOnlyForPod); the namespace by none at
    # this step (its existence is admission's). A word anywhere else (a container's name) is validated in full.
    @staticmethod
    def _rules(leaves) -> tuple | None:
        out = []
        for path in leaves:
            if path in (("name",), ("namespace",)):
                rule = path[0]
            elif path[-1] == 1 and (path[0] in ("labels", "selector") or path[:2] == ("template", "labels")):
                rule = "label"
            elif len(path) == 4 and path[:2] in (("template", "containers"), ("template", "init_containers")) and \
                    path[3] == "image":
                rule = "image"
            else:
                return None
            out.append((path, rule))
        return tuple(out)

    def _passes(self, rule: str, kind: str, value: str) -> bool:
        if rule == "name":
            return bool(value) and not names.object_name(kind, value, self.minor)
        if rule == "label":
            return not names.label_value(value, self.minor)
        if rule == "image":
            return bool(value) and value == value.strip() and not names.image_reference(value)
        return True  # the namespace

    # Once one object of an entry (alike.py's; alike_words' words are checked each) has passed and the entry's names
    # passed at once (batch), write() takes each other one of it without a look (_entry, _words_pass): it stores it
    # unless its key stands, after reading what the entry's object holds for all (the kind's resource, seeded,
    # manifest_api_version). So such an object is stored here in one step (test_precheck_declared.py).
    shortcut = True

    def declared(self, objects) -> None:
        alike, stored, taken = self.alike, self.objects, {}  # taken: id(entry) -> the kind its objects are stored as
        for obj in objects:
            made = alike.get(id(obj))
            if made is not None and made[0] is obj:
                kind = taken.get(id(made[1]))
                if kind is not None:
                    stored.setdefault((kind, obj.namespace, obj.name), obj)
                    continue
                self.write(obj, obj.span, update=False)
                entry = made[1]
                if self.shortcut and id(entry) in self.passed and self._taken(obj, entry):
                    taken[id(entry)] = resource_info(obj.kind).kind
            else:
                self.write(obj, obj.span, update=False)

    def _taken(self, obj, entry) -> bool:
        """Whether write() takes every other object of `entry` once one has passed (declared, above)."""
        return obj.kind in self._NAME_ONLY and getattr(entry, "leaves", None) is None and self.batch and (
            self.named if self.named is not None else self._names_pass())

    @staticmethod
    def _stored(obj) -> ApiObject:
        return obj if type(obj) is ApiObject else requested(obj)

    def delete(self, action: Delete) -> None:
        ns = action.namespace
        for key, obj in list(self.objects.items()):
            kind, o_ns, name = key
            inside = action.kind == "Namespace" and o_ns == action.name
            if not inside and (kind != action.kind or o_ns != ns):
                continue
            if inside or (name == action.name if action.name is not None
                          else action.selector.matches(self._stored(obj).meta.label_dict())):
                del self.objects[key]  # a namespace's contents go with it (the namespace controller)
                if kind == "Service":
                    self.services.on_service("delete", self._stored(obj), None)

    # ---- the whole scenario -----------------------------------------------------------------------
    def run(self) -> list[Diagnostic]:
        for node in self.scenario.nodes:
            self.node(node)
        self.declared(self.scenario.objects)
        for action in self.scenario.timeline:
            if isinstance(action, AddNode):
                self.node(action.node)
            elif isinstance(action, Create):
                self.write(action.object, action.object.span or action.span, update=False)
            elif isinstance(action, Apply):
                for obj in action.objects:
                    self.write(obj, obj.span or action.span, update=True)
            elif isinstance(action, Delete):
                self.delete(action)
        return self.diagnostics


def precheck(scenario, alike: dict | None = None) -> list[Diagnostic]:
    """The API server's refusals a scenario will meet whatever the run: its objects' names, labels,
    containers, immutable fields on `apply`, ClusterIPs and NodePorts (in range, not taken twice), and
    the pod range's room for the nodes; each an error at the statement that declares the object. `alike`: the
    objects the model's build made alike but for their name (Ctx.alike_of), each of whose entries is validated once
    but for the names."""
    return _Replay(scenario, alike).run()
