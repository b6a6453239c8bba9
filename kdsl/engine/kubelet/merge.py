"""The kubelet's conditions merged into a pod's (generateAPIPodStatus's updates), made once per distinct outcome."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from kdsl.engine.objects import Condition


def merged(mine: tuple, previous: Sequence[Condition], now_ms: int) -> tuple[Condition, ...]:
    """`mine` (phase.kubelet_conditions: (type, status, reason, message) rows) merged into `previous` at
    `now_ms`, as set_condition would one by one: a transition time moves only with the status (the status
    manager's updateLastTransitionTime, pkg/kubelet/status/status_manager.go)."""
    if not isinstance(previous, tuple):
        return merged_alone(mine, previous, now_ms)
    key = (id(previous), mine, now_ms)
    found = _MERGED.get(key)
    if found is not None and found[0] is previous:
        return found[1]
    # pods bound at one moment hold equal conditions in tuples of their own (the scheduler's
    # PodScheduled): the first such tuple stands for the rest, so their merge is made once. Tuples are
    # known by their conditions' fields (read in C), not by hashing each Condition; a shared tuple (what
    # the kubelet's last merge made) by its identity, its fields kept with it.
    known = _FIELDS_OF.get(id(previous))
    if known is not None and known[0] is previous:
        values = known[1]
    else:
        values = tuple(map(_FIELDS, previous))
        shared = _SHARED.get(values)
        if shared is None:
            _share(values, previous)
        elif shared is not previous:
            previous, key = shared, (id(shared), mine, now_ms)
            found = _MERGED.get(key)
            if found is not None and found[0] is previous:
                return found[1]
    if len(_MERGED) >= _KEPT:
        _MERGED.clear()
    conditions, values = _merge(mine, previous, now_ms, values)
    if conditions is not previous:
        shared = _SHARED.get(values)
        if shared is None:
            _share(values, conditions)
        else:
            conditions = shared
    _MERGED[key] = (previous, conditions)  # the entry keeps `previous` alive, so its id stays its own
    return conditions


def merged_alone(mine: tuple, previous: Sequence[Condition], now_ms: int) -> tuple[Condition, ...]:
    """merged for a pod whose containers no other pod has (a bare pod's, kubelet/alike.py): its conditions
    name its containers until they are ready, so no other pod's merge would find them: made, not kept,
    and compared condition by condition (no fields are kept of them)."""
    new = {m[0]: m for m in mine}  # type -> (type, status, reason, message), in mine's order
    if len(new) != len(mine) or not isinstance(previous, tuple):
        return _merge(mine, previous, now_ms, tuple(map(_FIELDS, previous)))[0]
    out, changed = [], False
    for c in previous:
        m = new.pop(c.type, None)
        if m is None:
            if any(c.type == m[0] for m in mine):  # a type met twice: _merge's way
                return _merge(mine, previous, now_ms, tuple(map(_FIELDS, previous)))[0]
        elif c.status != m[1] or c.reason != m[2] or c.message != m[3]:
            # the transition time moves with the status only
            c, changed = _condition((*m, c.last_transition_ms if c.status == m[1] else now_ms)), True
        out.append(c)
    for m in new.values():  # mine's types that previous lacks
        out.append(_condition((*m, now_ms)))
        changed = True
    return tuple(out) if changed else previous


def shared(previous: tuple) -> tuple:
    """The one tuple that stands for conditions equal to `previous` (itself if it is the first of them)."""
    known = _FIELDS_OF.get(id(previous))
    if known is not None and known[0] is previous:
        return previous
    values = tuple(map(_FIELDS, previous))
    found = _SHARED.get(values)
    if found is None:
        _share(values, previous)
        return previous
    return found


def _share(values: tuple, conditions: tuple) -> None:
    # `conditions` stands for every tuple of these fields from now on
    if len(_SHARED) >= _KEPT:
        _SHARED.clear()
        _FIELDS_OF.clear()
    _SHARED[values] = conditions
    _FIELDS_OF[id(conditions)] = (conditions, values)  # the entry keeps them alive, so the id stays theirs


# The pods of a ReplicaSet go through the same conditions at the same moments: a merge is remembered by
# the identity of the conditions it starts from, and equal results are one shared tuple, so that the next
# pod's merge from that tuple is found. Bounded; a hit is what the merge would have made.
_KEPT = 1 << 16
_MERGED: dict[tuple, tuple] = {}  # (id(previous), mine, now) -> (previous, merged)
_SHARED: dict[tuple, tuple] = {}  # the fields of merged conditions -> the one tuple of them
_FIELDS_OF: dict[int, tuple] = {}  # id(a tuple in _SHARED) -> (the tuple, its fields)
_CONDITIONS: dict[tuple, Condition] = {}  # a condition's fields -> the one Condition of them (frozen)
_FIELDS = attrgetter("type", "status", "reason", "message", "last_transition_ms")  # what Condition's eq compares


def _condition(fields: tuple) -> Condition:
    # pods reach equal conditions (a bare pod's messages, which name its containers, aside): each made
    # once and shared
    c = _CONDITIONS.get(fields)
    if c is None:
        if len(_CONDITIONS) >= _KEPT:
            _CONDITIONS.clear()
        type_, status, reason, message, since = fields
        c = _CONDITIONS[fields] = Condition(type=type_, status=status, reason=reason, message=message,
                                            last_transition_ms=since)
    return c


def _merge(mine: tuple, previous: Sequence[Condition], now_ms: int, values: tuple) -> tuple[tuple, tuple]:
    # set_condition for each in one pass: a previous condition of the same type is replaced (its
    # transition time kept while the status holds, and kept as is when nothing changed); the rest
    # are appended in order. `values`: the previous conditions' fields; the merged ones' come back.
    new = {m[0]: m for m in mine}  # type -> (type, status, reason, message), in mine's order
    if len(new) != len(mine):
        return _merge_each(mine, previous, now_ms, values)
    out, fields, changed = [], [], False
    for c, v in zip(previous, values):
        m = new.pop(v[0], None)
        if m is None:
            if any(v[0] == m[0] for m in mine):  # a type met twice
                return _merge_each(mine, previous, now_ms, values)
        elif v[:4] != m:
            v = (*m, v[4] if v[1] == m[1] else now_ms)  # the transition time moves with the status only
            c, changed = _condition(v), True
        out.append(c)
        fields.append(v)
    for m in new.values():  # mine's types that previous lacks
        v = (*m, now_ms)
        out.append(_condition(v))
        fields.append(v)
        changed = True
    if not changed and isinstance(previous, tuple):
        return previous, values  # nothing changed: the same tuple, which the caller compares at no cost
    return tuple(out), tuple(fields)


def _merge_each(mine: tuple, previous: Sequence[Condition], now_ms: int, values: tuple) -> tuple[tuple, tuple]:
    # _merge for a type twice in `previous` or `mine` (set_condition keeps them once; held for any
    # input): a later condition of a type merges with what the earlier one made of mine's
    new = {type_: (status, reason, message, now_ms) for type_, status, reason, message in mine}
    out, fields, found = [], [], set()
    for c, v in zip(previous, values):
        n = new.get(v[0])
        if n is not None:
            found.add(v[0])
            status, reason, message, since = n
            if v[1] == status:
                since = v[4]
                new[v[0]] = (status, reason, message, since)
            if v[1:4] != (status, reason, message):
                v = (v[0], status, reason, message, since)
                c = _condition(v)
        out.append(c)
        fields.append(v)
    for type_, status, reason, message in mine:
        if type_ not in found:
            v = (type_, status, reason, message, now_ms)
            out.append(_condition(v))
            fields.append(v)
    if isinstance(previous, tuple) and len(out) == len(previous) and all(a is b for a, b in zip(out, previous)):
        return previous, values
    return tuple(out), tuple(fields)
