"""A template's pods scheduled one after another: the checks its cycles repeat made once, each pod's search kept."""

from __future__ import annotations

import random

from kdsl.engine.scheduler import framework, templates
from kdsl.engine.scheduler.filters import VolumeBinding, _pass_filter, _pass_prefilter
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.scheduler.snapshot import Snapshot


class Batch:
    """What `framework.schedule` asks at every cycle of a template's pod and finds the same while the snapshot object,
    its template states, the node count and the volume hook stay: no PreFilter message, no nodes named by the
    required node affinity, an eligible pod, the same template state (templates.Templates.state's `last`), the same
    number of feasible nodes to find. Made after a cycle of the template; `cycle` schedules a later pod of it as
    `schedule` would, or returns None (nothing drawn, nothing changed but the state's sync, which `schedule` would
    make too) for `schedule` to run."""

    __slots__ = ("snap", "templates", "state", "volumes", "n", "want")

    def __init__(self, snap: Snapshot, found: templates.Templates, state: templates.TemplateState,
                 volumes: VolumeBinding, want: int) -> None:
        self.snap, self.templates, self.state, self.volumes = snap, found, state, volumes
        self.n, self.want = len(snap.nodes), want

    @classmethod
    def after(cls, pod: PodInfo, snap: Snapshot, volumes: VolumeBinding) -> Batch | None:
        """The batch of pod's template after its cycle on `snap` (percentage 0, as the scheduler's pass asks), or
        None when that cycle did not go through the template's state."""
        n = len(snap.nodes)
        if (not n or volumes.prefilter is not _pass_prefilter or volumes.filter is not _pass_filter
                or templates.node_names(pod) is not None or not templates.eligible(pod, snap, volumes)):
            return None
        found = snap.cycle_cache.get("templates")
        last = None if found is None else found.last
        if last is None or not templates._same(pod, last[1].pod):
            return None
        return cls(snap, found, last[1], volumes, framework.num_feasible_nodes_to_find(n, 0))

    def cycle(self, pod: PodInfo, snap: Snapshot, rng: random.Random, start_index: int,
              volumes: VolumeBinding) -> framework.Result | None:
        """schedule(pod, snap, rng, start_index=start_index, volumes=volumes) for a pod of the batch's template, or
        None when the batch's checks do not hold for it."""
        state = self.state
        if (snap is not self.snap or volumes is not self.volumes or pod.nominated_node is not None
                or snap.with_affinity or snap.with_anti_affinity or len(snap.nodes) != self.n):
            return None
        found = snap.cycle_cache.get("templates")
        # Templates.state's own first test, then its `last` (another template's cycle, or a node change that
        # emptied the cache, ends the batch)
        if (found is not self.templates or found.last is None or found.last[1] is not state
                or pod.template is not state.pod.template or not templates._same(pod, state.pod)):
            return None
        _sync(state, snap)
        n = self.n
        start = start_index % n
        if state.feasible == n:  # TemplateState.window's first case, inline
            feasible, processed = state.every[start:start + self.want], self.want
        else:
            feasible, processed = state.window(start, self.want)
            if not len(feasible):
                return None  # the general search's FitError: schedule finds the state synced
        return framework.chosen(pod, snap, rng, state, feasible, processed, start, n)


def _sync(state: templates.TemplateState, snap: Snapshot) -> None:
    """state.sync(snap) when the log's one change since the state's last sync is the batch's last bind and the Fit and
    `fixed` are as that sync left them: the Fit's node, `fixed` at it and the spreading replay of that change, the same
    steps without sync's, Fit.sync's and _fixed's calls and checks. Anything else goes through state.sync."""
    log, version, fit = snap.log, state.version, state.fit
    if (log.version != version + 1 or version < log.base or fit.version != version or state.fit_version != version
            or not fit.safe or state.fixed is None or not state.static_all):
        state.sync(snap)
        return
    change = log.changes[-1]  # the log holds version - base changes: the last one
    i = change[0]
    fit.version = state.fit_version = log.version
    fit._node(snap, i)
    base, fixed = fit.base, state.fixed
    fixed[i] = fixed[i + len(base)] = base.item(i) + state.image.item(i)
    state.ok, state.feasible = fit.ok, fit.feasible
    if state.spread is not None:
        state.spread.replay(snap, (change,))
    state.version = log.version


def scheduled(batch: Batch | None, last: PodInfo | None, pod: PodInfo, snap: Snapshot, rng: random.Random,
              start_index: int, volumes: VolumeBinding) -> tuple[framework.Result, Batch | None]:
    """The scheduler pass's cycle of `pod` after `last`'s: `schedule`'s Result, through `batch` when it holds, and the
    batch for the next pod (made after a template's second pod in a row: bare pods, a template each, never pay for
    one)."""
    result = None if batch is None else batch.cycle(pod, snap, rng, start_index, volumes)
    if result is None:
        result = framework.schedule(pod, snap, rng, start_index=start_index, volumes=volumes)
        batch = (Batch.after(pod, snap, volumes)
                 if last is not None and last.template is pod.template and result.node is not None else None)
    return result, batch
