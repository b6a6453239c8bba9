"""The StatefulSet controller: pods with stable names, hostnames and claims, made and replaced in order."""

from __future__ import annotations

import attrs

from kdsl.engine.controllers.base import Controller
from kdsl.engine.controllers.sets import (REVISION_HASH, Backoff, History, next_available_ms, pod_changed, revision_of,
                                         status_only)
from kdsl.engine.controllers.statefulset_util import (POD_INDEX, POD_NAME, StatefulSetStatus, healthy, ordinal,
                                                     replica_status)
from kdsl.engine.controllers.statefulset_util import pod_dns_name  # noqa: F401 - docs/statefulsets.md names it here
from kdsl.engine.objects import ApiObject, Meta, OwnerRef
from kdsl.model.pods import Volume
from kdsl.model.config import PersistentVolumeClaim
from kdsl.model.workloads import Pod


class StatefulSetController(Controller):
    """pkg/controller/statefulset. OrderedReady creates ordinals upwards, each only once the one before is
    Running and Ready, and removes them downwards, one at a time, each only once the one above is gone;
    Parallel does both at once. A rolling update replaces pods from the highest ordinal down to the
    partition, one at a time, the next only once the replaced one is healthy again."""

    name = "statefulset-controller"
    kinds = ("StatefulSet",)

    def setup(self) -> None:
        self.store.watch("StatefulSet", self.on_own)
        self.store.watch("Pod", self.on_pod, owners=self.kinds)
        self.backoff = Backoff()

    def on_pod(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if pod_changed(old, new):
            self.on_owned(op, old, new)

    def on_own(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if status_only(old, new):
            return  # the controller's own status write: nothing to act on
        self.enqueue((new or old).key)

    def reconcile(self, key) -> None:
        set_ = self.store.get(*key)
        if set_ is None:
            return  # deleted: the garbage collector removes its pods by their ownerReferences
        history = History(self, set_)
        update = history.sync(set_.spec.template)
        if update is None:
            self.enqueue(key, self.backoff.failed(key))  # the API refused the revision: retry later
            return
        status = set_.status or StatefulSetStatus()
        current = history.named(status.current_revision) or update
        ok = set_.terminating or self._sync_pods(set_, current, update)
        if ok:
            self.backoff.forget(key)
        else:
            self.enqueue(key, self.backoff.failed(key))  # a create or delete was refused: retry later
        pods = self.owned("Pod", set_)
        self._write_status(set_, pods, current.name, update.name)
        history.truncate(lambda: {current.name, update.name} | {revision_of(p) for p in pods},
                         set_.spec.revision_history_limit)
        wait = next_available_ms(pods, set_.spec.min_ready_ms, self.sim.now)
        if wait is not None:
            self.enqueue(key, wait)  # a pod turns available once minReadySeconds have passed

    # ---- the pods: scale, then update --------------------------------------------------------------
    def _sync_pods(self, set_: ApiObject, current: ApiObject, update: ApiObject) -> bool:
        """updateStatefulSet: returns False when the API refused a write (to retry), True otherwise, also
        when it stops early to wait for a pod."""
        spec, now = set_.spec, self.sim.now
        start, end = spec.ordinals_start, spec.ordinals_start + spec.replicas
        monotonic = spec.pod_management_policy != "Parallel"
        replicas: dict[int, ApiObject] = {}
        condemned: list[tuple[int, ApiObject]] = []
        for pod in self.owned("Pod", set_):
            n = ordinal(set_.name, pod)
            if n is None:
                continue
            if start <= n < end:
                replicas[n] = pod
            else:
                condemned.append((n, pod))
        condemned.sort(key=lambda c: c[0])
        unhealthy = [p for _, p in sorted(replicas.items()) + condemned if not healthy(p, spec.min_ready_ms, now)]
        first_unhealthy = unhealthy[0] if unhealthy else None
        for n in range(start, end):
            pod = replicas.get(n)
            if pod is not None and pod.status.phase == "Failed" and not pod.terminating:
                self.client.event("Warning", "RecreatingFailedPod", set_, f"StatefulSet {set_.namespace}/"
                                  f"{set_.name} is recreating failed Pod {pod.name}")
                if not self._delete(set_, pod):
                    return False
                pod = self.store.get("Pod", pod.namespace, pod.name)
            if pod is None:
                if not self._create(set_, n, current, update):
                    return False
                if monotonic:
                    return True  # OrderedReady: the next ordinal waits for this one to be Running and Ready
                continue
            if monotonic and (pod.terminating or not healthy(pod, spec.min_ready_ms, now)):
                return True  # OrderedReady: wait until this ordinal is gone or Running and Ready
        for _, pod in reversed(condemned):
            if pod.terminating:
                if monotonic:
                    return True  # scale down one at a time: wait until the higher ordinal is fully gone
                continue
            if monotonic and not healthy(pod, spec.min_ready_ms, now) and pod is not first_unhealthy:
                return True  # scale down only when every lower pod is healthy (or this is the first unhealthy)
            if not self._delete(set_, pod):
                return False
            if monotonic:
                return True  # one at a time
        if spec.strategy.type == "OnDelete":
            return True  # pods take the new revision only when someone deletes them
        for n in range(end - 1, max(start, spec.strategy.partition or 0) - 1, -1):
            pod = self.store.get("Pod", set_.namespace, spec.pod_name(n))
            if pod is None:
                return True  # being replaced: created again on the next pass
            if revision_of(pod) != update.name and not pod.terminating:
                return self._delete(set_, pod)  # replace the highest ordinal not yet updated
            if not healthy(pod, spec.min_ready_ms, now):
                return True  # wait until the updated pod is Running and Ready before the next
        return True

    def _create(self, set_: ApiObject, n: int, current: ApiObject, update: ApiObject) -> bool:
        """CreateStatefulPod: the claims first, then the pod, at the current revision below the partition
        and the update revision from it up (newVersionedStatefulSetPod)."""
        spec = set_.spec
        partition = spec.strategy.partition or 0
        revision = current if spec.strategy.type == "RollingUpdate" and n < partition else update
        name = spec.pod_name(n)
        if not self._claims(set_, name, n):
            return False
        template = revision.spec.data
        labels = dict(template.labels)
        labels.update({POD_NAME: name, POD_INDEX: str(n), REVISION_HASH: revision.name})
        claims = tuple(Volume(name=c.name, source="pvc", ref=spec.claim_name(c.name, n)) for c in spec.claims)
        volumes = tuple(v for v in template.volumes if v.name not in {c.name for c in spec.claims}) + claims
        pairs = tuple(labels.items())
        template = attrs.evolve(template, labels=pairs, hostname=name, subdomain=spec.service_name, volumes=volumes)
        meta = Meta(name=name, namespace=set_.namespace, labels=pairs, annotations=template.annotations,
                    owners=(self.owner_ref(set_),))
        pod = Pod(name=name, namespace=set_.namespace, labels=pairs, annotations=template.annotations,
                  template=template)
        return self._record("create", set_, name, self.client.create(ApiObject(kind="Pod", meta=meta, spec=pod)))

    def _claims(self, set_: ApiObject, pod: str, n: int) -> bool:
        """createPersistentVolumeClaims: `<claim>-<set>-<ordinal>` for each volumeClaimTemplate, unless it
        exists already (a claim kept from before a scale-down is simply used again)."""
        spec = set_.spec
        labels = spec.selector.match_labels
        # whenDeleted: Delete makes the set an owner, so the garbage collector removes the claims with it.
        owners = () if spec.retain_on_delete else (OwnerRef(kind="StatefulSet", name=set_.name, uid=set_.meta.uid,
                                                            controller=False, block_owner_deletion=False),)
        for c in spec.claims:
            name = spec.claim_name(c.name, n)
            if self.store.get("PersistentVolumeClaim", set_.namespace, name) is not None:
                continue
            claim = PersistentVolumeClaim(name=name, namespace=set_.namespace, labels=labels, storage=c.storage,
                                          storage_class=c.storage_class, access_modes=c.access_modes)
            meta = Meta(name=name, namespace=set_.namespace, labels=labels, owners=owners)
            if self.client.create(ApiObject(kind="PersistentVolumeClaim", meta=meta, spec=claim)) is None:
                self.client.event("Warning", "FailedCreate", set_, f"create Claim {name} for Pod {pod} in "
                                  f"StatefulSet {set_.name} failed error: {self.sim.rejections[-1].message}")
                return False
            self.client.event("Normal", "SuccessfulCreate", set_,
                              f"create Claim {name} Pod {pod} in StatefulSet {set_.name} success")
        return True

    def _delete(self, set_: ApiObject, pod: ApiObject) -> bool:
        """DeleteStatefulPod; with whenScaled: Delete a condemned pod first becomes its claims' owner, so
        the garbage collector removes them with it."""
        spec = set_.spec
        n = ordinal(set_.name, pod)
        if not spec.retain_on_scale and n is not None and not spec.ordinals_start <= n < spec.ordinals_start + \
                spec.replicas:
            ref = OwnerRef(kind="Pod", name=pod.name, uid=pod.meta.uid, controller=False, block_owner_deletion=False)
            for c in spec.claims:
                claim = self.store.get("PersistentVolumeClaim", set_.namespace, spec.claim_name(c.name, n))
                if claim is not None and ref not in claim.meta.owners:
                    self.client.update(attrs.evolve(claim, meta=attrs.evolve(claim.meta,
                                                                              owners=claim.meta.owners + (ref,))))
        before = len(self.sim.rejections)
        self.client.delete("Pod", pod.namespace, pod.name)
        return self._record("delete", set_, pod.name, None if len(self.sim.rejections) > before else pod)

    def _record(self, verb: str, set_: ApiObject, pod: str, done: ApiObject | None) -> bool:
        """recordPodEvent: `create Pod web-0 in StatefulSet web successful`, or the failure and its error."""
        if done is not None:
            self.client.event("Normal", f"Successful{verb.title()}", set_,
                              f"{verb} Pod {pod} in StatefulSet {set_.name} successful")
            return True
        self.client.event("Warning", f"Failed{verb.title()}", set_, f"{verb} Pod {pod} in StatefulSet {set_.name} "
                          f"failed error: {self.sim.rejections[-1].message}")
        return False

    # ---- status ------------------------------------------------------------------------------------
    def _write_status(self, set_: ApiObject, pods: list[ApiObject], current: str, update: str) -> None:
        s = replica_status(set_, pods, current, update, self.sim.now)
        if s != set_.status:
            self.client.update_status(attrs.evolve(set_, status=s))
