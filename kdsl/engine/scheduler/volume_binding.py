"""The VolumeBinding plugin: a pod's claims must be bound, or bindable on the node, for it to go there."""

from __future__ import annotations

import attrs

from kdsl.engine.controllers.pv_index import (BOUND_BY_CONTROLLER, NO_PROVISIONER, SELECTED_NODE, annotation,
                                              claim_key, delay_binding, find_matching_volume, node_allows,
                                              provisioner_of, storage_class, with_annotations)
from kdsl.engine.objects import ApiObject
from kdsl.engine.scheduler.filters import UNBOUND_PVC, VolumeBinding
from kdsl.engine.scheduler.nodeinfo import NodeInfo
from kdsl.engine.store_watch import the_binding

PVC, PV = "PersistentVolumeClaim", "PersistentVolume"
# Reasons of pkg/scheduler/framework/plugins/volumebinding (binder.go), v1.33+ wording for affinity.
NOT_FOUND = 'persistentvolumeclaim "{}" not found'
BEING_DELETED = 'persistentvolumeclaim "{}" is being deleted'
BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
NODE_CONFLICT = "node(s) didn't match PersistentVolume's node affinity"
PV_MISSING = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
USER = "system:kube-scheduler"
SOURCE = "default-scheduler"
NONE = VolumeBinding()  # the hook for a pod without claims: every node passes, at no cost


def claim_names(template) -> list[str]:
    return [v.ref for v in template.volumes if v.source == "pvc"]


class VolumeBindingPlugin:
    """PreFilter and Filter on the store's claims and volumes, and PreBind as the pod is bound: each
    WaitForFirstConsumer claim gets the smallest fitting static volume on the chosen node (its claimRef
    is set) or, failing that, the annotation `volume.kubernetes.io/selected-node` that lets the
    provisioner create one there. A claim or volume changing makes unschedulable pods try again (the
    plugin's EventsToRegister)."""

    def __init__(self, component) -> None:
        self.component = component
        self.sim = component.sim
        self.store = component.sim.store
        # Only where some claim is: a pod bound in a namespace without one names no claim there (or names one
        # that is missing), and on_pod writes nothing for it; a claim made later concerns later bindings only.
        self.store.watch("Pod", self.on_pod, writes=the_binding, beside=PVC)
        for kind in (PVC, PV, "StorageClass"):
            self.store.watch(kind, self.on_storage)

    def on_storage(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        self.component._cluster_changed()

    def for_pod(self, pod) -> VolumeBinding:
        """The hook for one scheduling cycle of `pod` (an ApiObject or a PodInfo)."""
        template = pod.spec.template if isinstance(pod, ApiObject) else pod.template
        if not template.volumes:  # most pods: no claim to look for
            return NONE
        names = claim_names(template)
        if not names:
            return NONE
        bound, delayed, immediate = [], [], False
        for name in names:
            claim = self.store.get(PVC, pod.namespace, name)
            if claim is None or claim.terminating:
                # The first missing or deleted claim ends PreFilter, before unbound claims are looked at.
                failure = (NOT_FOUND if claim is None else BEING_DELETED).format(name)
                return VolumeBinding(prefilter=lambda p: failure)
            if claim.spec.volume_name:
                bound.append(claim)
            elif delay_binding(self.store, claim):
                delayed.append(claim)
            else:
                immediate = True
        if immediate:
            return VolumeBinding(prefilter=lambda p: UNBOUND_PVC)
        if not delayed and not any(self._pinned(c) for c in bound):
            return NONE
        return VolumeBinding(filter=lambda p, node: self._reasons(bound, delayed, node))

    def _pinned(self, claim: ApiObject) -> bool:
        volume = self.store.get(PV, None, claim.spec.volume_name)
        return volume is None or volume.spec.node is not None

    def _reasons(self, bound: list[ApiObject], delayed: list[ApiObject], node: NodeInfo) -> tuple[str, ...]:
        """FindPodVolumes for one node: the bound claims' volumes must allow it; every delayed claim
        needs a free volume there or a provisioner that can make one."""
        reasons = []
        for claim in bound:
            volume = self.store.get(PV, None, claim.spec.volume_name)
            if volume is None:
                reasons.append(PV_MISSING)
                break
            if not node_allows(volume, node.name):
                reasons.append(NODE_CONFLICT)
                break
        if delayed and self.plan(delayed, node.name) is None:
            reasons.append(BIND_CONFLICT)
        return tuple(reasons)

    def plan(self, delayed: list[ApiObject], node: str) -> list[tuple[ApiObject, ApiObject | None]] | None:
        """Each delayed claim (smallest request first) with the volume it gets on `node`, or None for one
        to provision; None overall when some claim can have neither."""
        chosen: set[str] = set()
        out = []
        volumes = self.store.list(PV)
        for claim in sorted(delayed, key=lambda c: c.spec.storage):
            selected = annotation(claim, SELECTED_NODE)
            if selected is not None:
                if selected != node:
                    return None  # being provisioned for another node already
                out.append((claim, None))
                continue
            volume = find_matching_volume(claim, volumes, node=node, excluded=frozenset(chosen))
            if volume is not None:
                chosen.add(volume.name)
            else:
                cls = storage_class(self.store, claim)
                if cls is None or provisioner_of(cls) == NO_PROVISIONER:
                    return None
            out.append((claim, volume))
        return out

    def on_pod(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        """PreBind, once the pod is bound to its node: write the plan's bindings through the API."""
        if old is None or new is None or old.spec.template.node_name or not new.spec.template.node_name:
            return
        template = new.spec.template
        names = claim_names(template) if template.volumes else None
        if not names:
            return
        claims = [self.store.get(PVC, new.namespace, n) for n in names]
        delayed = [c for c in claims if c is not None and not c.spec.volume_name
                   and delay_binding(self.store, c) and annotation(c, SELECTED_NODE) is None]
        node = new.spec.template.node_name
        for claim, volume in self.plan(delayed, node) or ():
            if volume is not None:
                spec = attrs.evolve(volume.spec, claim=claim_key(claim))
                changed = with_annotations(attrs.evolve(volume, spec=spec), {BOUND_BY_CONTROLLER: "yes"})
            else:
                changed = with_annotations(claim, {SELECTED_NODE: node})
            self.sim.submit("update", changed, source=SOURCE, user=USER)
