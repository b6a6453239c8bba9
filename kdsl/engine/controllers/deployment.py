"""The Deployment controller: ReplicaSets per template, rolled by RollingUpdate or Recreate."""

from __future__ import annotations

import attrs

from kdsl.engine import expect
from kdsl.engine.controllers import deployment_rollout as rollout
from kdsl.engine.controllers.base import Controller, Key
from kdsl.engine.controllers.deployment_status import calculate_status
from kdsl.engine.controllers.deployment_util import (HASH_LABEL, REVISION, DeploymentStatus, annotation, backoff_ms,
                                                     compute_hash, equal_ignore_hash, max_surge, new_condition,
                                                     new_rs_annotations, revision, selector_with_label,
                                                     set_annotations, set_deployment_condition, with_label)
from kdsl.engine.objects import ApiObject, Meta
from kdsl.engine.store_watch import deletions
from kdsl.model.workloads import ReplicaSet


class Refused(Exception):
    """The API server refused one of the sync's writes: the sync stops and is retried later."""


class DeploymentController(Controller):
    """kube-controller-manager's Deployment controller (pkg/controller/deployment): syncDeployment
    finds the ReplicaSet whose template is the Deployment's (creating it, named `<name>-<hash>`),
    scales it and the old ones as the strategy allows, keeps the revisions and conditions, and
    cleans up old ReplicaSets beyond revisionHistoryLimit. The rollout arithmetic is in
    deployment_rollout.py."""

    name = "deployment-controller"
    kinds = ("Deployment",)

    def setup(self) -> None:
        super().setup()
        self._failures: dict[Key, int] = {}
        self.store.watch("ReplicaSet", self.on_owned)
        self.store.watch("Pod", self.on_pod, owners=("ReplicaSet",), writes=deletions)

    def on_own(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        # Its own status writes need no new sync (sync_rollout_status does what that sync would).
        if old is not None and new is not None and old.spec is new.spec and old.status is not new.status \
                and old.meta.annotations is new.meta.annotations and old.meta.deletion_ms == new.meta.deletion_ms:
            return
        self.enqueue((new or old).key)

    def on_pod(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        """deletePod: a Recreate rollout waits for its old pods to be gone."""
        if new is not None:
            return
        ref = next((o for o in old.meta.owners if o.controller and o.kind == "ReplicaSet"), None)
        rs = self.store.get("ReplicaSet", old.namespace, ref.name) if ref is not None else None
        owner = next((o for o in rs.meta.owners if o.controller), None) if rs is not None else None
        if owner is None or owner.kind != "Deployment":
            return
        d = self.store.get("Deployment", old.namespace, owner.name)
        if d is not None and d.spec.strategy.type == "Recreate":
            self.enqueue(d.key)

    # ---- syncDeployment -------------------------------------------------------------------------
    def reconcile(self, key: Key) -> None:
        d = self.store.get(*key)
        if d is None:
            self._failures.pop(key, None)
            return  # deleted: its ReplicaSets are the garbage collector's
        try:
            self.sync_deployment(d)
        except Refused:
            failures = self._failures[key] = self._failures.get(key, 0) + 1
            # A refused write (quota, RBAC, a conflict) is retried with the work queue's back-off.
            self.enqueue(key, backoff_ms(failures))
            return
        self._failures.pop(key, None)  # synced: the back-off starts over next time

    def sync_deployment(self, d: ApiObject) -> None:
        rs_list = self.owned("ReplicaSet", d)
        if d.terminating:
            new_rs, old = self.get_all(d, rs_list, create=False)
            self.sync_status(d, new_rs, old)
            return
        d = rollout.check_paused_conditions(self, d)
        if d.spec.paused:
            rollout.sync_scale(self, d, rs_list)
            return
        if rollout.is_scaling_event(self, d, rs_list):
            rollout.sync_scale(self, d, rs_list)
            return
        if d.spec.strategy.type == "Recreate":
            rollout.rollout_recreate(self, d, rs_list)
        else:
            rollout.rollout_rolling(self, d, rs_list)

    # ---- the new ReplicaSet and the revisions ---------------------------------------------------
    def get_all(self, d: ApiObject, rs_list: list[ApiObject], create: bool) -> tuple[ApiObject | None, list]:
        """getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created if asked and missing) with
        its revision raised above every old one, and the old ReplicaSets."""
        rs_list = self.fresh(rs_list)  # an earlier step of this sync may have written some of them
        new_rs = next((rs for rs in rs_list if equal_ignore_hash(rs.spec.template, d.spec.template)), None)
        old = [rs for rs in rs_list if rs is not new_rs]
        new_revision = max((revision(rs) for rs in old), default=0) + 1
        if new_rs is not None:
            return self._sync_existing(d, new_rs, new_revision), old
        if not create:
            return None, old
        return self._create_new(d, old, new_revision), old

    def _sync_existing(self, d: ApiObject, rs: ApiObject, new_revision: int) -> ApiObject:
        ann = new_rs_annotations(d, rs.meta.annotations, new_revision, exists=True)
        if ann != rs.meta.annotations or rs.spec.min_ready_ms != d.spec.min_ready_ms:
            rs = self.write(attrs.evolve(rs, meta=attrs.evolve(rs.meta, annotations=ann),
                                         spec=attrs.evolve(rs.spec, min_ready_ms=d.spec.min_ready_ms)))
        status = self.status_of(d)
        if d.spec.progress_deadline_ms is not None and status.condition("Progressing") is None:
            status = set_deployment_condition(status, new_condition(
                "Progressing", "True", "FoundNewReplicaSet", f'Found new replica set "{rs.name}"', self.sim.now))
        self.save(d, annotation(rs, REVISION), status)
        return rs

    def _create_new(self, d: ApiObject, old: list[ApiObject], new_revision: int) -> ApiObject:
        status = self.status_of(d)
        while True:
            template = d.spec.template
            pod_hash = compute_hash(template, status.collision_count)
            name = f"{d.name}-{pod_hash}"
            existing = self.store.get("ReplicaSet", d.namespace, name)
            if existing is None:
                break
            if any(o.uid == d.meta.uid for o in existing.meta.owners) and \
                    equal_ignore_hash(existing.spec.template, template):
                return existing  # made by an earlier sync whose status update did not land
            # A hash collision with someone else's ReplicaSet: count it, and hash again with the count.
            status = attrs.evolve(status, collision_count=(status.collision_count or 0) + 1)
        template = attrs.evolve(template, labels=with_label(template.labels, HASH_LABEL, pod_hash))
        spec = ReplicaSet(name=name, namespace=d.namespace, labels=template.labels, template=template,
                          selector=selector_with_label(d.spec.selector, HASH_LABEL, pod_hash), replicas=0,
                          min_ready_ms=d.spec.min_ready_ms)
        rs = ApiObject(kind="ReplicaSet", meta=Meta(name=name, namespace=d.namespace, labels=template.labels,
                                                    owners=(self.owner_ref(d),)), spec=spec)
        replicas = rollout.new_rs_new_replicas(d, old + [rs], rs)
        rs = attrs.evolve(rs, spec=attrs.evolve(spec, replicas=replicas),
                          meta=attrs.evolve(rs.meta, annotations=new_rs_annotations(d, (), new_revision, False)))
        created = self.client.create(rs)
        if created is None:
            message = f'Failed to create new replica set "{name}": {self.sim.rejections[-1].message}'
            if d.spec.progress_deadline_ms is not None:
                status = set_deployment_condition(status, new_condition("Progressing", "False",
                                                                        "ReplicaSetCreateError", message, self.sim.now))
                self.save(d, None, status)
            self.client.event("Warning", "ReplicaSetCreateError", d, message)
            raise Refused(message)
        if replicas > 0:
            self.client.event("Normal", "ScalingReplicaSet", d, f"Scaled up replica set {name} from 0 to {replicas}")
        if d.spec.progress_deadline_ms is not None:
            status = set_deployment_condition(status, new_condition(
                "Progressing", "True", "NewReplicaSetCreated", f'Created new replica set "{name}"', self.sim.now))
        self.save(d, str(new_revision), status)
        return created

    # ---- writes ---------------------------------------------------------------------------------
    def write(self, obj: ApiObject) -> ApiObject:
        """An update of a ReplicaSet or Deployment; a refusal stops the sync."""
        written = self.client.update(obj)
        if written is None:
            raise Refused(obj.name)
        return written

    def save(self, d: ApiObject, rev: str | None, status: DeploymentStatus) -> ApiObject:
        """The Deployment's revision annotation (SetDeploymentRevision) and its status, each written
        only when it changed, to the Deployment as it stands now."""
        d = self.store.get(*d.key) or d
        if rev is not None and annotation(d, REVISION) != rev:
            d = self.write(attrs.evolve(d, meta=attrs.evolve(d.meta, annotations=set_annotations(
                d.meta.annotations, {REVISION: rev}))))
        if status != d.status:
            written = self.client.update_status(attrs.evolve(d, status=status))
            if written is None:
                raise Refused(d.name)
            d = written
        return d

    def status_of(self, d: ApiObject) -> DeploymentStatus:
        current = self.store.get(*d.key) or d
        return current.status or DeploymentStatus()

    def scale_rs(self, rs: ApiObject, new_scale: int, d: ApiObject, operation: str | None = None) -> bool:
        """scaleReplicaSet: the new size and the desired/max-replicas annotations, with the
        ScalingReplicaSet event when the size changed."""
        spec = d.spec
        wanted = {"deployment.kubernetes.io/desired-replicas": str(spec.replicas),
                  "deployment.kubernetes.io/max-replicas": str(spec.replicas + max_surge(spec))}
        rs = self.store.get(*rs.key) or rs
        old_scale = rs.spec.replicas
        ann = set_annotations(rs.meta.annotations, wanted)
        if old_scale == new_scale and ann == rs.meta.annotations:
            return False
        operation = operation or ("up" if old_scale < new_scale else "down")
        spec = rs.spec if old_scale == new_scale else attrs.evolve(rs.spec, replicas=new_scale)
        self.write(attrs.evolve(rs, meta=attrs.evolve(rs.meta, annotations=ann), spec=spec))
        if old_scale == new_scale:
            return False
        self.client.event("Normal", "ScalingReplicaSet", d,
                          f"Scaled {operation} replica set {rs.name} from {old_scale} to {new_scale}")
        return True

    def sync_status(self, d: ApiObject, new_rs: ApiObject | None, old: list[ApiObject]) -> None:
        """syncDeploymentStatus: the counts and the Available condition, without judging progress."""
        status = calculate_status(self.fresh(old), self.fresh([new_rs])[0] if new_rs else None,
                                          self.store.get(*d.key) or d, self.sim.now)
        self.save(d, None, status)

    def fresh(self, objs: list[ApiObject]) -> list[ApiObject]:
        """The objects as the store has them now (the sync's own writes included); gone ones left out."""
        return [o for o in (self.store.get(*x.key) for x in objs if x is not None) if o is not None]


# ---- `expect deployment NS/NAME ...` -----------------------------------------------------------


def deployment_values(obj: ApiObject, checker, t: int) -> dict:
    status = obj.status or DeploymentStatus()
    containers = obj.spec.template.containers
    return {"replicas": status.replicas, "ready": status.ready_replicas, "available": status.available_replicas,
            "updated": status.updated_replicas, "revision": revision(obj),
            "image": containers[0].image if containers else None}


expect.register("deployment", "Deployment", deployment_values)
