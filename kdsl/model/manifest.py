"""Objects stored as their manifest: a kind kdsl does not model, carried through as written, and `pdb`'s budget."""

from __future__ import annotations

import attrs
import yaml

from kdsl.core.values import Percent
from kdsl.model.base import Object, Selector


@attrs.frozen(kw_only=True, weakref_slot=False)
class Manifest(Object):
    """`manifest \"\"\"...\"\"\"`: the whole object as YAML (`yaml`), exported unchanged. Its kind, API version
    and namespace are read from that YAML, so that messages and tables name it as Kubernetes would;
    the simulation refuses it as an API server without that kind does (`no matches for kind`)."""

    plural = "manifests"
    manifest_kind: str
    manifest_api_version: str
    namespace: str | None = None

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self.manifest_kind

    @property
    def api_version(self) -> str:  # type: ignore[override]
        return self.manifest_api_version

    @property
    def namespaced(self) -> bool:  # type: ignore[override]
        return self.namespace is not None

    @property
    def served(self) -> bool:
        """A kind Kubernetes serves but kdsl does not simulate (a PodDisruptionBudget): not refused."""
        return (self.manifest_api_version, self.manifest_kind) in SERVED

    @property
    def simulated(self) -> bool:
        """A served kind the engine stores and acts on (a PodDisruptionBudget's status, a PriorityClass's value)."""
        return (self.manifest_api_version, self.manifest_kind) in SIMULATED

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace else self.name


# Kinds Kubernetes serves that kdsl does not model: kept as manifests, never refused; the engine
# stores only those in SIMULATED (the others it does not act on, so it skips them).
SERVED = {(api, kind): True for api, kind in (
    ("policy/v1", "PodDisruptionBudget"), ("networking.k8s.io/v1", "NetworkPolicy"),
    ("networking.k8s.io/v1", "IngressClass"), ("scheduling.k8s.io/v1", "PriorityClass"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"), ("autoscaling/v1", "HorizontalPodAutoscaler"),
    ("v1", "Endpoints"), ("discovery.k8s.io/v1", "EndpointSlice"), ("v1", "Event"),
    ("apps/v1", "ControllerRevision"), ("storage.k8s.io/v1", "CSIDriver"), ("node.k8s.io/v1", "RuntimeClass"),
    ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"),
    ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"), ("coordination.k8s.io/v1", "Lease"),
    ("certificates.k8s.io/v1", "CertificateSigningRequest"), ("v1", "PodTemplate"))}
# (the engine stores a PriorityClass for the Priority admission plugin to read)
SIMULATED = {("policy/v1", "PodDisruptionBudget"): True, ("scheduling.k8s.io/v1", "PriorityClass"): True}
# API versions Kubernetes stopped serving: (version, kind) -> (the release that removed it, what to use).
REMOVED = {
    ("batch/v1beta1", "CronJob"): ("1.25", "batch/v1"),
    ("policy/v1beta1", "PodSecurityPolicy"): ("1.25", "Pod Security Admission"),
    ("policy/v1beta1", "PodDisruptionBudget"): ("1.25", "policy/v1"),
    ("extensions/v1beta1", "Deployment"): ("1.16", "apps/v1"), ("apps/v1beta1", "Deployment"): ("1.16", "apps/v1"),
    ("apps/v1beta2", "Deployment"): ("1.16", "apps/v1"), ("extensions/v1beta1", "DaemonSet"): ("1.16", "apps/v1"),
    ("apps/v1beta1", "StatefulSet"): ("1.16", "apps/v1"), ("apps/v1beta2", "StatefulSet"): ("1.16", "apps/v1"),
    ("extensions/v1beta1", "ReplicaSet"): ("1.16", "apps/v1"), ("apps/v1beta2", "DaemonSet"): ("1.16", "apps/v1"),
    ("extensions/v1beta1", "Ingress"): ("1.22", "networking.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", "Ingress"): ("1.22", "networking.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "Role"): ("1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"): ("1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "RoleBinding"): ("1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"): ("1.22", "rbac.authorization.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "StorageClass"): ("1.22", "storage.k8s.io/v1"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): ("1.26", "autoscaling/v2"),
}


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


@attrs.frozen(kw_only=True, weakref_slot=False)
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
