"""Kubernetes' bootstrap RBAC policy: the built-in ClusterRoles and the bindings every cluster has."""

from __future__ import annotations

from kdsl.model.access import ClusterRole, ClusterRoleBinding, PolicyRule, Subject

# Written from plugin/pkg/auth/authorizer/rbac/bootstrappolicy (policy.go, controller_policy.go and
# testdata/cluster-roles.yaml). Left out: rules for the retired `extensions` group, non-resource URLs,
# and roles for APIs kdsl does not simulate (certificates, HPA metrics, DRA, CSI, admission policies).

CORE, APPS, BATCH = ("",), ("apps",), ("batch",)
READ = "get list watch"
WRITE = "create delete deletecollection patch update"


def _r(verbs: str, groups: tuple[str, ...], resources: str, names: str = "") -> PolicyRule:
    return PolicyRule(verbs=tuple(verbs.split()), api_groups=groups, resources=tuple(resources.split()),
                      resource_names=tuple(names.split()))


EVENTS = _r("create update patch", ("", "events.k8s.io"), "events")

# system:aggregate-to-view: read everything in a namespace that does not escalate (no secrets).
_VIEW = (
    _r(READ, CORE, "configmaps endpoints persistentvolumeclaims persistentvolumeclaims/status pods "
                   "replicationcontrollers replicationcontrollers/scale serviceaccounts services services/status"),
    _r(READ, CORE, "bindings events limitranges namespaces/status pods/log pods/status "
                   "replicationcontrollers/status resourcequotas resourcequotas/status"),
    _r(READ, CORE, "namespaces"),
    _r(READ, ("discovery.k8s.io",), "endpointslices"),
    _r(READ, APPS, "controllerrevisions daemonsets daemonsets/status deployments deployments/scale "
                   "deployments/status replicasets replicasets/scale replicasets/status statefulsets "
                   "statefulsets/scale statefulsets/status"),
    _r(READ, ("autoscaling",), "horizontalpodautoscalers horizontalpodautoscalers/status"),
    _r(READ, BATCH, "cronjobs cronjobs/status jobs jobs/status"),
    _r(READ, ("policy",), "poddisruptionbudgets poddisruptionbudgets/status"),
    _r(READ, ("networking.k8s.io",), "ingresses ingresses/status networkpolicies"),
)
# system:aggregate-to-edit: write the workloads and their configuration, read secrets.
_EDIT = (
    _r(READ, CORE, "pods/attach pods/exec pods/portforward pods/proxy secrets services/proxy"),
    _r("impersonate", CORE, "serviceaccounts"),
    _r(WRITE, CORE, "pods pods/attach pods/exec pods/portforward pods/proxy"),
    _r("create", CORE, "pods/eviction"),
    _r(WRITE, CORE, "configmaps events persistentvolumeclaims replicationcontrollers replicationcontrollers/scale "
                    "secrets serviceaccounts services services/proxy"),
    _r("create", CORE, "serviceaccounts/token"),
    _r(WRITE, APPS, "daemonsets deployments deployments/rollback deployments/scale replicasets "
                    "replicasets/scale statefulsets statefulsets/scale"),
    _r(WRITE, ("autoscaling",), "horizontalpodautoscalers"),
    _r(WRITE, BATCH, "cronjobs jobs"),
    _r(WRITE, ("policy",), "poddisruptionbudgets"),
    _r(WRITE, ("networking.k8s.io",), "ingresses networkpolicies"),
    _r(READ + " " + WRITE, ("coordination.k8s.io",), "leases"),
)
# system:aggregate-to-admin: manage access within the namespace.
_ADMIN = (
    _r("create", ("authorization.k8s.io",), "localsubjectaccessreviews"),
    _r(READ + " " + WRITE, ("rbac.authorization.k8s.io",), "rolebindings roles"),
)

# The user-facing roles are aggregated in Kubernetes (admin ⊇ edit ⊇ view); here they are flattened.
USER_ROLES = {
    "cluster-admin": (_r("*", ("*",), "*"),),
    "admin": _ADMIN + _EDIT + _VIEW,
    "edit": _EDIT + _VIEW,
    "view": _VIEW,
}

