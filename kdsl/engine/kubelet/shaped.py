"""A bare pod's phase and conditions, answered once per shape of its containers, its names put back."""

from __future__ import annotations

from kdsl.core.evolve import evolve
from kdsl.engine.kubelet import containers as ct
from kdsl.engine.kubelet.merge import _condition, merged_alone
from kdsl.engine.kubelet.phase import TERMINAL, get_phase, is_sidecar, kubelet_conditions
from kdsl.engine.kubelet.refresh import changed, refreshed as plain
from kdsl.engine.objects import Condition, PodStatus, Terminated
from kdsl.model.pods import PodTemplate

# Bare pods (the one-container shorthand names the container after the pod, as `kubectl run` does) share no
# containers, so refresh.py's answers, keyed by the containers' identity, never serve another pod. Yet
# getPhase and the condition functions read a container's name only to pair it with its status and to list it
# in a message ("containers with unready status: [NAME]"). So the answer is made once for the containers'
# shape, with stand-in names (\x00<i>\x00), and each pod puts its own names back in the messages. The merge into
# the pod's previous conditions is made once as well, as a recipe (keep previous condition k; make this row, its
# transition time the previous one's or now), which each pod follows with its own conditions and times. The
# recipe compares stand-in messages where the pod's merge compares its own: where one comparison finds a
# difference the other does not, the condition is replaced by one of the same fields, which is keeping it. Names
# must be unique (getPhase pairs by name) and the statuses in the template's order; a pod's previous
# conditions not made by this path must not hold a condition of a type whose row names a container (its
# message is not in stand-in form). Anything else takes refresh.py's path; tests/engine/kubelet/test_shaped.py
# holds every answer equal to that path's.
_KEPT = 1 << 12
_ANSWERS: dict[tuple, tuple] = {}  # shape -> (phase, (rows, their named types) without and with the sandbox)
_RECIPES: dict[tuple, tuple] = {}  # (id(rows), id(canonical previous)) -> (rows, it, steps, canonical out, plans)
_CANONS: dict[tuple, tuple] = {}  # a canonical conditions tuple -> the one object of it (its id keys _RECIPES)
# A refresh from the conditions the pod's last one made (their canonical form known) reads, but for its names,
# only what this key holds: the answer's key, the sandbox, the canonical form and the time. So the phase, the
# plan of its conditions and their next canonical form are found in one look-up.
# (policy, sidecars, deleting, phase, sandbox, id(canonical form), now, facts) -> (form, phase, plan, next form)
_FAST: dict[tuple, tuple] = {}


