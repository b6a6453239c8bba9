"""A ReplicaSet's counts of active, fully labeled, Ready and available pods, kept up to date pod write by pod write."""

from __future__ import annotations

import bisect

from kdsl.engine.controllers.deployment_util import ready_since
from kdsl.engine.objects import ApiObject
from kdsl.engine.store_watch import Write


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
        if since is not None:
            self.readied(since, sign)

    def readied(self, since: int, sign: int) -> None:
        """One active pod more (or less) Ready since `since`."""
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


def counted(w: Write) -> bool:
    """The pod writes that can move the counts (Tally.moved), as the watch's filter: all but the binding, which
    keeps the pod's Meta (owners, labels, deletion) and sets only spec.nodeName and the PodScheduled condition
    (the scheduler's bind; the pods/binding subresource keeps the status), so that no phase or Ready moves."""
    return not (w.meta_kept and w.bound == (False, True))


_OUT = object()  # what a pod that is not active adds to the counts: nothing
_FINISHED = ("Succeeded", "Failed")


def _share(pod: ApiObject):
    """What a pod adds to its controller's counts: _OUT when it is not active (FilterActivePods), else when its
    Ready condition became True (None if it is not Ready)."""
    if pod.meta.deletion_ms is not None or pod.status.phase in _FINISHED:
        return _OUT
    return ready_since(pod)


class Tally:
    """The Counts of every controller of `kinds`, by its uid, moved by each write of a pod it controls."""

    def __init__(self, kinds: tuple[str, ...]) -> None:
        self.kinds = kinds
        self._by_owner: dict[str, Counts] = {}
        # the conditions tuples of the last status write read (before, after) and their Ready times: ready_since
        # is a function of the tuple alone, and the kubelet's alike pods share theirs (kubelet/alike.py: 135
        # tuples for the 39,932 such writes of 19,966 ReplicaSet pods), so most writes find both here
        self._read: tuple = ((), None, (), None)

    def of(self, uid: str) -> Counts:
        return self._by_owner.get(uid) or Counts()

    def moved(self, old: ApiObject | None, new: ApiObject | None) -> bool:
        """A pod was written (`old` is None when created, `new` when removed from the store): its counts move.
        Whether what a sync reads of the pod moved: its deletion, its finishing or its readiness (one reading
        of its conditions serves both: most pod writes are the kubelet's container progress)."""
        if old is None:  # created (every pod of a sync): counted while active, Ready only with conditions
            status = new.status
            if new.meta.deletion_ms is None and status.phase not in _FINISHED:
                self._add(new, ready_since(new) if status.conditions else None, 1)
            return True
        if new is None:
            before, after, changed = _share(old), _OUT, True
        else:
            om, nm, o, n = old.meta, new.meta, old.status, new.status
            if o.conditions is n.conditions and o.phase == n.phase and om.deletion_ms == nm.deletion_ms:
                if om.owners is nm.owners and om.labels is nm.labels:
                    return False  # a container's progress: nothing counted or read moved
                before = after = _share(new)  # the same share, under other owners or labels
                changed = False
            else:
                oc, nc, r = o.conditions, n.conditions, self._read
                since_o = r[1] if oc is r[0] else r[3] if oc is r[2] else ready_since(old)
                since_n = r[3] if nc is r[2] else r[1] if nc is r[0] else ready_since(new)
                self._read = (oc, since_o, nc, since_n)
                done_o, done_n = o.phase in _FINISHED, n.phase in _FINISHED
                before = _OUT if om.deletion_ms is not None or done_o else since_o
                after = _OUT if nm.deletion_ms is not None or done_n else since_n
                changed = (om.deletion_ms, done_o, since_o) != (nm.deletion_ms, done_n, since_n)
                if om.owners is nm.owners and om.labels is nm.labels and before is not _OUT and after is not _OUT:
                    if before != after:  # Ready came or went, and the pod stays active: only the Ready counts move
                        self._readied(new, before, after)
                    return changed  # most status writes: still active, Ready (or not) since the same moment
        if before is not _OUT:
            self._add(old, before, -1)
        if after is not _OUT:
            self._add(new, after, 1)
        return changed

    def _readied(self, pod: ApiObject, before: int | None, after: int | None) -> None:
        """_add(old, before, -1) then _add(new, after, 1) of a pod whose owners and labels stand, in one step."""
        counts = self._by_owner.get(self._uid(pod))
        if counts is None:
            return
        if before is not None:
            counts.readied(before, -1)
        if after is not None:
            counts.readied(after, 1)

    def _uid(self, pod: ApiObject) -> str | None:
        """The uid of the pod's controller when it is of `kinds`, else None."""
        for ref in pod.meta.owners:
            if ref.controller:
                return ref.uid if ref.kind in self.kinds else None
        return None

    def _add(self, pod: ApiObject, since: int | None, sign: int) -> None:
        uid = self._uid(pod)
        if uid is None:
            return
        counts = self._by_owner.get(uid)
        if counts is None:
            counts = self._by_owner[uid] = Counts()
        counts.add(pod.meta.labels, since, sign)
        if counts.active == 0:
            del self._by_owner[uid]  # its last pod went: a deleted ReplicaSet leaves nothing behind
