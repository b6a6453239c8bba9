"""An object of a kind kdsl does not model (a CRD, a removed API version), carried through as written."""

from __future__ import annotations

import attrs

from kdsl.model.base import Object


@attrs.frozen(kw_only=True)
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