SYSTEM_ROLES = {
    "system:basic-user": (
        _r("create", ("authorization.k8s.io",), "selfsubjectaccessreviews selfsubjectrulesreviews"),
        _r("create", ("authentication.k8s.io",), "selfsubjectreviews"),
    ),
    "system:kube-scheduler": (
        EVENTS,
        _r("create", ("coordination.k8s.io",), "leases"),
        _r("get update", ("coordination.k8s.io",), "leases", "kube-scheduler"),
        _r(READ, CORE, "nodes namespaces persistentvolumeclaims persistentvolumes replicationcontrollers services"),
        _r("delete " + READ, CORE, "pods"),
        _r("create", CORE, "bindings pods/binding"),
        _r("patch update", CORE, "pods/status"),
        _r(READ, APPS, "replicasets statefulsets"),
        _r(READ, ("policy",), "poddisruptionbudgets"),
        _r(READ, ("storage.k8s.io",), "csinodes csidrivers csistoragecapacities"),
    ),
    "system:volume-scheduler": (
        _r(READ + " patch update", CORE, "persistentvolumes persistentvolumeclaims"),
        _r(READ, ("storage.k8s.io",), "storageclasses"),
    ),
    "system:kube-controller-manager": (
        EVENTS,
        _r("create", CORE, "secrets serviceaccounts"),
        _r("delete", CORE, "secrets"),
        _r("get", CORE, "configmaps namespaces secrets serviceaccounts"),
        _r("update", CORE, "secrets serviceaccounts"),
        _r("list watch", ("*",), "*"),
    ),
    "system:node": (
        _r(READ, CORE, "services"),
        _r("create " + READ, CORE, "nodes"),
        _r("patch update", CORE, "nodes nodes/status"),
        _r("create patch update", CORE, "events"),
        _r(READ, CORE, "pods"),
        _r("create delete", CORE, "pods"),
        _r("patch update", CORE, "pods/status"),
        _r("create", CORE, "pods/eviction"),
        _r(READ, CORE, "configmaps secrets"),
        _r("get", CORE, "persistentvolumeclaims persistentvolumes endpoints"),
        _r("get patch update", CORE, "persistentvolumeclaims/status"),
        _r("create", CORE, "serviceaccounts/token"),
        _r("create delete get patch update", ("coordination.k8s.io",), "leases"),
    ),
}

# system:controller:<name>, each bound to the service account kube-system/<name>.
CONTROLLER_ROLES = {
    "cronjob-controller": (
        _r(READ + " update", BATCH, "cronjobs"),
        _r(READ + " create update delete patch", BATCH, "jobs"),
        _r("update", BATCH, "cronjobs/status cronjobs/finalizers"),
        _r("list watch delete", CORE, "pods"), EVENTS),
    "daemon-set-controller": (
        _r(READ, APPS, "daemonsets"),
        _r("update", APPS, "daemonsets/status daemonsets/finalizers"),
        _r("list watch", CORE, "nodes"),
        _r("list watch create delete patch", CORE, "pods"),
        _r("create", CORE, "pods/binding"),
        _r(READ + " create delete update patch", APPS, "controllerrevisions"), EVENTS),
    "deployment-controller": (
        _r(READ + " update", APPS, "deployments"),
        _r("update", APPS, "deployments/status deployments/finalizers"),
        _r(READ + " create update patch delete", APPS, "replicasets"),
        _r(READ + " update", CORE, "pods"), EVENTS),
    "disruption-controller": (
        _r(READ, APPS, "deployments replicasets statefulsets"),
        _r(READ, CORE, "replicationcontrollers"),
        _r(READ, ("policy",), "poddisruptionbudgets"),
        _r("update", ("policy",), "poddisruptionbudgets/status"),
        _r("get", ("*",), "*/scale"),
        _r("patch update", CORE, "pods/status"), EVENTS),
    "endpoint-controller": (
        _r(READ, CORE, "services pods"),
        _r(READ + " create update delete", CORE, "endpoints"),
        _r("create", CORE, "endpoints/restricted"), EVENTS),
    "endpointslice-controller": (
        _r(READ, CORE, "services pods nodes"),
        _r("update", CORE, "services/finalizers"),
        _r(READ + " create update delete", ("discovery.k8s.io",), "endpointslices"), EVENTS),
    "generic-garbage-collector": (_r(READ + " patch update delete", ("*",), "*"), EVENTS),
    # The metrics APIs' rules (metrics.k8s.io, custom and external metrics) are left out: kdsl's HPA reads
    # the metrics pipeline (kdsl/engine/metrics.py) directly.
    "horizontal-pod-autoscaler": (
        _r(READ, ("autoscaling",), "horizontalpodautoscalers"),
        _r("update", ("autoscaling",), "horizontalpodautoscalers/status"),
        _r("get update", ("*",), "*/scale"),
        _r("list", CORE, "pods"), EVENTS),
    "job-controller": (
        _r(READ + " update patch", BATCH, "jobs"),
        _r("update", BATCH, "jobs/status jobs/finalizers"),
        _r("list watch create delete patch", CORE, "pods"), EVENTS),
    "namespace-controller": (
        _r(READ + " delete", CORE, "namespaces"),
        _r("update", CORE, "namespaces/finalize namespaces/status"),
        _r(READ + " delete deletecollection", ("*",), "*")),
    "node-controller": (
        _r(READ + " update delete patch", CORE, "nodes"),
        _r("patch update", CORE, "nodes/status pods/status"),
        _r("list watch get delete", CORE, "pods"), EVENTS),
    "persistent-volume-binder": (
        _r(READ + " update create delete", CORE, "persistentvolumes"),
        _r("update", CORE, "persistentvolumes/status persistentvolumeclaims/status"),
        _r(READ + " update", CORE, "persistentvolumeclaims"),
        _r("list watch get create delete", CORE, "pods"),
        _r(READ, ("storage.k8s.io",), "storageclasses"),
        _r("list watch", CORE, "nodes"),
        _r("watch", CORE, "events"),
        _r("get", CORE, "services"), EVENTS),
    "pod-garbage-collector": (
        _r("list watch delete", CORE, "pods"),
        _r(READ, CORE, "nodes"),
        _r("patch", CORE, "pods/status")),
    "pv-protection-controller": (_r(READ + " update", CORE, "persistentvolumes"), EVENTS),
    "pvc-protection-controller": (
        _r(READ + " update", CORE, "persistentvolumeclaims"),
        _r(READ, CORE, "pods"), EVENTS),
    "replicaset-controller": (
        _r(READ + " update", APPS, "replicasets"),
        _r("update", APPS, "replicasets/status replicasets/finalizers"),
        _r("list watch patch create delete", CORE, "pods"), EVENTS),
    "replication-controller": (
        _r(READ + " update", CORE, "replicationcontrollers"),
        _r("update", CORE, "replicationcontrollers/status replicationcontrollers/finalizers"),
        _r("list watch patch create delete", CORE, "pods"), EVENTS),
    "resourcequota-controller": (
        _r("list watch", ("*",), "*"),
        _r("update", CORE, "resourcequotas/status"), EVENTS),
    # the publisher writes with its account and reads the shared informers of kube-controller-manager
    "root-ca-cert-publisher": (_r("create update", CORE, "configmaps"), EVENTS),
    "service-account-controller": (_r("create", CORE, "serviceaccounts"), EVENTS),
    "service-controller": (
        _r(READ, CORE, "services"),
        _r("patch update", CORE, "services/status"),
        _r("list watch", CORE, "nodes"), EVENTS),
    "statefulset-controller": (
        _r("list watch", CORE, "pods"),
        _r(READ, APPS, "statefulsets"),
        _r("update", APPS, "statefulsets/status statefulsets/finalizers"),
        _r("get create delete update patch", CORE, "pods"),
        _r("get create delete update patch list watch", APPS, "controllerrevisions"),
        _r("get create list watch update delete", CORE, "persistentvolumeclaims"),
        _r("update", CORE, "pods/finalizers"), EVENTS),
    "ttl-after-finished-controller": (_r(READ + " delete", BATCH, "jobs"), EVENTS),
}
CONTROLLERS = tuple(sorted(CONTROLLER_ROLES))
CONTROLLER_PREFIX = "system:controller:"


