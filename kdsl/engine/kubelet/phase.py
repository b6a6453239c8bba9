"""Pod phase (kubelet getPhase) and the kubelet-owned pod conditions, from container statuses."""

from __future__ import annotations

from collections.abc import Sequence

from kdsl.engine.objects import Condition, ContainerStatus, Running, Terminated, Waiting
from kdsl.model.pods import Container, PodTemplate

TERMINAL = ("Succeeded", "Failed")


def is_sidecar(container: Container) -> bool:
    """An init container with restartPolicy Always (a restartable init container)."""
    return container.restart_policy == "Always"


def _by_name(statuses: Sequence[ContainerStatus]) -> dict[str, ContainerStatus]:
    return {s.name: s for s in statuses}


def has_started(template: PodTemplate, statuses: Sequence[ContainerStatus]) -> bool:
    """kubecontainer.HasAnyRegularContainerStarted: a regular container is running or has terminated."""
    names = {c.name for c in template.containers}
    return any(s.name in names and isinstance(s.state, Running | Terminated) for s in statuses)


def get_phase(template: PodTemplate, init_statuses: Sequence[ContainerStatus], statuses: Sequence[ContainerStatus],
              *, terminal: bool = False, previous: str | None = None) -> str:
    """The pod's phase as kubelet getPhase computes it (feature ContainerRestartRules off).

    `terminal`: the pod worker is tearing the pod down (it was deleted), so stopped containers will not
    restart whatever the policy. `previous`: the phase last written; Succeeded and Failed never change.
    """
    if previous in TERMINAL:
        return previous  # generateAPIPodStatus forces a terminal phase back
    inits, regular = _by_name(init_statuses), _by_name(statuses)
    pending_init = failed_init = pending_sidecar = 0
    unknown = running = waiting = stopped = succeeded = 0
    for c in template.init_containers:
        s = inits.get(c.name)
        if is_sidecar(c):
            if s is None:
                unknown += 1
            elif isinstance(s.state, Running):
                running += 1
                pending_sidecar += not s.started
            elif isinstance(s.state, Waiting) and s.last_state is None:
                pending_sidecar += 1
                waiting += 1
            continue  # terminated or restarting sidecars do not count
        if s is not None and isinstance(s.state, Terminated) and s.state.exit_code != 0:
            failed_init += 1
        elif s is not None and isinstance(s.state, Waiting) and s.last_state is not None and s.last_state.exit_code:
            failed_init += 1
        elif not (s is not None and isinstance(s.state, Terminated)):
            pending_init += 1
    for c in template.containers:
        s = regular.get(c.name)
        if s is None:
            unknown += 1
        elif isinstance(s.state, Running):
            running += 1
        elif isinstance(s.state, Terminated):
            stopped += 1
            succeeded += s.state.exit_code == 0
        elif s.last_state is not None:
            stopped += 1  # waiting to restart after a previous run
        else:
            waiting += 1

    policy = template.restart_policy
    if failed_init and policy == "Never":
        return "Failed"
    if pending_init or (pending_sidecar and not has_started(template, statuses)) or waiting:
        return "Pending"
    if running and not unknown:
        return "Running"
    if not running and stopped and not unknown:
        if terminal:
            return "Succeeded" if stopped == succeeded else "Failed"
        if policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        return "Failed" if policy == "Never" else "Running"
    return "Pending"


def _names(label: str, names: list[str]) -> str:
    # Go's %s of a []string: [a b]
    return f"containers with {label} status: [{' '.join(names)}]"


def _message(unknown: list[str], other_label: str, other: list[str]) -> str:
    parts = ([_names("unknown", unknown)] if unknown else []) + ([_names(other_label, other)] if other else [])
    return ", ".join(parts)


