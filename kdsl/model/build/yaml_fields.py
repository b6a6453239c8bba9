"""What a workload's `yaml` block says that kdsl text has no word for and the simulation reads: the object's own
labels, the priorityClassName, required node affinity with matchFields, a pod's nodeName."""

from __future__ import annotations

import attrs
import yaml

from kdsl.model.base import FieldRequirement, Requirement
from kdsl.model.pods import PodTemplate


def own_labels(patch: str | None) -> tuple[tuple[str, str], ...] | None:
    """`metadata.labels` of a workload's yaml block: the object's own labels when they are not its template's
    (`labels: null` for none, so a pod keeps no label). An imported manifest keeps exactly its labels this way;
    kdsl text says `labels`, which the object and its template share (LANGUAGE.md)."""
    return _own(patch, "labels")


def own_annotations(patch: str | None) -> tuple[tuple[str, str], ...] | None:
    """`metadata.annotations` of a workload's yaml block: the object's own annotations when they are not its
    template's (`annotations: null` for none), as an imported manifest keeps them; kdsl text's `annotations` go on
    both, as its `labels` do (apps/v1 never copies a template's annotations onto the object)."""
    return _own(patch, "annotations")


def _own(patch: str | None, key: str) -> tuple[tuple[str, str], ...] | None:
    if not patch or key not in patch:
        return None
    meta = (yaml.safe_load(patch) or {}).get("metadata")
    if not isinstance(meta, dict) or key not in meta:
        return None
    got = meta[key]
    return tuple((str(k), str(x)) for k, x in got.items()) if isinstance(got, dict) else ()


_TEMPLATE = {"job": ("spec", "template"), "cronjob": ("spec", "jobTemplate", "spec", "template")}


def unlabelled_template(patch: str | None, kind: str) -> bool:
    """A Job's (or a CronJob's) yaml block says its template has no labels (`metadata: {labels: {}}`, as an import
    writes for a manifest without any): kdsl's `app=NAME` default stays off, as the API server labels a Job's pods
    itself (job-name, controller-uid). kdsl text's jobs keep the default."""
    if kind not in _TEMPLATE or not patch or "labels" not in patch:
        return False
    meta = yaml.safe_load(patch) or {}
    for key in _TEMPLATE[kind] + ("metadata",):
        meta = meta.get(key) if isinstance(meta, dict) else None
    return isinstance(meta, dict) and meta.get("labels") == {}


_POD_SPEC = {"pod": ("spec",), "cronjob": ("spec", "jobTemplate", "spec", "template", "spec")}


def with_priority_class(tpl: PodTemplate, patch: str | None, kind: str) -> PodTemplate:
    """The template with the priorityClassName its `yaml` block gives (kdsl text has no word for it; an
    imported manifest keeps it there), for the Priority admission plugin to read."""
    if not patch or "priorityClassName" not in patch:
        return tpl
    spec = yaml.safe_load(patch) or {}
    for key in _POD_SPEC.get(kind, ("spec", "template", "spec")):
        spec = spec.get(key) if isinstance(spec, dict) else None
    name = spec.get("priorityClassName") if isinstance(spec, dict) else None
    return attrs.evolve(tpl, priority_class=name) if isinstance(name, str) and name else tpl


def from_yaml(tpl: PodTemplate, patch: str | None, kind: str) -> PodTemplate:
    """The template with what its `yaml` block says that the simulation reads: priorityClassName, node terms."""
    return with_node_terms(with_priority_class(tpl, patch, kind), patch, kind)


def with_node_terms(tpl: PodTemplate, patch: str | None, kind: str) -> PodTemplate:
    """The template whose required node affinity is the `yaml` block's nodeSelectorTerms when a term has
    matchFields (kdsl text has no word for them; an import keeps the whole list of terms there). Without this the
    scheduler dropped such a term and placed the pod on any node (found by the oracle cases, issue 16). The terms
    are ORed, each its matchExpressions and matchFields ANDed (component-helpers scheduling/corev1/nodeaffinity)."""
    if not patch or "matchFields" not in patch:
        return tpl
    spec = yaml.safe_load(patch) or {}
    for key in _POD_SPEC.get(kind, ("spec", "template", "spec")) + (
            "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"):
        spec = spec.get(key) if isinstance(spec, dict) else None
    if not isinstance(spec, list):
        return tpl
    terms = []
    for term in spec:
        term = term if isinstance(term, dict) else {}
        exprs = [Requirement.node_from_manifest(d) for d in term.get("matchExpressions") or []]
        fields = [_field(d) for d in term.get("matchFields") or []]
        if None in exprs or None in fields:
            return tpl  # not a term the API server takes: its refusal is validation's to say
        terms.append(tuple(exprs) + tuple(fields))
    return attrs.evolve(tpl, affinity=attrs.evolve(tpl.affinity, node_required=tuple(terms)))


def _field(d) -> FieldRequirement | None:
    r = Requirement.from_manifest(d)
    return FieldRequirement(r.key, r.operator, r.values) if r is not None else None


def bound_node(patch: str | None) -> str | None:
    """`spec.nodeName` of a pod's yaml block (an imported manifest that names its node): the pod is created bound
    to it and no scheduler places it, as in Kubernetes. kdsl has no word for it; without this the simulation
    scheduled such a pod itself (found by the oracle cases, issue 16)."""
    if not patch or "nodeName" not in patch:
        return None
    spec = (yaml.safe_load(patch) or {}).get("spec")
    name = spec.get("nodeName") if isinstance(spec, dict) else None
    return name if isinstance(name, str) and name else None
