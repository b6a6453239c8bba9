"""What the StatefulSet and DaemonSet controllers share: ControllerRevisions, template hashes, pod health."""

from __future__ import annotations

import functools

import attrs

from kdsl.engine.apiserver.defaults import ALPHABET
from kdsl.engine.objects import ApiObject, Meta, OwnerRef
from kdsl.engine.podview import ready_since
from kdsl.model.pods import PodTemplate

REVISION_HASH = "controller-revision-hash"  # apps/v1 ControllerRevisionHashLabelKey
HISTORY_HASH = "controller.kubernetes.io/hash"  # pkg/controller/history ControllerRevisionHashLabel


@attrs.frozen(kw_only=True)
class ControllerRevision:
    """apps/v1 ControllerRevision: an immutable snapshot of a set's pod template (`data`) and its
    `revision` number, the only part Kubernetes ever changes (a rollback renumbers an old revision)."""

    name: str
    namespace: str
    data: PodTemplate
    revision: int


def fnv32a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


@functools.lru_cache(maxsize=1024)
def template_hash(template: PodTemplate) -> str:
    """rand.SafeEncodeString(fmt.Sprint(fnv32a(template))): each decimal digit mapped into the
    vowel-free alphabet, so `web-7c6b9d8f5` reads like Kubernetes' names. kdsl hashes the template's
    repr (spans are left out of it), which is the same in every process."""
    return "".join(ALPHABET[b % len(ALPHABET)] for b in str(fnv32a(repr(template).encode())).encode())


# ---- pod health, as pkg/api/v1/pod and the controllers read it ----------------------------------


def running_and_ready(pod: ApiObject) -> bool:
    return pod.status is not None and pod.status.phase == "Running" and ready_since(pod) is not None


def available(pod: ApiObject, min_ready_ms: int, now: int) -> bool:
    """IsPodAvailable: Ready for at least minReadySeconds."""
    since = ready_since(pod)
    return since is not None and (min_ready_ms == 0 or since + min_ready_ms <= now)


def next_available_ms(pods, min_ready_ms: int, now: int) -> int | None:
    """How long until the first Ready-but-not-yet-available pod becomes available (to wake then)."""
    if not min_ready_ms:
        return None
    waits = [since + min_ready_ms - now for since in map(ready_since, pods)
             if since is not None and since + min_ready_ms > now]
    return min(waits) if waits else None


def revision_of(obj: ApiObject) -> str | None:
    """The object's controller-revision-hash label, read without building a dict of its labels."""
    for k, v in obj.meta.labels:
        if k == REVISION_HASH:
            return v
    return None


def status_only(old: ApiObject | None, new: ApiObject | None) -> bool:
    """A write that changed only the status (the controller's own status update), not the spec,
    generation or deletion state a controller acts on."""
    return (old is not None and new is not None and old.spec is new.spec
            and old.meta.generation == new.meta.generation and old.meta.deletion_ms == new.meta.deletion_ms)


def pod_changed(old: ApiObject | None, new: ApiObject | None) -> bool:
    """A pod write that can change what a set controller decides: a pod added or removed, or a change of
    phase, readiness, deletion state or node. The kubelet's other status writes (container states,
    restarts, IPs) change nothing a set reads, so they do not wake it."""
    if old is None or new is None:
        return True
    return (old.status.phase != new.status.phase or ready_since(old) != ready_since(new)
            or old.meta.deletion_ms != new.meta.deletion_ms or old.spec.template.node_name != new.spec.template.node_name
            or old.meta.labels != new.meta.labels)


class Backoff:
    """client-go's per-item exponential failure rate limiter: 5 ms doubling to 1000 s, forgotten on success."""

    BASE_MS, MAX_MS = 5, 1_000_000

    def __init__(self) -> None:
        self._failures: dict = {}

    def failed(self, key) -> int:
        n = self._failures.get(key, 0)
        self._failures[key] = n + 1
        return min(self.BASE_MS * 2 ** n, self.MAX_MS)

    def forget(self, key) -> None:
        self._failures.pop(key, None)


