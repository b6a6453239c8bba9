"""Access control: users, ServiceAccounts, Roles, ClusterRoles and their bindings."""

from __future__ import annotations

from typing import ClassVar

import attrs

from kdsl.core.errors import Span
from kdsl.model.base import NamespacedObject, Object, span_field

VERBS = ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "bind", "escalate",
         "impersonate", "use", "*")
# The API group of each resource kdsl knows; RBAC rules name groups, kdsl infers them.
RESOURCE_GROUPS = {
    "pods": "", "pods/log": "", "pods/exec": "", "pods/eviction": "", "services": "", "endpoints": "",
    "configmaps": "", "secrets": "", "persistentvolumeclaims": "", "persistentvolumes": "", "nodes": "",
    "namespaces": "", "serviceaccounts": "", "events": "", "resourcequotas": "", "limitranges": "",
    "replicationcontrollers": "", "deployments": "apps", "replicasets": "apps", "statefulsets": "apps",
    "daemonsets": "apps", "controllerrevisions": "apps", "jobs": "batch", "cronjobs": "batch",
    "ingresses": "networking.k8s.io", "ingressclasses": "networking.k8s.io", "storageclasses": "storage.k8s.io",
    "endpointslices": "discovery.k8s.io", "roles": "rbac.authorization.k8s.io",
    "rolebindings": "rbac.authorization.k8s.io", "clusterroles": "rbac.authorization.k8s.io",
    "clusterrolebindings": "rbac.authorization.k8s.io", "*": "*",
    # autoscaling: the HPA and the /scale subresource it reads and writes (kubectl scale, the HPA controller)
    "horizontalpodautoscalers": "autoscaling", "horizontalpodautoscalers/status": "autoscaling",
    "deployments/scale": "apps", "replicasets/scale": "apps", "statefulsets/scale": "apps",
    "replicationcontrollers/scale": "",
    "networkpolicies": "networking.k8s.io", "poddisruptionbudgets": "policy",  # the `networkpolicy` and `pdb` kinds
}
RESOURCE_ALIASES = {"pvcs": "persistentvolumeclaims", "pvs": "persistentvolumes", "svc": "services",
                    "cm": "configmaps", "sa": "serviceaccounts", "deploy": "deployments", "rs": "replicasets",
                    "sts": "statefulsets", "ds": "daemonsets", "ns": "namespaces", "ing": "ingresses",
                    "hpa": "horizontalpodautoscalers", "netpol": "networkpolicies", "pdb": "poddisruptionbudgets"}


@attrs.frozen(kw_only=True, weakref_slot=False)
class User:
    """A user the API server can authenticate (by token); `admin` exists unless declared."""

    name: str
    token: str | None = None
    groups: tuple[str, ...] = ()
    span: Span | None = span_field()


@attrs.frozen(kw_only=True, weakref_slot=False)
class ServiceAccount(NamespacedObject):
    kind: ClassVar[str] = "ServiceAccount"
    plural: ClassVar[str] = "serviceaccounts"

    @property
    def username(self) -> str:
        return f"system:serviceaccount:{self.namespace}:{self.name}"


@attrs.frozen(kw_only=True, weakref_slot=False)
class PolicyRule:
    verbs: tuple[str, ...]
    resources: tuple[str, ...]
    api_groups: tuple[str, ...] = ("",)
    resource_names: tuple[str, ...] = ()


@attrs.frozen(kw_only=True, weakref_slot=False)
class Role(NamespacedObject):
    kind: ClassVar[str] = "Role"
    api_version: ClassVar[str] = "rbac.authorization.k8s.io/v1"
    plural: ClassVar[str] = "roles"
    rules: tuple[PolicyRule, ...] = ()


@attrs.frozen(kw_only=True, weakref_slot=False)
class ClusterRole(Object):
    kind: ClassVar[str] = "ClusterRole"
    api_version: ClassVar[str] = "rbac.authorization.k8s.io/v1"
    plural: ClassVar[str] = "clusterroles"
    rules: tuple[PolicyRule, ...] = ()


@attrs.frozen(weakref_slot=False)
class Subject:
    kind: str  # User | Group | ServiceAccount
    name: str
    namespace: str | None = None

    def __str__(self) -> str:
        if self.kind == "ServiceAccount":
            return f"serviceaccount:{self.namespace}/{self.name}"
        return f"{self.kind.lower()}:{self.name}"


@attrs.frozen(kw_only=True, weakref_slot=False)
class RoleBinding(NamespacedObject):
    kind: ClassVar[str] = "RoleBinding"
    api_version: ClassVar[str] = "rbac.authorization.k8s.io/v1"
    plural: ClassVar[str] = "rolebindings"
    role_kind: str  # Role | ClusterRole
    role_name: str
    subjects: tuple[Subject, ...] = ()


@attrs.frozen(kw_only=True, weakref_slot=False)
class ClusterRoleBinding(Object):
    kind: ClassVar[str] = "ClusterRoleBinding"
    api_version: ClassVar[str] = "rbac.authorization.k8s.io/v1"
    plural: ClassVar[str] = "clusterrolebindings"
    role_kind: str = "ClusterRole"
    role_name: str
    subjects: tuple[Subject, ...] = ()
