"""A whole scenario (the cluster, its objects, the timeline, the expectations, its params), its error, and the model as plain data."""

from __future__ import annotations

import difflib
from collections import Counter

import attrs

from kdsl.core.errors import Diagnostic, KdslError, NotFoundError, Span, UsageError, listing
from kdsl.core.secrets import SECRET_FIELDS, redact_field
from kdsl.core.values import Percent
from kdsl.lang.syntax import Source
from kdsl.model.access import User
from kdsl.model.autoscaling import HorizontalPodAutoscaler, Load
from kdsl.model.base import Object
from kdsl.model.config import Secret
from kdsl.model.nodes import Cluster, Node, NodePool
from kdsl.model.timeline import TimelineAction


@attrs.frozen(slots=True, weakref_slot=False)
class Param:
    """`param NAME = VALUE`: `default` is the value as written (a string's text, unquoted); `value` is what
    this scenario's `$NAME` uses, the default unless an override gave another."""

    name: str
    default: str
    value: str
    overridden: bool = False
    span: Span | None = attrs.field(default=None, eq=False, repr=False)


class ScenarioError(KdslError):
    """The text parsed, but what it says is not a valid scenario (all errors, located)."""


@attrs.frozen(kw_only=True, repr=False, weakref_slot=False)
class Scenario:
    """What a kdsl text declares. `objects` holds every API object applied at 0s, in order."""

    cluster: Cluster = Cluster()
    node_specs: tuple[Node | NodePool, ...] = ()
    objects: tuple[Object, ...] = ()
    users: tuple[User, ...] = ()
    timeline: tuple[TimelineAction, ...] = ()
    expectations: tuple = ()
    # Load and autoscaling (issue 12): kept apart from `objects` until the engine stores and acts on them.
    loads: tuple[Load, ...] = ()
    autoscalers: tuple[HorizontalPodAutoscaler, ...] = ()
    run_ms: int | None = None
    # `measure` statements (kdsl.model.expectations), in the order written; dumped only when there are some
    measures: tuple = attrs.field(default=(), metadata={"omit_default": True})
    files: tuple[str, ...] = attrs.field(default=(), eq=False)
    warnings: tuple[Diagnostic, ...] = attrs.field(default=(), eq=False)
    # The text of every file read, for messages that quote a line later (the simulation's).
    source_files: tuple[Source, ...] = attrs.field(default=(), eq=False, repr=False)
    # `param NAME = VALUE` of every file read, in the order declared; what they mean is already in the fields above.
    params: tuple[Param, ...] = attrs.field(default=(), eq=False, repr=False)
    # ((including file, include target), (text, name)) of every `include` read, sorted: with the first file's
    # text, all a run depends on, so a sweep sends it to workers that do not share this disk.
    includes: tuple = attrs.field(default=(), eq=False, repr=False, metadata={"omit_default": True})

    @property
    def param_values(self) -> dict[str, str]:
        """Param name → the value this scenario used, as written (`{"replicas": "5"}`); a sweep's columns."""
        return {p.name: p.value for p in self.params}

    @property
    def param_defaults(self) -> dict[str, str]:
        """Param name → its default as the file writes it."""
        return {p.name: p.default for p in self.params}

    @property
    def name(self) -> str:
        return self.cluster.name

    @property
    def sources(self) -> dict:
        """File name → Source (its text and lines) for every file the scenario was read from."""
        return {s.name: s for s in self.source_files}

    @property
    def nodes(self) -> tuple[Node, ...]:
        """Every node, pools expanded (`pool-1` … `pool-N`)."""
        out: list[Node] = []
        for spec in self.node_specs:
            out.extend(spec.nodes() if isinstance(spec, NodePool) else (spec,))
        return tuple(out)

    def of_kind(self, kind) -> tuple:
        """The declared objects of a kind, given as a class or a kind name (`"Deployment"`); a name that is no
        kind is a NotFoundError that says the kind meant."""
        if isinstance(kind, type) and issubclass(kind, Object):
            return tuple(o for o in self.objects if isinstance(o, kind))
        name = self._kind(kind)
        return tuple(o for o in self.objects if o.kind == name)

    def get(self, kind: str, key: str) -> Object | None:
        """One object by kind and `namespace/name` (or `name` for cluster-scoped kinds); None when none is declared."""
        name = self._kind(kind)
        if not isinstance(key, str):
            raise UsageError(f"key={key!r} is not an object's key; give \"namespace/name\" (or \"name\")")
        if "/" not in key and name not in _CLUSTER_SCOPED:
            key = f"default/{key}"
        return next((o for o in self.objects if o.kind == name and o.key == key), None)

    def _kind(self, kind) -> str:
        """The kind a name means: the kind in any case, its plural, `pv` or `pvc`, or a kind of a `manifest`."""
        if not isinstance(kind, str):
            raise UsageError(f"kind={kind!r} is not a kind; give a name such as \"Deployment\" or a model class")
        kinds = _kinds() | {o.kind: _plural(o.kind) for o in self.objects}
        low = kind.lower()
        for k, plural in kinds.items():
            if low in (k.lower(), plural) or _ALIASES.get(low) == k:
                return k
        words = {w: k for k, plural in kinds.items() for w in (k, k.lower(), plural)}
        hint = difflib.get_close_matches(kind, words, n=1, cutoff=0.6) or \
            difflib.get_close_matches(low, words, n=1, cutoff=0.6)
        mean = f"did you mean {words[hint[0]]}? " if hint else ""
        declared = listing(o.kind for o in self.objects)
        raise NotFoundError(f"kind={kind!r} is not a kind kdsl knows; {mean}this scenario declares {declared}")

    @property
    def namespaces(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.of_kind("Namespace"))

    def counts(self) -> dict[str, int]:
        counts = Counter(o.kind for o in self.objects)
        out = {"Node": len(self.nodes)} if self.node_specs else {}
        out.update(sorted(counts.items()))
        return out

    def __repr__(self) -> str:
        parts = [f"{n} {kind}" for kind, n in self.counts().items()]
        if self.timeline:
            parts.append(f"{len(self.timeline)} timeline actions")
        if self.expectations:
            parts.append(f"{len(self.expectations)} expectations")
        if self.measures:
            parts.append(f"{len(self.measures)} measure{'s' if len(self.measures) != 1 else ''}")
        return f"<Scenario {self.name!r}: {', '.join(parts) or 'empty'}>"

    def describe(self, warnings: bool = True) -> str:
        """A few readable lines: what the scenario declares, kind by kind (and its warnings)."""
        lines = [repr(self)]
        for kind in self.counts():
            names = [n.name for n in self.nodes] if kind == "Node" else [o.key for o in self.of_kind(kind)]
            shown = ", ".join(names[:6]) + (f", … ({len(names)})" if len(names) > 6 else "")
            lines.append(f"  {kind}: {shown}")
        for w in self.warnings if warnings else ():
            lines.append(f"  warning: {w.message}")
        return "\n".join(lines)


