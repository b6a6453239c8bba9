"""A ReplicaSet's counts of active, fully labeled, Ready and available pods, kept up to date pod write by pod write."""

from __future__ import annotations

import bisect

from kdsl.engine.controllers.deployment_util import is_active, ready_since
from kdsl.engine.objects import ApiObject


class Counts:
    """What calculateStatus (pkg/controller/replicaset/replica_set_utils.go) reads of one controller's active
    pods, counted as the pods are written: a sync then costs what changed since the last one, where counting
    every owned pod again cost a pass over 65,535 pods per sync (issue 17's hang). Upstream recounts from its
    informer's cache each time; the counts are the same."""

    __slots__ = ("active", "labels", "ready", "since", "times")

    def __init__(self) -> None:
        self.active = 0
        self.labels: dict[tuple, int] = {}  # the label set of active pods -> how many have it
        self.ready = 0
        self.since: dict[int, int] = {}  # when an active pod's Ready condition became True -> how many
        self.times: list[int] = []  # the keys of `since`, sorted

    def add(self, labels: tuple, since: int | None, sign: int) -> None:
        self.active += sign
        n = self.labels.get(labels, 0) + sign
        if n:
            self.labels[labels] = n
        else:
            del self.labels[labels]
        if since is None:
            return
        self.ready += sign
        n = self.since.get(since, 0) + sign
        if sign > 0 and n == 1:
            bisect.insort(self.times, since)  # pods become Ready as time goes on: nearly always an append
        if n:
            self.since[since] = n
        else:
            del self.since[since]
            del self.times[bisect.bisect_left(self.times, since)]

    def fully_labeled(self, wanted: set) -> int:
        """FullyLabeledReplicas: active pods whose labels include every label of the template."""
        return sum(n for labels, n in self.labels.items() if wanted <= set(labels))

    def available(self, min_ready_ms: int, now: int) -> tuple[int, int | None]:
        """IsPodAvailable over the active pods: how many have been Ready for minReadySeconds strictly before
        `now`, and when the first of the others will have been (None if none is Ready and waiting)."""
        if min_ready_ms == 0:
            return self.ready, None
        # Available when since + minReady < now: the pods still waiting are the most recently Ready, at the end.
        first = bisect.bisect_left(self.times, now - min_ready_ms)
        waiting = sum(self.since[t] for t in self.times[first:])
        return self.ready - waiting, (self.times[first] + min_ready_ms if first < len(self.times) else None)


class Tally:
    """The Counts of every controller of `kinds`, by its uid, moved by each write of a pod it controls."""

    def __init__(self, kinds: tuple[str, ...]) -> None:
        self.kinds = kinds
        self._by_owner: dict[str, Counts] = {}

    def of(self, uid: str) -> Counts:
        return self._by_owner.get(uid) or Counts()

    def moved(self, old: ApiObject | None, new: ApiObject | None) -> None:
        """A pod was written (`old` is None when created, `new` when removed from the store)."""
        if old is not None and new is not None:
            om, nm, os_, ns_ = old.meta, new.meta, old.status, new.status
            if om.owners is nm.owners and om.labels is nm.labels and om.deletion_ms == nm.deletion_ms \
                    and os_ is not None and ns_ is not None and os_.phase == ns_.phase \
                    and os_.conditions is ns_.conditions:
                return  # a container's progress: nothing counted moved
        self._count(old, -1)
        self._count(new, 1)

    def _count(self, pod: ApiObject | None, sign: int) -> None:
        if pod is None or not is_active(pod):
            return
        uid = next((o.uid for o in pod.meta.owners if o.controller and o.kind in self.kinds), None)
        if uid is None:
            return
        counts = self._by_owner.get(uid)
        if counts is None:
            counts = self._by_owner[uid] = Counts()
        counts.add(pod.meta.labels, ready_since(pod), sign)
        if counts.active == 0:
            del self._by_owner[uid]  # its last pod went: a deleted ReplicaSet leaves nothing behind