def expect_values(obj: ApiObject, checker, t: int, counts: tuple[int, int, int, int], revision: str | None) -> dict:
    """LANGUAGE.md's attributes of `expect statefulset|daemonset`: the four status counts (replicas, ready,
    available, updated), the number of the named ControllerRevision as it stood at t, the first image."""
    rev = checker.sim.store.at(("ControllerRevision", obj.namespace, revision), t) if revision else None
    containers = obj.spec.template.containers
    return dict(zip(("replicas", "ready", "available", "updated"), counts),
                revision=rev.spec.revision if rev is not None else None,
                image=containers[0].image if containers else None)


# ---- history: pkg/controller/history ------------------------------------------------------------


class History:
    """The ControllerRevisions of one owner, oldest revision first, read and written through the
    controller's client (so RBAC and admission see them as kube-controller-manager's requests)."""

    def __init__(self, controller, owner: ApiObject) -> None:
        self.controller = controller
        self.owner = owner
        self.revisions = sorted(controller.owned("ControllerRevision", owner),
                                key=lambda r: (r.spec.revision, r.name))

    def named(self, name: str | None) -> ApiObject | None:
        return next((r for r in self.revisions if r.name == name), None)

    def sync(self, template: PodTemplate) -> ApiObject | None:
        """The revision for `template`: the newest one if it already holds it; an older equal one
        renumbered to the next revision (a rollback); else a new `<owner>-<hash>` revision."""
        owner = self.owner
        hash_ = template_hash(template)
        number = self.revisions[-1].spec.revision + 1 if self.revisions else 1
        equal = [r for r in self.revisions if r.spec.data == template]
        if equal and equal[-1] is self.revisions[-1]:
            return equal[-1]  # nothing changed since the last revision
        client = self.controller.client
        if equal:
            old = equal[-1]
            renumbered = client.update(attrs.evolve(old, spec=attrs.evolve(old.spec, revision=number)))
            if renumbered is not None:
                self.revisions = sorted([r for r in self.revisions if r is not old] + [renumbered],
                                        key=lambda r: (r.spec.revision, r.name))
            return renumbered
        name = f"{owner.name}-{hash_}"
        # The revision's labels are the template's and its hash: a StatefulSet's under history's own key
        # (statefulset/stateful_set_utils.go newRevision -> history.NewControllerRevision), a DaemonSet's under
        # controller-revision-hash (daemon/update.go snapshot); both copy the owner's annotations.
        key = HISTORY_HASH if owner.kind == "StatefulSet" else REVISION_HASH
        labels = tuple(sorted(dict(template.labels, **{key: hash_}).items()))
        meta = Meta(name=name, namespace=owner.namespace, labels=labels, annotations=owner.meta.annotations,
                    owners=(OwnerRef(kind=owner.kind, name=owner.name, uid=owner.meta.uid),))
        spec = ControllerRevision(name=name, namespace=owner.namespace, data=template, revision=number)
        created = client.create(ApiObject(kind="ControllerRevision", meta=meta, spec=spec))
        if created is not None:
            self.revisions.append(created)
        return created

    def truncate(self, live, limit: int) -> None:
        """Delete the oldest revisions no pod and neither the current nor the update revision uses,
        until at most `limit` such revisions remain (revisionHistoryLimit). `live` is a set of names, or
        a function that makes it (called only when there may be something to delete)."""
        if len(self.revisions) <= limit:
            return  # fewer revisions than the limit: nothing to delete, whatever is live
        live = live() if callable(live) else live
        history = [r for r in self.revisions if r.name not in live]
        for old in history[:max(0, len(history) - limit)]:
            self.controller.client.delete("ControllerRevision", old.namespace, old.name)
            self.revisions.remove(old)
