"""The resource quota controller: each ResourceQuota's status.hard and status.used, written as the namespace changes."""

from __future__ import annotations

from kdsl.engine.apiserver.quota import QuotaStatus, calculate_usage, charged
from kdsl.engine.apiserver.resources import KINDS
from kdsl.engine.controllers.base import Controller, Key
from kdsl.core.evolve import evolve
from kdsl.engine.objects import ApiObject
from kdsl.engine.store_watch import not_added

QUOTA = "ResourceQuota"
# Kinds whose writes are many (node heartbeats, events) and which kdsl's quotas do not limit in practice: their
# writes are not watched (a `count/leases.coordination.k8s.io` quota would miss their deletions until a sync).
_UNCOUNTED = ("Event", "Lease")
RESYNC_MS = 5 * 60_000  # --resource-quota-sync-period (kube-controller-manager's default)


class ResourceQuotaController(Controller):
    """pkg/controller/resourcequota/resource_quota_controller.go: a new quota, or one whose spec.hard changed, is
    synced (syncResourceQuota: status.hard = spec.hard, status.used = CalculateUsage over the namespace, written
    with UpdateStatus only when it differs); so is every quota of a namespace where an object it counts goes
    away or stops counting (the quota monitor's replenishment, resource_quota_monitor.go: a delete, a pod
    turned terminal or past its grace, a service whose quota type changed). A create is charged by the
    ResourceQuota admission plugin in the request itself (quota.charges), so an add replenishes nothing. The
    full resync (enqueueAll every --resource-quota-sync-period, 5 minutes from the controller's start) finds
    something to write only where a pod stopped counting without a write: one past its deletion grace and
    still stored (its node is gone). kdsl runs the resync's tick for those namespaces only, so that a run
    without such a pod is not kept going by a timer that would write nothing."""

    name = "resourcequota-controller"
    kinds = (QUOTA,)

    def setup(self) -> None:
        self._graced: dict[str, dict[Key, int]] = {}  # namespace -> counted pods being deleted -> grace's end
        self._ticks: dict[str, tuple[int, int]] = {}  # namespace -> the resync tick due there, its ticket
        self.store.watch(QUOTA, self.on_quota)
        for info in KINDS.values():
            if info.namespaced and info.kind not in _UNCOUNTED:
                # on_counted acts only where a quota is counted or a pod's grace is kept, and a grace is kept
                # only where a quota is (the last quota's deletion forgets them): a namespace without one is not heard
                self.store.watch(info.kind, self.on_counted, writes=not_added, beside=QUOTA)

    def on_quota(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        # addQuota / updateQuota: a new quota, or a spec.hard that changed; the controller's own status writes
        # (spec unchanged) wake nothing.
        if new is not None and (old is None or old.spec.hard != new.spec.hard):
            self.enqueue(new.key)
        elif new is None and self._graced.get(old.namespace) and not self.store.count(QUOTA, old.namespace):
            self._graced[old.namespace].clear()  # no quota left to recount: the tick would write nothing
            self._schedule(old.namespace)

    def on_counted(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        obj = new or old
        counted = old is not None and self.store.count(QUOTA, obj.namespace)
        if obj.kind == "Pod" and old is not None and (counted or self._graced.get(obj.namespace)):
            self._grace(obj.namespace, obj.key, new)  # a pod kept for the tick is forgotten once written again
        if not counted:
            return  # an add is charged at admission; a namespace without quota has nothing to replenish
        if new is not None and not _frees(old, new, self.sim.now):
            return
        for q in self.store.list(QUOTA, obj.namespace):
            self.enqueue(q.key)  # replenishQuota: a full recalculation of each quota (no write if unchanged)

    def _grace(self, ns: str, key: Key, pod: ApiObject | None) -> None:
        """Keep the end of a counted pod's deletion grace while it is stored; past it the pod stops counting
        with no write, and only the resync's next tick recounts its namespace."""
        graced = self._graced.setdefault(ns, {})
        meta = pod.meta if pod is not None else None
        if meta is not None and meta.deletion_ms is not None and meta.deletion_grace_ms is not None \
                and charged(pod, self.sim.now):
            graced[key] = meta.deletion_ms + meta.deletion_grace_ms
        else:
            graced.pop(key, None)
        if not self.store.count(QUOTA, ns):
            graced.clear()  # no quota left to recount
        self._schedule(ns)

    def _schedule(self, ns: str) -> None:
        """The resync tick after the earliest grace's end (QuotaV1Pod: strictly after it), or none."""
        graced = self._graced.get(ns)
        tick = (min(graced.values()) // RESYNC_MS + 1) * RESYNC_MS if graced else None
        due = self._ticks.get(ns)
        if due is not None and due[0] == tick:
            return
        if due is not None:
            self.sim.queue.cancel(due[1])
            del self._ticks[ns]
        if tick is not None:
            self._ticks[ns] = (tick, self.sim.queue.at(tick, self._resync, ns, priority=self.priority))

    def _resync(self, ns: str) -> None:
        """enqueueAll at a tick: every quota is synced; only this namespace's can have changed."""
        del self._ticks[ns]
        now = self.sim.now
        graced = self._graced[ns]
        for key in [k for k, end in graced.items() if end < now]:
            del graced[key]  # counted no more: the sync below recounts without it
        for q in self.store.list(QUOTA, ns):
            self.enqueue(q.key)
        self._schedule(ns)

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
