"""What a pod's volumes wait for: the ConfigMaps, Secrets and claims they mount must exist first."""

from __future__ import annotations

from kdsl.engine.objects import ApiObject

# The kubelet's volume plugins: the kind each source names, and how MountVolume.SetUp says it is missing.
_SOURCES = {"configmap": ("ConfigMap", "configmap"), "secret": ("Secret", "secret"),
            "pvc": ("PersistentVolumeClaim", "persistentvolumeclaim")}


def missing(pod: ApiObject, store) -> list[tuple[str, str]]:
    """(volume, FailedMount message) for each volume whose object does not exist yet; an `optional`
    ConfigMap or Secret mounts empty instead of waiting, as in Kubernetes."""
    out = []
    for vol in pod.spec.template.volumes:
        source = _SOURCES.get(vol.source)
        if source is None or vol.optional:
            continue
        kind, word = source
        if store.get(kind, pod.namespace, vol.ref) is None:
            out.append((vol.name, f'MountVolume.SetUp failed for volume "{vol.name}" : {word} "{vol.ref}" not found'))
    return out


WATCHED = tuple(kind for kind, _ in _SOURCES.values())
