"""The kubelet's conditions merged as a recipe: made once for the conditions' shape, followed by each pod."""

from __future__ import annotations

from operator import itemgetter

import attrs

from kdsl.core.evolve import plain
from kdsl.engine.kubelet.merge import _condition, merged_alone
from kdsl.engine.objects import Condition

# kubelet/shaped.py answers a bare pod's kubelet conditions with stand-in names (\x00<i>\x00) and merges them into
# the pod's previous conditions through a recipe, made by merged_alone itself once for the rows and the canonical
# form of the previous conditions (their fields but for the times, one object for equal ones): keep previous
# condition k; make this row, its transition time the previous one's or now. Each pod follows it with its own
# names and times. Bounded; tests/engine/kubelet/test_shaped.py holds what a pod makes equal to refresh.py's.
_KEPT = 1 << 12
_RECIPES: dict[tuple, tuple] = {}  # (id(rows), id(canonical previous)) -> (rows, it, steps, canonical out, plans)
_CANONS: dict[tuple, tuple] = {}  # a canonical conditions tuple -> the one object of it (its id keys _RECIPES)


def recipe_for(rows: tuple, shape: tuple) -> tuple:
    """(rows, shape, steps, the canonical form of what it makes, its plans by time) of merging kubelet_conditions'
    `rows` (stand-in names) into conditions of the canonical form `shape`: steps None when nothing changes."""
    recipe = _RECIPES.get((id(rows), id(shape)))
    if recipe is None or recipe[0] is not rows or recipe[1] is not shape:
        recipe = _made_recipe(rows, shape)
    return recipe


def plan_at(recipe: tuple, now: int) -> tuple:
    """The recipe's steps at `now` (_made_plan), made once a time."""
    plan = recipe[4].get(now)
    return _made_plan(recipe, now) if plan is None else plan


def follow(plan: tuple, previous: tuple, names: tuple[str, ...], now: int) -> tuple:
    """The pod's conditions by a recipe's plan at `now` (plan_at), its names put in what names them."""
    order, pad, fills, pick = plan
    if pick is not None:  # nothing of it names a container or keeps a time: picked from them and the made ones
        return pick[0](previous + pick[1])
    # each kept condition where it stood, or the previous ones in another order; then the rest made
    out = [*previous, *pad] if order is None else [None if k is None else previous[k] for k in order]
    for i, s in fills:
        if s.__class__ is not Condition:
            type_, status, reason, parts, since = s
            since = now if since is None else previous[since].last_transition_ms
            if parts.__class__ is str:  # names no container: shared, as merged_alone shares it
                s = _condition((type_, status, reason, parts, since))
            else:
                message = parts[0] + names[parts[1]] + parts[2] if len(parts) == 3 else \
                    "".join([names[p] if p.__class__ is int else p for p in parts])
                s = _new(Condition)  # Condition(...) filled slot by slot, less its keywords' parsing
                _type(s, type_)
                _status(s, status)
                _reason(s, reason)
                _message(s, message)
                _since(s, since)
        out[i] = s
    return tuple(out)


def _made_recipe(rows: tuple, shape: tuple) -> tuple:
    """merged_alone of `rows` into conditions of the canonical form `shape`, as steps: an int keeps that
    previous condition; else (type, status, reason, message, since) makes one, `message` split at the stand-in
    names (their positions as ints), `since` the previous condition whose transition time it keeps (None: now).
    merged_alone itself makes it, from stand-in conditions whose times say where each came from."""
    previous = tuple(Condition(type=f[0], status=f[1], reason=f[2], message=f[3], last_transition_ms=-2 - k)
                     for k, f in enumerate(shape))
    merged = merged_alone(rows, previous, -1)
    if merged is previous:
        steps, out = None, shape
    else:
        steps = []
        for c in merged:
            k = next((k for k, p in enumerate(previous) if p is c), None)
            if k is None:
                since = c.last_transition_ms
                parts = c.message.split("\x00")
                parts = parts[0] if len(parts) == 1 else tuple(int(p) if i % 2 else p for i, p in enumerate(parts))
                steps.append((c.type, c.status, c.reason, parts, None if since == -1 else -2 - since))
            else:
                steps.append(k)
        steps = tuple(steps)
        out = canonical(tuple((c.type, c.status, c.reason, c.message) for c in merged))
    if len(_RECIPES) >= _KEPT:
        _RECIPES.clear()
    # the entry keeps both alive, so that their ids stay theirs; by time, the conditions made alike for all
    recipe = _RECIPES[(id(rows), id(shape))] = (rows, shape, steps, out, {})
    return recipe


def _made_plan(recipe: tuple, now: int) -> tuple:
    """The recipe's steps at `now`, as (None, padding, (position, step) of each condition not kept) when each kept
    condition stays where it stood (appended to the previous ones, then filled in), else as (the previous
    condition each position keeps or None, (), the same); then _pick's form, when it has one. A condition that
    names no container and is made now is the same for every pod: it is made once (as merged_alone shares it,
    merge._condition)."""
    steps = tuple(_condition((s[0], s[1], s[2], s[3], now)) if s.__class__ is tuple and s[4] is None
                  and s[3].__class__ is str else s for s in recipe[2])
    fills = tuple((i, s) for i, s in enumerate(steps) if s.__class__ is not int)
    if all(s == i for i, s in enumerate(steps) if s.__class__ is int):
        plan = (None, (None,) * (len(steps) - len(recipe[1])), fills)
    else:
        plan = (tuple(s if s.__class__ is int else None for s in steps), (), fills)
    plan += (_pick(steps, len(recipe[1])),)
    if len(recipe[4]) >= 64:
        recipe[4].clear()
    recipe[4][now] = plan
    return plan


def _pick(steps: tuple, kept: int) -> tuple | None:
    """(an itemgetter, the conditions made) when every step keeps a previous condition (of `kept`) or is one made
    alike for all (no name, no kept time): the conditions are then those items of the previous ones followed by
    the made ones; None otherwise (or for one step, which an itemgetter gives bare)."""
    made = tuple(s for s in steps if s.__class__ is not int)
    if len(steps) < 2 or any(s.__class__ is not Condition for s in made):
        return None
    at, n = [], kept
    for s in steps:
        if s.__class__ is int:
            at.append(s)
        else:
            at.append(n)
            n += 1
    return itemgetter(*at), made


assert plain(Condition), "follow fills a Condition's slots: Condition must keep no converter, validator or hook"
_new = object.__new__
_type, _status, _reason, _message, _since = (getattr(Condition, a.name).__set__ for a in attrs.fields(Condition))


def canonical(shape: tuple) -> tuple:
    # one object for equal canonical forms, so that a recipe is found by their identity
    known = _CANONS.get(shape)
    if known is None:
        if len(_CANONS) >= _KEPT:
            _CANONS.clear()
        known = _CANONS[shape] = shape
    return known


def put_back(message: str, names: tuple[str, ...]) -> str:
    # a stand-in message with the pod's names put back
    if "\x00" not in message:
        return message
    return "".join(names[int(p)] if i % 2 else p for i, p in enumerate(message.split("\x00")))
