"""The steps many pods take alike (a ReplicaSet's pods, bound together): their containers' change made once, shared."""

from __future__ import annotations

from kdsl.engine.events import retold

# Steps whose change to the pod's containers, sandbox, images and `initialized` (the sync after them
# included) and whose events read of the pod only what `key` holds, and quote no pod name or address:
# the sandbox made, an image pulled, a probe's first start or a readiness flip. The pods of a ReplicaSet
# start from one shared tuple of containers (first_ctrs); a pod that takes such a step from it at the
# same moment ends with what the first one made, and so the next step of theirs is found as well.
ALIKE = frozenset({"sandbox", "pulled", "started", "ready"})
_KEPT = 1 << 14
_MADE: dict[tuple, tuple] = {}  # key -> (containers before, containers, sandbox, initialized, images, events)
# A pod's containers are shared once a second pod has them; till then (a bare pod's, whose one-container
# shorthand names the container after the pod, as kubectl run does) no other pod can take its steps or
# read its phase and conditions, so its steps remember nothing (runtime.apply, refresh.refreshed).
_FIRST_KEPT = 1 << 12
_ONCE: dict[tuple, tuple] = {}  # (ids of init containers, containers) -> (them, their first Ctrs): one pod's
_SHARED: dict[tuple, tuple] = {}  # the same, for containers a second pod has had


def first_ctrs(template, make) -> tuple[tuple, bool]:
    """`make(template)` (the containers as the kubelet first sees them, the same values for every pod of
    the same containers), made once for those containers and shared (they are frozen); and whether
    another pod has had them. A bare pod's are its own: they wait in a table of their own, so that they
    do not push a ReplicaSet's out of the shared one. An entry keeps its containers alive, so the ids
    of its key are theirs."""
    key = (id(template.init_containers), id(template.containers))
    known = _SHARED.get(key)
    if known is None:
        known = _ONCE.pop(key, None)
        if known is None:
            ctrs = make(template)
            _kept(_ONCE, key, (template.init_containers, template.containers, ctrs))
            return ctrs, False
        _kept(_SHARED, key, known)
    return known[2], True


def _kept(table: dict, key: tuple, entry: tuple) -> None:
    if len(table) >= _FIRST_KEPT:
        table.clear()
    table[key] = entry


def shared(template) -> bool:
    """Whether a second pod has had the template's containers (first_ctrs): only then can a step of one
    be another's, or their phase and conditions be read, not computed."""
    return (id(template.init_containers), id(template.containers)) in _SHARED


def key(pod, step) -> tuple | None:
    """What the step's change reads of the pod, or None for a step or pod that reads more (a deleting or
    killed pod's, one whose env names ConfigMaps or Secrets, a crash or a failed pull's back-off)."""
    if step.what not in ALIKE or pod.configs is not None or pod.deletion_ms is not None or pod.killed:
        return None
    t = pod.template
    # _sync's stop of a finished pod reads the policy, the grace period, the deadline and SIGTERM times
    return (id(pod.ctrs), step.time_ms, step.what, step.container, pod.sandbox, pod.initialized, pod.images,
            pod.config, t.restart_policy, t.grace_ms, pod.deadline_ms, pod.sigterm_ms)


def found(key: tuple, pod) -> tuple | None:
    """(containers, sandbox, initialized, images, events) another pod's same step made, the events
    retold of this pod; None when none has."""
    made = _MADE.get(key)
    if made is None or made[0] is not pod.ctrs:
        return None
    return made[1], made[2], made[3], made[4], retold(made[5], pod.namespace, pod.name)


def keep(key: tuple, before: tuple, pod, changes: dict, events: list) -> None:
    """Remember what the step made of the containers `before`: `pod` with `changes` (not yet copied in).
    The entry keeps them alive, so that their id stays their own."""
    if len(_MADE) >= _KEPT:
        _MADE.clear()
    get = changes.get
    _MADE[key] = (before, get("ctrs", pod.ctrs), get("sandbox", pod.sandbox), get("initialized", pod.initialized),
                  get("images", pod.images), tuple(events))