def refreshed(t: PodTemplate, ctrs: tuple, deleting: bool, sandbox: str, gates: tuple[str, ...],
              status: PodStatus, now: int, canon: tuple | None) -> tuple[dict | None, str, tuple | None]:
    """refresh.refreshed(..., alone=True), and the pod's new `canon` (PodRun.canon): (its conditions, their
    canonical form, (its init containers, containers, their names)), by which its next refresh finds its
    recipe and names; None off the shared path."""
    if t.init_containers:
        inits = tuple([c.status for c in ctrs if c.init])
        regular = tuple([c.status for c in ctrs if not c.init])
        statuses = inits + regular
    else:
        inits, regular = (), tuple([c.status for c in ctrs])
        statuses = regular
    named = canon[2] if canon is not None else None
    if named is None or named[1] is not t.containers or named[0] is not t.init_containers:
        named = _named(t)
    names, previous = named[2], status.conditions
    if names is None or gates or previous.__class__ is not tuple or not _in_order(statuses, names):
        return (*plain(t, ctrs, deleting, sandbox, gates, status, now, alone=True), None)
    if canon is not None and canon[0] is previous:
        # the pod's own last conditions: everything below but its names read in one look-up (_FAST)
        fast = (t.restart_policy, named[3], deleting, status.phase, sandbox, id(canon[1]), now, _facts(statuses))
        known = _FAST.get(fast)
        if known is not None and known[0] is canon[1]:
            _, phase, plan, out = known
            conditions = previous if plan is None else _follow(plan, previous, names, now)
            return changed(phase, conditions, inits, regular, status), sandbox, (conditions, out, named)
    else:
        fast = None
    phase, by_sandbox = _answer(t, named[3], inits, regular, deleting, status.phase)
    key_sandbox = sandbox  # what _FAST's key holds
    if phase in TERMINAL and sandbox == "ready" and not any(c.stage in ct.LIVE for c in ctrs):
        sandbox = "gone"  # the kubelet kills a finished pod's sandbox
    rows, types = by_sandbox[sandbox == "ready"]
    if canon is not None and canon[0] is previous:
        shape = canon[1]  # the conditions this pod's last refresh made: their canonical form
    elif any([c.type in types for c in previous]):
        # another's conditions of a type whose message names containers (the pod's, made before its record
        # was): their canonical form is unknown, so the rows are merged as they read for this pod
        conditions = merged_alone(tuple([(*r[:3], _put_back(r[3], names)) for r in rows]), previous, now)
        return changed(phase, conditions, inits, regular, status), sandbox, None
    else:  # none of its conditions is compared with a message that names containers: each stands for itself
        shape = _canonical(tuple([(c.type, c.status, c.reason, c.message) for c in previous]))
    recipe = _RECIPES.get((id(rows), id(shape)))
    if recipe is None or recipe[0] is not rows or recipe[1] is not shape:
        recipe = _recipe(rows, shape)
    if recipe[2] is None:
        plan, conditions = None, previous  # nothing changed: the same tuple
    else:
        plan = recipe[4].get(now)
        if plan is None:
            plan = _plan(recipe, now)
        conditions = _follow(plan, previous, names, now)
    if fast is not None and (phase not in TERMINAL or key_sandbox != "ready"):  # (else the sandbox reads stages)
        if len(_FAST) >= _KEPT:
            _FAST.clear()
        _FAST[fast] = (shape, phase, plan, recipe[3])  # the entry keeps `shape` alive, so its id stays its own
    return changed(phase, conditions, inits, regular, status), sandbox, (conditions, recipe[3], named)


def _follow(plan: tuple, previous: tuple, names: tuple[str, ...], now: int) -> tuple:
    """The pod's conditions by a recipe's plan at `now` (_plan), its names put in what names them."""
    pad, fills = plan
    if pad is None:  # the previous conditions in another order
        return tuple([previous[s] if s.__class__ is int else s if s.__class__ is Condition
                      else _made(s, previous, names, now) for s in fills])
    out = [*previous, *pad]  # each kept where it stood, the rest replaced or appended
    for i, s in fills:
        out[i] = s if s.__class__ is Condition else _made(s, previous, names, now)
    return tuple(out)


def _in_order(statuses: tuple, names: tuple[str, ...]) -> bool:
    # the statuses are the containers', in the template's order (what getPhase pairs by name)
    if len(statuses) != len(names):
        return False
    for s, n in zip(statuses, names):
        if s.name != n:
            return False
    return True


def _named(t: PodTemplate) -> tuple:
    """(init containers, containers, their names, which init containers are sidecars): the names None unless
    they are unique."""
    specs = t.init_containers + t.containers if t.init_containers else t.containers
    names = tuple([c.name for c in specs])
    sidecars = tuple(map(is_sidecar, t.init_containers)) if t.init_containers else ()
    return (t.init_containers, t.containers, names if len(names) < 2 or len(set(names)) == len(names) else None,
            sidecars)


def _facts(statuses: tuple) -> tuple:
    # refresh.facts less the names: what getPhase and the condition functions read of each status
    out = []
    for s in statuses:
        state, last = s.state, s.last_state
        out.append((state.__class__, state.exit_code if state.__class__ is Terminated else None,
                    None if last is None else last.exit_code, s.ready, s.started))
    return tuple(out)


