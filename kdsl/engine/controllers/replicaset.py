"""The ReplicaSet and ReplicationController controllers: keep `replicas` active pods of a template."""

from __future__ import annotations

import functools

import attrs

from kdsl.engine import clock, expect
from kdsl.engine.controllers.alike_pods import AlikePods, free_name, from_template
from kdsl.engine.controllers.base import Controller, Key
from kdsl.engine.controllers.deployment_util import (ReplicaSetStatus, adopt_orphans, backoff_ms, is_active, log2_rank,
                                                     ready_since, revision)
from kdsl.engine.controllers.replica_counts import Counts, Tally, counted
from kdsl.engine.objects import ApiObject, Condition

BURST_REPLICAS = 500  # the controller's burstReplicas: at most this many creates or deletes per sync
SLOW_START_BATCH = 1  # controller.SlowStartInitialBatchSize
DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
_PHASE_ORDER = {"Pending": 0, "Unknown": 1, "Running": 2}


class ReplicaSetController(Controller):
    """kube-controller-manager's ReplicaSet controller (pkg/controller/replicaset). It counts the
    active pods it controls (not finished, not being deleted), creates the missing ones in
    slow-start batches of 1, 2, 4, ... and deletes the surplus in ActivePodsWithRanks order."""

    name = "replicaset-controller"
    kinds = ("ReplicaSet",)
    # After the kubelets within a moment, so that pods that change together are counted in one sync.
    priority = clock.PRIORITY_KUBELET + 1

    def setup(self) -> None:
        super().setup()
        self._failures: dict[Key, int] = {}
        self.counts = Tally(self.kinds)
        self.store.watch("Pod", self.on_pod, owners=self.kinds, writes=counted)

    def on_own(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        # Its own status writes change nothing the sync reads (a status update keeps the spec object).
        if old is not None and new is not None and old.spec is new.spec and old.meta.generation == new.meta.generation \
                and old.meta.deletion_ms == new.meta.deletion_ms and old.meta.owners == new.meta.owners:
            return
        self.enqueue(new.key if new is not None else old.key)

    def on_pod(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        # Most pod writes are the kubelet's container progress; only a change the sync reads wakes it.
        if self.counts.moved(old, new):
            self.on_owned(op, old, new)

    # ---- the sync -------------------------------------------------------------------------------
    def reconcile(self, key: Key) -> None:
        rs = self.store.get(*key)
        if rs is None:
            self._failures.pop(key, None)
            return  # deleted: what is left of its pods is the garbage collector's
        # The counts move with every write of a pod it controls (replica_counts.py): a sync reads them, not its pods.
        error = None
        if rs.meta.deletion_ms is None and self.counts.of(rs.meta.uid).active != rs.spec.replicas:
            adopt_orphans(self, rs)  # ClaimPods (controllers/deployment_util.py): an adopted pod counts from its write
            error = self.manage(rs)
        now = self.sim.now
        status, wait = self.calculate_status(rs, self.counts.of(rs.meta.uid), error, now)
        if status != rs.status:
            self.client.update_status(attrs.evolve(rs, status=status))
        if wait is not None:
            # A Ready pod becomes available minReadySeconds later; the controller re-syncs then (plus
            # the second Kubernetes adds against clock skew) instead of polling.
            self.enqueue(key, wait + 1000 - now)
        if error is None:
            self._failures.pop(key, None)
            return  # in sync, or every write it needed went through
        failures = self._failures[key] = self._failures.get(key, 0) + 1
        # A refused create (quota, admission) is retried with the work queue's exponential back-off.
        self.enqueue(key, backoff_ms(failures))

    def manage(self, rs: ApiObject) -> str | None:
        """manageReplicas: create or delete pods to reach spec.replicas; the first error, if any."""
        diff = self.counts.of(rs.meta.uid).active - rs.spec.replicas
        if diff < 0:
            remaining, batch = min(-diff, BURST_REPLICAS), SLOW_START_BATCH
            # one tuple for the pods of this sync, as their reference is the same; they are alike but for their
            # name and uid, and what their creates share is worked out once (alike_pods.py)
            pods = AlikePods(self, rs, (self.owner_ref(rs),))
            while remaining > 0:
                size = min(batch, remaining)
                errors = pods.batch(size)
                if errors:
                    return errors[0]  # slowStartBatch stops at the first batch with a failure
                remaining -= size
                batch *= 2
            return None
        # Only a scale-down reads the pods themselves: getPodsToDelete ranks every active one, as upstream does.
        active = [p for p in self.owned("Pod", rs) if is_active(p)]
        victims = pods_to_delete(active, self.related_pods(rs), min(diff, BURST_REPLICAS), self.sim.now)
        error = None
        for pod in victims:
            before = len(self.sim.rejections)
            self.client.delete("Pod", pod.namespace, pod.name)
            if len(self.sim.rejections) > before:
                error = error or self.sim.rejections[-1].message
                self.client.event("Warning", "FailedDelete", rs, f"Error deleting: {self.sim.rejections[-1].message}")
            else:
                self.client.event("Normal", "SuccessfulDelete", rs, f"Deleted pod: {pod.name}")
        return error

    def create_pod(self, rs: ApiObject, owners: tuple) -> str | None:
        """A pod of `rs` created the plain way (AlikePods.create's way for a pod the API server's kept answer
        does not fit): its name and uid (alike_pods.free_name), then send_pod."""
        return self.send_pod(rs, owners, *free_name(self.store, self.sim.rng, rs.namespace, f"{rs.name}-"))

    def send_pod(self, rs: ApiObject, owners: tuple, name: str, uid: str) -> str | None:
        """GetPodFromTemplate (alike_pods.from_template) with the ReplicaSet as controlling owner (`owners`, its
        reference), created through the API server as this controller; its event. None when created, else the
        refusal's message."""
        before = len(self.sim.rejections)
        created = self.client.create(from_template(rs, owners, name, uid, self.sim.now), generate_name=f"{rs.name}-")
        if created is not None:
            self.client.event("Normal", "SuccessfulCreate", rs, f"Created pod: {name}")
            return None
        message = self.sim.rejections[-1].message if len(self.sim.rejections) > before else "refused"
        self.client.event("Warning", "FailedCreate", rs, f"Error creating: {message}")
        return message

    def related_pods(self, rs: ApiObject) -> list[ApiObject]:
        """getIndirectlyRelatedPods: the pods of every ReplicaSet under the same controller."""
        owner = next((o for o in rs.meta.owners if o.controller), None)
        if owner is None:
            return self.owned("Pod", rs)
        out: list[ApiObject] = []
        for sibling in self.store.owned_by(rs.kind, owner.uid):
            out.extend(self.owned("Pod", sibling))
        return out

    @staticmethod
    def calculate_status(rs: ApiObject, counts: Counts, error: str | None,
                         now: int) -> tuple[ReplicaSetStatus, int | None]:
        """calculateStatus (replica_set_utils.go): counts of active, fully labeled, ready and available pods; the
        ReplicaFailure condition while creates or deletes fail. With it, when the first Ready pod that is not
        yet available will be (None if none waits)."""
        old = rs.status or ReplicaSetStatus()
        available, wait = counts.available(rs.spec.min_ready_ms, now)
        conditions = old.conditions
        failure = old.condition("ReplicaFailure")
        if error is not None and failure is None:
            reason = "FailedCreate" if counts.active < rs.spec.replicas else "FailedDelete"
            conditions += (Condition(type="ReplicaFailure", status="True", reason=reason, message=error,
                                     last_transition_ms=now),)
        elif error is None and failure is not None:
            conditions = tuple(c for c in conditions if c.type != "ReplicaFailure")
        status = ReplicaSetStatus(replicas=counts.active, fully_labeled_replicas=counts.fully_labeled(
            set(rs.spec.template.labels)), ready_replicas=counts.ready, available_replicas=available,
            observed_generation=rs.meta.generation, conditions=conditions)
        return status, wait


class ReplicationControllerController(ReplicaSetController):
    """The ReplicationController manager: the same code as the ReplicaSet controller in Kubernetes
    (pkg/controller/replication wraps it), under its own service account."""

    name = "replication-controller"
    kinds = ("ReplicationController",)


# ---- which pods go first ------------------------------------------------------------------------


def pods_to_delete(pods: list[ApiObject], related: list[ApiObject], n: int, now: int) -> list[ApiObject]:
    """getPodsToDelete (replica_set.go): the first `n` pods in ActivePodsWithRanks order
    (pkg/controller/controller_utils.go), where a pod's rank is the number of active related pods on its node.
    The sort is stable (Go's is not), so equal pods go in creation order."""
    if n >= len(pods):
        return list(pods)
    on_node: dict[str, int] = {}
    for p in related:
        if is_active(p):
            node = p.spec.template.node_name or ""
            on_node[node] = on_node.get(node, 0) + 1
    # Less is no strict weak order (two pods Ready at the same moment go on to restarts and age, two Ready at
    # moments in one power-of-two bucket go by UID), so it stays a comparison, which a key could not reproduce;
    # what it reads of each pod is worked out once, not at each of the n log n comparisons.
    ranked = [_ranks(p, on_node.get(p.spec.template.node_name or "", 0), now) for p in pods]
    ranked.sort(key=functools.cmp_to_key(_compare))
    return [r[-1] for r in ranked[:n]]


def _deletion_cost(pod: ApiObject) -> int:
    text = next((v for k, v in pod.meta.annotations if k == DELETION_COST), "0")
    try:
        return int(text)
    except ValueError:
        return 0


def _ranks(pod: ApiObject, rank: int, now: int) -> tuple:
    """What ActivePodsWithRanks.Less reads of a pod: its first five rules as one tuple, which compare in order
    (1. unscheduled first, 2. Pending < Unknown < Running, 3. not Ready first, 4. lower pod-deletion-cost first,
    5. doubled-up pods first); then the Ready time and its age bucket, restarts, the creation time and its bucket,
    the UID, the pod."""
    since = ready_since(pod)
    status, meta = pod.status, pod.meta
    head = (bool(pod.spec.template.node_name),
            _PHASE_ORDER.get(status.phase, 0), since is not None, _deletion_cost(pod), -rank)
    restarts = (max((c.restart_count for c in status.container_statuses), default=0),
                max((c.restart_count for c in status.init_container_statuses), default=0))
    return (head, since, log2_rank(now - since) if since is not None else None, restarts, meta.creation_ms,
            log2_rank(now - meta.creation_ms), meta.uid, pod)


def _by_age(bucket_a: int, bucket_b: int, uid_a: str, uid_b: str) -> int:
    """LogarithmicScaleDown: times in the same power-of-two bucket of age tie, broken by UID."""
    if bucket_a == bucket_b:
        return -1 if uid_a < uid_b else (1 if uid_a > uid_b else 0)
    return -1 if bucket_a < bucket_b else 1


def _compare(a: tuple, b: tuple) -> int:
    """ActivePodsWithRanks.Less as a comparison of two `_ranks`: negative when `a` should be deleted first."""
    if a[0] != b[0]:
        return -1 if a[0] < b[0] else 1  # rules 1 to 5
    ra, rb = a[1], b[1]
    if ra is not None and rb is not None and ra != rb:
        return _by_age(a[2], b[2], a[6], b[6])  # 6. Ready more recently first
    if a[3] != b[3]:
        return -1 if a[3] > b[3] else 1  # 7. more restarts first
    if a[4] != b[4]:
        return _by_age(a[5], b[5], a[6], b[6])  # 8. newer first
    return 0


# ---- `expect replicaset NS/NAME ...` -----------------------------------------------------------


def replicaset_values(obj: ApiObject, checker, t: int) -> dict:
    """A ReplicaSet's counts as `kubectl get rs` shows them; every pod of a ReplicaSet runs its own
    template, so `updated` is its replicas."""
    status = obj.status or ReplicaSetStatus()
    containers = obj.spec.template.containers
    return {"replicas": status.replicas, "ready": status.ready_replicas, "available": status.available_replicas,
            "updated": status.replicas, "revision": revision(obj),
            "image": containers[0].image if containers else None}


expect.register("replicaset", "ReplicaSet", replicaset_values)
