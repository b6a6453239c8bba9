"""`pdb`: a policy/v1 PodDisruptionBudget, stored as the manifest the API server would hold."""

from __future__ import annotations

import attrs
import yaml

from kdsl.core.values import Percent
from kdsl.model.base import Selector
from kdsl.model.manifest import Manifest
from kdsl.model.timeline import TimelineAction


def _intstr(value: int | Percent | None):
    return f"{value.value}%" if isinstance(value, Percent) else value


def _selector(sel: Selector) -> dict:
    out: dict = {}
    if sel.match_labels:
        out["matchLabels"] = dict(sel.match_labels)
    if sel.expressions:
        out["matchExpressions"] = [{"key": r.key, "operator": r.operator, **(
            {"values": list(r.values)} if r.operator in ("In", "NotIn") else {})} for r in sel.expressions]
    return out


@attrs.frozen(kw_only=True)
class PodDisruptionBudget(Manifest):
    """`pdb NS/NAME selects SELECTOR minAvailable=N|N% | maxUnavailable=N|N%`. It is a Manifest whose YAML
    is built from these fields, so the engine stores, validates, exports and the disruption controller
    reads it exactly as it does a `manifest` PodDisruptionBudget: one stored object for both forms.
    `selector` None is a budget without a selector, which selects no pod (policy/v1)."""

    manifest_kind: str = "PodDisruptionBudget"
    manifest_api_version: str = "policy/v1"
    selector: Selector | None = None
    min_available: int | Percent | None = None
    max_unavailable: int | Percent | None = None

    @classmethod
    def build(cls, *, name: str, namespace: str, selector: Selector | None, min_available=None,
              max_unavailable=None, labels=(), annotations=(), span=None) -> PodDisruptionBudget:
        meta: dict = {"name": name, "namespace": namespace}
        if labels:
            meta["labels"] = dict(labels)
        if annotations:
            meta["annotations"] = dict(annotations)
        spec: dict = {}
        if min_available is not None:
            spec["minAvailable"] = _intstr(min_available)
        if max_unavailable is not None:
            spec["maxUnavailable"] = _intstr(max_unavailable)
        if selector is not None:
            spec["selector"] = _selector(selector)
        doc = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta, "spec": spec}
        return cls(name=name, namespace=namespace, selector=selector, min_available=min_available,
                   max_unavailable=max_unavailable, labels=tuple(labels), annotations=tuple(annotations),
                   yaml=yaml.safe_dump(doc, sort_keys=False), span=span)


@attrs.frozen(kw_only=True)
class Evict(TimelineAction):
    """`evict pod NS/NAME`: one Eviction through the API server (pods/eviction), as a client posts it."""

    namespace: str
    name: str
