"""An ingress controller (ingress-nginx's behaviour): it syncs each Ingress; routing.py answers for it."""

from __future__ import annotations

from kdsl.engine.controllers.base import Controller, Key

SYNC_REASON, SYNC_MESSAGE = "Sync", "Scheduled for sync"


class IngressController(Controller):
    """kdsl plays one ingress controller that serves every Ingress whatever its class. Requests are
    answered by `kdsl.engine.routing` from the Ingresses, Services and EndpointSlices as they stand, so
    this controller only does what can be seen of ingress-nginx: a `Sync` event each time an Ingress
    is added or changed. It writes no status (no load balancer address: kdsl has no cloud)."""

    name = "nginx-ingress-controller"
    kinds = ("Ingress",)

    def setup(self) -> None:
        self._seen: dict[tuple, int] = {}  # ingress key -> generation last synced
        super().setup()

    def reconcile(self, key: Key) -> None:
        ing = self.store.get(*key)
        if ing is None:
            self._seen.pop(key, None)
            return  # deleted: its routes went with it, nothing to announce
        if self._seen.get(key) == ing.meta.generation:
            return  # a status or metadata-only write: the routes did not change
        self._seen[key] = ing.meta.generation
        self.client.event("Normal", SYNC_REASON, ing, SYNC_MESSAGE)