def _cluster_roles() -> dict[str, ClusterRole]:
    roles = dict(USER_ROLES)
    roles.update(SYSTEM_ROLES)
    roles.update({CONTROLLER_PREFIX + c: rules for c, rules in CONTROLLER_ROLES.items()})
    return {name: ClusterRole(name=name, rules=rules, labels=(("kubernetes.io/bootstrapping", "rbac-defaults"),))
            for name, rules in sorted(roles.items())}


def _bindings() -> dict[str, ClusterRoleBinding]:
    def binding(name: str, *subjects: Subject, role: str | None = None) -> ClusterRoleBinding:
        return ClusterRoleBinding(name=name, role_name=role or name, subjects=subjects,
                                  labels=(("kubernetes.io/bootstrapping", "rbac-defaults"),))

    out = [
        binding("cluster-admin", Subject("Group", "system:masters")),
        binding("system:basic-user", Subject("Group", "system:authenticated")),
        binding("system:kube-scheduler", Subject("User", "system:kube-scheduler")),
        binding("system:volume-scheduler", Subject("User", "system:kube-scheduler")),
        binding("system:kube-controller-manager", Subject("User", "system:kube-controller-manager")),
        # Kubernetes leaves system:node unbound and asks the Node authorizer; kdsl binds the role
        # to the nodes' group instead (see docs/apiserver.md).
        binding("system:node", Subject("Group", "system:nodes")),
    ]
    out += [binding(CONTROLLER_PREFIX + c, Subject("ServiceAccount", c, "kube-system")) for c in CONTROLLERS]
    return {b.name: b for b in sorted(out, key=lambda b: b.name)}


CLUSTER_ROLES: dict[str, ClusterRole] = _cluster_roles()
CLUSTER_ROLE_BINDINGS: dict[str, ClusterRoleBinding] = _bindings()
