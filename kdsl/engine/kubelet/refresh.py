"""A pod's status after a kubelet step: phase and conditions from its containers, remembered by what they read."""

from __future__ import annotations

from kdsl.engine.kubelet import containers as ct
from kdsl.engine.kubelet.merge import merged, merged_alone, shared
from kdsl.engine.kubelet.phase import TERMINAL, get_phase, kubelet_conditions
from kdsl.engine.objects import ContainerStatus, PodStatus, Terminated
from kdsl.model.pods import PodTemplate

# The phase and the kubelet's conditions read of the template only its containers and restart policy, and
# of each container status a few facts (below); every pod of a ReplicaSet shares its containers (each
# pod's template differs by its node) and passes through the same facts. So they are remembered by the
# containers' identity and those facts: a pod's step reads them, not computes them. Bounded; a hit is
# what get_phase and kubelet_conditions would have answered (tests/engine/kubelet/test_refresh.py).
_KEPT = 1 << 14
# (containers' ids, policy, deleting, sandbox, phase, facts) -> (containers, phase, mine)
_KNOWN: dict[tuple, tuple] = {}


def facts(statuses: tuple[ContainerStatus, ...]) -> tuple:
    """What get_phase and the condition functions read of each status: its name, its state's kind and
    exit code, its previous run's exit code, ready and started (never times, images or counts)."""
    out = []
    for s in statuses:
        state, last = s.state, s.last_state
        out.append((s.name, state.__class__, state.exit_code if state.__class__ is Terminated else None,
                    None if last is None else last.exit_code, s.ready, s.started))
    return tuple(out)


def _split(ctrs: tuple) -> tuple:
    """The containers' statuses, init and regular, and their facts. Pods that took the same steps
    together share their containers (kubelet/alike.py), and so these: made once for them all."""
    inits = tuple(c.status for c in ctrs if c.init)
    regular = tuple(c.status for c in ctrs if not c.init)
    split = (ctrs, inits, regular, facts(inits), facts(regular))
    if len(_SPLIT) >= _KEPT:
        _SPLIT.clear()
    _SPLIT[id(ctrs)] = split  # the entry keeps the containers alive, so their id stays their own
    return split


_SPLIT: dict[int, tuple] = {}  # id(ctrs) -> (ctrs, init statuses, regular statuses, their facts)
# The pods of a ReplicaSet that take a step together (kubelet/alike.py) share the containers it made, and the
# conditions their last refresh made (merge.py shares equal tuples): their refresh reads nothing else of theirs
# but the phase and the deletion, so the whole answer is found by identities, with no facts made or hashed.
# (id(ctrs), id(conditions), now, sandbox, deleting, phase, policy, ids of init containers, containers) ->
# (ctrs, conditions, init containers, containers, phase, new conditions, init statuses, statuses, sandbox)
_WHOLE: dict[tuple, tuple] = {}


