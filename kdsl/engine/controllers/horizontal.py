"""The HorizontalPodAutoscaler controller: every 15 s, read the target's scale and metrics, decide, rescale."""

from __future__ import annotations

import attrs

from kdsl.engine.apiserver.errors import ApiError
from kdsl.engine.autoscaling.horizontal import Condition as Decided, History, MetricInputs, decide
from kdsl.engine.controllers.base import Controller
from kdsl.engine.controllers.horizontal_status import (HPAStatus, behavior, metric_specs, pod_requests, pod_state,
                                                       samples)
from kdsl.engine.objects import ApiObject, Condition, set_condition
from kdsl.model.base import Selector

# Upstream: kubernetes/kubernetes v1.34 pkg/controller/podautoscaler/horizontal.go (enqueueHPA, processNextWorkItem,
# reconcileKey, reconcileAutoscaler, recordInitialRecommendation, setStatus, updateStatusIfNeeded, setCondition).
# The arithmetic is kdsl/engine/autoscaling/horizontal.py's decide; this file is the loop around it.

# --horizontal-pod-autoscaler-sync-period: the work queue's rate limiter (FixedItemIntervalRateLimiter) delays
# every add of a key by it, so an HPA is first synced one period after it is created, then every period.
SYNC_PERIOD_MS = 15_000
GOT_SCALE = Decided("AbleToScale", "True", "SucceededGetScale",
                    "the HPA controller was able to get the target's current scale")


