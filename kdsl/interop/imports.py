"""Kubernetes manifests read into model objects: each kind's fields kdsl can say, the rest kept as `yaml`."""

from __future__ import annotations

import base64

import attrs

from kdsl.core.errors import Diagnostic
from kdsl.model import config
from kdsl.model.manifest import REMOVED, SERVED, SIMULATED, Manifest, PodDisruptionBudget
from kdsl.interop import export
from kdsl.interop.autoscaling import read_hpa, v1_as_v2
from kdsl.interop.patch import SAME, residual, yaml_text
from kdsl.interop.read_objects import (read_binding, read_configmap, read_ingress, read_limitrange, read_namespace,
                                      read_node, read_pv, read_pvc, read_quota, read_role, read_secret, read_service,
                                      read_serviceaccount, read_storageclass)
from kdsl.interop.read_pods import dump
from kdsl.interop.read_policy import Unsaid, read_network_policy, read_pdb
from kdsl.interop.uses import take_load
from kdsl.model.autoscaling import Load, with_load_annotations
from kdsl.model.build.yaml_fields import with_priority_class
from kdsl.model.pods import PodTemplate
from kdsl.model.workloads import CronJob, Job
from kdsl.model.network import NetworkPolicy
from kdsl.interop.reader import Doc
from kdsl.interop.read_workloads import (Meta, read_cronjob, read_daemonset, read_deployment, read_job, read_pod, read_rc,
                                         read_replicaset, read_statefulset, spec_of)


DEFAULT_CLASS_BETA = "storageclass.beta.kubernetes.io/is-default-class"


def read(doc: Doc, namespace: str | None = None) -> tuple[object, Diagnostic | None]:
    """One manifest as a model object (a Manifest, with a warning, when kdsl has no kind for it)."""
    d = doc.data
    if (d["apiVersion"], d["kind"]) == ("autoscaling/v1", "HorizontalPodAutoscaler"):
        d = v1_as_v2(d)  # read as the API server serves it, so what kdsl cannot say stays in v2's `yaml`
    api, kind = d["apiVersion"], d["kind"]
    meta = d["metadata"]
    ns = meta.get("namespace") if isinstance(meta.get("namespace"), str) else None
    fn = _READERS.get((api, kind))
    obj = None
    if fn is not None:
        obj = fn(d, Meta(meta, ns or namespace or "default"))
    if obj is None or isinstance(obj, Unsaid):
        return _manifest(d, ns or (namespace if (api, kind) in SERVED and SERVED[(api, kind)] else None)), \
            _warning(doc, api, kind, fn is not None, obj)
    if isinstance(obj, PodDisruptionBudget):  # its manifest is its fields: read_pdb kept out what they miss
        return obj, None
    if isinstance(obj, NetworkPolicy):  # read_policy read the whole spec (or refused it): the rest is metadata
        d = {k: x for k, x in d.items() if k != "spec"}
    if kind == "Secret" and "stringData" in d:
        d = _decoded_secret(d)
    obj, patch = _own_annotations(obj, d, _own_labels(obj, residual(d, _generated(obj, d))))
    return _priority_class(attrs.evolve(obj, yaml=dump(patch))), None


def _decoded_secret(d: dict) -> dict:
    """A v1 Secret as decoding makes it (Convert_v1_Secret_To_core_Secret, pkg/apis/core/v1/conversion.go):
    stringData merged into data, winning on a clash, and never stored, so no `yaml` block keeps it."""
    string_data = d["stringData"] if isinstance(d["stringData"], dict) else {}
    data = dict(d["data"]) if isinstance(d.get("data"), dict) else {}
    data.update({str(k): base64.b64encode(str(x).encode()).decode() for k, x in string_data.items()})
    return {**{k: x for k, x in d.items() if k != "stringData"}, **({"data": data} if data else {})}


def _priority_class(obj):
    """The template's priorityClassName, which stays in the `yaml` block, read from it as kdsl text reads it."""
    if not obj.yaml or "priorityClassName" not in obj.yaml:
        return obj
    if isinstance(getattr(obj, "job", None), Job):
        job = attrs.evolve(obj.job, template=with_priority_class(obj.job.template, obj.yaml, "cronjob"))
        return attrs.evolve(obj, job=job)
    if not isinstance(getattr(obj, "template", None), PodTemplate):
        return obj
    return attrs.evolve(obj, template=with_priority_class(obj.template, obj.yaml, obj.kind.lower()))


def _own_labels(obj, patch):
    """The residual, saying the object's own labels where kdsl's `labels` (the object's and its template's alike,
    `app=<name>` when none) would not: a Deployment without labels of its own, a pod without any. The manifest
    keeps exactly its labels, as the API server stores them (model/build/yaml_fields.py own_labels reads them)."""
    tpl = getattr(obj, "template", None) or getattr(getattr(obj, "job", None), "template", None)
    if not isinstance(tpl, PodTemplate) or (obj.labels == tpl.labels and obj.labels):
        return patch
    out = {} if patch is SAME else dict(patch)
    out["metadata"] = {**out.get("metadata", {}), "labels": dict(obj.labels) or None}
    if not tpl.labels and isinstance(obj, (Job, CronJob)):  # a Job's template without labels stays so
        _unlabelled(out, ("spec", "template") if isinstance(obj, Job) else ("spec", "jobTemplate", "spec", "template"))
    return out