def initialized_condition(template: PodTemplate, phase: str, init_statuses: Sequence[ContainerStatus],
                          statuses: Sequence[ContainerStatus]) -> Condition:
    """status.GeneratePodInitializedCondition."""
    inits = _by_name(init_statuses)
    unknown, incomplete = [], []
    for c in template.init_containers:
        s = inits.get(c.name)
        if s is None:
            unknown.append(c.name)
        elif (not s.started) if is_sidecar(c) else (not s.ready):
            incomplete.append(c.name)
    if phase == "Succeeded" and not unknown:
        return Condition(type="Initialized", status="True", reason="PodCompleted")
    if has_started(template, statuses):
        return Condition(type="Initialized", status="True")
    message = _message(unknown, "incomplete", incomplete)
    if message:
        return Condition(type="Initialized", status="False", reason="ContainersNotInitialized", message=message)
    return Condition(type="Initialized", status="True")


def containers_ready_condition(template: PodTemplate, phase: str, init_statuses: Sequence[ContainerStatus],
                               statuses: Sequence[ContainerStatus]) -> Condition:
    """status.GenerateContainersReadyCondition: sidecars first, then the regular containers."""
    known = _by_name(tuple(init_statuses) + tuple(statuses))
    unknown, unready = [], []
    for c in tuple(c for c in template.init_containers if is_sidecar(c)) + template.containers:
        s = known.get(c.name)
        if s is None:
            unknown.append(c.name)
        elif not s.ready:
            unready.append(c.name)
    if phase == "Succeeded" and not unknown:
        return Condition(type="ContainersReady", status="False", reason="PodCompleted")
    if phase == "Failed":
        return Condition(type="ContainersReady", status="False", reason="PodFailed")
    message = _message(unknown, "unready", unready)
    if message:
        return Condition(type="ContainersReady", status="False", reason="ContainersNotReady", message=message)
    return Condition(type="ContainersReady", status="True")


def ready_condition(containers_ready: Condition, readiness_gates: Sequence[str],
                    conditions: Sequence[Condition]) -> Condition:
    """status.GeneratePodReadyCondition: ContainersReady, then every readiness gate's condition True."""
    if containers_ready.status != "True":
        return Condition(type="Ready", status=containers_ready.status, reason=containers_ready.reason,
                         message=containers_ready.message)
    messages = []
    for gate in readiness_gates:
        c = next((c for c in conditions if c.type == gate), None)
        if c is None:
            messages.append(f'corresponding condition of pod readiness gate "{gate}" does not exist.')
        elif c.status != "True":
            messages.append(f'the status of pod readiness gate "{gate}" is not "True", but {c.status}')
    if messages:
        return Condition(type="Ready", status="False", reason="ReadinessGatesNotReady", message=", ".join(messages))
    return Condition(type="Ready", status="True")


def pod_conditions(template: PodTemplate, phase: str, init_statuses: Sequence[ContainerStatus],
                   statuses: Sequence[ContainerStatus], *, sandbox_ready: bool, now_ms: int,
                   readiness_gates: Sequence[str] = (), previous: Sequence[Condition] = ()) -> tuple[Condition, ...]:
    """The kubelet's conditions merged into `previous` (which keeps others' conditions, such as
    readiness-gate conditions and DisruptionTarget); a transition time moves only with the status."""
    mine = kubelet_conditions(template, phase, init_statuses, statuses, sandbox_ready=sandbox_ready,
                              readiness_gates=readiness_gates, previous=previous)
    return merged(mine, previous, now_ms)


