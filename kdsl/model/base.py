"""What every object shares: names, labels, annotations, extra YAML, source spans; selectors."""

from __future__ import annotations

from typing import ClassVar

import attrs

from kdsl.core.errors import Span

Pairs = tuple[tuple[str, str], ...]


def span_field():
    """A source span: kept for messages, never part of equality or repr."""
    return attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True, weakref_slot=False)
class Object:
    """An API object a scenario declares: its kind, name, labels, annotations and extra YAML."""

    kind: ClassVar[str] = ""
    api_version: ClassVar[str] = "v1"
    plural: ClassVar[str] = ""
    namespaced: ClassVar[bool] = False

    name: str
    labels: Pairs = ()
    annotations: Pairs = ()
    yaml: str | None = None  # fields the language has no words for, merged into the manifest
    span: Span | None = span_field()

    @property
    def key(self) -> str:
        return self.name

    @property
    def ref(self) -> str:
        """How a person names this object: `deployment shop/web`, `node worker-1`."""
        return f"{self.kind.lower()} {self.key}"


@attrs.frozen(kw_only=True, weakref_slot=False)
class NamespacedObject(Object):
    namespaced: ClassVar[bool] = True
    namespace: str = "default"

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


def go_int(text) -> int | None:
    """strconv.ParseInt(text, 10, 64): an optional sign and ASCII digits, or None."""
    if not isinstance(text, str):
        return None
    body = text[1:] if text[:1] in "+-" else text
    n = int(text) if body.isascii() and body.isdigit() else None
    return n if n is not None and -2**63 <= n < 2**63 else None


@attrs.frozen(weakref_slot=False)
class Requirement:
    """One label selector requirement: `key In (a,b)`, `key NotIn`, `Exists`, `DoesNotExist`; a node selector
    requirement may also be `Gt`/`Lt` one integer (k8s.io/component-helpers/scheduling/corev1/nodeaffinity)."""

    key: str
    operator: str  # In | NotIn | Exists | DoesNotExist | Gt | Lt
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        if self.operator == "In":
            return labels.get(self.key) in self.values
        if self.operator == "NotIn":
            return labels.get(self.key) not in self.values
        if self.operator == "Exists":
            return self.key in labels
        if self.operator in ("Gt", "Lt"):
            return compares(self.operator, labels.get(self.key), self.values[0])
        return self.key not in labels

    @classmethod
    def node_from_manifest(cls, d) -> Requirement | None:
        """A nodeSelectorTerm's matchExpressions item: a label selector's operators, or Gt/Lt with one integer."""
        if isinstance(d, dict) and d.get("operator") in ("Gt", "Lt") and isinstance(d.get("key"), str):
            vals = d.get("values")
            if isinstance(vals, list) and len(vals) == 1 and go_int(vals[0]) is not None:
                return cls(d["key"], d["operator"], (vals[0],))
            return None
        return cls.from_manifest(d)

    @classmethod
    def from_manifest(cls, d) -> Requirement | None:
        """A matchExpressions item as Kubernetes writes it, or None when it is not one (a bad operator, values
        where Exists takes none, none where In needs some)."""
        if not isinstance(d, dict) or not isinstance(d.get("key"), str):
            return None
        op, vals = d.get("operator"), d.get("values") or []
        if op not in ("In", "NotIn", "Exists", "DoesNotExist") or not isinstance(vals, list):
            return None
        if not all(isinstance(w, str) for w in vals) or (op in ("In", "NotIn")) != bool(vals):
            return None
        return cls(d["key"], op, tuple(vals))


def compares(operator: str, label: str | None, bound: str) -> bool:
    """Gt/Lt: the label and the bound both integers (a label that is not one matches neither)."""
    n, b = go_int(label), go_int(bound)
    return n is not None and b is not None and (n > b if operator == "Gt" else n < b)


@attrs.frozen(weakref_slot=False)
class FieldRequirement(Requirement):
    """A node selector term's matchFields requirement; Kubernetes allows only `metadata.name`, which is
    how the DaemonSet controller pins each pod to its node."""

    def matches(self, labels: dict[str, str]) -> bool:  # a field is not a label: only the scheduler reads it
        return False


@attrs.frozen(weakref_slot=False)
class Selector:
    """A label selector: matchLabels plus matchExpressions; empty selects everything."""

    match_labels: Pairs = ()
    expressions: tuple[Requirement, ...] = ()

    @classmethod
    def of(cls, labels: dict[str, str] | Pairs) -> Selector:
        pairs = tuple(labels.items()) if isinstance(labels, dict) else tuple(labels)
        return cls(pairs, ())

    @classmethod
    def from_manifest(cls, d) -> Selector | None:
        """A metav1.LabelSelector as Kubernetes writes it (matchLabels, matchExpressions), or None when some
        part of it is not one; a label value that is not a string is left out, as the caller keeps it."""
        if not isinstance(d, dict):
            return None
        exprs = d.get("matchExpressions") or []
        reqs = tuple(Requirement.from_manifest(x) for x in (exprs if isinstance(exprs, list) else []))
        if not isinstance(exprs, list) or None in reqs:
            return None
        labels = d.get("matchLabels")
        pairs = tuple((k, v) for k, v in labels.items() if isinstance(k, str) and isinstance(v, str)) \
            if isinstance(labels, dict) else ()
        return cls(pairs, reqs)

    def matches(self, labels: dict[str, str]) -> bool:
        return (all(labels.get(k) == v for k, v in self.match_labels)
                and all(r.matches(labels) for r in self.expressions))

    @property
    def empty(self) -> bool:
        return not self.match_labels and not self.expressions

    def as_requirements(self) -> tuple[Requirement, ...]:
        """Every part as a requirement (node selector terms have no matchLabels)."""
        return tuple(Requirement(k, "In", (v,)) for k, v in self.match_labels) + self.expressions

    def __str__(self) -> str:
        parts = [f"{k}={v}" for k, v in self.match_labels]
        for r in self.expressions:
            if r.operator in ("In", "NotIn"):
                parts.append(f"{r.key} {r.operator.lower()} ({','.join(r.values)})")
            else:
                parts.append(r.key if r.operator == "Exists" else f"!{r.key}")
        return ",".join(parts)
