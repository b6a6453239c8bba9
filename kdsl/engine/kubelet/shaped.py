"""A bare pod's phase and conditions, answered once per shape of its containers, its names put back."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from kdsl.core.evolve import evolve
from kdsl.engine.kubelet import containers as ct
from kdsl.engine.kubelet.merge import merged_alone
from kdsl.engine.kubelet.phase import TERMINAL, get_phase, is_sidecar, kubelet_conditions
from kdsl.engine.kubelet.recipe import canonical, follow, plan_at, put_back, recipe_for
from kdsl.engine.kubelet.refresh import changed, refreshed as plain
from kdsl.engine.objects import PodStatus, Terminated
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
# A refresh reads, but for the pod's names, only what this key holds: the answer's key, the sandbox, the time,
# and the pod's previous conditions, by their canonical form when its last refresh made them (PodRun.canon), else
# by their fields but for the times (the form they stand for). So the phase, the plan of its conditions and their
# next canonical form are found in one look-up: the pod's first refresh as well as its next ones.
# (policy, sidecars, deleting, phase, sandbox, id(canonical form) or fields, now, facts) -> (form, phase, plan,
# next form)
_FAST: dict[tuple, tuple] = {}
_SHAPE = attrgetter("type", "status", "reason", "message")  # a condition's canonical form, but for its time


def refreshed(t: PodTemplate, ctrs: tuple, deleting: bool, sandbox: str, gates: tuple[str, ...],
              status: PodStatus, now: int, canon: tuple | None) -> tuple[dict | None, str, tuple | None]:
    """refresh.refreshed(..., alone=True), and the pod's new `canon` (PodRun.canon): (its conditions, their
    canonical form, _named(its template)), by which its next refresh finds its recipe and names; None off the
    shared path."""
    named = canon[2] if canon is not None else None
    if named is None or named[1] is not t.containers or named[0] is not t.init_containers:
        named = _named(t)
    previous, read = status.conditions, named[4]
    # the statuses, split and in the template's order (what getPhase pairs by name), and their facts
    got = None if read is None or gates or previous.__class__ is not tuple else read(ctrs, named[2])
    if got is None:
        return (*plain(t, ctrs, deleting, sandbox, gates, status, now, alone=True), None)
    inits, regular, facts = got
    names = named[2]
    own = canon is not None and canon[0] is previous  # the pod's own last conditions: their canonical form known
    # everything below but the pod's names read in one look-up (_FAST): from its own last conditions, by their
    # canonical form; from any other, by their fields
    fast = (t.restart_policy, named[3], deleting, status.phase, sandbox,
            id(canon[1]) if own else tuple(map(_SHAPE, previous)), now, facts)
    known = _FAST.get(fast)
    if known is not None and (not own or known[0] is canon[1]):
        _, phase, plan, out = known
        conditions = previous if plan is None else follow(plan, previous, names, now)
        # refresh.changed, inline: a pod's refresh is most often found here
        if (phase != status.phase or conditions != previous or inits != status.init_container_statuses
                or regular != status.container_statuses):
            return {"phase": phase, "conditions": conditions, "init_container_statuses": inits,
                    "container_statuses": regular}, sandbox, (conditions, out, named)
        return None, sandbox, (conditions, out, named)
    phase, by_sandbox = _answer(t, named[3], inits, regular, deleting, status.phase, facts)
    key_sandbox = sandbox  # what _FAST's key holds
    if phase in TERMINAL and sandbox == "ready" and not any(c.stage in ct.LIVE for c in ctrs):
        sandbox = "gone"  # the kubelet kills a finished pod's sandbox
    rows, types = by_sandbox[sandbox == "ready"]
    if own:
        shape = canon[1]  # the conditions this pod's last refresh made: their canonical form
    elif any([c.type in types for c in previous]):
        # another's conditions of a type whose message names containers (the pod's, made before its record
        # was): their canonical form is unknown, so the rows are merged as they read for this pod
        conditions = merged_alone(tuple([(*r[:3], put_back(r[3], names)) for r in rows]), previous, now)
        return changed(phase, conditions, inits, regular, status), sandbox, None
    else:  # none of its conditions is compared with a message that names containers: each stands for itself
        shape = canonical(fast[5])
    recipe = recipe_for(rows, shape)
    if recipe[2] is None:
        plan, conditions = None, previous  # nothing changed: the same tuple
    else:
        plan = plan_at(recipe, now)
        conditions = follow(plan, previous, names, now)
    if phase not in TERMINAL or key_sandbox != "ready":  # (else the sandbox reads the containers' stages)
        if len(_FAST) >= _KEPT:
            _FAST.clear()
        _FAST[fast] = (shape, phase, plan, recipe[3])  # the entry keeps `shape` alive, so its id stays its own
    return changed(phase, conditions, inits, regular, status), sandbox, (conditions, recipe[3], named)


def _named(t: PodTemplate) -> tuple:
    """(init containers, containers, their names, which init containers are sidecars, their reader): the names
    and the reader None unless the names are unique."""
    inits, containers = t.init_containers, t.containers
    if not inits and len(containers) == 1:  # a bare pod's one container, most often
        return inits, containers, (containers[0].name,), (), _READ_ONE
    names = tuple([c.name for c in inits + containers])
    sidecars = tuple(map(is_sidecar, inits))
    if len(set(names)) != len(names):
        return inits, containers, None, sidecars, None
    return inits, containers, names, sidecars, _reader(len(sidecars), len(names))


def _reader(inits: int, n: int) -> Callable:
    """read(ctrs, names): (init statuses, regular statuses, their facts) of `inits` init containers and n - inits
    regular ones, in one pass; None unless the containers are that many, the first `inits` the init ones (any
    when the template has none: refresh.py takes them all as regular), and their statuses name `names` in order.
    The facts, flat, are refresh.facts less the names: what getPhase and the condition functions read."""
    read = _READERS.get((inits, n))
    if read is None:
        lines = ["def read(ctrs, names):", f"    if len(ctrs) != {n}:", "        return None"]
        for i in range(n):
            if inits:
                lines += [f"    if {'not ' if i < inits else ''}ctrs[{i}].init:", "        return None"]
            lines += [f"    s{i} = ctrs[{i}].status", f"    if s{i}.name != names[{i}]:", "        return None",
                      f"    st{i}, l{i} = s{i}.state, s{i}.last_state"]
        facts = "".join(f"st{i}.__class__, st{i}.exit_code if st{i}.__class__ is Terminated else None, "
                        f"None if l{i} is None else l{i}.exit_code, s{i}.ready, s{i}.started, " for i in range(n))
        lines.append(f"    return ({''.join(f's{i}, ' for i in range(inits))}), "
                     f"({''.join(f's{i}, ' for i in range(inits, n))}), ({facts})")
        scope = {"Terminated": Terminated}
        exec(compile("\n".join(lines), f"<kdsl shaped reader {inits} {n}>", "exec"), scope)  # noqa: S102
        if len(_READERS) >= 256:
            _READERS.clear()
        read = _READERS[(inits, n)] = scope["read"]
    return read


_READERS: dict[tuple[int, int], Callable] = {}  # (init containers, containers in all) -> their reader
_READ_ONE = _reader(0, 1)


def _answer(t: PodTemplate, sidecars: tuple, inits: tuple, regular: tuple, deleting: bool, previous: str,
            facts: tuple) -> tuple:
    """(phase, by sandbox ready: (kubelet_conditions' rows with stand-in names, the types whose message names
    one)) for the containers' shape: the policy, which init containers are sidecars (so how many there are),
    the deletion, the previous phase and each status's facts (so how many regular ones)."""
    key = (t.restart_policy, sidecars, deleting, previous, facts)
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