def kubelet_conditions(template: PodTemplate, phase: str, init_statuses: Sequence[ContainerStatus],
                       statuses: Sequence[ContainerStatus], *, sandbox_ready: bool,
                       readiness_gates: Sequence[str] = (), previous: Sequence[Condition] = ()) -> tuple:
    """The kubelet's five conditions as (type, status, reason, message), in the order generateAPIPodStatus
    appends them; `previous` is read only for the readiness gates' conditions."""
    if template.init_containers:
        initialized = initialized_condition(template, phase, init_statuses, statuses)
        init = (initialized.status, initialized.reason, initialized.message)
    else:  # what initialized_condition says of a pod without init containers, without building it
        init = ("True", "PodCompleted" if phase == "Succeeded" else "", "")
    containers_ready = containers_ready_condition(template, phase, init_statuses, statuses)
    if containers_ready.status != "True" or readiness_gates:
        ready = ready_condition(containers_ready, readiness_gates, previous)
        ready = (ready.status, ready.reason, ready.message)
    else:
        ready = ("True", "", "")  # ready_condition's answer when no readiness gate asks more
    # the order generateAPIPodStatus appends them in, as `kubectl get pod -o yaml` lists them
    return (("PodReadyToStartContainers", "True" if sandbox_ready else "False", "", ""),
            ("Initialized", *init),
            ("Ready", *ready),
            ("ContainersReady", containers_ready.status, containers_ready.reason, containers_ready.message),
            ("PodScheduled", "True", "", ""))


def merged(mine: tuple, previous: Sequence[Condition], now_ms: int) -> tuple[Condition, ...]:
    """`mine` (kubelet_conditions) merged into `previous` at `now_ms`, as pod_conditions does."""
    if isinstance(previous, tuple):
        key = (id(previous), mine, now_ms)
        found = _MERGED.get(key)
        if found is not None and found[0] is previous:
            return found[1]
        # pods bound at one moment hold equal conditions in tuples of their own (the scheduler's
        # PodScheduled): the first such tuple stands for the rest, so their merge is made once
        if len(_SHARED) >= _KEPT:
            _SHARED.clear()
        shared = _SHARED.setdefault(previous, previous)
        if shared is not previous:
            previous, key = shared, (id(shared), mine, now_ms)
            found = _MERGED.get(key)
            if found is not None and found[0] is previous:
                return found[1]
        if len(_MERGED) >= _KEPT:
            _MERGED.clear()
        conditions = _merge(mine, previous, now_ms)
        if conditions is not previous:
            if len(_SHARED) >= _KEPT:
                _SHARED.clear()
            conditions = _SHARED.setdefault(conditions, conditions)
        _MERGED[key] = (previous, conditions)  # the entry keeps `previous` alive, so its id stays its own
        return conditions
    return _merge(mine, previous, now_ms)


# The pods of a ReplicaSet go through the same conditions at the same moments: a merge is remembered by
# the identity of the conditions it starts from, and equal results are one shared tuple, so that the next
# pod's merge from that tuple is found. Bounded; a hit is what the merge would have made.
_KEPT = 1 << 16
_MERGED: dict[tuple, tuple] = {}  # (id(previous), mine, now) -> (previous, merged)
_SHARED: dict[tuple, tuple] = {}  # merged conditions by value -> the one tuple of them


def _merge(mine: tuple, previous: Sequence[Condition], now_ms: int) -> tuple[Condition, ...]:
    # set_condition for each in one pass: a previous condition of the same type is replaced (its
    # transition time kept while the status holds, and kept as is when nothing changed); the rest
    # are appended in order.
    new = {type_: (status, reason, message, now_ms) for type_, status, reason, message in mine}
    out, found = [], set()
    for c in previous:
        n = new.get(c.type)
        if n is None:
            out.append(c)
            continue
        found.add(c.type)
        status, reason, message, since = n
        if c.status == status:
            since = c.last_transition_ms
            new[c.type] = (status, reason, message, since)
            if c.reason == reason and c.message == message:
                out.append(c)
                continue
        out.append(Condition(type=c.type, status=status, reason=reason, message=message, last_transition_ms=since))
    for type_, status, reason, message in mine:
        if type_ not in found:
            out.append(Condition(type=type_, status=status, reason=reason, message=message, last_transition_ms=now_ms))
    if isinstance(previous, tuple) and len(out) == len(previous) and all(a is b for a, b in zip(out, previous)):
        return previous  # nothing changed: the same tuple, which the caller compares at no cost
    return tuple(out)
