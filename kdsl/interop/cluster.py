"""An export for a real cluster: what `kubectl apply` needs, in the order helm installs kinds."""

from __future__ import annotations

import attrs

from kdsl.core.errors import UsageError
from kdsl.model import config, workloads
from kdsl.model.names import label_key
from kdsl.interop.export import manifest
from kdsl.interop.uses import with_loads

# helm's InstallOrder (Helm 4: pkg/release/v1/util/kind_sorter.go; Helm 3: pkg/releaseutil/kind_sorter.go): the
# order `helm install` creates kinds in, so that what an object refers to (its namespace, quota, service account,
# ConfigMaps, claims, roles) exists before it. Kinds not listed come after, alphabetically, as helm sorts them.
INSTALL_ORDER = (
    "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
    "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume",
    "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
    "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod",
    "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob",
    "IngressClass", "Ingress", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
)
_RANK = {kind: i for i, kind in enumerate(INSTALL_ORDER)}
# kdsl's own provisioner: the simulation provisions its volumes, no real cluster runs it.
DYNAMIC = "dynamic"
EXAMPLES = "rancher.io/local-path for kind, ebs.csi.aws.com, pd.csi.storage.gke.io, disk.csi.azure.com"


@attrs.frozen
class ClusterExport:
    """What `kdsl export` writes: the objects in install order, their manifests, and the notes its
    header carries (what was left out or mapped, and why)."""

    objects: tuple
    manifests: tuple[dict, ...]
    notes: tuple[str, ...]


def install_key(obj) -> tuple:
    """Namespaces, then the other cluster-scoped objects, then the namespaced ones; within each, helm's
    InstallOrder by kind, unknown kinds last and alphabetical; within a kind by namespace/name."""
    scope = 0 if obj.kind == "Namespace" else 1 if not obj.namespaced else 2
    rank = _RANK.get(obj.kind, len(_RANK))
    return scope, rank, obj.kind if rank == len(_RANK) else "", getattr(obj, "namespace", None) or "", obj.name


def install_order(objects) -> list:
    return sorted(objects, key=install_key)


def check_provisioner(name: str, cls: str) -> None:
    """The API server's rule for a class's provisioner (storage validation's validateProvisioner: required,
    then ValidateQualifiedName of the lower-cased name), checked before anything is written."""
    head = f"--provisioner {name}: StorageClass.storage.k8s.io \"{cls}\" is invalid: provisioner: "
    if not name:
        raise UsageError(head + "Required value")
    errors = label_key(name.lower())
    if errors:
        raise UsageError(head + f"Invalid value: \"{name.lower()}\": {'; '.join(errors)}")


def _claims_naming(scenario, cls: str | None) -> list[str]:
    """The claims and claim templates whose class is `cls` (None: those that name no class), as
    `Kind namespace/name` for the header."""
    out = []
    for o in scenario.objects:
        if isinstance(o, config.PersistentVolumeClaim) and o.storage_class == cls:
            out.append(f"PersistentVolumeClaim {o.namespace}/{o.name}")
        elif isinstance(o, workloads.StatefulSet):
            out += [f"StatefulSet {o.namespace}/{o.name} (claim template {c.name})" for c in o.claims
                    if c.storage_class == cls]
    return out


def _dynamic_notes(scenario, classes, provisioner: str | None) -> list[str]:
    notes = []
    for c in classes:
        if provisioner is not None:
            notes.append(f"StorageClass {c.name}: provisioner `{DYNAMIC}` (kdsl's own) is written as {provisioner} "
                         f"(--provisioner).")
            continue
        note = (f"Left out: StorageClass {c.name}, whose provisioner `{DYNAMIC}` is kdsl's own and runs in no "
                f"cluster; --provisioner NAME maps it to a real one ({EXAMPLES}).")
        claims = _claims_naming(scenario, c.name)
        if claims:
            note += " Claims that name it wait for a class of that name: " + ", ".join(claims) + "."
        unnamed = _claims_naming(scenario, None) if c.default else []
        if unnamed:
            note += " It was the default class: claims that name none get the cluster's default: " + \
                    ", ".join(unnamed) + "."
        notes.append(note)
    return notes


def for_cluster(scenario, *, include_nodes: bool = False, provisioner: str | None = None) -> ClusterExport:
    """The scenario's objects as `kubectl apply` takes them on an existing cluster: no Nodes (the cluster
    has its own; `include_nodes` writes them, with the capacity a KWOK node needs in its status), no
    status, StorageClasses of kdsl's `dynamic` provisioner left out unless `provisioner` names a real one,
    in install order."""
    classes = [o for o in scenario.objects if isinstance(o, config.StorageClass) and o.provisioner == DYNAMIC]
    if provisioner is not None and classes:
        check_provisioner(provisioner, classes[0].name)
    notes = _dynamic_notes(scenario, classes, provisioner)
    if provisioner is not None and not classes:
        notes.append(f"--provisioner {provisioner}: no StorageClass has provisioner `{DYNAMIC}`; nothing was mapped.")
    dynamic = {id(c) for c in classes}
    objects = [o for o in scenario.objects + scenario.autoscalers if provisioner is not None or id(o) not in dynamic]
    if include_nodes:
        objects += scenario.nodes
    elif scenario.nodes:
        n = len(scenario.nodes)
        what = "the Node" if n == 1 else f"the {n} Nodes"
        notes.append(f"Left out: {what}, as a cluster has its own; --include-nodes writes {'it' if n == 1 else 'them'} "
                     f"(for a KWOK cluster).")
    objects = install_order(objects)
    manifests = []
    for o in objects:
        m = with_loads(manifest(o), o, scenario.loads)
        if id(o) in dynamic:
            m["provisioner"] = provisioner
        if o.kind != "Node":  # a Node keeps its status on create (KWOK reads its capacity there); others drop it
            m.pop("status", None)
        manifests.append(m)
    return ClusterExport(tuple(objects), tuple(manifests), tuple(notes))