_ALIASES = {"pv": "PersistentVolume", "pvc": "PersistentVolumeClaim"}  # as the language writes them
_CLUSTER_SCOPED = {"Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding"}


def _kinds() -> dict[str, str]:
    """Kind → plural of every model class, and of the kinds Kubernetes serves that a `manifest` carries."""
    from kdsl.model.manifest import SERVED  # the model's modules, loaded by now; imported here to keep them apart

    out: dict[str, str] = {api_kind: _plural(api_kind) for _, api_kind in SERVED}
    todo = [Object]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if isinstance(cls.__dict__.get("kind"), str) and cls.kind:
            out[cls.kind] = cls.plural
    return out


def _plural(kind: str) -> str:
    low = kind.lower()
    if low.endswith("ss"):
        return low + "es"
    if low.endswith("y"):
        return low[:-1] + "ies"
    return low if low.endswith("s") else low + "s"



def to_data(obj):
    """Every field that takes part in equality, by name; spans are left out, secret values redacted, and a
    field marked `omit_default` left out while it has its default."""
    if isinstance(obj, Percent):
        return str(obj)
    if attrs.has(type(obj)):
        out = {"class": type(obj).__name__}
        for f in attrs.fields(type(obj)):
            if not f.eq:
                continue
            value = getattr(obj, f.name)
            if f.metadata.get("omit_default") and value == f.default:
                continue  # a field added later shows only when set, so older dumps stay as they were
            if isinstance(obj, Secret) and f.name in SECRET_FIELDS:
                out[f.name] = to_data(redact_field(f.name, value))
            else:
                out[f.name] = to_data(value)
        kind = getattr(type(obj), "kind", None)
        if isinstance(kind, str) and kind:
            out["kind"] = kind
        return out
    if isinstance(obj, (tuple, list)):
        return [to_data(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): to_data(v) for k, v in obj.items()}
    return obj


def scenario_data(scenario) -> dict:
    """A scenario as data, with its expanded node names and its warnings (message and place)."""
    data = to_data(scenario)
    data["node_names"] = [n.name for n in scenario.nodes]
    data["warnings"] = [f"{w.location}: {w.message}" for w in scenario.warnings]
    return data
