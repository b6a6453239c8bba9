"""An Eviction of a pod as a client posts it, and `drain node`: kubectl drain [--force] [--timeout], played in time."""

from __future__ import annotations

import attrs

from kdsl.engine import clock
from kdsl.engine.apiserver import eviction
from kdsl.engine.apiserver.errors import ApiError
from kdsl.engine.apiserver.request import Request, handle
from kdsl.engine.objects import Condition, set_condition

RETRY_MS = 5_000  # drain.go evictPods: a 429 is retried after 5 s
POLL_MS = 1_000  # waitForDelete's poll interval
# filters.go: the filters' messages (warnings and the fatal one).
DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_WARNING = "deleting Pods with local storage"
UNMANAGED_WARNING = "deleting Pods that declare no controller"
UNMANAGED_FATAL = "Pods that declare no controller (use --force to override)"


@attrs.frozen(slots=True, kw_only=True)
class DrainRecord:
    """One drain as `sim.drains()` shows it: `outcome` is `drained`, `failed` or `draining` (still waiting)."""

    node: str
    started_ms: int
    force: bool = False
    timeout_ms: int | None = None
    outcome: str = "draining"
    finished_ms: int | None = None
    evicted: tuple[str, ...] = ()  # NS/NAME of each pod evicted or deleted, in the order they went
    ignored: tuple[str, ...] = ()  # DaemonSet pods left on the node
    retries: int = 0  # evictions refused with 429 and retried
    error: str | None = None


def _controlled(pod) -> bool:
    return any(o.controller for o in pod.meta.owners)


def _pods_for_deletion(pods, force: bool) -> tuple[list, list[str], list[str], str | None]:
    """GetPodsForDeletion with kdsl's flags: (pods to evict, warnings, DaemonSet pods, fatal error).
    Filters in drain.go's order: DaemonSet, mirror (none in kdsl), local storage, unreplicated; a
    finished pod passes every filter (it is deleted, whatever owns it)."""
    keep, ignored, local, unmanaged_ok, fatal = [], [], [], [], []
    for pod in pods:
        ref = f"{pod.namespace}/{pod.name}"
        finished = pod.status.phase in ("Succeeded", "Failed")
        if not finished and any(o.controller and o.kind == "DaemonSet" for o in pod.meta.owners):
            ignored.append(ref)  # --ignore-daemonsets: the DaemonSet controller would recreate it anyway
            continue
        if not finished and any(v.source == "emptydir" for v in pod.spec.template.volumes):
            local.append(ref)  # --delete-emptydir-data: a warning, and the pod goes
        if not finished and not _controlled(pod):
            (unmanaged_ok if force else fatal).append(ref)
        keep.append(pod)
    warnings = [f"{msg}: {', '.join(refs)}" for msg, refs in ((DAEMONSET_WARNING, ignored),
                (LOCAL_STORAGE_WARNING, local), (UNMANAGED_WARNING, unmanaged_ok)) if refs]
    error = f"cannot delete {UNMANAGED_FATAL}: {', '.join(fatal)}" if fatal else None
    return keep, warnings, ignored, error