def _own_annotations(obj, d: dict, patch):
    """The object with its own annotations, and the residual saying the workload's own annotations where kdsl's `annotations` (its template's, which kdsl text
    gives the object too) would not: a Deployment whose template alone is annotated keeps none of its own, as the API
    server stores it (model/build/yaml_fields.py own_annotations reads them)."""
    tpl = getattr(obj, "template", None) or getattr(getattr(obj, "job", None), "template", None)
    if not isinstance(tpl, PodTemplate) or obj.kind == "Pod":
        return obj, patch
    meta = d["metadata"]
    own = meta.get("annotations") if isinstance(meta.get("annotations"), dict) else {}
    own = {str(k): "" if x is None else str(x) for k, x in own.items()}
    if own == dict(tpl.annotations):
        return obj, patch
    out = {} if patch is SAME else dict(patch)
    out["metadata"] = {**out.get("metadata", {}), "annotations": own or None}
    return attrs.evolve(obj, annotations=tuple(own.items())), out


def _unlabelled(out: dict, path: tuple[str, ...]) -> None:
    """`metadata: {labels: {}}` at `path` of the residual (model/build/yaml_fields.py unlabelled_template reads it)."""
    for key in path:
        out[key] = dict(out[key]) if isinstance(out.get(key), dict) else {}
        out = out[key]
    out["metadata"] = {**(out.get("metadata") or {}), "labels": {}}


def read_with_load(doc: Doc, namespace: str | None = None) -> tuple[object, Diagnostic | None, Load | None]:
    """`read`, and the workload's `kdsl.dev/load` annotation as a Load (kdsl.interop.uses) when kdsl reads the
    workload; on a kind it keeps as a `manifest`, the annotation stays in it."""
    data, load = take_load(doc.data)
    if load is None:
        return (*read(doc, namespace), None)
    obj, warning = read(attrs.evolve(doc, data=data), namespace)
    if isinstance(obj, Manifest):
        return (*read(doc, namespace), None)
    load = Load(kind=obj.kind, namespace=obj.namespace, name=obj.name, cpu=load[0], memory=load[1])
    # the object keeps the annotation, as the model built from the `load` statement does (and the API server)
    return with_load_annotations([obj], [load])[0], warning, load


def _generated(obj, d: dict) -> dict:
    """What an export of `obj` writes before its `yaml` block: kdsl's fields, and a PV's default source when
    the manifest has just that one (an export adds it to a PV without a source, so it needs no `yaml`)."""
    out = export.core(obj)
    spec = spec_of(d)
    if isinstance(obj, config.PersistentVolume) and [k for k in export.PV_SOURCES if k in spec] == ["hostPath"] \
            and spec["hostPath"] == {"path": export.default_pv_path(obj.name)}:
        out.setdefault("spec", {})["hostPath"] = spec["hostPath"]
    return out


def _manifest(d: dict, ns: str | None) -> Manifest:
    if ns is not None and "namespace" not in d["metadata"]:
        d = {**d, "metadata": {**d["metadata"], "namespace": ns}}
    return Manifest(name=d["metadata"]["name"], namespace=ns, manifest_kind=d["kind"],
                    manifest_api_version=d["apiVersion"], yaml=yaml_text(d))


def _warning(doc: Doc, api: str, kind: str, known: bool, unsaid: Unsaid | None = None) -> Diagnostic:
    where = f"document {doc.index}" + (f", item {doc.item}" if doc.item is not None else "")
    if unsaid is not None:
        why = f"kdsl cannot say {unsaid.field} of this {kind} ({unsaid.why})"
        if kind == "NetworkPolicy":
            why += "; the simulation does not enforce it"
    elif known:
        why = f"kdsl cannot say this {kind}"
    elif (api, kind) in REMOVED:
        since, instead = REMOVED[(api, kind)]
        why = (f"{kind} {api} is no longer served (removed in Kubernetes {since}"
               + (f"; use {instead}" if instead else "") + ")")
    elif (api, kind) in SIMULATED:
        why = f"the language has no words for {kind} ({api}); it is simulated"
    elif (api, kind) in SERVED:
        why = f"kdsl does not simulate {kind} ({api})"
    else:
        why = f"{kind} {api} is not a built-in Kubernetes kind (a custom resource needs its CustomResourceDefinition)"
    return Diagnostic("warning", f"{where}: {why}; kept as a manifest and exported unchanged", doc.file, doc.line, 1)


_READERS = {
    ("v1", "Pod"): read_pod, ("apps/v1", "Deployment"): read_deployment, ("apps/v1", "ReplicaSet"): read_replicaset,
    ("v1", "ReplicationController"): read_rc, ("apps/v1", "StatefulSet"): read_statefulset,
    ("apps/v1", "DaemonSet"): read_daemonset, ("batch/v1", "Job"): read_job, ("batch/v1", "CronJob"): read_cronjob,
    ("v1", "Service"): read_service, ("networking.k8s.io/v1", "Ingress"): read_ingress, ("v1", "ConfigMap"): read_configmap,
    ("v1", "Secret"): read_secret, ("storage.k8s.io/v1", "StorageClass"): read_storageclass,
    ("v1", "PersistentVolume"): read_pv, ("v1", "PersistentVolumeClaim"): read_pvc, ("v1", "Namespace"): read_namespace,
    ("v1", "ResourceQuota"): read_quota, ("v1", "LimitRange"): read_limitrange, ("v1", "ServiceAccount"): read_serviceaccount,
    ("rbac.authorization.k8s.io/v1", "Role"): read_role,
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): lambda d, m: read_role(d, m, True),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): read_binding,
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): lambda d, m: read_binding(d, m, True),
    ("v1", "Node"): read_node, ("autoscaling/v2", "HorizontalPodAutoscaler"): read_hpa,
    ("networking.k8s.io/v1", "NetworkPolicy"): read_network_policy, ("policy/v1", "PodDisruptionBudget"): read_pdb,
}
