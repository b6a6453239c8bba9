"""What a scenario declares anywhere (at 0s or by the timeline), and the names its controllers will make."""

from __future__ import annotations

import re

from kdsl.core.errors import close_matches
from kdsl.core.values import digits
from kdsl.model.access import RESOURCE_GROUPS
from kdsl.model.base import Object
from kdsl.model.nodes import SYSTEM_NAMESPACES, Namespace
from kdsl.model.names import GENERATED_ALPHABET, all_pass, name_rule
from kdsl.model.timeline import AddNode, Apply, Create, NodeOp, applied
from kdsl.model.workloads import StatefulSet

# The word the language writes for each kind (`scale statefulset ...`, `delete pvc ...`).
WORDS = {"PersistentVolumeClaim": "pvc", "PersistentVolume": "pv", "PodDisruptionBudget": "pdb"}
# The built-in ClusterRoles and bindings every cluster has (bootstrappolicy): not declared, still there.
BUILTIN_ROLES = ("cluster-admin", "admin", "edit", "view")

_A = f"[{GENERATED_ALPHABET}]"
# The names controllers give what they make (generateName adds 5 characters; a pod-template-hash is 1 to 10):
# kind made → [(owner kind, pattern after `<owner>-`)].
_MADE = {
    "Pod": [("Deployment", rf"{_A}{{1,10}}-{_A}{{5}}"), ("ReplicaSet", rf"{_A}{{5}}"),
            ("ReplicationController", rf"{_A}{{5}}"), ("DaemonSet", rf"{_A}{{5}}"), ("Job", rf"{_A}{{5}}"),
            ("CronJob", rf"\d+-{_A}{{5}}")],
    "ReplicaSet": [("Deployment", rf"{_A}{{1,10}}")],
    "Job": [("CronJob", r"\d+")],
}
_PROVISIONED = re.compile(r"pvc-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def word(kind: str) -> str:
    return WORDS.get(kind, kind.lower())


def resource(kind: str) -> str:
    """`deployments.apps`: how the API server names a kind in NotFound and AlreadyExists messages."""
    plural = {"Ingress": "ingresses", "StorageClass": "storageclasses", "NetworkPolicy": "networkpolicies"}.get(
        kind, f"{kind.lower()}s")
    group = RESOURCE_GROUPS.get(plural, "")
    return f"{plural}.{group}" if group else plural


def ref(kind: str, ns: str | None, name: str) -> str:
    return f"{ns}/{name}" if ns is not None else name


def nearest(name: str, names) -> str | None:
    """The likely name meant (difflib's nearest, at the cutoff the Python API's lookups use), or None."""
    hits = close_matches(name, names)
    return hits[0] if hits else None


class Declared:
    """Every object the scenario declares at 0s or creates in its timeline, every node it ever has."""

    def __init__(self, scenario):
        self.objects: list[Object] = list(scenario.objects)
        self.nodes = list(scenario.nodes)
        # every state a node is ever in: as declared or added, then after each `label node` / `taint node`
        self.node_versions = list(self.nodes)
        current = {n.name: n for n in self.nodes}
        for a in scenario.timeline:
            if isinstance(a, NodeOp) and a.node in current:
                current[a.node] = applied(a, current[a.node])
                self.node_versions.append(current[a.node])
            elif isinstance(a, AddNode):
                current[a.node.name] = a.node
                self.node_versions.append(a.node)
            if isinstance(a, Create):
                self.objects.append(a.object)
            elif isinstance(a, Apply):
                self.objects.extend(a.objects)
            elif isinstance(a, AddNode):
                self.nodes.append(a.node)
        self.namespaces = set(SYSTEM_NAMESPACES) | {o.name for o in self.objects if isinstance(o, Namespace)}
        self._timeline = scenario.timeline
        # The indexes below are made when first asked for (a scenario of bare pods asks for none of them).
        self._keys: set[tuple] | None = None
        self._distinct: bool | None = None
        self._families: list | None = None
        # by (kind, namespace), in declaration order: the checks ask per object, so a scan each would be quadratic
        self._of: dict[tuple[str, str | None], list[Object]] | None = None
        # by (namespace, label, value), in declaration order: a service's selector is checked against the
        # templates that carry its first label, not against every template of its namespace
        self._labelled: dict[tuple, list[tuple[Object, dict[str, str]]]] | None = None
        self._selected: dict[tuple, list[Object]] = {}
        self._replicas: dict[tuple, int] | None = None  # a StatefulSet's most replicas ever asked, for its ordinals

    @property
    def keys(self) -> set[tuple]:
        """Every object's (kind, namespace, name)."""
        if self._keys is None:
            objs = self.objects
            self._keys = set(zip([o.kind for o in objs], [getattr(o, "namespace", None) for o in objs],
                                 [o.name for o in objs]))
        return self._keys

    def distinct(self) -> bool:
        """Whether no two objects share their kind, namespace and name (at once when no two share their name)."""
        if self._distinct is None:
            n = len(self.objects)
            self._distinct = len({o.name for o in self.objects}) == n or len(self.keys) == n
        return self._distinct

    @property
    def replicas(self) -> dict[tuple, int]:
        if self._replicas is None:
            self._replicas = {}
            for o in self.objects:
                if isinstance(o, StatefulSet):
                    k = (o.namespace, o.name)
                    self._replicas[k] = max(self._replicas.get(k, 0), o.replicas)
            for a in self._timeline:
                if getattr(a, "kind", None) == "StatefulSet" and hasattr(a, "replicas"):
                    k = (a.namespace, a.name)
                    self._replicas[k] = max(self._replicas.get(k, 0), a.replicas)
        return self._replicas

    def families(self, alike_of: dict) -> list:
        """families of the build's alike objects, found once for the checks that ask."""
        if self._families is None:
            self._families = families(alike_of)
        return self._families

    def selected(self, ns: str | None, pairs: tuple) -> list[Object]:
        """The objects with a pod template in `ns` whose labels hold every pair (at least one), in order."""
        if self._labelled is None:
            self._labelled = {}
            for o in self.objects:
                tpl = getattr(o, "template", None)
                if tpl is not None:
                    labels = dict(tpl.labels)
                    for k, v in labels.items():
                        self._labelled.setdefault((o.namespace, k, v), []).append((o, labels))
        found = self._selected.get((ns, pairs))
        if found is None:  # a service's selector is asked for by two checks
            k, v = pairs[0]
            found = self._selected[(ns, pairs)] = [
                o for o, labels in self._labelled.get((ns, k, v), ()) if all(labels.get(a) == b for a, b in pairs)]
        return list(found)

    def has(self, kind: str, ns: str | None, name: str) -> bool:
        return (kind, ns, name) in self.keys

    def of(self, kind: str, ns: str | None) -> list[Object]:
        if self._of is None:
            self._of = {}
            for o in self.objects:
                self._of.setdefault((o.kind, getattr(o, "namespace", None)), []).append(o)
        return list(self._of.get((kind, ns), ()))

    def ordinals(self, ns: str | None) -> list[str]:
        """The pods the StatefulSets of a namespace make (`db-0` …), as candidates for a misspelt pod name."""
        return [f"{s.name}-{i}" for s in self.of("StatefulSet", ns)
                for i in range(s.ordinals_start, s.ordinals_start + self.replicas.get((ns, s.name), 0))]

    def made(self, kind: str, ns: str | None, name: str) -> str | None:
        """What makes an object of that name, though nothing declares it (a Deployment's pods and
        ReplicaSets, a StatefulSet's ordinals and claims, a CronJob's Jobs, a provisioned volume), or None."""
        for owner_kind, pattern in _MADE.get(kind, ()):
            for o in self.of(owner_kind, ns):
                if re.fullmatch(re.escape(o.name) + "-" + pattern, name):
                    return f"{word(o.kind)} {o.key}"
        for s in self.of("StatefulSet", ns) if kind in ("Pod", "PersistentVolumeClaim") else ():
            prefixes = [f"{s.name}-"] if kind == "Pod" else [f"{c.name}-{s.name}-" for c in s.claims]
            top = s.ordinals_start + self.replicas.get((ns, s.name), 0)
            for prefix in prefixes:
                n = name[len(prefix):]
                if name.startswith(prefix) and digits(n) and s.ordinals_start <= int(n) < top:
                    return f"statefulset {s.key}"
        if kind == "PersistentVolume" and _PROVISIONED.fullmatch(name):
            return "a provisioner"
        if kind in ("ClusterRole", "ClusterRoleBinding") and (name.startswith("system:") or name in BUILTIN_ROLES):
            return "the bootstrap policy"
        return None

# checks.py and checks_refs.py say nothing of an object made from an alike entry whose template checks said nothing
# for another object of the entry (under the same `quiet` key) unless its name breaks the kind's rule, another
# object has its kind, namespace and name, or its namespace is not declared. Those are answered here for a family
# (an entry's objects in one namespace) at once: its names in one pass (names.all_pass), its namespace once, the
# key `quiet` gives each object once (Entry.quiet_all). A family any of whose objects fails goes the plain way,
# object by object, and says what it says there.


def families(alike_of: dict) -> list[tuple[object, str | None, list, list[str]]]:
    """(entry, namespace, objects, their names) for each entry's objects in a namespace, in the order made."""
    by: dict[tuple, list] = {}
    entries = {}
    for obj, entry in alike_of.values():
        k = (id(entry), obj.namespace)
        objs = by.get(k)
        if objs is None:
            objs = by[k] = []
            entries[k] = entry
        objs.append(obj)
    return [(entries[k], k[1], objs, [o.name for o in objs]) for k, objs in by.items()]


def passed(d, alike_of: dict, named: bool) -> dict[int, object]:
    """id of an object → the `quiet` key under which the checks pass over it once its template's checks said
    nothing for one object with that key. `named`: checks.py's (which read the name, the namespace and the other
    objects' names); else checks_refs.py's (which read none of them)."""
    fams = d.families(alike_of)
    twice = _twice(d) if named else frozenset()
    out: dict[int, object] = {}
    for entry, ns, objs, names in fams:
        key = entry.quiet_all(names, named, ns)
        if key is None:
            continue
        if named:
            kind = objs[0].kind
            if ns is not None and ns not in d.namespaces or not all_pass(name_rule(kind), names):
                continue
            if twice and any((kind, ns, n) in twice for n in names):
                continue
        out.update(dict.fromkeys(map(id, objs), key))
    return out


def _twice(d) -> frozenset:
    """The (kind, namespace, name) of two or more of the objects (none when each has its own)."""
    if d.distinct():
        return frozenset()
    seen: set = set()
    twice = set()
    for o in d.objects:
        k = (o.kind, getattr(o, "namespace", None), o.name)
        (twice if k in seen else seen).add(k)
    return frozenset(twice)