class Drainer:
    """The drains of a run. Each is kubectl's loop in simulated time: cordon, list the node's pods, evict each
    (a 429 again every 5 s), wait for each evicted pod to be gone, then `node/NAME drained` — or the
    error when a filter refuses or `timeout` passes. kubectl's output lines are events on the node
    (source `kubectl`), so the event log tells the drain as the terminal would."""

    def __init__(self, sim) -> None:
        self.sim = sim
        self.records: list[DrainRecord] = []
        self._pending: dict[int, set] = {}  # drain -> keys of the pods it still waits for

    def _say(self, node: str, text: str, warning: bool = False) -> None:
        obj = self.sim.store.get("Node", None, node)
        if obj is not None:
            self.sim.event("Warning" if warning else "Normal", "DrainWarning" if warning else "Drain", obj, text,
                           source="kubectl")

    def _update(self, i: int, **changes) -> None:
        self.records[i] = attrs.evolve(self.records[i], **changes)

    def start(self, node: str, force: bool, timeout_ms: int | None, user: str | None,
              already: bool = False) -> None:
        """After the cordon (`node/NAME cordoned`, written by the timeline's cordon; `already cordoned` when the
        node was, as RunCordonOrUncordon prints it)."""
        sim = self.sim
        i = len(self.records)
        self.records.append(DrainRecord(node=node, started_ms=sim.now, force=force, timeout_ms=timeout_ms))
        self._say(node, f"node/{node} already cordoned" if already else f"node/{node} cordoned")
        pods = sorted((p for p in sim.store.list("Pod") if p.spec.template.node_name == node and not p.terminating),
                      key=lambda p: (p.namespace, p.name))
        keep, warnings, ignored, error = _pods_for_deletion(pods, force)
        self._update(i, ignored=tuple(ignored))
        if warnings:
            self._say(node, f"Warning: {'; '.join(warnings)}", warning=True)
        if error is not None:
            self._fail(i, error)
            return
        if not keep:
            self._done(i)
            return
        self._pending[i] = {p.key for p in keep}
        for pod in keep:
            self._say(node, f"evicting pod {pod.namespace}/{pod.name}")
            self._attempt(i, pod.key, user)

    def _deadline_passed(self, i: int) -> bool:
        r = self.records[i]
        return r.timeout_ms is not None and self.sim.now - r.started_ms >= r.timeout_ms

    def _attempt(self, i: int, key: tuple, user: str | None) -> None:
        r = self.records[i]
        if r.outcome != "draining":
            return
        _, ns, name = key
        if self._deadline_passed(i):
            self._fail(i, f'error when evicting pods/"{name}" -n "{ns}": global timeout reached: '
                          f"{_duration(r.timeout_ms)}")
            return
        err = evict(self.sim, ns, name, source="kubectl", user=user, record=False)
        if err is None or err.code == 404:
            self._update(i, evicted=r.evicted + (f"{ns}/{name}",))
            self._wait(i, key)
        elif err.code == 429:
            self._say(r.node, f'error when evicting pods/"{name}" -n "{ns}" (will retry after 5s): {err.message}',
                      warning=True)
            self._update(i, retries=r.retries + 1)
            self.sim.queue.after(RETRY_MS, self._attempt, i, key, user, priority=clock.PRIORITY_API)
        else:
            self._fail(i, f'error when evicting pods/"{name}" -n "{ns}": {err.message}')

    def _wait(self, i: int, key: tuple) -> None:
        """waitForDelete: the pod is gone (or replaced by one of the same name with another uid: kdsl's names
        are unique, so gone is enough)."""
        r = self.records[i]
        if r.outcome != "draining":
            return
        if self.sim.store.get(*key) is not None:
            if self._deadline_passed(i):
                self._fail(i, f'error when waiting for pod "{key[2]}" in namespace "{key[1]}" to terminate: '
                              f"global timeout reached: {_duration(r.timeout_ms)}")
                return
            self.sim.queue.after(POLL_MS, self._wait, i, key, priority=clock.PRIORITY_API)
            return
        self._say(r.node, f"pod/{key[2]} evicted")
        self._pending[i].discard(key)
        if not self._pending[i]:
            self._done(i)

    def _done(self, i: int) -> None:
        r = self.records[i]
        self._update(i, outcome="drained", finished_ms=self.sim.now)
        self._say(r.node, f"node/{r.node} drained")

    def _fail(self, i: int, error: str) -> None:
        r = self.records[i]
        self._update(i, outcome="failed", finished_ms=self.sim.now, error=error)
        self._say(r.node, f'error: unable to drain node "{r.node}" due to error: {error}, continuing command...',
                  warning=True)


def _duration(ms: int | None) -> str:
    """Go's time.Duration as %v prints a whole number of seconds or minutes (2m0s, 30s)."""
    s = (ms or 0) // 1000
    return f"{s // 60}m{s % 60}s" if s >= 60 else f"{s}s"


# The condition the eviction subresource adds before deleting (PodDisruptionConditions, GA in 1.31).
EVICTING = ("DisruptionTarget", "True", "EvictionByEvictionAPI", "Eviction API: evicting")


def refusal_text(error: ApiError) -> str:
    """The refusal as one line: the message, then a budget's cause as upstream's drain helpers join them."""
    cause = getattr(error, "cause", "")
    return f"{error.message} {cause}" if cause else error.message


def evict(sim, namespace: str, name: str, source: str, user: str | None = None,
          record: bool = True) -> ApiError | None:
    """One eviction: None when the pod is (or was already being) deleted, else the API server's refusal
    (401/403/404, 429 from a budget, 500 for a pod two budgets select), recorded unless `record` is False
    (kubectl drain retries a 429 and only prints it)."""
    req = Request(verb="create", kind="Pod", namespace=namespace, name=name, subresource="eviction", user=user,
                  now_ms=sim.now)
    result = handle(req, sim.store, sim.scenario.users, services=sim.service_alloc, minor=sim.kube_minor)
    pod = sim.store.get("Pod", namespace, name)
    if not isinstance(result, ApiError) and pod.meta.deletion_ms is not None:
        return None  # already terminating: the eviction succeeds without a second delete
    verdict = result if isinstance(result, ApiError) else eviction.check(sim.store, pod, sim.now)
    if isinstance(verdict, ApiError):
        if record:
            sim.refused(req, attrs.evolve(verdict, message=refusal_text(verdict)) if getattr(verdict, "cause", "")
                        else verdict, source, event="FailedEviction")
        return verdict
    if verdict is not None:
        sim.write(verdict, source="apiserver")  # the budget's UpdateStatus: one disruption spent
    if pod.status.phase not in ("Succeeded", "Failed"):
        kind, status, reason, message = EVICTING
        cond = Condition(type=kind, status=status, reason=reason, message=message, last_transition_ms=sim.now)
        pod = sim.write(attrs.evolve(pod, status=attrs.evolve(pod.status, conditions=set_condition(
            pod.status.conditions, cond))), source="apiserver")
    # the graceful delete
    result = handle(req, sim.store, sim.scenario.users, services=sim.service_alloc, minor=sim.kube_minor)
    if result.remove:
        sim.remove(pod.key, source=source)
    else:
        sim.write(result.object, source=source)
    return None
