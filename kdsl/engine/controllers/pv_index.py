"""What the PV binder, the provisioner and the scheduler share: statuses, annotations, the volume match."""

from __future__ import annotations

import attrs

from kdsl.engine.objects import ApiObject

# Annotations the PV controller and the scheduler write (pkg/controller/volume/persistentvolume/util).
BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
PROVISIONED_BY = "pv.kubernetes.io/provisioned-by"
STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner"
BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner"
SELECTED_NODE = "volume.kubernetes.io/selected-node"
DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"
# A class whose volumes are only ever created by hand (local volumes); kdsl also reads `none` so.
NO_PROVISIONER = "kubernetes.io/no-provisioner"
WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer"


@attrs.frozen(kw_only=True)
class VolumeStatus:
    """A PV's status. `claim_uid` is the uid half of spec.claimRef: kdsl's model keeps the claim as
    `ns/name` only, so the binder keeps the uid here (empty: pre-bound by the user, not yet bound)."""

    phase: str = "Pending"  # Pending | Available | Bound | Released | Failed
    message: str = ""
    claim_uid: str = ""
    phase_ms: int | None = None  # status.lastPhaseTransitionTime, which the API server's strategy writes


@attrs.frozen(kw_only=True)
class ClaimStatus:
    """A PVC's status: the phase, and once bound the volume's capacity (bytes) and access modes."""

    phase: str = "Pending"  # Pending | Bound | Lost
    capacity: int | None = None
    access_modes: tuple[str, ...] = ()


def volume_status(pv: ApiObject) -> VolumeStatus:
    return pv.status if isinstance(pv.status, VolumeStatus) else VolumeStatus()


def claim_status(pvc: ApiObject) -> ClaimStatus:
    return pvc.status if isinstance(pvc.status, ClaimStatus) else ClaimStatus()


def annotation(obj: ApiObject, key: str) -> str | None:
    return next((v for k, v in obj.meta.annotations if k == key), None)


def with_annotations(obj: ApiObject, pairs: dict[str, str | None]) -> ApiObject:
    """The object with these annotations set (None removes one), the others kept in their order."""
    kept = [(k, v) for k, v in obj.meta.annotations if k not in pairs]
    kept += [(k, v) for k, v in pairs.items() if v is not None]
    return attrs.evolve(obj, meta=attrs.evolve(obj.meta, annotations=tuple(kept)))


def claim_key(pvc: ApiObject) -> str:
    return f"{pvc.namespace}/{pvc.name}"


def claim_class(pvc: ApiObject) -> str:
    """GetPersistentVolumeClaimClass: no class at all reads as "" (which matches only class-less PVs)."""
    return pvc.spec.storage_class or ""


def storage_class(store, pvc: ApiObject) -> ApiObject | None:
    name = claim_class(pvc)
    return store.get("StorageClass", None, name) if name else None


def provisioner_of(cls: ApiObject) -> str:
    return NO_PROVISIONER if cls.spec.provisioner in ("none", NO_PROVISIONER) else cls.spec.provisioner


def delay_binding(store, pvc: ApiObject) -> bool:
    """IsDelayBindingMode: the class waits for the first consumer (a missing class does not)."""
    cls = storage_class(store, pvc)
    return cls is not None and cls.spec.binding_mode == WAIT_FOR_FIRST_CONSUMER


def bound_to(pv: ApiObject, pvc: ApiObject) -> bool:
    """IsVolumeBoundToClaim: the claimRef names this claim, and its uid (when set) is this claim's."""
    if pv.spec.claim != claim_key(pvc):
        return False
    uid = volume_status(pv).claim_uid
    return not uid or uid == pvc.meta.uid


def node_allows(pv: ApiObject, node: str | None) -> bool:
    """CheckNodeAffinity for kdsl's one kind of affinity: a local volume on one node."""
    return node is None or pv.spec.node is None or pv.spec.node == node


def _mode_groups(volumes: list[ApiObject], wanted: tuple[str, ...]) -> list[list[ApiObject]]:
    """The index's allPossibleMatchingAccessModes: volumes grouped by their set of access modes, only
    the sets that hold every wanted mode, the smallest set first. Go leaves equal-sized sets in map
    order; kdsl orders them by their sorted names, so the result never depends on hashing."""
    groups: dict[tuple[str, ...], list[ApiObject]] = {}
    for pv in volumes:
        modes = tuple(sorted(set(pv.spec.access_modes)))
        if set(wanted) <= set(modes):
            groups.setdefault(modes, []).append(pv)
    return [groups[m] for m in sorted(groups, key=lambda m: (len(m), m))]


def find_matching_volume(pvc: ApiObject, volumes: list[ApiObject], node: str | None = None,
                         delay: bool = False, excluded: frozenset[str] = frozenset()) -> ApiObject | None:
    """findBestMatchForClaim / FindMatchingVolume: a volume pre-bound to the claim if one fits, else the
    smallest Available volume of the claim's class with enough capacity, searching the smallest set of
    access modes first. `node` is the scheduler's path (node affinity counts); `delay` is the PV
    controller's path for a WaitForFirstConsumer claim, which binds only pre-bound volumes."""
    want = pvc.spec.storage
    cls = claim_class(pvc)
    for group in _mode_groups(volumes, pvc.spec.access_modes):
        best = None
        for pv in group:
            if pv.name in excluded or pv.terminating or pv.spec.capacity < want:
                continue
            if pv.spec.claim is not None and not bound_to(pv, pvc):
                continue
            if pv.spec.claim is not None:
                # Pre-bound to this claim: it wins, unless its node cannot take the pod.
                return pv if node_allows(pv, node) else None
            if node is None and delay:
                continue  # the scheduler binds unbound volumes of a delayed claim, per node
            if volume_status(pv).phase != "Available" or (pv.spec.storage_class or "") != cls:
                continue
            if not node_allows(pv, node):
                continue
            if best is None or pv.spec.capacity < best.spec.capacity:
                best = pv
        if best is not None:
            return best
    return None


# ---- what `expect pvc ...` and `expect pv ...` read (registered by the PV controller's module) ----------

def claim_values(obj: ApiObject, checker, t: int) -> dict:
    status = claim_status(obj)
    return {"phase": status.phase, "volume": obj.spec.volume_name, "capacity": status.capacity,
            "bound": status.phase == "Bound"}


def volume_values(obj: ApiObject, checker, t: int) -> dict:
    return {"phase": volume_status(obj).phase, "claim": obj.spec.claim}
