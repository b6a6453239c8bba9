"""The resource quota controller: each ResourceQuota's status.hard and status.used, written as the namespace changes."""

from __future__ import annotations

from kdsl.engine.apiserver.quota import QuotaStatus, calculate_usage, charged
from kdsl.engine.apiserver.resources import KINDS
from kdsl.engine.controllers.base import Controller, Key
from kdsl.engine.evolve import evolve
from kdsl.engine.objects import ApiObject

QUOTA = "ResourceQuota"
# Kinds whose writes are many (node heartbeats, events) and which kdsl's quotas do not limit in practice: their
# writes are not watched (a `count/leases.coordination.k8s.io` quota would miss their deletions until a sync).
_UNCOUNTED = ("Event", "Lease")


class ResourceQuotaController(Controller):
    """pkg/controller/resourcequota/resource_quota_controller.go: a new quota, or one whose spec.hard changed, is
    synced (syncResourceQuota: status.hard = spec.hard, status.used = CalculateUsage over the namespace, written
    with UpdateStatus only when it differs); so is every quota of a namespace where an object it counts goes
    away or stops counting (the quota monitor's replenishment, resource_quota_monitor.go: a delete, a pod
    turned terminal or past its grace, a service whose quota type changed). A create is charged by the
    ResourceQuota admission plugin in the request itself (quota.charges), so an add replenishes nothing. The
    5-minute full resync (--resource-quota-sync-period) finds nothing left to write in kdsl, whose usage
    changes only with such writes (a pod past its grace without a write is the exception), so it is not run."""

    name = "resourcequota-controller"
    kinds = (QUOTA,)

    def setup(self) -> None:
        self.store.watch(QUOTA, self.on_quota)
        for info in KINDS.values():
            if info.namespaced and info.kind not in _UNCOUNTED:
                self.store.watch(info.kind, self.on_counted)

    def on_quota(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        # addQuota / updateQuota: a new quota, or a spec.hard that changed; the controller's own status writes
        # (spec unchanged) wake nothing.
        if new is not None and (old is None or old.spec.hard != new.spec.hard):
            self.enqueue(new.key)

    def on_counted(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        obj = new or old
        if old is None or not self.store.count(QUOTA, obj.namespace):
            return  # an add is charged at admission; a namespace without quota has nothing to replenish
        if new is not None and not _frees(old, new, self.sim.now):
            return
        for q in self.store.list(QUOTA, obj.namespace):
            self.enqueue(q.key)  # replenishQuota: a full recalculation of each quota (no write if unchanged)

    def reconcile(self, key: Key) -> None:
        q = self.store.get(*key)
        if q is None:
            return  # deleted since it was queued: nothing to write ("Resource quota has been deleted")
        used = calculate_usage(self.store, q, self.sim.now)
        status = QuotaStatus(hard=tuple(sorted(q.spec.hard)), used=tuple(sorted(used.items())))
        if q.status == status:
            return  # not dirty: the status stands as computed, no write
        # a write that lost a race is retried by the work queue (Client's conflict retry)
        self.client.update_status(evolve(q, status=status))


def _frees(old: ApiObject, new: ApiObject, now_ms: int) -> bool:
    """The monitor's UpdateFunc filter: a pod that stops counting (QuotaV1Pod true then false), a service whose
    quota type (NodePort, LoadBalancer) changed; other updates replenish nothing."""
    if new.kind == "Pod":
        return charged(old, now_ms) and not charged(new, now_ms)
    if new.kind == "Service":
        return old.spec.type != new.spec.type
    return False