def refreshed(t: PodTemplate, ctrs: tuple, deleting: bool, sandbox: str, gates: tuple[str, ...],
              status: PodStatus, now: int, alone: bool = False) -> tuple[dict | None, str]:
    """Phase and conditions recomputed from the container statuses, as generateAPIPodStatus does: the
    status fields that changed (None if none did) and the sandbox (torn down once the pod finished).
    `alone`: no other pod has these containers (kubelet/alike.py), so nothing is remembered of them."""
    if alone:  # what no other pod reads: computed, not looked up and kept
        if t.init_containers:
            inits = tuple(c.status for c in ctrs if c.init)
            regular = tuple(c.status for c in ctrs if not c.init)
        else:  # (a bare pod's, most often) every container is regular
            inits, regular = (), tuple(c.status for c in ctrs)
        key = known = None
    else:
        previous = status.conditions
        if not gates and previous.__class__ is tuple:  # the whole answer, found by identities (_WHOLE)
            if len(previous) == 1:  # (a bound pod's PodScheduled, in a tuple of its own) its shared tuple first
                previous = _shared(previous)
            whole = (id(ctrs), id(previous), now, sandbox, deleting, status.phase, t.restart_policy,
                     id(t.init_containers), id(t.containers))
            known = _WHOLE.get(whole)
            if known is None or known[0] is not ctrs or known[1] is not previous:
                previous = shared(previous)  # equal conditions in a tuple of the pod's own: the one shared tuple
                whole = (whole[0], id(previous), *whole[2:])
                known = _WHOLE.get(whole)
            if known is not None and known[0] is ctrs and known[1] is previous and known[2] is t.init_containers \
                    and known[3] is t.containers:
                _, _, _, _, phase, conditions, inits, regular, sandbox = known
                return changed(phase, conditions, inits, regular, status), sandbox
        else:
            whole = None
        split = _SPLIT.get(id(ctrs))
        if split is None or split[0] is not ctrs:
            split = _split(ctrs)
        _, inits, regular, inits_facts, regular_facts = split
        # readiness gates read other components' conditions: such a pod takes the pure path every time
        key = None if gates else (id(t.init_containers), id(t.containers), t.restart_policy, deleting, sandbox,
                                  status.phase, inits_facts, regular_facts)
        known = _KNOWN.get(key) if key is not None else None
    if known is not None and known[0] is t.init_containers and known[1] is t.containers:
        phase, mine = known[2], known[3]
    else:
        phase, mine = get_phase(t, inits, regular, terminal=deleting, previous=status.phase), None
    if phase in TERMINAL and sandbox == "ready" and not any(c.stage in ct.LIVE for c in ctrs):
        sandbox, mine = "gone", None  # the kubelet kills a finished pod's sandbox
    if mine is None:
        mine = kubelet_conditions(t, phase, inits, regular, sandbox_ready=sandbox == "ready",
                                  readiness_gates=gates, previous=status.conditions)
        if key is not None and sandbox == key[4]:  # what was answered for this key's own sandbox
            if len(_KNOWN) >= _KEPT:
                _KNOWN.clear()
            # the entry keeps the containers alive, so their ids stay their own
            _KNOWN[key] = (t.init_containers, t.containers, phase, mine)
    conditions = (merged_alone if alone else merged)(mine, status.conditions, now)
    if not alone and whole is not None:
        if len(_WHOLE) >= _KEPT:
            _WHOLE.clear()
        # the entry keeps what its key names alive, so their ids stay their own
        _WHOLE[whole] = (ctrs, previous, t.init_containers, t.containers, phase, conditions, inits, regular, sandbox)
    return changed(phase, conditions, inits, regular, status), sandbox


# A bound pod's conditions are most often the scheduler's one PodScheduled, one Condition for the pods a pass binds
# at one time, each in a tuple of its own: the shared tuple is found by that condition's identity, so that _WHOLE
# is asked once (a tuple of its own is never in it).
_ONE: dict[int, tuple] = {}  # id(condition) -> (condition, the shared tuple of it alone)


def _shared(previous: tuple) -> tuple:
    """merge.shared(previous), a one-condition tuple found by its condition's identity."""
    if len(previous) != 1:
        return shared(previous)
    one = _ONE.get(id(cond := previous[0]))
    if one is not None and one[0] is cond:
        return one[1]
    if len(_ONE) >= _KEPT:
        _ONE.clear()
    found = shared(previous)
    _ONE[id(cond)] = (cond, found)  # the entry keeps the condition alive, so its id stays its own
    return found


def changed(phase: str, conditions: tuple, inits: tuple, regular: tuple, status: PodStatus) -> dict | None:
    """The status fields a refresh sets, if any differs from `status`'s (None if none does)."""
    if (phase != status.phase or conditions != status.conditions or inits != status.init_container_statuses
            or regular != status.container_statuses):
        return {"phase": phase, "conditions": conditions, "init_container_statuses": inits,
                "container_statuses": regular}
    return None