def _answer(t: PodTemplate, sidecars: tuple, inits: tuple, regular: tuple, deleting: bool, previous: str) -> tuple:
    """(phase, by sandbox ready: (kubelet_conditions' rows with stand-in names, the types whose message names
    one)) for the containers' shape: the policy, which init containers are sidecars, how many regular ones,
    the deletion, the previous phase and each status's facts."""
    key = (t.restart_policy, sidecars, len(t.containers), deleting, previous, _facts(inits), _facts(regular))
    known = _ANSWERS.get(key)
    if known is None:
        if len(_ANSWERS) >= _KEPT:
            _ANSWERS.clear()
        known = _ANSWERS[key] = _answered(t, inits, regular, deleting, previous)
    return known


def _answered(t: PodTemplate, inits: tuple, regular: tuple, deleting: bool, previous: str) -> tuple:
    # the answer for stand-ins: the template's containers and their statuses under the names \x00<i>\x00
    n = len(inits)
    stand_in = evolve(t, init_containers=tuple(evolve(c, name=_mark(i)) for i, c in enumerate(t.init_containers)),
                      containers=tuple(evolve(c, name=_mark(n + i)) for i, c in enumerate(t.containers)))
    s_inits = tuple(evolve(s, name=_mark(i)) for i, s in enumerate(inits))
    s_regular = tuple(evolve(s, name=_mark(n + i)) for i, s in enumerate(regular))
    phase = get_phase(stand_in, s_inits, s_regular, terminal=deleting, previous=previous)
    by_sandbox = []
    for ready in (False, True):
        rows = kubelet_conditions(stand_in, phase, s_inits, s_regular, sandbox_ready=ready)
        by_sandbox.append((rows, frozenset(r[0] for r in rows if "\x00" in r[3])))
    return phase, tuple(by_sandbox)


def _mark(i: int) -> str:
    return f"\x00{i}\x00"


def _recipe(rows: tuple, shape: tuple) -> tuple:
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
        out = _canonical(tuple((c.type, c.status, c.reason, c.message) for c in merged))
    if len(_RECIPES) >= _KEPT:
        _RECIPES.clear()
    # the entry keeps both alive, so that their ids stay theirs; by time, the conditions made alike for all
    recipe = _RECIPES[(id(rows), id(shape))] = (rows, shape, steps, out, {})
    return recipe


def _plan(recipe: tuple, now: int) -> tuple:
    """The recipe's steps at `now`, as (None, steps), or as (padding, (position, step) of each condition not
    kept) when each kept condition stays where it stood: appended to the previous ones, then filled in. A
    condition that names no container and is made now is the same for every pod: it is made once (as
    merged_alone shares it, merge._condition)."""
    steps = tuple(_condition((s[0], s[1], s[2], s[3], now)) if s.__class__ is tuple and s[4] is None
                  and s[3].__class__ is str else s for s in recipe[2])
    if all(s == i for i, s in enumerate(steps) if s.__class__ is int):
        plan = ((None,) * (len(steps) - len(recipe[1])), tuple((i, s) for i, s in enumerate(steps)
                                                                if s.__class__ is not int))
    else:
        plan = (None, steps)
    if len(recipe[4]) >= 64:
        recipe[4].clear()
    recipe[4][now] = plan
    return plan


def _canonical(shape: tuple) -> tuple:
    # one object for equal canonical forms, so that a recipe is found by their identity
    known = _CANONS.get(shape)
    if known is None:
        if len(_CANONS) >= _KEPT:
            _CANONS.clear()
        known = _CANONS[shape] = shape
    return known


def _put_back(message: str, names: tuple[str, ...]) -> str:
    # a stand-in message with the pod's names put back
    if "\x00" not in message:
        return message
    return "".join(names[int(p)] if i % 2 else p for i, p in enumerate(message.split("\x00")))


def _made(step: tuple, previous: tuple, names: tuple[str, ...], now: int) -> Condition:
    type_, status, reason, parts, since = step
    since = now if since is None else previous[since].last_transition_ms
    if parts.__class__ is str:  # names no container: shared, as merged_alone shares it
        return _condition((type_, status, reason, parts, since))
    if len(parts) == 3:  # one name (a bare pod's one container)
        message = parts[0] + names[parts[1]] + parts[2]
    else:
        message = "".join([names[p] if p.__class__ is int else p for p in parts])
    return Condition(type=type_, status=status, reason=reason, message=message, last_transition_ms=since)
