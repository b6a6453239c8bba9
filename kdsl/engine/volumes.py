"""What a pod's volumes wait for: the ConfigMaps and Secrets they mount must exist, their claims be bound."""

from __future__ import annotations

from kdsl.engine.controllers.pv_index import claim_status, delay_binding
from kdsl.engine.objects import ApiObject

# The kubelet's volume plugins: the kind each source names, and how MountVolume.SetUp says it is missing.
_SOURCES = {"configmap": ("ConfigMap", "configmap"), "secret": ("Secret", "secret"),
            "pvc": ("PersistentVolumeClaim", "persistentvolumeclaim")}


def missing(pod: ApiObject, store) -> list[tuple[str, str | None]]:
    """(volume, FailedMount message) for each volume the pod cannot mount yet; an `optional` ConfigMap
    or Secret mounts empty instead of waiting, as in Kubernetes. A claim must be Bound (the kubelet's
    desired-state populator refuses it otherwise); a WaitForFirstConsumer claim is being bound for this
    pod's node by the scheduler's choice, which kdsl makes before, not after, the pod is bound — so
    the kubelet waits for it quietly (message None)."""
    out: list[tuple[str, str | None]] = []
    for vol in pod.spec.template.volumes:
        source = _SOURCES.get(vol.source)
        if source is None or vol.optional:
            continue
        kind, word = source
        obj = store.get(kind, pod.namespace, vol.ref)
        failed = f'MountVolume.SetUp failed for volume "{vol.name}" : '
        if obj is None:
            out.append((vol.name, f'{failed}{word} "{vol.ref}" not found'))
        elif kind != "PersistentVolumeClaim":
            continue
        elif obj.terminating:
            out.append((vol.name, f"{failed}can't start pod because PVC {pod.namespace}/{vol.ref} is being deleted"))
        elif claim_status(obj).phase != "Bound" or not obj.spec.volume_name:
            quiet = delay_binding(store, obj)
            out.append((vol.name, None if quiet else
                        f'{failed}PVC {pod.namespace}/{vol.ref} has non-bound phase ("{claim_status(obj).phase}") '
                        f'or empty pvc.Spec.VolumeName ("{obj.spec.volume_name or ""}")'))
    return out


WATCHED = tuple(kind for kind, _ in _SOURCES.values())