class HorizontalController(Controller):
    """One work-queue key per HPA, synced every period while the HPA exists. Pods changing do not wake it
    (upstream has no pod handler): it reads the pods and metrics-server's last scrape when its period comes.
    Its memory of each HPA (recommendations and scale events: the stabilization windows and rate limits)
    lives in the controller, as upstream's maps do, and is forgotten with the HPA."""

    name = "horizontal-pod-autoscaler"
    kinds = ("HorizontalPodAutoscaler",)

    def setup(self) -> None:
        self.history: dict[tuple, History] = {}
        # namespace -> selector -> the keys of the pods it selects, in creation order: what upstream's pod lister
        # answers from its index, kept up to date from the first sync on (a scenario without HPAs pays nothing)
        self._selected: dict[str | None, dict[Selector, dict[tuple, None]]] = {}
        self._watching_pods = False
        self._pod_requests: dict[str, dict[tuple, tuple[dict[str, int], dict[str, str]]]] = {}  # by pod uid
        self.store.watch("HorizontalPodAutoscaler", self.on_own)

    def on_own(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        key = (new or old).key
        if new is None:  # deleteHPA: the key is forgotten; a pending sync would find nothing, so it is dropped
            self.history.pop(key, None)
            due = self._due.pop(key, None)
            if due is not None:
                self.sim.queue.cancel(due[1])
            return
        self.enqueue(key, SYNC_PERIOD_MS)  # AddRateLimited: an earlier pending sync of the key stands

    def reconcile(self, key) -> None:
        hpa = self.store.get(*key)
        if hpa is None:
            self.history.pop(key, None)
            return
        self._sync(hpa)
        self.enqueue(key, SYNC_PERIOD_MS)  # processNextWorkItem re-adds a key that still exists

    # ---- one sync: reconcileAutoscaler -----------------------------------------------------------------
    def _sync(self, hpa: ApiObject) -> None:
        spec, now = hpa.spec, self.sim.now
        before = hpa.status or HPAStatus()
        conditions = before.conditions
        got = self.client.get(spec.target_kind, hpa.namespace, spec.target_name, subresource="scale")
        if isinstance(got, ApiError):
            self.client.event("Warning", "FailedGetScale", hpa, got.message)
            conditions = _set(conditions, Decided("AbleToScale", "False", "FailedGetScale",
                                                  f"the HPA controller was unable to get the target's current "
                                                  f"scale: {got.message}"), now)
            self._write_status(hpa, before, attrs.evolve(before, conditions=conditions))
            return
        scale = got.spec
        current = scale.replicas
        history = self.history.get(hpa.key, History())
        if not history.recommendations:  # recordInitialRecommendation
            history = attrs.evolve(history, recommendations=((now, current),))
        specs = metric_specs(spec)
        d = decide(current, spec.min_replicas, spec.max_replicas, specs, self._inputs(hpa, scale, specs), history,
                   behavior(spec))
        for c in (GOT_SCALE, *d.conditions):
            conditions = _set(conditions, c, now)
        statuses = d.metrics.statuses if d.metrics is not None else ()
        events = list(d.events)
        if d.metrics is not None and d.metrics.replicas == -1:
            # setCurrentReplicasAndMetricsInStatus: the desired count stays as it was
            self.history[hpa.key] = d.history
            for e in events:
                self.client.event(e.type, e.reason, hpa, e.message)
            self._write_status(hpa, before, attrs.evolve(before, current_replicas=current,
                                                         current_metrics=statuses, conditions=conditions))
            return
        desired, last_scale = current, before.last_scale_ms
        if d.rescale:
            target = ApiObject(kind=got.kind, meta=got.meta, spec=attrs.evolve(scale, replicas=d.desired),
                               resource_version=got.resource_version)
            before_refusals = len(self.sim.rejections)
            if self.client.update_scale(target) is None:
                error = self.sim.rejections[-1].message if len(self.sim.rejections) > before_refusals else ""
                # no scale event is kept for the rate limits; the recommendation is
                self.history[hpa.key] = attrs.evolve(d.history, scale_up_events=history.scale_up_events,
                                                     scale_down_events=history.scale_down_events)
                self._refused(hpa, before, d, error, attrs.evolve(before, current_replicas=current,
                                                                  current_metrics=statuses, conditions=conditions))
                return
            desired, last_scale = d.desired, now
        self.history[hpa.key] = d.history
        for e in events:
            self.client.event(e.type, e.reason, hpa, e.message)
        self._write_status(hpa, before, HPAStatus(current_replicas=current, desired_replicas=desired,
                                                  last_scale_ms=last_scale, current_metrics=statuses,
                                                  conditions=conditions))

    def _inputs(self, hpa: ApiObject, scale, specs) -> MetricInputs:
        """What replica_calculator.go reads: the pods the scale's selector picks (from the informer's cache, as
        upstream's pod lister), their requests and metrics-server's last scrape of them."""
        now, resources = self.sim.now, sorted({m.resource for m in specs})
        pods = self._pods(hpa.namespace, scale.selector)
        requests = {p.name: self._requests(p, resources) for p in pods}
        return MetricInputs(pods={p.name: pod_state(p) for p in pods}, requests={n: r[0] for n, r in requests.items()},
                            samples=samples(self.sim.usage, pods, resources, now), now_ms=now,
                            request_errors={n: r[1] for n, r in requests.items() if r[1]})

    def _pods(self, namespace: str | None, selector: Selector) -> list[ApiObject]:
        """The pods `selector` picks in `namespace` now."""
        by_selector = self._selected.setdefault(namespace, {})
        keys = by_selector.get(selector)
        if keys is None:
            if not self._watching_pods:
                self._watching_pods = True
                self.store.watch("Pod", self._on_pod)
            keys = by_selector[selector] = {p.key: None for p in self.store.list("Pod", namespace)
                                            if selector.matches(p.meta.label_dict())}
        return [self.store.get(*k) for k in keys]

    def _requests(self, pod: ApiObject, resources: list[str]) -> tuple[dict[str, int], dict[str, str]]:
        """A pod's requests (its spec never changes them: computed once per pod and set of resources)."""
        known = self._pod_requests.setdefault(pod.meta.uid, {})
        found = known.get(tuple(resources))
        if found is None:
            found = known[tuple(resources)] = pod_requests(pod, resources)
        return found

    def _on_pod(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        """A pod came, went or changed its labels: the selections of its namespace follow."""
        if old is not None and new is not None and old.meta.labels == new.meta.labels:
            return
        pod = new or old
        if new is None:
            self._pod_requests.pop(pod.meta.uid, None)
        labels = new.meta.label_dict() if new is not None else None
        for selector, keys in self._selected.get(pod.namespace, {}).items():
            if labels is not None and selector.matches(labels):
                keys.setdefault(pod.key, None)
            else:
                keys.pop(pod.key, None)

    def _refused(self, hpa: ApiObject, before: HPAStatus, d, error: str, status: HPAStatus) -> None:
        """The /scale update was refused (RBAC, validation): FailedRescale in place of SuccessfulRescale, and
        AbleToScale=False FailedUpdateScale; the desired count in the status stays as it was."""
        for e in d.events[:-1]:
            self.client.event(e.type, e.reason, hpa, e.message)
        self.client.event("Warning", "FailedRescale", hpa, f"New size: {d.desired}; reason: {d.reason}; error: {error}")
        failed = Decided("AbleToScale", "False", "FailedUpdateScale",
                         f"the HPA controller was unable to update the target scale: {error}")
        self._write_status(hpa, before, attrs.evolve(status, conditions=_set(status.conditions, failed, self.sim.now)))

    def _write_status(self, hpa: ApiObject, before: HPAStatus, after: HPAStatus) -> None:
        """updateStatusIfNeeded: the status is written only when it changed."""
        if after != before:
            self.client.update_status(attrs.evolve(hpa, status=after))


def _set(conditions: tuple[Condition, ...], c: Decided, now: int) -> tuple[Condition, ...]:
    """setCondition: in place by type; lastTransitionTime moves only when the status does."""
    for old in conditions:
        if old.type == c.type and (old.status, old.reason, old.message) == (c.status, c.reason, c.message):
            return conditions  # the same condition: nothing to copy
    return set_condition(conditions, Condition(type=c.type, status=c.status, reason=c.reason, message=c.message,
                                               last_transition_ms=now))
